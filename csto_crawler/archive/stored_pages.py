"""Stored pages to read again with no network (``csto reextract``): held pages, then the newest snapshot
of every live article, each with what the listings said of it."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..items import FetchRecord
from ..pages.anchored import Hints
from ..sources.csto import DEFAULT_SOURCE_NAME
from . import blobs
from .connection import row_dicts
from .filters import Columns, RowFilter, where
from .state import listing_hints

# The newest 200 response of every live article (its latest fetch, or the fetch of its current
# version when the latest fetch was a 304).
ARTICLE_SNAPSHOTS = """
SELECT a.id AS article_id, a.url, a.source, a.lang, a.section, a.content_sha256, f.id AS fetch_id,
       f.url AS requested, f.final_url, f.status, f.headers, f.fetched_at, f.sha256
FROM articles a
JOIN versions v ON v.article_id = a.id AND v.version = a.current_version
JOIN fetches f ON f.id = (SELECT MAX(id) FROM fetches WHERE id IN (a.last_fetch_id, v.fetch_id) AND status = 200)
WHERE a.gone_at IS NULL AND a.vacated_by IS NULL {where}
ORDER BY a.id
"""
HELD_SNAPSHOTS = """
SELECT NULL AS article_id, h.url, h.source, h.lang, h.section, NULL AS content_sha256, f.id AS fetch_id,
       f.url AS requested, f.final_url, f.status, f.headers, f.fetched_at, f.sha256
FROM held_pages h JOIN fetches f ON f.id = h.fetch_id
WHERE 1 = 1 {where}
ORDER BY h.url
"""


@dataclass
class StoredPage:
    """One stored page to read again: what a worker needs, all picklable (``article_id`` None: a held page)."""

    url: str
    lang: str
    section: str
    article_id: str | None
    content_sha256: str | None
    fetch: FetchRecord
    hints: Hints
    source: str = DEFAULT_SOURCE_NAME  # the source of the article or held page: its reading stays that source's


def stored_pages(connection: sqlite3.Connection, flt: RowFilter) -> Iterator[StoredPage]:
    """Held pages first (what the drift alarm kept back), then the newest snapshot of every live article."""
    for sql, alias in ((HELD_SNAPSHOTS, "h"), (ARTICLE_SNAPSHOTS, "a")):
        columns = Columns(lang=f"{alias}.lang", section=f"{alias}.section", source=f"{alias}.source")
        clause, params = where(flt, columns, " AND ")
        for row in row_dicts(connection.execute(sql.format(where=clause), params)):
            yield _stored_page(connection, row)


def _stored_page(connection: sqlite3.Connection, row: dict[str, Any]) -> StoredPage:
    body = blobs.load(connection, row["sha256"]) or b""
    fetch = FetchRecord(
        row["requested"],
        row["final_url"],
        row["status"],
        json.loads(row["headers"] or "{}"),
        body,
        dt.datetime.fromisoformat(row["fetched_at"]),
        "article",
        row["lang"],
        stored_id=row["fetch_id"],
    )
    hints = listing_hints(connection, row["url"])
    return StoredPage(
        row["url"], row["lang"], row["section"], row["article_id"], row["content_sha256"], fetch, hints, row["source"]
    )
