"""The words-as-written indexes: kept in step by triggers whoever writes, found by any SQLite tool,
and built for archives made before them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from archive_items import Clock, article_item, rows, write_run
from old_archives import article, v5_archive

from csto_crawler.archive.database import open_database
from csto_crawler.archive.word_indexes import WORD_INDEXES

MATCH = "SELECT a.id FROM articles a WHERE a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"


def matching(path: Path, query: str) -> list[str]:
    return sorted(r["id"] for r in rows(path, MATCH, query))


def intact(path: Path) -> None:
    """FTS5's own check of every index against its table (rank 1: the content is compared too)."""
    with closing(sqlite3.connect(path)) as con:
        for index in WORD_INDEXES:
            con.execute(f"INSERT INTO {index.name} ({index.name}, rank) VALUES ('integrity-check', 1)")  # noqa: S608


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "csto.sqlite"
    write_run(
        path,
        [
            article_item(
                "meeting", element_id="1", title="Secretaries General met", body_text="Two meetings in Minsk."
            ),
            article_item("sovet", lang="ru", element_id="2", title="Совет", body_text="Вопросы безопасности."),
        ],
    )
    return path


def test_plain_match_finds_whole_words_and_english_forms(archive: Path) -> None:
    assert matching(archive, "meeting") == ["en-1"]  # porter: "meetings" in the body
    assert matching(archive, "Minsk") == ["en-1"]
    assert matching(archive, "безопасности") == ["ru-2"]
    assert matching(archive, "title:совет") == ["ru-2"]
    intact(archive)


def test_an_edit_is_reindexed_and_an_unchanged_page_leaves_the_index_alone(archive: Path) -> None:
    clock = Clock()
    clock.advance(days=1)
    body = "Two meetings in Astana."  # the city corrected
    edited = article_item("meeting", element_id="1", title="Secretaries General met", body_text=body)
    write_run(archive, [edited], clock=clock)
    assert matching(archive, "Minsk") == [] and matching(archive, "Astana") == ["en-1"]
    before = rows(archive, "SELECT count(*) AS n FROM articles_fts_data")
    clock.advance(days=1)
    write_run(archive, [edited], clock=clock)  # seen again, same content: only its last-seen marks move
    assert rows(archive, "SELECT count(*) AS n FROM articles_fts_data") == before
    intact(archive)


def test_an_archive_made_before_the_word_indexes_gets_them_filled(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    v5_archive(  # as schema 5 (308cedb) left it: no word indexes
        path,
        article("en-1", "https://x.org/news/a/", 1, "Secretaries General met", "Two meetings in Minsk."),
        article("ru-2", "https://x.org/news/b/", 1, "Совет", "Вопросы безопасности."),
    )
    open_database(path).close()
    assert matching(path, "meeting") == ["en-1"]
    assert matching(path, "безопасности") == ["ru-2"]
    intact(path)


def test_sqlite_utils_search_finds_the_archive_index(archive: Path) -> None:
    found = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", "search", str(archive), "articles", "meetings", "-c", "id", "--csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == ["id", "en-1"]
