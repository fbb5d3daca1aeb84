"""What ``csto warc export`` reads: the fetches in scope with what each showed, the runs they came from,
the archive's identity and site bases, the version of an article in force at a date."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .filters import Columns, RowFilter, where
from .queries import ArchiveReader
from .version_rows import LATEST_FIRST

# One row per fetch in scope, oldest first, with the first fetch of the same 200 payload (a revisit
# points at it), the article version it first showed, and the article or attachment it belongs to.
FETCHES_SQL = """
WITH chosen AS (
    SELECT f.* FROM fetches f WHERE 1 = 1 {where}
), ranked AS (
    SELECT c.*,
           first_value(c.id) OVER w AS first_id,
           first_value(c.final_url) OVER w AS first_url,
           first_value(c.fetched_at) OVER w AS first_at
    FROM chosen c
    WINDOW w AS (PARTITION BY c.sha256, c.status = 200 ORDER BY c.id)
)
SELECT r.id, r.run_id, r.url, r.final_url, r.kind, r.lang, r.status, r.fetched_at, r.headers, r.sha256, r.size,
       r.source, r.warc_record_id, r.first_id, r.first_url, r.first_at,
       v.article_id AS first_showing_article, v.version AS first_showing_version,
       coalesce(a.id, u.article_id) AS url_article, t.article_url AS attachment_of,
       b.sha256 IS NOT NULL AS stored
FROM ranked r
LEFT JOIN (SELECT fetch_id, article_id, min(version) AS version FROM versions
           WHERE fetch_id IS NOT NULL GROUP BY fetch_id) v ON v.fetch_id = r.id
LEFT JOIN articles a ON a.url = r.final_url AND a.vacated_by IS NULL
LEFT JOIN url_aliases u ON u.url = r.final_url
LEFT JOIN attachments t ON t.url = r.url AND r.kind = 'attachment'
LEFT JOIN blobs b ON b.sha256 = r.sha256
ORDER BY r.id
"""
# The runs whose fetches are exported.
RUNS_SQL = (
    "SELECT id, mode, started_at, finished_at, crawler_version FROM crawl_runs"
    " WHERE id IN (SELECT DISTINCT run_id FROM fetches f WHERE 1 = 1 {where}) ORDER BY id"
)
# The version of an article in force at a date: the latest in time first seen by then.
VERSION_AT_SQL = (
    "SELECT version FROM versions WHERE article_id = ? AND first_seen_at <= ?"  # noqa: S608  a constant
    f" ORDER BY {LATEST_FIRST} LIMIT 1"
)
FETCH_COLUMNS = Columns(lang="f.lang", fetched="f.fetched_at")


def rows(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """A cursor's rows as dicts, one at a time (the cursor streams; nothing is collected)."""
    names = [column[0] for column in cursor.description or ()]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def fetches_in_scope(connection: sqlite3.Connection, scope: RowFilter) -> Iterator[dict[str, Any]]:
    clause, params = where(scope, FETCH_COLUMNS, " AND ")
    return rows(connection.execute(FETCHES_SQL.format(where=clause), params))


def runs_in_scope(connection: sqlite3.Connection, scope: RowFilter) -> list[dict[str, Any]]:
    clause, params = where(scope, FETCH_COLUMNS, " AND ")
    return list(rows(connection.execute(RUNS_SQL.format(where=clause), params)))


def site_bases(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    """The site bases the archive's URLs are stored under (``meta``: ``site_base.<lang>``)."""
    return list(rows(connection.execute("SELECT key, value FROM meta WHERE key LIKE 'site_base.%' ORDER BY key")))


def version_at(connection: sqlite3.Connection, article_id: str, at: str) -> int | None:
    row = connection.execute(VERSION_AT_SQL, (article_id, at)).fetchone()
    return int(row[0]) if row else None


def archive_identity(reader: ArchiveReader, path: Path) -> str:
    """What names this archive in record IDs: its creation time (stable across copies and moves)."""
    found = reader.query("SELECT value FROM meta WHERE key = 'created_at'")
    return str(found[0]["value"]) if found else str(path.resolve())
