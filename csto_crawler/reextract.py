"""Re-extraction: today's extractor over the stored snapshots, with no network.

After a redesign the drift alarm holds pages back (``held_pages``); once the extractor learns the new
template, ``csto reextract`` reads their snapshots again and writes their versions. It also reads the
newest snapshot of every live article, and records a new version only where the extracted content
differs, marked ``change = 'extractor'`` so that researchers can tell it from an edit on the site.

Reading a page is CPU-bound batch work: a ``concurrent.futures`` process pool reads snapshots in
parallel, while this process alone writes, one transaction per batch, through the same archive writer
a crawl uses (so a ``kill -9`` loses at most the batch in flight, and a second run picks it up).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .archive import blobs
from .archive.content import content_fingerprint
from .archive.database import dbapi_connection, row_dicts
from .archive.state import listing_hints
from .archive.store import ArchiveWriter, article_fields
from .extraction import read_stored_article
from .items import ArticleItem, FetchRecord, HeldPage
from .pages.anchored import Hints
from .pages.reading import ReadingMethod
from .quality import Doubt, HealthReport

logger = logging.getLogger(__name__)

BATCH = 200

# The newest 200 response of every live article (its latest fetch, or the fetch of its latest
# version when the latest fetch was a 304), then every held page.
ARTICLE_SNAPSHOTS = """
SELECT a.id AS article_id, a.url, a.lang, a.section, a.content_sha256, f.id AS fetch_id, f.url AS requested,
       f.final_url, f.status, f.headers, f.fetched_at, f.sha256
FROM articles a
JOIN versions v ON v.article_id = a.id AND v.version = a.version_count
JOIN fetches f ON f.id = (SELECT MAX(id) FROM fetches WHERE id IN (a.last_fetch_id, v.fetch_id) AND status = 200)
WHERE a.gone_at IS NULL {where}
ORDER BY a.id
"""
HELD_SNAPSHOTS = """
SELECT NULL AS article_id, h.url, h.lang, h.section, NULL AS content_sha256, f.id AS fetch_id, f.url AS requested,
       f.final_url, f.status, f.headers, f.fetched_at, f.sha256
