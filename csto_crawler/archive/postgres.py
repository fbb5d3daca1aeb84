"""The archive in PostgreSQL, for teams: ``csto export --to postgresql://USER@HOST/DB``.

The articles, versions and attachments tables, with the columns and types of every export and of
the release's Parquet files (the registry's exports, typed by typed_tables.py: dates, UTC
timestamps, integers, JSONB lists), are loaded
through ``dataset``, which creates each table and any column it lacks. Rows are then upserted by
key (``articles.id``, ``versions (article_id, version)``, ``attachments.url``) in batches of
``BATCH`` rows: ``INSERT ... ON CONFLICT DO UPDATE`` only where a value differs, so a second run
inserts nothing and rewrites only what changed (dataset's own ``upsert_many`` issues a SELECT and
an UPDATE or INSERT per row; on 40,000 rows that is minutes instead of seconds). Everything runs in
one transaction: a failed export leaves the database as it was.

Full-text search in PostgreSQL's own terms: each table with text gets a generated column
``search tsvector`` (title weighted A, body B) built with the ``russian`` configuration for Russian
rows and ``english`` for the others, and a GIN index on it::

    SELECT id, title FROM articles WHERE search @@ plainto_tsquery('russian', 'безопасность');

PostgreSQL's ``russian`` configuration stems Cyrillic words with the same Snowball Russian stemmer
as ``csto search`` and Latin words with the English one, so a query finds what ``csto search``
finds in Russian articles (apart from PostgreSQL's stop words, which it leaves out of the index).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import dataset
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import SQLAlchemyError

from ..redaction import redact_url
from .filters import RowFilter
from .queries import ArchiveReader
from .registry import Export, Kind
from .typed_tables import EVERYTHING, EXPORTS, typed_rows

BATCH = 1_000
SCHEMES = ("postgresql", "postgres")
# The text search configuration of a row: its language's, English for anything but Russian.
CONFIG = "CASE WHEN lang = 'ru' THEN 'russian'::regconfig ELSE 'english'::regconfig END"
# Table -> (title column or None, body column): what its ``search`` column indexes.
SEARCHED = {"articles": ("title", "body_text"), "versions": ("title", "body_text"), "attachments": (None, "text")}


class PostgresError(Exception):
    """The URL is not a PostgreSQL URL, or the server refused; one line for the user (no password)."""


@dataclass
class TableCounts:
    rows: int = 0
    inserted: int = 0
    updated: int = 0

    @property
    def unchanged(self) -> int:
        return self.rows - self.inserted - self.updated


def safe_url(url: str) -> str:
    """The URL as it may be printed: the password hidden, however malformed the URL (no parsing)."""
    return redact_url(url)


def engine_url(url: str) -> str:
    """``postgresql://...`` (or ``postgres://``, as many tools write it) for SQLAlchemy; anything else refused."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme.split("+", 1)[0] not in SCHEMES:
        raise PostgresError(f"--to takes a PostgreSQL URL such as postgresql://USER@HOST/DB, not {safe_url(url)!r}")
    return "postgresql" + url[len(scheme.split("+", 1)[0]) :]


def sa_type(kind: Kind) -> Any:
    return {
        Kind.INTEGER: sa.BigInteger(),
        Kind.REAL: sa.Float(),
        Kind.DATE: sa.Date(),
        Kind.INSTANT: sa.DateTime(timezone=True),
        Kind.ATTACHMENT_LIST: JSONB(),
        Kind.STRING_LIST: JSONB(),
    }.get(kind, sa.UnicodeText())


def export_to_postgres(
    reader: ArchiveReader,
    url: str,
    flt: RowFilter = EVERYTHING,
    progress: Callable[[str], None] | None = None,
) -> dict[str, TableCounts]:
    """Load (or bring up to date) the three tables in the database at ``url``; counts per table."""
    say = progress or (lambda _message: None)
    tables = [(export, typed_rows(reader, export, flt)) for export in EXPORTS]
    try:
        db = dataset.connect(engine_url(url), ensure_schema=False)
    except (SQLAlchemyError, ImportError, ValueError, TypeError) as exc:  # ValueError: a port that is not a number
        raise PostgresError(f"cannot use {safe_url(url)}: {_first_line(exc)}") from exc
    counts: dict[str, TableCounts] = {}
    try:
        with db:
            for table, _ in tables:
                ensure_table(db, table)
        with db:
            for table, rows in tables:
                say(f"{table.name}: upserting")
                counts[table.name] = upsert(db, table, rows)
    except SQLAlchemyError as exc:
        raise PostgresError(f"PostgreSQL at {safe_url(url)}: {_first_line(exc)}") from exc
    finally:
        db.close()
    return counts


def ensure_table(db: dataset.Database, table: Export) -> None:
    """Create the table, any column it lacks, its key, its ``search`` column and GIN index."""
    single = len(table.key) == 1
    primary_type = sa_type(next(c.kind for c in table.fields if c.name == table.key[0]))
    target = db.create_table(table.name, primary_id=table.key[0] if single else False, primary_type=primary_type)
    for column in table.fields:
        if not (single and column.name == table.key[0]):
            target.create_column(column.name, sa_type(column.kind))
    if not single:
        target.create_index(list(table.key), name=f"ux_{table.name}_key", unique=True)
    title, body = SEARCHED.get(table.name, (None, None))
    if body is None or body not in table.names:
        return
    vector = f"setweight(to_tsvector({CONFIG}, coalesce({body}, '')), 'B')"
    if title is not None:
        vector = f"setweight(to_tsvector({CONFIG}, coalesce({title}, '')), 'A') || {vector}"
    # Names are the module's constants and the registry's column names.
    db.query(f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS ({vector}) STORED")
    db.query(f"CREATE INDEX IF NOT EXISTS ix_{table.name}_search ON {table.name} USING GIN (search)")


def upsert(db: dataset.Database, table: Export, rows: Iterable[dict[str, Any]]) -> TableCounts:
    """Insert new rows, update rows whose values changed, leave the others untouched."""
    target = db.load_table(table.name).table
    insert = pg_insert(target)
    changing = [c for c in table.names if c not in table.key]
    statement: Any = insert.on_conflict_do_update(
        index_elements=list(table.key),
        set_={c: insert.excluded[c] for c in changing},
        where=sa.or_(*(target.c[c].is_distinct_from(insert.excluded[c]) for c in changing)),
    ).returning(sa.literal_column("(xmax = 0)").label("inserted"))
    counts = TableCounts()
    for batch in _batches(rows, BATCH):
        counts.rows += len(batch)
        for row in db.executable.execute(statement, batch):
            if row.inserted:
                counts.inserted += 1
            else:
                counts.updated += 1
    return counts


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]
