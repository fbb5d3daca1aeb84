"""Read-side queries: export rows, stats, single articles and their versions (parameterised SQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dataset

from .database import dbapi_connection, open_database, row_dicts

# Columns of an article export row, in order; identical for JSONL, CSV and Parquet.
ARTICLE_COLUMNS = (
    "id",
    "url",
    "lang",
    "section",
    "title",
    "subtitle",
    "published",
    "published_raw",
    "published_source",
    "body_text",
    "signature",
    "attachments",
    "images",
    "counterpart_url",
    "version_count",
    "first_seen_at",
    "last_seen_at",
    "gone_at",
)
# Columns of a version export row (``--versions``).
VERSION_COLUMNS = (
    "id",
    "url",
    "lang",
    "section",
    "version",
    "title",
    "subtitle",
    "published",
    "published_raw",
    "published_source",
    "body_text",
    "signature",
    "attachments",
    "images",
    "first_seen_at",
    "last_seen_at",
    "content_sha256",
    "gone_at",
)
JSON_COLUMNS = frozenset({"attachments", "images"})

SELECT_ARTICLES = (
    "SELECT a.id, a.url, a.lang, a.section, a.title, a.subtitle, a.published, a.published_raw,"
    " a.published_source, a.body_text, a.signature, a.attachments, a.images, a.counterpart_url,"
    " a.version_count, a.first_seen_at, a.last_seen_at, a.gone_at FROM articles a"
)
SELECT_VERSIONS = (
    "SELECT a.id, v.url, a.lang, a.section, v.version, v.title, v.subtitle, v.published, v.published_raw,"
    " v.published_source, v.body_text, v.signature, v.attachments, v.images, v.first_seen_at,"
    " v.last_seen_at, v.content_sha256, a.gone_at FROM versions v JOIN articles a ON a.id = v.article_id"
)


@dataclass(frozen=True)
class ExportFilter:
    """Which rows to export: language, and a published-date range (inclusive, ISO dates)."""

    lang: str | None = None
    since: str | None = None
    until: str | None = None


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

    def _where(self, flt: ExportFilter, prefix: str) -> tuple[str, dict[str, Any]]:
        clauses, params = [], {}
        if flt.lang:
            clauses.append(f"{prefix}lang = :lang")
            params["lang"] = flt.lang
        if flt.since:
            clauses.append(f"substr({prefix}published, 1, 10) >= :since")
            params["since"] = flt.since
        if flt.until:
            clauses.append(f"substr({prefix}published, 1, 10) <= :until")
            params["until"] = flt.until
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def iter_articles(self, flt: ExportFilter) -> Iterator[dict[str, Any]]:
        """One row per article (its latest content), deleted articles included."""
        where, params = self._where(flt, "a.")
        # The WHERE clause is built from fixed column names; every value is a bound parameter.
        sql = f"{SELECT_ARTICLES}{where} ORDER BY a.lang, a.published DESC, a.id"
        for row in self.query(sql, **params):
            yield decode_row(row)

    def iter_versions(self, flt: ExportFilter) -> Iterator[dict[str, Any]]:
        """One row per version, oldest first within each article."""
        where, params = self._where(flt, "v.")
        where = where.replace("v.lang", "a.lang")
        sql = f"{SELECT_VERSIONS}{where} ORDER BY a.lang, a.id, v.version"
        for row in self.query(sql, **params):
            yield decode_row(row)

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