FROM held_pages h JOIN fetches f ON f.id = h.fetch_id
WHERE 1 = 1 {where}
ORDER BY h.url
"""


@dataclass(frozen=True)
class Scope:
    """Which stored pages to read again (``since``: fetched on or after this ISO date)."""

    langs: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    since: str | None = None

    def where(self, table: str) -> tuple[str, dict[str, Any]]:
        clauses, params = [], {}
        if self.langs:
            clauses.append(f"{table}.lang IN ({', '.join(f':lang{i}' for i in range(len(self.langs)))})")
            params.update({f"lang{i}": lang for i, lang in enumerate(self.langs)})
        if self.sections:
            parts = []
            for i, section in enumerate(self.sections):
                parts.append(f"({table}.section = :sec{i} OR {table}.section LIKE :sub{i})")
                params[f"sec{i}"] = section.strip("/")
                params[f"sub{i}"] = section.strip("/") + "/%"
            clauses.append("(" + " OR ".join(parts) + ")")
        if self.since:
            clauses.append("f.fetched_at >= :since")
            params["since"] = self.since
        return "".join(f" AND {clause}" for clause in clauses), params


@dataclass
class Snapshot:
    """One stored page to read again: what the worker needs, all picklable."""

    url: str
    lang: str
    section: str
    article_id: str | None
    content_sha256: str | None
    fetch: FetchRecord
    hints: Hints


@dataclass
class Reading:
    """What the extractor made of a snapshot: a clean article (maybe doubtful), or nothing."""

    snapshot: Snapshot
    item: ArticleItem | None
    doubts: list[str] = field(default_factory=list)
    method: str = ReadingMethod.NONE.value
    problem: str | None = None


@dataclass
class ReextractReport:
    """Counts of one re-extraction run, and the health of what it read."""

    run_id: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    health: HealthReport = field(default_factory=HealthReport)
    drift: list[str] = field(default_factory=list)


def stored_snapshots(writer: ArchiveWriter, scope: Scope) -> Iterator[Snapshot]:
    """Held pages first (what the alarm kept back), then the newest snapshot of every live article."""
    connection = dbapi_connection(writer.db)
    for sql, table in ((HELD_SNAPSHOTS, "h"), (ARTICLE_SNAPSHOTS, "a")):
        where, params = scope.where(table)
        for row in row_dicts(connection.execute(sql.format(where=where), params)):
            yield _snapshot(connection, row)


def _snapshot(connection: Any, row: dict[str, Any]) -> Snapshot:
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
    return Snapshot(
        row["url"],
        row["lang"],
        row["section"],
        row["article_id"],
        row["content_sha256"],
        fetch,
        listing_hints(connection, row["url"]),
    )


def read_snapshot(snapshot: Snapshot, timezone: str) -> Reading:
    """Extract and clean one snapshot, as a crawl would (runs in a worker process)."""
    fetch = snapshot.fetch
    reading = read_stored_article(fetch, snapshot.url, snapshot.lang, snapshot.hints, timezone)
    item = reading.item
    if item is None:
        return Reading(snapshot, None, [Doubt.UNREADABLE.value], problem=reading.problem)
    item.section = snapshot.section or item.section
    item.version_change = "extractor"
    if fetch.url != item.url:
        item.requested_url = fetch.url
    return Reading(snapshot, item, reading.doubts, reading.method)


def reextract(
    writer: ArchiveWriter,
    scope: Scope,
    timezone: str,
    drift_limits: tuple[float, int] = (0.2, 5),
    workers: int = 1,
    progress: Callable[[Counter[str]], None] | None = None,
    arguments: dict[str, Any] | None = None,
) -> ReextractReport:
    """Read every stored snapshot in ``scope`` again and archive what changed; returns the counts.

    ``workers`` > 1 reads snapshots in a process pool; writing stays in this process, one
    transaction per batch.
    """
    report = ReextractReport(writer.begin_run("reextract", arguments or {}, os.getpid()))
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    reader: Callable[..., Iterator[Reading]] = pool.map if pool else map
    reason = "failed"
    try:
        batch: list[Snapshot] = []
        for snapshot in stored_snapshots(writer, scope):
            batch.append(snapshot)
            if len(batch) >= BATCH:
                _archive(writer, report, reader(read_snapshot, batch, [timezone] * len(batch)))
                batch = []
                if progress:
                    progress(report.counts)
        if batch:
            _archive(writer, report, reader(read_snapshot, batch, [timezone] * len(batch)))
        reason = "finished"
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        report.drift = [found.describe() for found in report.health.drifted(*drift_limits)]
        health = {"pages": report.health.as_dict(), "drift": report.drift}
        writer.finish_run(report.run_id, reason, {"reextract": dict(report.counts)}, health)
    return report


def _archive(writer: ArchiveWriter, report: ReextractReport, readings: Iterator[Reading]) -> None:
    """Write one batch of readings: new or changed content as versions, doubtful pages held."""
    items: list[object] = []
    for reading in readings:
        snapshot = reading.snapshot
        report.health.record(
            snapshot.lang, snapshot.section, "article", reading.method, [Doubt(d) for d in reading.doubts]
        )
        items.extend(_outcome(report.counts, reading))
    writer.write_batch(items, report.run_id)


def _outcome(counts: Counter[str], reading: Reading) -> list[object]:
    snapshot, item = reading.snapshot, reading.item
    if item is None or reading.doubts:
        if snapshot.article_id is not None:
            # A live article the extractor cannot read now: its archived content stands.
            counts["doubtful_kept"] += 1
            return []
        counts["still_held"] += 1
        title = item.title if item else None
        return [
            HeldPage(
                snapshot.url, snapshot.lang, snapshot.section, reading.doubts, reading.method, snapshot.fetch, title
            )
        ]
    if snapshot.article_id is not None and content_fingerprint(article_fields(item)) == snapshot.content_sha256:
        counts["unchanged"] += 1
        return []
    counts["filled" if snapshot.article_id is None else "changed"] += 1
    return [item]
