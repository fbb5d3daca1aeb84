"""A release's full-text search for tools that cannot stem Russian: every word form in the index.

Datasette's search box, ``sqlite-utils search`` and a plain ``MATCH`` use the word indexes
(``articles_fts``, ``attachment_texts_fts``; word_indexes.py). SQLite has no Russian
stemmer, so ``безопасность`` would find only that very form. A release is read-only, so its
indexes can hold more than the text: after each text come its words' Snowball stems and every
other form of them that the release's texts use (a text with ``безопасности`` also indexes
``безопасность``, ``безопасностью``, ...; with ``meeting``, ``meetings``), and any form typed finds
every other. The extra words come after the text, so phrases keep matching the text as written;
the table's own columns still show the original text (the content table is ``articles``).

In a release the word indexes are FTS4 tables: Datasette's search box quotes each word typed, but
a lone ``"`` becomes an empty query, which FTS5 refuses (HTTP 400) and FTS4 answers with no rows.
FTS4's tokenizer here is unicode61 without porter, which the forms make up for. The archive's
triggers go (a release is never written to), and ``search_words`` lists every form with its stem
for the canned queries that stem in SQL (templates/release_queries.toml).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from .word_indexes import WORD_INDEXES, WordIndex
from .words import stem, words

BATCH_ROWS = 500


class Vocabulary:
    """Every word form met (as written and lower-cased) with its stem, and the forms of each stem."""

    def __init__(self) -> None:
        self.stems: dict[str, str] = {}
        self.forms: dict[str, set[str]] = defaultdict(set)

    def add(self, text: str | None) -> None:
        for word in words(text):
            if word not in self.stems:
                self.stems[word] = stemmed = stem(word)
                lower = word.lower()
                self.stems.setdefault(lower, stemmed)
                self.forms[stemmed].update((lower, stemmed))

    def expanded(self, text: str | None) -> str:
        """``text``, then the stems of its words and their other forms that it lacks, once each."""
        found = words(text)
        seen = {word.lower() for word in found}
        extra: list[str] = []
        for stemmed in dict.fromkeys(self.stems[w] for w in found):
            extra.extend(sorted(self.forms[stemmed] - seen))
        return f"{text or ''}\n{' '.join(extra)}" if extra else text or ""


def build_release_search(con: sqlite3.Connection) -> set[str]:
    """Fill the release's word indexes with every form, and ``search_words``; the tables indexed."""
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    indexes = [index for index in WORD_INDEXES if index.name in present]
    vocabulary = Vocabulary()
    con.execute("BEGIN")
    for index in indexes:
        for _, *texts in _rows(con, index):
            for text in texts:
                vocabulary.add(text)
    for index in indexes:
        _refill(con, index, vocabulary)
    con.execute("CREATE TABLE search_words (word TEXT PRIMARY KEY, stem TEXT NOT NULL) WITHOUT ROWID")
    con.executemany("INSERT INTO search_words (word, stem) VALUES (?, ?)", sorted(vocabulary.stems.items()))
    con.execute("COMMIT")
    return {index.table for index in indexes}


def _rows(con: sqlite3.Connection, index: WordIndex) -> Iterator[tuple[Any, ...]]:
    # Table and column names are the constants of word_indexes.py.
    cursor = con.execute(f"SELECT rowid, {', '.join(index.columns)} FROM {index.table}")  # noqa: S608
    while batch := cursor.fetchmany(BATCH_ROWS):
        yield from batch


def _refill(con: sqlite3.Connection, index: WordIndex, vocabulary: Vocabulary) -> None:
    """The index remade as FTS4 (module docstring) over the same table, with every form."""
    for trigger in index.triggers:
        con.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    columns = ", ".join(index.columns)
    con.execute(f"DROP TABLE {index.name}")
    con.execute(
        f'CREATE VIRTUAL TABLE {index.name} USING fts4({columns}, content="{index.table}",'
        ' tokenize=unicode61 "remove_diacritics=2")'
    )
    insert = f"INSERT INTO {index.name} (docid, {columns}) VALUES (?{', ?' * len(index.columns)})"  # noqa: S608
    batch: list[tuple[object, ...]] = []
    for rowid, *texts in _rows(con, index):
        batch.append((rowid, *(vocabulary.expanded(text) for text in texts)))
        if len(batch) >= BATCH_ROWS:
            con.executemany(insert, batch)
            batch = []
    con.executemany(insert, batch)
    con.execute(f"INSERT INTO {index.name} ({index.name}) VALUES ('optimize')")  # noqa: S608
