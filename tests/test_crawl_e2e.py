"""End to end: ``csto crawl`` (a subprocess: Scrapy's reactor cannot restart) against the demo site.

One demo site serves three crawls into one archive: the first archives everything, the second
(incremental) and the third (``--full``, every page again) must store nothing new. The archive is read
with plain SQL and compared with the recording's gold.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from csto_crawler.demo import DEMO_CRAWL_SETTINGS, DemoArticle, DemoRequest, DemoSite
from csto_crawler.settings import CSTO_SECTIONS

CRAWL_TIMEOUT = 120  # seconds; a crawl of the demo site takes two or three
# What a crawl extracted for an article (not when: first_seen_at and the like differ between crawls).
ARTICLE_FIELDS = (
    "url, lang, section, slug, element_id, title, subtitle, published, published_source, published_tz,"
    " signature, attachments, images, counterpart_url, content_sha256, version_count"
)
BODIES = ("body_text", "body_html")


@dataclass
class Crawl:
    returncode: int
    stderr: str
    requests: list[DemoRequest]
    counts: dict[str, int]


@dataclass
class CrawledDemo:
    site: DemoSite
    archive: Path
    first: Crawl
    second: Crawl
    full: Crawl

    def connect(self) -> closing[sqlite3.Connection]:
        return connect_read_only(self.archive)

    def article_row(self, lang: str, article: DemoArticle) -> sqlite3.Row:
        with self.connect() as db:
            url = self.site.url(lang, article.path)
            row: sqlite3.Row | None = db.execute("SELECT * FROM articles WHERE url = ?", (url,)).fetchone()
        assert row is not None, article.path
        return row


def run_csto(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "csto_crawler", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=CRAWL_TIMEOUT, check=False)


def crawl(site: DemoSite, archive: Path, *options: str) -> Crawl:
    site.clear_log()
    args = ["crawl", "--archive", str(archive), "--log-level", "WARNING", *options]
    for lang, base in site.base_urls.items():
        args += ["--site", f"{lang}={base}"]
    for name, value in DEMO_CRAWL_SETTINGS.items():
        args += ["-s", f"{name}={value}"]
    result = run_csto(*args, cwd=archive.parent)
    return Crawl(result.returncode, result.stderr, site.requests(), table_counts(archive))


def connect_read_only(archive: Path) -> closing[sqlite3.Connection]:
    """A read-only connection, closed on leaving the ``with`` block (sqlite3's own only commits)."""
    db = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return closing(db)


def article_contents(archive: Path) -> dict[str, tuple[object, ...]]:
    """Each archived article's extracted fields by URL; bodies as sha256 (readable diffs), no timestamps."""
    with connect_read_only(archive) as db:
        rows = db.execute(f"SELECT {ARTICLE_FIELDS}, body_text, body_html FROM articles").fetchall()  # noqa: S608
    return {
        row["url"]: (*tuple(row)[1:-2], *(hashlib.sha256(row[body].encode()).hexdigest() for body in BODIES))
        for row in rows
    }


def table_counts(archive: Path) -> dict[str, int]:
    with connect_read_only(archive) as db:
        tables = ("articles", "versions", "blobs", "fetches", "attachments", "crawl_runs")
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608 - fixed names


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawledDemo]:
    """Three crawls of the demo site into one archive: first, incremental, ``--full``."""
    archive = tmp_path_factory.mktemp("e2e") / "csto.sqlite"
    with DemoSite() as site:
        first = crawl(site, archive)
        second = crawl(site, archive)
        full = crawl(site, archive, "--full")
        yield CrawledDemo(site, archive, first, second, full)


def test_crawl_exits_zero_every_time(crawled: CrawledDemo) -> None:
    for run in (crawled.first, crawled.second, crawled.full):
        assert run.returncode == 0, run.stderr[-3000:]
        assert "Traceback" not in run.stderr


def test_a_clean_crawl_logs_no_warning(crawled: CrawledDemo) -> None:
    """A warning must mean something to whoever monitors the crawl (the demo site has no faults)."""
    for run in (crawled.first, crawled.second, crawled.full):
        assert "WARNING" not in run.stderr and "ERROR" not in run.stderr, run.stderr[-3000:]


def test_crawl_archives_every_article_once(crawled: CrawledDemo) -> None:
    with crawled.connect() as db:
        rows = db.execute("SELECT lang, url FROM articles").fetchall()
    for lang in ("en", "ru"):
        expected = {crawled.site.url(lang, a.path) for a in crawled.site.articles(lang)}
        assert sorted(r["url"] for r in rows if r["lang"] == lang) == sorted(expected)
    assert not [url for url, n in Counter(r["url"] for r in rows).items() if n > 1]


def test_crawl_keeps_titles_exactly(crawled: CrawledDemo) -> None:
    ru = [a for a in crawled.site.articles("ru") if "«" in a.title]
    assert ru  # Cyrillic with guillemets: windows-1251 bytes must round-trip to these characters
    for lang in ("en", "ru"):
        for article in crawled.site.articles(lang):
            assert crawled.article_row(lang, article)["title"] == article.title


