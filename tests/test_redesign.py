"""End to end: a redesign the extractor cannot read, the drift alarm, then ``csto reextract``.

The demo site's article pages are replaced by a template that shows only navigation (the article
is still in the page, but base64-encoded in a comment, where no reader sees it). The crawl must:
exit 8 naming the fields, write no article and no version, and keep every page as a held snapshot.
Then the extractor "learns" the template (a monkeypatched extract_article that decodes the comment),
and ``csto reextract`` fills every article in from the snapshots, with no network, marked as an
extractor change; a second ``reextract`` changes nothing.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from archive_items import T0, article_item, rows, write_run
from click.testing import CliRunner
from demo_crawls import Crawl, count_rows, crawl, expected_urls, query
from log_lines import unstamped

from csto_crawler import EXTRACTOR_VERSION, extraction
from csto_crawler.cli import ExitCode, main
from csto_crawler.demo import DemoSite
from csto_crawler.extraction import Extraction
from csto_crawler.items import FetchRecord
from csto_crawler.pages.anchored import Hints

NAVIGATION = (
    '<ul class="x-menu"><li><a href="/">Home</a></li><li><a href="/news/">News</a></li>'
    '<li><a href="/documents/">Documents</a></li><li><a href="/contacts/">Contacts</a></li></ul>'
)
HIDDEN = re.compile(rb"<!--v2:([A-Za-z0-9+/=]+)-->")


def redesigned(page: bytes) -> bytes:
    """The new template: navigation only; the old page rides along where no reader looks."""
    hidden = base64.b64encode(page)
    return (
        b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>CSTO</title></head><body>"
        + NAVIGATION.encode()
        + b"<!--v2:"
        + hidden
        + b"--></body></html>"
    )


@dataclass
class Redesign:
    site: DemoSite
    archive: Path
    crawl: Crawl


@pytest.fixture(scope="module")
def redesign(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redesign]:
    with DemoSite() as site:
        for article in site.articles("en"):
            served = site.served("en", article.path)
            site.override("en", article.path, body=redesigned(served.body), content_type="text/html; charset=utf-8")
        archive = tmp_path_factory.mktemp("redesign") / "csto.sqlite"
        yield Redesign(site, archive, crawl(site, archive, "--lang", "en"))


def test_a_template_nobody_can_read_ends_the_run_with_the_drift_code(redesign: Redesign) -> None:
    assert redesign.crawl.returncode == ExitCode.DRIFT, redesign.crawl.stderr[-2000:]
    error = unstamped(redesign.crawl.stderr).strip().splitlines()[-1]
    assert error.startswith("csto: error: extraction drift")
    assert "en (all sections): 20 of 20 article pages doubtful (title+date+body (no article found) 20)" in error


def test_no_article_or_version_is_written_from_an_unreadable_template(redesign: Redesign) -> None:
    assert count_rows(redesign.archive, "articles") == 0
    assert count_rows(redesign.archive, "versions") == 0
    held = {row[0] for row in query(redesign.archive, "SELECT url FROM held_pages")}
    assert held == expected_urls(redesign.site, "en")


def test_health_lists_the_drift_and_every_held_page(redesign: Redesign) -> None:
    result = CliRunner().invoke(main, ["health", "--archive", str(redesign.archive)])
    assert result.exit_code == 0, result.output
    assert "DRIFT: en news/news_odkb" in result.output
    held_lines = [line for line in result.output.splitlines() if line.startswith("  http")]
    assert len(held_lines) == len(expected_urls(redesign.site, "en"))
    assert all("\tunreadable\t" in line for line in held_lines)


def learned_extract_article(
    fetch: FetchRecord, url: str, lang: str, encoding: str, hints: Hints | None = None
) -> Extraction:
    """Today's extractor after it learned the new template: the article is in the comment."""
    found = HIDDEN.search(fetch.body)
    page = replace(fetch, body=base64.b64decode(found.group(1))) if found else fetch
    extraction = KNOWN_EXTRACT(page, url, lang, "utf-8", hints)
    if extraction.item is not None:
        extraction.item.fetch = fetch
    return extraction


KNOWN_EXTRACT = extraction.extract_article


def test_reextract_fills_in_the_held_articles_from_snapshots(
    redesign: Redesign, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetches_before = count_rows(redesign.archive, "fetches")
    monkeypatch.setattr(extraction, "extract_article", learned_extract_article)
    redesign.site.clear_log()
    runner = CliRunner()
    result = runner.invoke(main, ["reextract", "--archive", str(redesign.archive), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert redesign.site.requests() == []  # no network
    urls = {row[0] for row in query(redesign.archive, "SELECT url FROM articles")}
    assert urls == expected_urls(redesign.site, "en")
    assert count_rows(redesign.archive, "held_pages") == 0
    assert count_rows(redesign.archive, "fetches") == fetches_before  # read from the snapshots
    changes = query(redesign.archive, "SELECT DISTINCT change, extractor_version FROM versions")
    assert [tuple(row) for row in changes] == [("extractor", EXTRACTOR_VERSION)]
    titles = query(redesign.archive, "SELECT count(*) FROM articles WHERE title = '' OR body_text = ''")
    assert titles[0][0] == 0

    again = runner.invoke(main, ["reextract", "--archive", str(redesign.archive), "--workers", "1"])
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output
    assert count_rows(redesign.archive, "versions") == len(urls)


def test_reextract_never_moves_what_the_site_last_said_back_in_time(tmp_path: Path) -> None:
    """An extractor version read from an older snapshot leaves last_seen, the last fetch and the
    caching headers where the newest fetch put them."""
    path = tmp_path / "csto.sqlite"
    write_run(path, [article_item("meeting", at=T0)])
    write_run(path, [article_item("meeting", at=T0 + dt.timedelta(days=200))])
    before = rows(path, "SELECT last_seen_at, last_fetch_id, last_run_id FROM articles")
    oldest = rows(path, "SELECT id FROM fetches ORDER BY id LIMIT 1")[0]["id"]
    reread = article_item("meeting", at=T0, title="Meeting, read better", version_change="extractor")
    reread.fetch = dataclasses.replace(reread.fetch, stored_id=oldest)
    _, results = write_run(path, [reread])
    assert [r.outcome for r in results] == ["changed"]
    assert rows(path, "SELECT last_seen_at, last_fetch_id, last_run_id FROM articles") == before
