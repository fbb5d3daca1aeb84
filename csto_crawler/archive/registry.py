"""The registry's vocabulary: a table, a column, how a value is typed outside SQLite, and what each derives.

Every table and column of the archive is declared once, in tables.py, with these types: its SQL
declaration, what it means, how it is typed in exports (Parquet, PostgreSQL) and who fills it. The
DDL of a new archive, the columns a migration adds, the writer's INSERT and UPDATE lists, the export
columns, the release's descriptions and docs/archive-schema.md are derived from it (sqlite-utils
and Datasette derive their pages from the schema the same way). Adding a column is one line there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """How a column's value is typed outside SQLite (Parquet through pyarrow, PostgreSQL through SQLAlchemy)."""

    TEXT = "text"
    INTEGER = "integer"
    REAL = "real"
    DATE = "date"  # the site's calendar date of an ISO date or datetime (never shifted to UTC)
    INSTANT = "instant"  # an ISO 8601 timestamp, as a UTC instant
    JSON = "json"  # JSON text kept as text (run counts, headers)
    ATTACHMENT_LIST = "attachment_list"  # JSON [{url, filename}] -> a list of structs
    STRING_LIST = "string_list"  # JSON [str] -> a list of strings
    BLOB = "blob"


# Kinds whose values the archive stores as JSON text.
JSON_KINDS = frozenset({Kind.JSON, Kind.ATTACHMENT_LIST, Kind.STRING_LIST})


class Fill(StrEnum):
    """Who gives a column its value when the writer inserts a row."""

    WRITER = "writer"  # the writer computes it (marks, counters, fingerprints)
    ITEM = "item"  # the item's attribute of the same name
    CONTENT = "content"  # the item's attribute: part of an article's clean content (articles and versions)


@dataclass(frozen=True)
class Column:
    """One column: ``sql`` is its declaration after the name (None: derived when read, ``expr``)."""

    name: str
    sql: str | None
    meaning: str
    kind: Kind = Kind.TEXT
    fill: Fill = Fill.WRITER
    export: bool = False  # one of the research columns (csto export, the release's Parquet, PostgreSQL)
    site_url: bool = False  # holds the site's URLs (or text with them): moved when the site moves (origins.py)
    keep: bool = False  # the page may not show it: a fetch without it keeps the archived value
    added: int = 1  # the schema version that added it (older archives gain it when upgraded)
    expr: str | None = None  # for a derived column: its SQL over the table alias ``{t}``
    attribute: str | None = None  # the item attribute that fills it (Fill.ITEM), when named otherwise

    def item_value(self, item: object) -> Any:
        """The value an item (items.ArticleItem) gives this column."""
        return getattr(item, self.attribute or self.name)

    def ddl(self) -> str:
        return f"{self.name} {self.sql}"

    def ref(self, alias: str) -> str:
        """The column in a query where its table is ``alias`` (a derived column: its expression)."""
        if self.expr is not None:
            return self.expr.format(t=alias)
        return f"{alias}.{self.name}"


@dataclass(frozen=True)
class Table:
    """One table (``fts``: an FTS5 virtual table's arguments; ``release_only``: made by csto release)."""

    name: str
    meaning: str
    columns: tuple[Column, ...]
    constraints: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()  # whole CREATE INDEX statements
    triggers: tuple[str, ...] = ()  # whole CREATE TRIGGER statements (an index kept in step with its table)
    notes: str = ""  # prose the schema document shows after the columns
    fts: str | None = None
    release_only: bool = False
    added: int = 1

    def __getitem__(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name}")

    @property
    def stored(self) -> tuple[Column, ...]:
        """The columns SQLite stores (derived ones left out)."""
        return tuple(c for c in self.columns if c.sql is not None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.stored)

    def filled_by(self, *fills: Fill) -> tuple[str, ...]:
        return tuple(c.name for c in self.stored if c.fill in fills)

    def item_values(self, item: object, *fills: Fill) -> dict[str, Any]:
        """Column name -> the item's value, for the columns the item fills (``fills``)."""
        return {c.name: c.item_value(item) for c in self.stored if c.fill in fills}

    def ddl(self) -> list[str]:
        """CREATE statements of the table as this code defines it, then its indexes and triggers."""
        if self.fts is not None:
            columns = ", ".join(c.name + (" UNINDEXED" if c.sql == "UNINDEXED" else "") for c in self.stored)
            create = f"CREATE VIRTUAL TABLE {self.name} USING fts5({columns}, {self.fts})"
        else:
            body = ",\n    ".join([*(c.ddl() for c in self.stored), *self.constraints])
            create = f"CREATE TABLE {self.name} (\n    {body}\n)"
        return [create, *self.indexes, *self.triggers]

    def insert(self, names: Iterable[str], conflict: str = "") -> str:
        """``INSERT INTO table (a, b) VALUES (:a, :b)`` for these columns (each checked against the table)."""
        chosen = [self[name].name for name in names]
        values = ", ".join(f":{name}" for name in chosen)
        return f"INSERT INTO {self.name} ({', '.join(chosen)}) VALUES ({values}){conflict}"  # noqa: S608  registry names

    def assignments(self, names: Iterable[str]) -> str:
        """``a = :a, b = :b``: an UPDATE's SET list for these columns."""
        return ", ".join(f"{self[name].name} = :{name}" for name in names)


@dataclass(frozen=True)
class Export:
    """One research table: rows of ``source`` (fixed SQL: FROM and JOINs) with ``fields`` in order.

    The same columns, with the same names, in JSONL, CSV, Parquet, the release and PostgreSQL.
    """

    name: str
    meaning: str
    key: tuple[str, ...]
    source: str
    order: str  # ORDER BY of a batch (within the key's article)
    fields: tuple[Column, ...]  # each with ``expr`` over the source's aliases

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def select(self) -> str:
        return "SELECT " + ", ".join(f"{f.expr} AS {f.name}" for f in self.fields) + f" {self.source}"


def exported(table: Table, alias: str, names: Iterable[str] | None = None) -> Iterator[Column]:
    """The table's research columns (``names``: these, in this order) as export fields read from ``alias``."""
    columns = [table[name] for name in names] if names is not None else [c for c in table.columns if c.export]
    for column in columns:
        yield Column(column.name, None, column.meaning, column.kind, export=True, expr=column.ref(alias))
