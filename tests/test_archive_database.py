"""open_database: marking new archives, migrating old ones, refusing files that are not ours untouched."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from archive_items import rows

from csto_crawler.archive.database import (
    APPLICATION_ID,
    ArchiveNotFoundError,
    ArchiveUnwritableError,
    NewerSchemaError,
    NotAnArchiveError,
    dbapi_connection,
    open_database,
)
from csto_crawler.archive.migrations import historic_statements
from csto_crawler.archive.queries import ArchiveReader
from csto_crawler.archive.schema import SCHEMA_VERSION
from csto_crawler.archive.search import SearchFilter, search

V1_ARTICLE = {
    "id": "ru-8573",
    "url": "https://odkb-csto.org/news/news_odkb/vstrecha/",
    "lang": "ru",
    "section": "news/news_odkb",
    "slug": "vstrecha",
    "title": "Встреча генеральных секретарей",
    "body_text": "Стороны обсудили вопросы региональной безопасности.",
    "body_html": "<p>Стороны обсудили вопросы региональной безопасности.</p>",
    "attachments": "[]",
    "images": "[]",
    "content_sha256": "0" * 64,
    "version_count": 0,
    "first_seen_at": "2024-01-01T00:00:00+00:00",
    "last_seen_at": "2024-01-01T00:00:00+00:00",
}


def pragmas(path: Path) -> tuple[int, int, str]:
    with closing(sqlite3.connect(path)) as db:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    return app_id, version, journal


def make_sqlite(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as db:
        for statement in statements:
            db.execute(statement)
        db.commit()


def make_v1_archive(path: Path) -> None:
    """An archive as the first release wrote it: schema step 1 only, with one article."""
    columns = ", ".join(V1_ARTICLE)
    marks = ", ".join("?" for _ in V1_ARTICLE)
    with closing(sqlite3.connect(path)) as db:
        for statement in historic_statements()[1]:
            db.execute(statement)
        db.execute(f"INSERT INTO articles ({columns}) VALUES ({marks})", tuple(V1_ARTICLE.values()))  # noqa: S608
        db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        db.execute("PRAGMA user_version=1")
        db.commit()


def snapshot(path: Path) -> tuple[bytes, int, list[str]]:
    """The file's bytes, its mtime and the folder's listing: all must survive a refused open."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def test_open_database_new_file_is_marked_current_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new" / "csto.sqlite"
    open_database(path).close()
    assert pragmas(path) == (APPLICATION_ID, SCHEMA_VERSION, "wal")
    tables = {r["name"] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"articles", "versions", "blobs", "fetches", "url_aliases", "article_events", "search_index"} <= tables
    meta = {r["key"]: r["value"] for r in rows(path, "SELECT key, value FROM meta")}
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["created_at"] == meta["upgraded_at"]


def test_open_database_current_archive_opens_again_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    open_database(path).close()
    meta = rows(path, "SELECT key, value FROM meta ORDER BY key")
    open_database(path, create=False).close()
    assert pragmas(path)[:2] == (APPLICATION_ID, SCHEMA_VERSION)
    assert rows(path, "SELECT key, value FROM meta ORDER BY key") == meta  # not migrated again


def test_open_database_upgrades_a_v1_archive_and_backfills_search(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite"
    make_v1_archive(path)
    reader = ArchiveReader.open(path)
    try:
        hits = search(reader.db, "безопасность", SearchFilter())
    finally:
        reader.close()
    assert pragmas(path)[:2] == (APPLICATION_ID, SCHEMA_VERSION)
    assert [h["id"] for h in hits] == ["ru-8573"]
    article = rows(path, "SELECT title, date_flags FROM articles")
    assert article == [{"title": V1_ARTICLE["title"], "date_flags": "[]"}]
    assert rows(path, "SELECT count(*) AS n FROM url_aliases") == [{"n": 0}]
    meta = {r["key"]: r["value"] for r in rows(path, "SELECT key, value FROM meta")}
    assert meta["upgraded_by"].startswith("csto-crawler ")
    assert "created_at" not in meta  # the file was created by an older release, not now


def test_open_database_refuses_a_newer_schema_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    make_sqlite(
        path,
        "CREATE TABLE articles (id TEXT PRIMARY KEY)",
        f"PRAGMA application_id={APPLICATION_ID}",
        f"PRAGMA user_version={SCHEMA_VERSION + 1}",
    )
    before = snapshot(path)
    with pytest.raises(NewerSchemaError, match=f"schema {SCHEMA_VERSION + 1}, newer .* upgrade csto-crawler"):
        open_database(path)
    assert snapshot(path) == before


def test_open_database_refuses_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("meeting notes, not an archive\n", encoding="utf-8")
    before = snapshot(path)
    with pytest.raises(NotAnArchiveError, match="not an SQLite archive"):
        open_database(path)
    assert snapshot(path) == before


def test_open_database_refuses_another_programs_sqlite_untouched(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    make_sqlite(
        path, "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)", "INSERT INTO moz_places VALUES (1, 'x')"
    )
    before = snapshot(path)
    with pytest.raises(NotAnArchiveError, match="SQLite file but not a csto archive"):
        open_database(path)
    assert snapshot(path) == before


def test_open_database_missing_file_without_create_raises(tmp_path: Path) -> None:
    path = tmp_path / "absent.sqlite"
    with pytest.raises(ArchiveNotFoundError, match="no archive at"):
        open_database(path, create=False)
    with pytest.raises(ArchiveNotFoundError):
        ArchiveReader.open(path)
    assert list(tmp_path.iterdir()) == []


def test_open_database_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(NotAnArchiveError, match="is a directory"):
        open_database(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_open_database_read_only_folder_raises_unwritable(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ArchiveUnwritableError, match="permission denied"):
            open_database(folder / "csto.sqlite")
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("below", ["csto.sqlite", "sub/csto.sqlite"], ids=["in-file", "under-file"])
def test_open_database_parent_that_is_a_file_raises_unwritable(tmp_path: Path, below: str) -> None:
    """A path through a regular file can never hold an archive, whoever runs the crawl (even root)."""
    parent = tmp_path / "archive"
    parent.write_text("a file where a folder should be\n", encoding="utf-8")
    with pytest.raises(ArchiveUnwritableError, match="archive"):
        open_database(parent / below)
    assert parent.read_text(encoding="utf-8") == "a file where a folder should be\n"


def test_readers_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    open_database(path).close()
    reader = ArchiveReader.open(path)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            dbapi_connection(reader.db).execute("DELETE FROM meta")
    finally:
        reader.close()


def test_an_archive_on_read_only_media_can_be_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the file nor its folder writable (a read-only mount): opened immutable, no WAL index."""
    path = tmp_path / "csto.sqlite"
    open_database(path).close()
    for leftover in tmp_path.glob("csto.sqlite-*"):
        leftover.unlink()
    monkeypatch.setattr("csto_crawler.archive.database.os.access", lambda *_args, **_kw: False)
    reader = ArchiveReader.open(path)
    try:
        assert reader.query("SELECT value FROM meta WHERE key = 'schema_version'")
    finally:
        reader.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csto.sqlite"]
