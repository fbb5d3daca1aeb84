"""The archive's schema: every table of the registry in order, a new archive made from it, its version.

The version lives in ``PRAGMA user_version``. A new archive is created from the registry
(tables.py, ledger_tables.py); an older one is upgraded by the registered migrations
(migrations.py) in one transaction; a newer one is refused, because this code would misread it.
docs/archive-schema.md is generated from the same registry (schema_doc.py).
"""

from __future__ import annotations

import sqlite3

from .ledger_tables import (
    ATTACHMENT_SEARCH,
    ATTACHMENT_TEXTS,
    ATTACHMENT_TEXTS_FTS,
    ATTACHMENTS,
    BLOBS,
    CRAWL_RUNS,
    FAILURES,
    FETCHES,
    LISTING_SIGHTINGS,
    META,
    RELEASE_TABLES,
    SECTION_WALKS,
    SITEMAP_ENTRIES,
    SITEMAP_FILES,
)
from .migrations import MIGRATIONS
from .registry import Table
from .tables import ALIASES, ARTICLES, ARTICLES_FTS, EVENTS, HELD_PAGES, SEARCH_INDEX, SOURCES, VERSIONS

# In the order the schema document shows them (and a new archive creates them).
TABLES: tuple[Table, ...] = (
    META,
    SOURCES,
    CRAWL_RUNS,
    BLOBS,
    FETCHES,
    ARTICLES,
    VERSIONS,
    EVENTS,
    ALIASES,
    LISTING_SIGHTINGS,
    SITEMAP_ENTRIES,
    SITEMAP_FILES,
    SECTION_WALKS,
    FAILURES,
    ATTACHMENTS,
    ATTACHMENT_TEXTS,
    ATTACHMENT_SEARCH,
    ARTICLES_FTS,
    ATTACHMENT_TEXTS_FTS,
    HELD_PAGES,
    SEARCH_INDEX,
)
BY_NAME = {table.name: table for table in (*TABLES, *RELEASE_TABLES)}
SCHEMA_VERSION = max(
    max(MIGRATIONS),
    *(table.added for table in TABLES),
    *(column.added for table in TABLES for column in table.columns),
)


def table(name: str) -> Table:
    """A table of the archive or of a release, by name."""
    return BY_NAME[name]


def create_schema(connection: sqlite3.Connection) -> None:
    """Every table and index of a new archive, as the registry declares them."""
    for each in TABLES:
        for statement in each.ddl():
            connection.execute(statement)