def test_crawl_takes_the_time_from_the_en_authorized_organs_listing(crawled: CrawledDemo) -> None:
    timed = [a for a in crawled.site.articles("en") if a.section.startswith("authorized_organs/") and a.datetime]
    assert timed
    for article in timed:
        assert crawled.article_row("en", article)["published"] == f"{article.datetime}+03:00"


def test_crawl_dates_no_date_line_articles_from_the_listing(crawled: CrawledDemo) -> None:
    undated = [(lang, a) for lang in ("en", "ru") for a in crawled.site.articles(lang) if "no_date_line" in a.quirks]
    assert {lang for lang, _ in undated} == {"en", "ru"}
    for lang, article in undated:
        row = crawled.article_row(lang, article)
        assert row["published"][:10] == article.date
        assert row["published_source"] == "listing"


def test_crawl_records_attachments_with_sha256(crawled: CrawledDemo) -> None:
    expected = {
        crawled.site.url(lang, att.url): att.sha256
        for lang in ("en", "ru")
        for article in crawled.site.articles(lang)
        for att in article.attachments
    }
    assert expected
    with crawled.connect() as db:
        rows = db.execute("SELECT a.url, a.sha256, b.size FROM attachments a JOIN blobs b USING (sha256)").fetchall()
    assert {r["url"]: r["sha256"] for r in rows} == expected


def test_crawl_extracts_every_attachments_text(crawled: CrawledDemo) -> None:
    """Every downloaded file gets its text at the crawl's end (issue 15); files also in
    tests/fixtures/attachments match the text the replica put in them (token F1 >= 0.98)."""
    import json
    import re

    fixtures = Path(__file__).parent / "fixtures" / "attachments" / "replica.json"
    gold = {v["sha256"]: v["text"] for v in json.loads(fixtures.read_text(encoding="utf-8")).values()}
    with crawled.connect() as db:
        rows = db.execute(
            "SELECT t.url, t.sha256, x.status, x.text FROM attachments t"
            " LEFT JOIN attachment_texts x ON x.sha256 = t.sha256"
        ).fetchall()
    assert rows and all(r["status"] == "ok" and r["text"] for r in rows), [tuple(r) for r in rows]
    compared = 0
    for row in rows:
        if row["sha256"] in gold:
            words = [Counter(re.findall(r"\w+", t.casefold())) for t in (row["text"], gold[row["sha256"]])]
            common = sum((words[0] & words[1]).values())
            assert 2 * common / (sum(words[0].values()) + sum(words[1].values())) >= 0.98, row["url"]
            compared += 1
    assert compared >= 2


def test_crawl_keeps_a_snapshot_of_every_fetch(crawled: CrawledDemo) -> None:
    with crawled.connect() as db:
        orphans = db.execute(
            "SELECT f.url FROM fetches f LEFT JOIN blobs b ON b.sha256 = f.sha256 WHERE b.sha256 IS NULL"
        ).fetchall()
    assert crawled.first.counts["fetches"] > crawled.first.counts["articles"]
    assert [r["url"] for r in orphans] == []


def test_crawl_asks_only_for_recorded_pages_and_each_once(crawled: CrawledDemo) -> None:
    # A 404 outside the sections the demo site lacks means the crawler wants a page the recording does
    # not hold: regenerate it with scripts/build_demo_site.py.
    missing_sections = {f"/{s}/" for s in CSTO_SECTIONS}
    not_found = {r.path for r in crawled.first.requests if r.status == 404}
    assert not_found <= missing_sections
    fetched = Counter((r.host, r.path) for r in crawled.first.requests if r.status == 200)
    assert [key for key, n in fetched.items() if n > 1] == []


def test_second_crawl_adds_no_articles_versions_or_blobs(crawled: CrawledDemo) -> None:
    first, second = crawled.first.counts, crawled.second.counts
    for table in ("articles", "versions", "blobs", "attachments"):
        assert second[table] == first[table], table
    assert first["versions"] == first["articles"]
    assert second["crawl_runs"] == 2


def test_full_recrawl_refetches_everything_and_stores_no_new_version_or_blob(crawled: CrawledDemo) -> None:
    fetched = {(r.host, r.path) for r in crawled.full.requests if r.status == 200}
    for lang in ("en", "ru"):
        assert {(lang, a.path) for a in crawled.site.articles(lang)} <= fetched
    first, full = crawled.first.counts, crawled.full.counts
    for table in ("articles", "versions", "blobs", "attachments"):
        assert full[table] == first[table], table  # identical bytes share one blob
    assert full["fetches"] > crawled.second.counts["fetches"]


def test_cli_demo_crawls_and_prints_a_summary(tmp_path: Path) -> None:
    result = run_csto("demo", "--archive", str(tmp_path / "demo.sqlite"), "--port", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    total = sum(len(DemoSite().articles(lang)) for lang in ("en", "ru"))
    assert f"total: {total} articles" in result.stdout
    assert "news/news_odkb" in result.stdout
    assert "run 1 finished" in result.stderr
