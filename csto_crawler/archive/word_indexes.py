"""Full-text indexes of the words as written, which every SQLite tool finds and queries as it is.

``articles_fts`` (titles and bodies) and ``attachment_texts_fts`` (attachments' text) are FTS5
tables with external content (``content=[articles]``), keyed by the table's rowid, the way
``sqlite-utils enable-fts --create-triggers`` makes them: triggers keep them in step with every
insert, update and delete, whoever writes, and ``'rebuild'`` can always remake them from the table.
So Datasette's search box, ``sqlite-utils search`` and a plain ``MATCH`` find whole words with no
csto code in between. The porter tokenizer gives English word forms (``meetings`` finds
``meeting``); SQLite has no Russian stemmer, so Russian matches the word as written; ``csto
search`` keeps its own index of Snowball stems (search.py) for every form in both languages, and
a release adds the Russian forms to these indexes (release_search.py). The registry declares them
(tables.py, ledger_tables.py) from the definitions here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .registry import Column, Table

# Porter stemming for Latin words (Cyrillic passes through it unchanged), Unicode word splitting,
# diacritics folded (café = cafe; Cyrillic letters such as й and ё are left alone).
TOKENIZE = "porter unicode61 remove_diacritics 2"


@dataclass(frozen=True)
class WordIndex:
    """An FTS5 index of ``columns`` of ``table`` (its rowid is the index's), named ``<table>_fts``."""

    table: str
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.table}_fts"

    @property
    def triggers(self) -> tuple[str, ...]:
        return tuple(f"{self.table}_fts_{suffix}" for suffix in ("ai", "ad", "au"))

    def trigger_statements(self) -> tuple[str, ...]:
        """The three triggers that keep the index in step with every insert, delete and update of its table.

        Names come from the constants below, never from input (hence the S608 waivers).
        """
        cols = ", ".join(self.columns)
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        delete = f"INSERT INTO {self.name} ({self.name}, rowid, {cols}) VALUES ('delete', old.rowid, {old});"  # noqa: S608
        insert = f"INSERT INTO {self.name} (rowid, {cols}) VALUES (new.rowid, {new});"  # noqa: S608
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in self.columns)
        inserted, deleted, updated = self.triggers
        return (
            f"CREATE TRIGGER {inserted} AFTER INSERT ON {self.table} BEGIN {insert} END",
            f"CREATE TRIGGER {deleted} AFTER DELETE ON {self.table} BEGIN {delete} END",
            # Only when the text changed: most updates of an article touch its last-seen marks.
            f"CREATE TRIGGER {updated} AFTER UPDATE OF {cols} ON {self.table} WHEN {changed}"
            f" BEGIN {delete} {insert} END",
        )

    def registered(self, meaning: str, column_meanings: tuple[str, ...], added: int) -> Table:
        """The index as a table of the registry (its DDL, triggers included; its description)."""
        columns = tuple(Column(c, "", m) for c, m in zip(self.columns, column_meanings, strict=True))
        fts = f"content=[{self.table}], tokenize='{TOKENIZE}'"
        notes = f"Tokenizer: `{TOKENIZE}`."
        return Table(self.name, meaning, columns, notes=notes, fts=fts, triggers=self.trigger_statements(), added=added)


ARTICLE_WORDS = WordIndex("articles", ("title", "body_text"))
ATTACHMENT_WORDS = WordIndex("attachment_texts", ("text",))
WORD_INDEXES = (ARTICLE_WORDS, ATTACHMENT_WORDS)
