"""WARC in and out: ``csto warc export`` and ``csto warc import`` on an archive of the demo site.

The demo site is crawled twice (the second crawl refetches pages with identical bytes, which the
export writes as revisit records). The export is read back with warcio, checked with ``warcio
check`` and ``warcio index``, imported into an empty archive (same articles, versions and
fingerprints), imported twice (nothing added), imported after a crash (picked up where it stopped),
and an older capture of an article, made with warcio, is imported into the crawled archive, where
it becomes the article's first version. A WARC that wget writes while mirroring the demo site
imports like a crawl.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from demo_crawls import crawl
from log_lines import unstamped
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from csto_crawler import settings
from csto_crawler.archive import blobs
from csto_crawler.archive.database import open_database
from csto_crawler.archive.store import ArchiveWriter
from csto_crawler.cli import ExitCode, main
from csto_crawler.demo import DemoSite
from csto_crawler.runs import RunLimits
from csto_crawler.urls import Sites
from csto_crawler.warc import importer
from csto_crawler.warc.importer import WarcImporter

LIMITS = RunLimits(0.2, 5)
# What must survive a round trip, per article and per version (not run IDs: a new archive numbers its own).
ARTICLES = (
    "SELECT id, url, lang, section, title, published, content_sha256, version_count, first_seen_at, last_seen_at,"
    " counterpart_url, attachments FROM articles ORDER BY id"
)
VERSIONS = (
    "SELECT article_id, version, content_sha256, title, body_text, first_seen_at, last_seen_at, url FROM versions"
    " ORDER BY article_id, version"
)


@dataclass
class DemoArchive:
    archive: Path
    bases: dict[str, str]
    warc: Path

    def site_options(self) -> list[str]:
        return [option for lang, base in self.bases.items() for option in ("--site", f"{lang}={base}")]


def read(archive: Path, sql: str, *params: Any) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(f"file:{archive}?mode=ro", uri=True)) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql, params)]


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoArchive]:
    folder = tmp_path_factory.mktemp("warc")
    archive = folder / "demo.sqlite"
    with DemoSite() as site:
        for _ in range(2):
            assert crawl(site, archive).returncode == 0
        bases = dict(site.base_urls)
    warc = folder / "demo.warc.gz"
    result = invoke("warc", "export", "--archive", str(archive), "-o", str(warc))
    assert result.exit_code == 0, result.output
    yield DemoArchive(archive, bases, warc)


def imported_into(demo: DemoArchive, archive: Path, *files: Path) -> Any:
    result = invoke(
        "warc", "import", *map(str, files or (demo.warc,)), "--archive", str(archive), "--workers", "2",
        *demo.site_options(),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result


def records(path: Path) -> list[dict[str, Any]]:
    """Every record: its WARC headers, and its content (decoded payload) for responses and metadata."""
    out = []
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            headers = dict(record.rec_headers.headers)
            content = record.content_stream().read()
            out.append({"type": record.rec_type, "headers": headers, "content": content})
    return out


def fields(content: bytes) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in content.decode().splitlines() if line)


# --- export -----------------------------------------------------------------------------------------


def test_the_export_holds_every_stored_snapshot_with_its_digest(demo: DemoArchive) -> None:
    found = records(demo.warc)
    assert found[0]["type"] == "warcinfo"
    runs = read(demo.archive, "SELECT id FROM crawl_runs ORDER BY id")
    info_runs = [line for line in found[0]["content"].decode().splitlines() if line.startswith("csto-run:")]
    assert [line.split()[1] for line in info_runs] == [str(run["id"]) for run in runs]  # the runs covered
    by_id = {r["headers"]["WARC-Record-ID"]: r for r in found}
    metadata = {fields(r["content"])["csto-fetch-id"]: r for r in found if r["type"] == "metadata"}
    fetches = read(demo.archive, "SELECT id, final_url, status, fetched_at, sha256 FROM fetches ORDER BY id")
    assert len(metadata) == len(fetches)
    revisits = 0
    for fetch in fetches:
        response = by_id[metadata[str(fetch["id"])]["headers"]["WARC-Concurrent-To"]]
        headers = response["headers"]
        assert headers["WARC-Target-URI"] == fetch["final_url"]
        assert headers["WARC-Payload-Digest"] == f"sha256:{fetch['sha256']}"
        when = dt.datetime.fromisoformat(headers["WARC-Date"].replace("Z", "+00:00"))
        assert when == dt.datetime.fromisoformat(fetch["fetched_at"])
        if response["type"] == "revisit":
            revisits += 1
            response = by_id[headers["WARC-Refers-To"]]
            assert response["headers"]["WARC-Payload-Digest"] == headers["WARC-Payload-Digest"]
        assert response["type"] == "response"
        assert hashlib.sha256(response["content"]).hexdigest() == fetch["sha256"]
    assert revisits > 0  # the second crawl fetched listing pages and sitemaps with the same bytes


def test_metadata_links_each_first_showing_to_its_article_version(demo: DemoArchive) -> None:
    linked = {
        (f["csto-article-id"], int(f["csto-version"]))
        for f in (fields(r["content"]) for r in records(demo.warc) if r["type"] == "metadata")
        if f.get("csto-version-first-shown") == "yes"
    }
    stored = {(v["article_id"], v["version"]) for v in read(demo.archive, "SELECT article_id, version FROM versions")}
    assert linked == stored
    attachments = [fields(r["content"]) for r in records(demo.warc) if r["type"] == "metadata"]
    assert any(f["csto-kind"] == "attachment" and f.get("csto-attachment-of") for f in attachments)


def test_warcio_check_and_index_accept_the_export(demo: DemoArchive) -> None:
    warcio = [sys.executable, "-c", "from warcio.cli import main; main()"]
    check = subprocess.run([*warcio, "check", "-v", str(demo.warc)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout
    assert "fail" not in check.stdout
    index = subprocess.run([*warcio, "index", str(demo.warc)], capture_output=True, text=True, check=False)
    assert index.returncode == 0, index.stderr
    assert len(index.stdout.splitlines()) == len(records(demo.warc))


def test_the_export_narrows_to_a_language_and_a_day(demo: DemoArchive, tmp_path: Path) -> None:
    out = tmp_path / "en.warc.gz"
    assert invoke("warc", "export", "--archive", str(demo.archive), "--lang", "en", "-o", str(out)).exit_code == 0
    langs = {fields(r["content"])["csto-lang"] for r in records(out) if r["type"] == "metadata"}
    assert langs == {"en"}
    later = tmp_path / "later.warc.gz"
    result = invoke("warc", "export", "--archive", str(demo.archive), "--since", "2999-01-01", "-o", str(later))
    assert result.exit_code == 0
    assert [r["type"] for r in records(later)] == ["warcinfo"]


def test_an_export_into_a_missing_folder_is_one_line(demo: DemoArchive, tmp_path: Path) -> None:
    result = invoke("warc", "export", "--archive", str(demo.archive), "-o", str(tmp_path / "no" / "x.warc.gz"))
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert result.output.startswith("csto: error: cannot write")


# --- import -----------------------------------------------------------------------------------------


def test_round_trip_gives_the_same_articles_and_versions(demo: DemoArchive, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    imported_into(demo, copy)
    for sql in (
        ARTICLES,
        VERSIONS,
        "SELECT url, article_url, filename, sha256 FROM attachments ORDER BY url",
        "SELECT url, lastmod FROM sitemap_entries ORDER BY url",
        "SELECT article_url, listing_url, page, position, listed_title FROM listing_sightings ORDER BY 1, 2, 3, 4",
    ):
        assert read(copy, sql) == read(demo.archive, sql), sql
    provenance = read(copy, "SELECT DISTINCT source FROM fetches")
    assert provenance == [{"source": demo.warc.name}]
    (run,) = read(copy, "SELECT mode, finish_reason FROM crawl_runs")
    assert run == {"mode": "warc-import", "finish_reason": "finished"}


def test_importing_a_file_twice_adds_nothing(demo: DemoArchive, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    imported_into(demo, copy)
    tables = ("fetches", "blobs", "articles", "versions", "listing_sightings", "attachments", "url_aliases")
    before = {table: read(copy, f"SELECT count(*) AS n FROM {table}")[0]["n"] for table in tables}  # noqa: S608
    again = imported_into(demo, copy)
    after = {table: read(copy, f"SELECT count(*) AS n FROM {table}")[0]["n"] for table in tables}  # noqa: S608
    assert after == before
    assert "already imported" in again.output
    assert "archived: nothing" in again.output


def test_an_import_that_stopped_half_way_is_finished_by_the_next(
    demo: DemoArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after some batches (as kill -9): what was written stays, the next import adds the rest."""
    clean = tmp_path / "clean.sqlite"
    imported_into(demo, clean)
    crashed = tmp_path / "crashed.sqlite"
    monkeypatch.setattr(importer, "BATCH", 10)
    writes = 0
    write_batch = ArchiveWriter.write_batch

    def dying(self: ArchiveWriter, items: Any, run_id: int) -> Any:
        nonlocal writes
        writes += 1
        if writes == 6:
            raise KeyboardInterrupt  # the process dies here
        return write_batch(self, items, run_id)

    monkeypatch.setattr(ArchiveWriter, "write_batch", dying)
    writer = ArchiveWriter(open_database(crashed))
    sites = Sites({**settings.CSTO_SITES, **demo.bases})
    with pytest.raises(KeyboardInterrupt):
        WarcImporter(writer, sites, settings.CSTO_SECTIONS, settings.CSTO_SITE_TIMEZONE).run([demo.warc], {}, LIMITS)
    writer.close()
    partial = read(crashed, "SELECT count(*) AS n FROM fetches")[0]["n"]
    assert 0 < partial < read(clean, "SELECT count(*) AS n FROM fetches")[0]["n"]
    monkeypatch.setattr(ArchiveWriter, "write_batch", write_batch)
    imported_into(demo, crashed)
    for sql in (
        VERSIONS,
        "SELECT url, status, fetched_at, sha256, warc_record_id FROM fetches ORDER BY warc_record_id",
    ):
        assert read(crashed, sql) == read(clean, sql)


