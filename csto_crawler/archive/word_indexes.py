"""Full-text indexes of the words as written, which every SQLite tool finds and queries as it is.

``articles_fts`` (titles and bodies) and ``attachment_texts_fts`` (attachments' text) are FTS5
tables with external content (``content=[articles]``), keyed by the table's rowid, the way
``sqlite-utils enable-fts --create-triggers`` makes them: triggers keep them in step with every
insert, update and delete, whoever writes, and ``'rebuild'`` can always remake them from the table.
So Datasette's search box, ``sqlite-utils search`` and a plain ``MATCH`` find whole words with no
csto code in between. The porter tokenizer gives English word forms (``meetings`` finds
``meeting``); SQLite has no Russian stemmer, so Russian matches the word as written; ``csto
search`` keeps its own index of Snowball stems (search.py) for every form in both languages, and
a release adds the Russian forms to these indexes (release_search.py).
"""

from __future__ import annotations

from dataclasses import dataclass

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

    def create(self) -> list[str]:
        """The table, its three triggers, and a first fill from what the table holds.

        Names come from the constants below, never from input (hence the S608 waivers).
        """
        cols = ", ".join(self.columns)
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        delete = f"INSERT INTO {self.name} ({self.name}, rowid, {cols}) VALUES ('delete', old.rowid, {old});"  # noqa: S608
        insert = f"INSERT INTO {self.name} (rowid, {cols}) VALUES (new.rowid, {new});"  # noqa: S608
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in self.columns)
        inserted, deleted, updated = self.triggers
        return [
            f"CREATE VIRTUAL TABLE {self.name} USING fts5({cols}, content=[{self.table}], tokenize='{TOKENIZE}')",
            f"CREATE TRIGGER {inserted} AFTER INSERT ON {self.table} BEGIN {insert} END",
            f"CREATE TRIGGER {deleted} AFTER DELETE ON {self.table} BEGIN {delete} END",
            # Only when the text changed: most updates of an article touch its last-seen marks.
            f"CREATE TRIGGER {updated} AFTER UPDATE OF {cols} ON {self.table} WHEN {changed}"
            f" BEGIN {delete} {insert} END",
            f"INSERT INTO {self.name} ({self.name}) VALUES ('rebuild')",  # noqa: S608
        ]


ARTICLE_WORDS = WordIndex("articles", ("title", "body_text"))
ATTACHMENT_WORDS = WordIndex("attachment_texts", ("text",))
WORD_INDEXES = (ARTICLE_WORDS, ATTACHMENT_WORDS)
