"""Read-side queries for researchers' commands: a read-only connection, stats, failures (parameterised SQL).

The research tables themselves (articles, versions, attachments) are read by typed_tables.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dataset

from .database import dbapi_connection, open_database, row_dicts
from .registry import Kind
from .tables import ARTICLES, VERSIONS

# Columns the archive stores as JSON lists (decoded when a row is read back).
JSON_COLUMNS = frozenset(
    c.name for t in (ARTICLES, VERSIONS) for c in t.stored if c.kind in (Kind.ATTACHMENT_LIST, Kind.STRING_LIST)
)


class ArchiveReader:
    """Read-only access for researchers' commands; safe to use while a crawl writes."""

    def __init__(self, db: dataset.Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: Path) -> ArchiveReader:
        return cls(open_database(path, create=False, writer=False))

    def close(self) -> None:
        self.db.close()

    def query(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        """Run one read in its own short transaction (so no snapshot is held open).

        Rows come straight from sqlite3 (inside the transaction ``with self.db`` began): through
        dataset and SQLAlchemy each row cost several times more, and the crawl's start-up reads a
        row per archived article (archive/state.py; benchmarks/README.md, growth).
        """
        with self.db:
            return row_dicts(dbapi_connection(self.db).execute(sql, params))

    def attachment_hashes(self) -> dict[str, str]:
        """Attachment URL -> sha256 of the downloaded file."""
        rows = self.query("SELECT url, sha256 FROM attachments WHERE sha256 IS NOT NULL")
        return {r["url"]: r["sha256"] for r in rows}

    def failures(self) -> list[dict[str, Any]]:
        return self.query(
            "SELECT url, kind, lang, attempts, last_failed_at, error, status FROM failures ORDER BY last_failed_at, url"
        )

    def stats(self) -> list[dict[str, Any]]:
        """Article counts per language, section and year of publication."""
        return self.query(
            "SELECT lang, section, substr(published, 1, 4) AS year, count(*) AS articles,"
            " sum(gone_at IS NOT NULL) AS gone, sum(version_count > 1) AS edited"
            " FROM articles GROUP BY lang, section, year ORDER BY lang, section, year"
        )

    def stats_by_source(self) -> list[dict[str, Any]]:
        """Article counts per source (``languages``: its languages, comma-joined), the CSTO first."""
        return self.query(
            "SELECT source, count(*) AS articles, group_concat(DISTINCT lang) AS languages,"
            " sum(gone_at IS NOT NULL) AS gone, sum(version_count > 1) AS edited"
            " FROM articles GROUP BY source ORDER BY source != 'csto', source"
        )

    def totals(self) -> dict[str, Any]:
        rows = self.query(
            "SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM versions) AS versions,"
            " (SELECT count(*) FROM fetches) AS fetches, (SELECT count(*) FROM blobs) AS snapshots,"
            " (SELECT coalesce(sum(size), 0) FROM blobs) AS raw_bytes,"
            " (SELECT coalesce(sum(length(data)), 0) FROM blobs) AS stored_bytes,"
            " (SELECT count(*) FROM failures) AS failures, (SELECT count(*) FROM crawl_runs) AS runs"
        )
        return rows[0]


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    for name in JSON_COLUMNS & row.keys():
        value = row[name]
        row[name] = json.loads(value) if isinstance(value, str) else (value or [])
    return row