def older_capture(page: bytes, url: str, when: dt.datetime, title: str, new_title: str) -> bytes:
    """A WARC file holding one response: ``page`` with its title changed, as the Wayback Machine
    serves a capture made at ``when`` (raw, ``id_``), fetched today."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    body = page.replace(title.encode(), new_title.encode())
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=UTF-8")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        f"https://web.archive.org/web/{when:%Y%m%d%H%M%S}id_/{url}",
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=headers,
    )
    writer.write_record(record)
    return out.getvalue()


def test_an_older_capture_comes_first_in_time_and_cited_versions_keep_their_numbers(
    demo: DemoArchive, tmp_path: Path
) -> None:
    archive = tmp_path / "crawled.sqlite"
    shutil.copy(demo.archive, archive)
    (article,) = read(
        demo.archive,
        "SELECT a.id, a.url, a.title, a.first_seen_at, a.content_sha256, b.codec, b.data FROM articles a"
        " JOIN versions v ON v.article_id = a.id JOIN blobs b ON b.sha256 = v.snapshot_sha256"
        " WHERE a.lang = 'en' AND a.attachments = '[]' ORDER BY a.id LIMIT 1",
    )
    page = blobs.decode(article["codec"], article["data"])
    when = dt.datetime.fromisoformat(article["first_seen_at"]).replace(microsecond=0) - dt.timedelta(days=365)
    old = tmp_path / "old.warc.gz"
    old.write_bytes(older_capture(page, article["url"], when, article["title"], article["title"] + " (draft)"))
    imported_into(demo, archive, old)
    history = read(
        archive,
        "SELECT version, title, first_seen_at, content_sha256 FROM versions WHERE article_id = ?"
        " ORDER BY first_seen_at, version",
        article["id"],
    )
    assert [v["version"] for v in history] == [2, 1]  # in time order; version 1 is still what it was
    assert history[0]["title"] == article["title"] + " (draft)"
    assert dt.datetime.fromisoformat(history[0]["first_seen_at"]) == when
    assert history[1]["content_sha256"] == article["content_sha256"]
    query = "SELECT title, version_count, current_version, first_seen_at FROM articles WHERE id = ?"
    (now,) = read(archive, query, article["id"])
    assert (now["title"], now["version_count"], now["current_version"]) == (article["title"], 2, 1)
    assert dt.datetime.fromisoformat(now["first_seen_at"]) == when
    assert invoke("verify", "--archive", str(archive)).exit_code == 0


def test_a_file_that_is_not_a_warc_is_refused_in_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a web archive\n")
    result = invoke("warc", "import", str(bogus), "--archive", str(tmp_path / "a.sqlite"))
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert unstamped(result.output).startswith("csto: error:")
    assert len(result.output.splitlines()) == 1
    assert not (tmp_path / "a.sqlite").exists()


def test_captures_of_other_hosts_are_counted_and_named(demo: DemoArchive, tmp_path: Path) -> None:
    result = invoke("warc", "import", str(demo.warc), "--archive", str(tmp_path / "a.sqlite"))
    assert result.exit_code == 0
    assert "not on the configured sites" in result.output
    assert urlsplit_netloc(demo.bases["en"]) in result.output
    assert read(tmp_path / "a.sqlite", "SELECT count(*) AS n FROM articles")[0]["n"] == 0


def urlsplit_netloc(url: str) -> str:
    return url.split("//", 1)[1]


# --- a WARC written by another tool -----------------------------------------------------------------


@pytest.mark.skipif(shutil.which("wget") is None, reason="wget is not installed (apt-get install wget)")
def test_a_wget_mirror_imports_like_a_crawl(tmp_path: Path) -> None:
    with DemoSite() as site:
        # The recording has no home page: the mirror starts from the section listings. wget takes
        # the two loopback ports for one host, so one mirror holds both sites. (Keep-alive off: the
        # demo server keeps idle connections open, which makes wget wait after each 404.)
        starts = [f"{base}/{section}/" for base in site.base_urls.values() for section in settings.CSTO_SECTIONS]
        subprocess.run(
            ["wget", "--mirror", "--quiet", "--no-http-keep-alive", "--reject-regex", "arrFilter|print=Y",
             f"--warc-file={tmp_path / 'site'}", f"--directory-prefix={tmp_path / 'mirror'}", *starts],
            check=False, timeout=120,
        )  # fmt: skip
        files = [tmp_path / "site.warc.gz"]
        bases = dict(site.base_urls)
        expected = {(lang, site.url(lang, a.path)): a for lang in bases for a in site.articles(lang)}
    archive = tmp_path / "wget.sqlite"
    options = [option for lang, base in bases.items() for option in ("--site", f"{lang}={base}")]
    result = invoke("warc", "import", *map(str, files), "--archive", str(archive), *options)
    assert result.exit_code == 0, result.output
    got = {(r["lang"], r["url"]): r for r in read(archive, "SELECT * FROM articles")}
    assert set(got) == set(expected)
    for key, gold in expected.items():
        row = got[key]
        assert row["title"] == gold.title
        assert (row["published"] or "")[:10] == gold.date
        assert " ".join(row["body_text"].split()) == " ".join(gold.body.split())
    files_stored = read(archive, "SELECT count(*) AS n FROM attachments WHERE sha256 IS NOT NULL")[0]["n"]
    assert files_stored == len({a.url for gold in expected.values() for a in gold.attachments})
