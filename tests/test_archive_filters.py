"""The one WHERE builder: fixed clauses, bound values, sections with their subsections, LIKE escaped."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from csto_crawler.archive.filters import Columns, RowFilter, escape_like, where

SECTIONS = ["news", "news/news_odkb", "news/smi", "newsXnews_odkb", "news_odkb", "news/news_odkb/2024"]


def matching(flt: RowFilter) -> list[str]:
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE TABLE a (lang TEXT, section TEXT, published TEXT)")
        db.executemany("INSERT INTO a VALUES ('en', ?, '2024-05-01')", [(s,) for s in SECTIONS])
        db.execute("INSERT INTO a VALUES ('ru', 'news', '2020-01-02T10:00:00+03:00')")
        clause, params = where(flt, Columns())
        return [f"{r[0]}:{r[1]}" for r in db.execute(f"SELECT lang, section FROM a{clause} ORDER BY 1, 2", params)]  # noqa: S608


def test_a_section_matches_itself_and_its_subsections_only() -> None:
    assert matching(RowFilter(sections=("news/news_odkb",))) == ["en:news/news_odkb", "en:news/news_odkb/2024"]


def test_like_wildcards_in_a_section_are_literal() -> None:
    assert escape_like("news_odkb%") == "news\\_odkb\\%"
    assert matching(RowFilter(sections=("news_odkb",))) == ["en:news_odkb"]  # not newsXnews_odkb


def test_languages_and_dates_narrow_together() -> None:
    assert matching(RowFilter(lang="ru")) == ["ru:news"]
    assert matching(RowFilter(langs=("en",), since="2024-05-01", until="2024-05-01"))[:1] == ["en:news"]
    assert matching(RowFilter(until="2020-01-02")) == ["ru:news"]  # a datetime is filtered by its date


def test_no_filter_is_no_clause() -> None:
    assert where(RowFilter()) == ("", {})
    clause, params = where(RowFilter(fetched_since="2026-01-01"), joiner=" AND ")
    assert (clause, params) == (" AND f.fetched_at >= :fetched_since", {"fetched_since": "2026-01-01"})
