"""Upgrades of older archives: one registered function per schema version, applied in order.

``@migration(N)`` registers the work that takes an archive from schema N-1 to N. After it runs, any
column or table the registry says was added in version N and the file still lacks is added from
its registry declaration, so a new column is one line in the registry (with ``added=N``) and needs
no function of its own. Schemas 1 to 6 replay their frozen DDL (schema_history.sql, shipped with the
package; 6 added the word indexes, issue 25); 7 makes version numbers permanent (issue 23). A table
rebuilt by a step loses its triggers: the step makes them again (``rebuild_articles``).
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Callable, Iterable
from importlib.resources import files

import dataset

from ..dates import utc_now
from .connection import dbapi_connection
from .content import refingerprint_all
from .registry import Table
from .renumbering import give_back_moved_numbers
from .search import reindex_all
from .source_rows import seed_default_sources
from .tables import ARTICLE_ELEMENT_INDEX, ARTICLES, ARTICLES_FTS, SOURCES, SOURCES_SCHEMA

Migration = Callable[[dataset.Database], None]
SCHEMA_HEADING_RE = re.compile(r"^-- schema (\d+):")  # "-- schema 3: incremental runs ..."
MIGRATIONS: dict[int, Migration] = {}


def migration(version: int) -> Callable[[Migration], Migration]:
    """Register ``step`` as the upgrade to schema ``version`` (once per version)."""

    def register(step: Migration) -> Migration:
        if version in MIGRATIONS:
            raise ValueError(f"two migrations to schema {version}: {MIGRATIONS[version].__name__}, {step.__name__}")
        MIGRATIONS[version] = step
        return step

    return register


@functools.cache
def historic_statements() -> dict[int, list[str]]:
    """The frozen DDL of schemas 1 to 6 (schema_history.sql): schema number -> its statements."""
    steps: dict[int, list[str]] = {}
    current: list[str] = []
    pending: list[str] = []
    for line in files(__package__).joinpath("schema_history.sql").read_text(encoding="utf-8").splitlines():
        heading = SCHEMA_HEADING_RE.match(line)
        if heading:
            current = steps.setdefault(int(heading.group(1)), [])
        elif line.strip() and not line.startswith("--"):
            pending.append(line)
            if line.rstrip().endswith(";"):
                current.append("\n".join(pending).rstrip().rstrip(";"))
                pending = []
    return steps


def _run(db: dataset.Database, statements: Iterable[str]) -> None:
    connection = dbapi_connection(db)
    for statement in statements:
        connection.execute(statement)


@migration(1)
def foundation(db: dataset.Database) -> None:
    """Articles with versions, raw snapshots, fetch provenance, the listing ledger."""
    _run(db, historic_statements()[1])


@migration(2)
def archive_of_record(db: dataset.Database) -> None:
    """URL aliases, gone/revived events, date flags, full-text search (every article indexed)."""
    _run(db, historic_statements()[2])
    reindex_all(db)


@migration(3)
def sitemap_files(db: dataset.Database) -> None:
    """Incremental runs that do not grow with the archive: sitemap files read once per change."""
    _run(db, historic_statements()[3])


@migration(4)
def extraction_health(db: dataset.Database) -> None:
    """Held pages, version change and extractor, run health; fingerprints independent of the origin."""
    _run(db, historic_statements()[4])
    refingerprint_all(db)


@migration(5)
def attachments_and_warc(db: dataset.Database) -> None:
    """Attachments' text and its search index, WARC provenance, sitemap index lastmods."""
    _run(db, historic_statements()[5])


@migration(6)
def word_indexes(db: dataset.Database) -> None:
    """Search from every tool: the words-as-written indexes (word_indexes.py) and their triggers, filled
    from what the archive holds."""
    _run(db, historic_statements()[6])


@migration(7)
def permanent_versions(db: dataset.Database) -> None:
    """Version numbers that never move: articles rebuilt with ``current_version`` and ``vacated_by`` (the
    URL no longer unique among vacated articles, no state kept in URL fragments); numbers an import moved
    given back where provable (renumbering.py). The run outcome, author and reading method columns are
    added from the registry after this step."""
    connection = dbapi_connection(db)
    rebuild_articles(connection)
    give_back_moved_numbers(connection, utc_now().isoformat())


@migration(SOURCES_SCHEMA)
def sources(db: dataset.Database) -> None:
    """Sources other than the CSTO (issue 22): the ``sources`` table holding the CSTO, a ``source`` column
    on articles (every existing one the CSTO's, ``csto``), held pages and failures, and the element ID
    unique per source and language. Made here, not after the step, because the index needs the column."""
    connection = dbapi_connection(db)
    have = {row[1] for row in connection.execute("PRAGMA table_info(articles)")}
    if "source" not in have:  # an archive of schema 7 (older ones were rebuilt with it by schema 7)
        connection.execute(f"ALTER TABLE articles ADD COLUMN {ARTICLES['source'].ddl()}")
    connection.execute("DROP INDEX IF EXISTS ux_articles_element")
    connection.execute(ARTICLE_ELEMENT_INDEX)
    add_registered(connection, (SOURCES,), SOURCES_SCHEMA)
    seed_default_sources(connection)


# Fragments the writer of schemas 2 to 5 appended to a URL another article had taken.
URL_FRAGMENTS = ("#vacated-by-", "#superseded-by-")


def rebuild_articles(connection: sqlite3.Connection) -> None:
    """``articles`` as the registry declares it (SQLite cannot drop a UNIQUE constraint in place): the rows
    copied with their rowids (which ``articles_fts`` is keyed by, so the index still fits them), the current
    version set to the latest number, fragments moved to ``vacated_by``; the dropped table's triggers made
    again."""
    old = {row[1] for row in connection.execute("PRAGMA table_info(articles)")}
    create, *indexes = [*ARTICLES.ddl(), *ARTICLES_FTS.triggers]
    connection.execute(create.replace("CREATE TABLE articles (", "CREATE TABLE articles_new (", 1))
    shared = ", ".join(name for name in ARTICLES.names if name in old)
    connection.execute(
        f"INSERT INTO articles_new (rowid, {shared}, current_version) SELECT rowid, {shared}, version_count"  # noqa: S608
        " FROM articles"  # (registry column names)
    )
    for fragment in URL_FRAGMENTS:
        connection.execute(
            "UPDATE articles_new SET vacated_by = substr(url, instr(url, :f) + length(:f)),"
            " url = substr(url, 1, instr(url, :f) - 1) WHERE instr(url, :f) > 0",
            {"f": fragment},
        )
    connection.execute("DROP TABLE articles")  # its triggers go with it
    connection.execute("ALTER TABLE articles_new RENAME TO articles")
    for statement in indexes:  # the indexes and the word index's triggers, as the registry declares them
        connection.execute(statement)


def add_registered(connection: sqlite3.Connection, tables: Iterable[Table], version: int) -> None:
    """The tables and columns the registry says schema ``version`` added, where the file lacks them."""
    present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in tables:
        if table.release_only:
            continue
        if table.name not in present:
            if table.added == version:
                for statement in table.ddl():
                    connection.execute(statement)
            continue
        have = {row[1] for row in connection.execute(f"PRAGMA table_info({table.name})")}
        for column in table.stored:
            if column.added == version and column.name not in have:
                connection.execute(f"ALTER TABLE {table.name} ADD COLUMN {column.ddl()}")
