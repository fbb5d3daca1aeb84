"""csto release: a consistent copy taken while a crawl writes, typed Parquet, Datasette serves it, checksums hold."""

from __future__ import annotations

import datetime as dt
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import research_archive
from archive_items import count, rows
from click.testing import CliRunner
from live_writer import BATCH, writing

from csto_crawler.archive.queries import ArchiveReader
from csto_crawler.archive.search import SearchFilter, search
from csto_crawler.cli import ExitCode, main
from csto_crawler.release import make_release

DATASETTE_START_S = 60


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return research_archive.build(tmp_path_factory.mktemp("release") / "csto.sqlite")


@pytest.fixture(scope="module")
def release(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "r1"
    result = CliRunner().invoke(main, ["release", str(out), "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    return out


def test_release_holds_the_files_and_their_checksums(release: Path) -> None:
    names = {p.name for p in release.iterdir()}
    assert names == {
        "csto.sqlite",
        "articles.parquet",
        "versions.parquet",
        "attachments.parquet",
        "metadata.json",
        "README.md",
        "SHA256SUMS",
    }
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=release, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == 6


def test_release_database_is_the_archive_and_verifies(archive: Path, release: Path) -> None:
    db = release / "csto.sqlite"
    for table in ("articles", "versions", "attachments", "blobs", "fetches", "crawl_runs"):
        assert count(db, table) == count(archive, table), table
    assert rows(db, "PRAGMA journal_mode")[0]["journal_mode"] == "delete"  # one file, readable read-only
    meta = {r["key"]: r["value"] for r in rows(db, "SELECT key, value FROM meta")}
    assert meta["release_snapshots"] == "included"
    assert meta["release_source"] == "csto.sqlite"
    result = CliRunner().invoke(main, ["verify", "--archive", str(db)])
    assert result.exit_code == 0, result.output


def test_parquet_reads_back_with_dates_timestamps_and_lists(release: Path) -> None:
    articles = pq.read_table(release / "articles.parquet")
    assert articles.schema.field("published").type == pa.date32()
    assert articles.schema.field("first_seen_at").type == pa.timestamp("us", tz="UTC")
    assert articles.schema.field("version_count").type == pa.int64()
    by_id = {r["id"]: r for r in articles.to_pylist()}
    assert len(by_id) == 7
    assert by_id["ru-101"]["published"] == dt.date(2025, 11, 3)
    assert by_id["ru-101"]["version_count"] == 2
    assert by_id["ru-101"]["counterpart_id"] == "en-101"
    # A publication time in the site's zone: the calendar date as shown, and the instant in UTC.
    assert by_id["ru-103"]["published"] == dt.date(2026, 1, 20)
    assert by_id["ru-103"]["published_at"] == dt.datetime(2026, 1, 20, 7, 30, tzinfo=dt.UTC)
    assert by_id["ru-103"]["attachments"] == [
        {
            "url": research_archive.ATTACHMENT_URL,
            "filename": "zayavlenie.docx",
            "sha256": rows(release / "csto.sqlite", "SELECT sha256 FROM attachments")[0]["sha256"],
            "text_status": None,  # the text is not extracted in this archive (test_attachments_text_is_released)
            "text": None,
        }
    ]
    gone_at = rows(release / "csto.sqlite", "SELECT gone_at FROM articles WHERE id = 'en-102'")[0]["gone_at"]
    assert by_id["en-102"]["gone_at"] == dt.datetime.fromisoformat(gone_at)
    assert by_id["en-102"]["gone_at"].date() == dt.date(2026, 2, 27)
    assert by_id["en-102"]["gone_reason"] == "HTTP 404"

    versions = pq.read_table(release / "versions.parquet").to_pylist()
    assert len(versions) == 8
    assert [v["version"] for v in versions if v["article_id"] == "ru-101"] == [1, 2]
    assert {v["change"] for v in versions} == {"site"}
    attachments = pq.read_table(release / "attachments.parquet").to_pylist()
    assert [(a["article_id"], a["size"]) for a in attachments] == [("ru-103", len(research_archive.ATTACHMENT_BYTES))]


# FTS5's and FTS4's own tables, not described (Datasette hides them).
FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config", "_segments", "_segdir", "_stat")


def test_metadata_describes_every_table_and_column(release: Path) -> None:
    metadata = json.loads((release / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["title"].startswith("CSTO website archive")
    assert "odkb-csto.org" in metadata["source"]
    assert "CSTO" in metadata["license"]
    database = metadata["databases"]["csto"]
    with closing(sqlite3.connect(release / "csto.sqlite")) as con:
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not any(r[0].endswith(s) for s in FTS_SHADOWS)
        ]
        for table in tables:
            described = database["tables"][table]
            assert described["description"] and "see docs" not in described["description"], table
            for (column,) in con.execute("SELECT name FROM pragma_table_info(?)", (table,)):
                meaning = described["columns"][column]
                assert meaning and "see docs" not in meaning, f"{table}.{column}"
    articles = database["tables"]["articles"]
    # Datasette's default search mode: what is typed is quoted, so " or NEAR( is text, never an FTS error.
    assert (articles["fts_table"], articles["fts_pk"], articles.get("searchmode")) == ("articles_fts", "rowid", None)
    assert {"search", "articles_per_month", "article_versions"} <= set(database["queries"])
    readme = (release / "README.md").read_text(encoding="utf-8")
    for heading in ("## Versions and tombstones", "## How to cite an article version", "### `versions`"):
        assert heading in readme


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def datasette(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``datasette csto.sqlite -m metadata.json`` on a free port of 127.0.0.1, stopped after the tests."""
    port = free_port()
    log = tmp_path_factory.mktemp("datasette") / "stderr.log"
    command = [sys.executable, "-m", "datasette", "serve", str(release / "csto.sqlite")]
    command += ["-m", str(release / "metadata.json"), "-h", "127.0.0.1", "-p", str(port)]
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as stderr:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + DATASETTE_START_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=5):  # noqa: S310 - loopback
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"datasette did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
        assert response.status == 200
        return str(response.read().decode("utf-8"))


def test_datasette_serves_the_table_page(datasette: str) -> None:
    page = get(f"{datasette}/csto/articles")
    assert "Совет коллективной безопасности" in page
    assert "articles_fts" not in get(f"{datasette}/csto")  # the index is hidden, its table searchable


def test_datasette_search_finds_what_csto_search_finds(datasette: str, release: Path) -> None:
    reader = ArchiveReader.open(release / "csto.sqlite")
    try:
        expected = {r["id"] for r in search(reader.db, "безопасность", SearchFilter(lang="ru"))}
    finally:
        reader.close()
    assert expected == research_archive.RU_SECURITY_IDS
    # The canned query stems the word as csto search does ...
    query = urllib.parse.urlencode({"q": "безопасность", "_shape": "objects"})
    found = json.loads(get(f"{datasette}/csto/search.json?{query}"))["rows"]
    assert {r["id"] for r in found if r["lang"] == "ru"} == expected
    # A form the texts never use gets the longest known stem it begins with.
    query = urllib.parse.urlencode({"q": "безопасностями", "_shape": "objects"})
    found = json.loads(get(f"{datasette}/csto/search.json?{query}"))["rows"]
    assert {r["id"] for r in found if r["lang"] == "ru"} == expected
    # ... and the table's own search box takes whole words in any form, and stems.
    for typed in ("безопасность", "безопасностью", "Безопасности", "безопасн"):
        assert box(datasette, typed, lang="ru") == expected, typed
    assert box(datasette, "meetings") == {"en-104"}  # porter: the title's "Meeting"
    assert box(datasette, "security", lang="en") == {"en-101", "en-102"}
    assert box(datasette, '"collective security"') == {"en-101"}


def box(datasette: str, typed: str, **filters: str) -> set[str]:
    """IDs of the articles the table's search box finds (``?_search=``), as Datasette's JSON says."""
    query = urllib.parse.urlencode({"_search": typed, **filters, "_shape": "objects"})
    return {r["id"] for r in json.loads(get(f"{datasette}/csto/articles.json?{query}"))["rows"]}


@pytest.mark.parametrize("typed", ['"', "NEAR(", '"unclosed', "security OR", "a AND", "*", "-"])
def test_datasette_search_box_takes_anything_typed(datasette: str, typed: str) -> None:
    page = get(f"{datasette}/csto/articles?{urllib.parse.urlencode({'_search': typed})}")  # 200, not 400
    assert "<table" in page or "0 rows" in page


def test_release_is_searchable_by_sqlite_utils_and_plain_sql(release: Path) -> None:
    db = str(release / "csto.sqlite")
    found = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", "search", db, "articles", "безопасность", "-c", "id"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert {row["id"] for row in json.loads(found.stdout)} == research_archive.RU_SECURITY_IDS
    sql = "SELECT id FROM articles WHERE rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
    with closing(sqlite3.connect(db)) as con:
        assert {r[0] for r in con.execute(sql, ("безопасностью",))} == research_archive.RU_SECURITY_IDS
        assert {r[0] for r in con.execute(sql, ("meeting",))} == {"en-104"}
        assert {r[0] for r in con.execute(sql, ('"коллективной безопасности"',))} == {"ru-101"}  # as written


def test_no_snapshots_keeps_attachments_and_still_verifies(archive: Path, release: Path, tmp_path: Path) -> None:
    out = tmp_path / "small"
    result = CliRunner().invoke(main, ["release", "--no-snapshots", str(out), "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    db = out / "csto.sqlite"
    blobs = rows(db, "SELECT sha256 FROM blobs")
    assert [b["sha256"] for b in blobs] == [r["sha256"] for r in rows(db, "SELECT sha256 FROM attachments")]
    assert count(db, "fetches") == count(archive, "fetches")  # provenance stays, only the bytes go
    assert rows(db, "SELECT value FROM meta WHERE key = 'release_snapshots'")[0]["value"] == "omitted"
    assert count(db, "blobs") == 1 < count(release / "csto.sqlite", "blobs")
    verify = CliRunner().invoke(main, ["verify", "--archive", str(db)])
    assert verify.exit_code == 0, verify.output


def test_a_full_archive_without_its_snapshots_is_still_damaged(archive: Path, tmp_path: Path) -> None:
    """The verify exemption belongs to releases made without snapshots, not to any archive that lost them."""
    damaged = tmp_path / "damaged.sqlite"
    with closing(sqlite3.connect(archive)) as source, closing(sqlite3.connect(damaged)) as dest:
        source.backup(dest)
        dest.execute("DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM attachments)")
        dest.commit()
    result = CliRunner().invoke(main, ["verify", "--archive", str(damaged)])
    assert result.exit_code == ExitCode.DAMAGED
    assert "fetch without its snapshot" in result.output


def test_a_release_is_never_written_over(release: Path, archive: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["release", str(release), "--archive", str(archive)])
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert "never overwritten" in result.output
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    refused = CliRunner().invoke(main, ["release", str(blocked / "r"), "--archive", str(archive)])
    assert refused.exit_code == ExitCode.CANNOT_RUN
    assert "cannot create the folder" in refused.output
    no_archive = CliRunner().invoke(main, ["release", str(tmp_path / "x"), "--archive", str(tmp_path / "none.sqlite")])
    assert no_archive.exit_code == ExitCode.CANNOT_RUN
    assert not (tmp_path / "x").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no half-built release left


def test_a_release_creates_its_missing_parent_folders(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "releases" / "2026" / "2026-02-13"
    result = CliRunner().invoke(main, ["release", str(out), "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    assert (out / "SHA256SUMS").is_file()


def test_release_while_a_crawl_writes(archive: Path, tmp_path: Path) -> None:
    """A writer commits batch after batch while the release copies: the copy is one consistent moment."""
    live = tmp_path / "live.sqlite"
    with closing(sqlite3.connect(archive)) as source, closing(sqlite3.connect(live)) as dest:
        source.backup(dest)
    with writing(live) as writer:
        before = writer.batches
        summary = make_release(live, tmp_path / "r")
        during = writer.batches - before
    assert during > 0, "the writer was not writing while the release was made"
    db = tmp_path / "r" / "csto.sqlite"
    assert CliRunner().invoke(main, ["verify", "--archive", str(db)]).exit_code == 0
    # Whole batches only: every article has its version, and the index its row, at that one moment.
    articles = count(db, "articles")
    assert (articles - 7) % BATCH == 0
    assert count(db, "versions") == articles + 1
    assert count(db, "search_index") == articles
    assert summary.rows["articles.parquet"] == articles
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "r", capture_output=True, check=False)
    assert check.returncode == 0


def test_attachments_text_is_released_and_searchable(tmp_path: Path) -> None:
    archive = research_archive.build(tmp_path / "csto.sqlite")
    if not research_archive.add_attachment_text(archive):
        pytest.skip("this archive schema has no attachment_texts table (attachments' text)")
    out = tmp_path / "r"
    make_release(archive, out)
    (attachment,) = pq.read_table(out / "attachments.parquet").to_pylist()
    assert attachment["text"] == research_archive.ATTACHMENT_TEXT
    assert attachment["text_status"] == "ok"
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))["databases"]["csto"]
    assert metadata["tables"]["attachment_texts"]["fts_table"] == "attachment_texts_fts"
    assert "search_attachments" in metadata["queries"]
    # The canned query's SQL, run as Datasette runs it: a word form that occurs only in the attachment.
    with closing(sqlite3.connect(out / "csto.sqlite")) as con:
        found = con.execute(metadata["queries"]["search_attachments"]["sql"], {"q": "доверием"}).fetchall()
    assert [(row[0], row[2]) for row in found] == [(research_archive.ATTACHMENT_URL, "ru-103")]
