"""Re-extraction: today's extractor over the stored snapshots, with no network.

After a redesign the drift alarm holds pages back (``held_pages``); once the extractor learns the new
template, ``csto reextract`` reads their snapshots again and writes their versions. It also reads the
newest snapshot of every live article, and records a new version only where the extracted content
differs, marked ``change = 'extractor'`` so that researchers can tell it from an edit on the site.

Reading a page is CPU-bound batch work: the run's process pool (work_pool.py) reads snapshots in
parallel, while this process alone writes, one transaction per batch, through the run driver
(runs.py) and the same archive writer a crawl uses (so a ``kill -9`` loses at most the batch in
flight, and a second run picks it up).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .archive.connection import dbapi_connection
from .archive.content import content_fingerprint, content_values
from .archive.filters import RowFilter
from .archive.store import ArchiveWriter
from .archive.stored_pages import StoredPage, stored_pages
from .extraction import read_stored_article
from .items import ArticleItem, HeldPage
from .outcomes import Doubt, ReadingMethod, RunMode, VersionChange
from .runs import RunDriver, RunEnd, RunLimits
from .work_pool import WorkPool

logger = logging.getLogger(__name__)

BATCH = 200


@dataclass
class Reading:
    """What the extractor made of a snapshot: a clean article (maybe doubtful), or nothing."""

    page: StoredPage
    item: ArticleItem | None
    doubts: list[Doubt] = field(default_factory=list)
    method: ReadingMethod = ReadingMethod.NONE
    problem: str | None = None


def read_snapshot(page: StoredPage, timezone: str) -> Reading:
    """Extract and clean one snapshot, as a crawl would (runs in a worker process)."""
    fetch = page.fetch
    reading = read_stored_article(fetch, page.url, page.lang, page.hints, timezone)
    item = reading.item
    if item is None:
        return Reading(page, None, [Doubt.UNREADABLE], problem=reading.problem)
    item.section = page.section or item.section
    item.version_change = VersionChange.EXTRACTOR
    if fetch.url != item.url:
        item.requested_url = fetch.url
    return Reading(page, item, reading.doubts, reading.method)


def _read(args: tuple[StoredPage, str]) -> Reading:
    return read_snapshot(*args)


def reextract(
    writer: ArchiveWriter,
    scope: RowFilter,
    timezone: str,
    limits: RunLimits,
    pool: WorkPool,
    progress: Callable[[int], None] | None = None,
    arguments: dict[str, Any] | None = None,
) -> RunEnd:
    """Read every stored snapshot in ``scope`` again and archive what changed; returns how the run ended
    (its counts under ``reextract``: unchanged, filled, changed, still_held, doubtful_kept)."""
    driver = RunDriver(writer, RunMode.REEXTRACT, arguments or {}, limits)
    with driver.running(lambda: sum(driver.tally.values())):
        batch: list[StoredPage] = []
        for page in stored_pages(dbapi_connection(writer.db), scope):
            batch.append(page)
            if len(batch) >= BATCH:
                _archive(driver, pool.map(_read, [(p, timezone) for p in batch]))
                batch = []
                if progress:
                    progress(sum(driver.tally.values()))
        if batch:
            _archive(driver, pool.map(_read, [(p, timezone) for p in batch]))
    if driver.end is None:
        raise RuntimeError("the reextract run was not finished")
    return driver.end


def _archive(driver: RunDriver, readings: Iterable[Reading]) -> None:
    """Write one batch of readings: new or changed content as versions, doubtful pages held."""
    items: list[object] = []
    for reading in readings:
        page = reading.page
        driver.health.record(page.lang, page.section, "article", reading.method, reading.doubts)
        items.extend(_outcome(driver, reading))
    driver.write(items)


def _outcome(driver: RunDriver, reading: Reading) -> Iterator[object]:
    page, item = reading.page, reading.item
    if item is None or reading.doubts:
        if page.article_id is not None:
            # A live article the extractor cannot read now: its archived content stands.
            driver.tally["doubtful_kept"] += 1
            return
        driver.tally["still_held"] += 1
        title = item.title if item else None
        yield HeldPage(
            page.url, page.lang, page.section, reading.doubts, reading.method, page.fetch, title, source=page.source
        )
        return
    if page.article_id is not None and content_fingerprint(content_values(item)) == page.content_sha256:
        driver.tally["unchanged"] += 1
        return
    driver.tally["filled" if page.article_id is None else "changed"] += 1
    item.source = page.source
    yield item
