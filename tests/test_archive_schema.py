"""The registry is the schema: a new archive made from it and an old one upgraded step by step agree,
and schema 6 turns old archives' URL fragments and moved version numbers into permanent ones."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from archive_items import rows

from csto_crawler.archive.database import APPLICATION_ID, open_database
from csto_crawler.archive.migrations import historic_statements
from csto_crawler.archive.schema import SCHEMA_VERSION, TABLES

T = "2026-01-0{}T00:00:00+00:00"


def shape(path: Path) -> tuple[dict[str, list[tuple[Any, ...]]], list[str]]:
    """Every table's columns (name, type, not null, default, key) and every named index."""
    with closing(sqlite3.connect(path)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = {n: sorted(tuple(r[1:]) for r in db.execute(f"PRAGMA table_info('{n}')")) for n in names}
        indexes = sorted(
            r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        )
    return tables, indexes


def v5_archive(path: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """An archive as schema 5 left it, with ``statements`` run on it (rows of a test's choosing)."""
    with closing(sqlite3.connect(path)) as db:
        for version in range(1, 6):
            for statement in historic_statements()[version]:
                db.execute(statement)
        for sql, params in statements:
            db.execute(sql, params)
        db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        db.execute("PRAGMA user_version=5")
        db.commit()


def article(aid: str, url: str, count: int) -> tuple[str, tuple[Any, ...]]:
    return (
        "INSERT INTO articles (id, url, lang, section, slug, title, body_text, body_html, attachments, images,"
        " content_sha256, version_count, first_seen_at, last_seen_at) VALUES (?, ?, 'en', 'news', 's', 't', 'b',"
        " '', '[]', '[]', ?, ?, ?, ?)",
        (aid, url, f"sha-{count}", count, T.format(1), T.format(9)),
    )


def version(vid: int, aid: str, number: int, sha: str, fetch: int | None = None) -> tuple[str, tuple[Any, ...]]:
    return (
        "INSERT INTO versions (id, article_id, version, content_sha256, url, title, body_text, body_html,"
        " attachments, images, first_seen_at, last_seen_at, fetch_id) VALUES (?, ?, ?, ?, 'u', 't', 'b', '', '[]',"
        " '[]', ?, ?, ?)",
        (vid, aid, number, sha, T.format(vid % 9 + 1), T.format(vid % 9 + 1), fetch),
    )


def imported_fetch(fid: int) -> tuple[str, tuple[Any, ...]]:
    return (
        "INSERT INTO fetches (id, url, final_url, kind, status, fetched_at, size, crawler_version, warc_record_id)"
        " VALUES (?, 'u', 'u', 'article', 200, ?, 0, 'x', ?)",
        (fid, T.format(1), f"<urn:uuid:{fid}>"),
    )


def test_a_new_archive_and_an_upgraded_one_have_the_same_tables(tmp_path: Path) -> None:
    open_database(tmp_path / "new.sqlite").close()
    v5_archive(tmp_path / "old.sqlite")
    open_database(tmp_path / "old.sqlite").close()
    assert shape(tmp_path / "new.sqlite") == shape(tmp_path / "old.sqlite")
    assert {t.name for t in TABLES} <= set(shape(tmp_path / "new.sqlite")[0])


def test_every_column_of_the_registry_says_what_it_means() -> None:
    for table in TABLES:
        assert table.meaning
        assert all(c.meaning for c in table.columns), table.name


def test_schema_6_moves_url_fragments_into_vacated_by(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    v5_archive(
        path,
        article("en-1", "https://x.org/news/a/#vacated-by-en-3", 1),
        article("en-3", "https://x.org/news/a/", 1),
        article("en-2", "https://x.org/news/b/#superseded-by-en-4", 1),
        article("en-4", "https://x.org/news/b/", 1),
    )
    open_database(path).close()
    got = {r["id"]: (r["url"], r["vacated_by"]) for r in rows(path, "SELECT id, url, vacated_by FROM articles")}
    assert got == {
        "en-1": ("https://x.org/news/a/", "en-3"),
        "en-3": ("https://x.org/news/a/", None),
        "en-2": ("https://x.org/news/b/", "en-4"),
        "en-4": ("https://x.org/news/b/", None),
    }
    assert not rows(path, "SELECT id FROM articles WHERE url LIKE '%#%'")


def test_schema_6_gives_back_numbers_an_import_moved(tmp_path: Path) -> None:
    """Crawled v1 (id 1) and v2 (id 2); an import slotted an older capture in as v1 (id 3, an imported
    fetch) and moved the others up. Schema 6 gives ids 1 and 2 their numbers back; the capture gets 3."""
    path = tmp_path / "old.sqlite"
    v5_archive(
        path,
        imported_fetch(7),
        article("en-1", "https://x.org/news/a/", 3),
        version(1, "en-1", 2, "sha-a"),
        version(2, "en-1", 3, "sha-b"),
        version(3, "en-1", 1, "sha-old", fetch=7),
    )
    open_database(path).close()
    got = rows(path, "SELECT id, version, content_sha256 FROM versions ORDER BY id")
    assert [(r["id"], r["version"]) for r in got] == [(1, 1), (2, 2), (3, 3)]
    (row,) = rows(path, "SELECT current_version, version_count FROM articles")
    assert row == {"current_version": 2, "version_count": 3}  # the crawl's latest is still the current one
    (event,) = rows(path, "SELECT event, detail FROM article_events")
    assert event == {"event": "versions_renumbered", "detail": "v1 -> v3, v2 -> v1, v3 -> v2"}
    meta = {r["key"]: r["value"] for r in rows(path, "SELECT key, value FROM meta")}
    assert meta["renumbered_articles"] == "en-1"


def test_schema_6_keeps_numbers_it_cannot_prove(tmp_path: Path) -> None:
    """A version slotted in whose fetch is not an imported capture: the old numbers stay, and are named."""
    path = tmp_path / "old.sqlite"
    v5_archive(
        path,
        article("en-1", "https://x.org/news/a/", 2),
        version(1, "en-1", 2, "sha-a"),
        version(2, "en-1", 1, "sha-b"),
    )
    open_database(path).close()
    assert [r["version"] for r in rows(path, "SELECT version FROM versions ORDER BY id")] == [2, 1]
    meta = {r["key"]: r["value"] for r in rows(path, "SELECT key, value FROM meta")}
    assert meta["renumbering_unproven"] == "en-1"
    assert not rows(path, "SELECT * FROM article_events")


def test_schema_6_sets_the_current_version_of_an_archive_never_imported_into(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    v5_archive(
        path,
        article("en-1", "https://x.org/news/a/", 2),
        version(1, "en-1", 1, "sha-a"),
        version(2, "en-1", 2, "sha-b"),
    )
    open_database(path).close()
    assert rows(path, "SELECT current_version FROM articles") == [{"current_version": 2}]
    assert [r["version"] for r in rows(path, "SELECT version FROM versions ORDER BY id")] == [1, 2]
    assert rows(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [{"value": str(SCHEMA_VERSION)}]
