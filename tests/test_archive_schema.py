"""The registry is the schema: a new archive made from it and an old one upgraded step by step agree,
schema 6 gives an old archive the word indexes, and schema 7 turns old archives' URL fragments and moved
version numbers into permanent ones (rebuilding ``articles`` with its word index's triggers). Archives of
schema 5 (308cedb) and schema 6 (main before issue 23) both upgrade."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from archive_items import rows
from old_archives import article, attachment_text, imported_fetch, old_archive, version

from csto_crawler.archive.database import open_database
from csto_crawler.archive.schema import SCHEMA_VERSION, TABLES
from csto_crawler.archive.word_indexes import WORD_INDEXES

TRIGGERS = ("ai", "ad", "au")


def shape(path: Path) -> tuple[dict[str, list[tuple[Any, ...]]], list[str], dict[str, str]]:
    """Every table's columns (name, type, not null, default, key), every named index, every trigger's SQL."""
    with closing(sqlite3.connect(path)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = {n: sorted(tuple(r[1:]) for r in db.execute(f"PRAGMA table_info('{n}')")) for n in names}
        indexes = sorted(
            r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        )
        triggers = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    return tables, indexes, triggers


@pytest.mark.parametrize("schema", [5, 6])
def test_a_new_archive_and_an_upgraded_one_have_the_same_tables(tmp_path: Path, schema: int) -> None:
    open_database(tmp_path / "new.sqlite").close()
    old_archive(tmp_path / "old.sqlite", schema)
    open_database(tmp_path / "old.sqlite").close()
    assert shape(tmp_path / "new.sqlite") == shape(tmp_path / "old.sqlite")
    assert {t.name for t in TABLES} <= set(shape(tmp_path / "new.sqlite")[0])
    assert set(shape(tmp_path / "new.sqlite")[2]) == {f"{i.table}_fts_{s}" for i in WORD_INDEXES for s in TRIGGERS}


def word_index_intact(path: Path) -> None:
    """FTS5's own check of every word index against its table (rank 1: the content is compared too)."""
    with closing(sqlite3.connect(path)) as con:
        for index in WORD_INDEXES:
            con.execute(f"INSERT INTO {index.name} ({index.name}, rank) VALUES ('integrity-check', 1)")  # noqa: S608


def matching(path: Path, words: str) -> list[str]:
    sql = "SELECT id FROM articles WHERE rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
    return sorted(r["id"] for r in rows(path, sql, words))


@pytest.mark.parametrize("schema", [5, 6])
def test_an_old_archive_is_searchable_by_every_tool_after_the_upgrade_and_stays_so(tmp_path: Path, schema: int) -> None:
    """Schema 5 gains the word indexes (6); both rebuild ``articles`` (7), whose word index keeps fitting
    it and whose triggers are made again: a later write is indexed."""
    path = tmp_path / "old.sqlite"
    old_archive(
        path,
        schema,
        article("en-1", "https://x.org/news/a/#vacated-by-en-2", 1, "Secretaries met", "Two meetings in Minsk."),
        article("en-2", "https://x.org/news/a/", 1, "Совет", "Вопросы безопасности."),
        attachment_text("f" * 64, "Заявление министров"),
    )
    open_database(path).close()
    assert rows(path, "PRAGMA user_version") == [{"user_version": SCHEMA_VERSION}]
    assert matching(path, "meeting") == ["en-1"] and matching(path, "безопасности") == ["en-2"]
    assert rows(path, "SELECT rowid FROM attachment_texts_fts WHERE attachment_texts_fts MATCH 'министров'")
    word_index_intact(path)
    with closing(sqlite3.connect(path)) as con:  # whoever writes, the index follows
        con.execute("UPDATE articles SET body_text = 'Talks in Astana.' WHERE id = 'en-1'")
        con.execute("DELETE FROM articles WHERE id = 'en-2'")
        con.commit()
    assert matching(path, "Minsk") == [] and matching(path, "Astana") == ["en-1"] and matching(path, "Совет") == []
    word_index_intact(path)


def test_every_column_of_the_registry_says_what_it_means() -> None:
    for table in TABLES:
        assert table.meaning
        assert all(c.meaning for c in table.columns), table.name


@pytest.mark.parametrize("schema", [5, 6])
def test_schema_7_moves_url_fragments_into_vacated_by(tmp_path: Path, schema: int) -> None:
    path = tmp_path / "old.sqlite"
    old_archive(
        path,
        schema,
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


@pytest.mark.parametrize("schema", [5, 6])
def test_schema_7_gives_back_numbers_an_import_moved(tmp_path: Path, schema: int) -> None:
    """Crawled v1 (id 1) and v2 (id 2); an import slotted an older capture in as v1 (id 3, an imported
    fetch) and moved the others up. Schema 7 gives ids 1 and 2 their numbers back; the capture gets 3."""
    path = tmp_path / "old.sqlite"
    old_archive(
        path,
        schema,
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


@pytest.mark.parametrize("schema", [5, 6])
def test_schema_7_keeps_numbers_it_cannot_prove(tmp_path: Path, schema: int) -> None:
    """A version slotted in whose fetch is not an imported capture: the old numbers stay, and are named."""
    path = tmp_path / "old.sqlite"
    old_archive(
        path,
        schema,
        article("en-1", "https://x.org/news/a/", 2),
        version(1, "en-1", 2, "sha-a"),
        version(2, "en-1", 1, "sha-b"),
    )
    open_database(path).close()
    assert [r["version"] for r in rows(path, "SELECT version FROM versions ORDER BY id")] == [2, 1]
    meta = {r["key"]: r["value"] for r in rows(path, "SELECT key, value FROM meta")}
    assert meta["renumbering_unproven"] == "en-1"
    assert not rows(path, "SELECT * FROM article_events")


@pytest.mark.parametrize("schema", [5, 6])
def test_schema_7_sets_the_current_version_of_an_archive_never_imported_into(tmp_path: Path, schema: int) -> None:
    path = tmp_path / "old.sqlite"
    old_archive(
        path,
        schema,
        article("en-1", "https://x.org/news/a/", 2),
        version(1, "en-1", 1, "sha-a"),
        version(2, "en-1", 2, "sha-b"),
    )
    open_database(path).close()
    assert rows(path, "SELECT current_version FROM articles") == [{"current_version": 2}]
    assert [r["version"] for r in rows(path, "SELECT version FROM versions ORDER BY id")] == [1, 2]
    assert rows(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [{"value": str(SCHEMA_VERSION)}]
