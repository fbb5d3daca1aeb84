"""Writes crawl results into the archive: one transaction per batch, a version only on content change.

ArchiveWriter is the one seam every writer goes through. It owns the transactions and dispatches
each item, by its type, to the run ledger (ledger.py: runs, fetches, listings, sitemaps,
failures, ...) or to the article history (history_writer.py: articles, versions, gone pages);
both write through one shared statements helper (statements.py), all SQL parameterised. A batch
is written in one transaction and retried (tenacity, exponential backoff) when SQLite reports the
database locked or busy, so a researcher holding a read transaction open never makes a crawl lose
data.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from enum import IntEnum
from pathlib import Path
from typing import Any

import dataset
from sqlalchemy.exc import OperationalError
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential, wait_random

from .. import EXTRACTOR_VERSION, __version__
from ..dates import utc_now
from ..items import (
    ArticleItem,
    AttachmentItem,
    FetchFailure,
    GoneNotice,
    HeldPage,
    ListingPageItem,
    NotModified,
    SectionWalked,
    SitemapConfirmed,
    SitemapItem,
    SkippedPage,
)
from ..outcomes import RunMode
from ..sources.csto import DEFAULT_SOURCE_NAME
from ..sources.model import Source
from .absence import Absence
from .article_ids import article_id, section_of
from .connection import abandon_transaction
from .database import open_database
from .history_writer import History, article_fields
from .ledger import SNAPSHOT_HEADERS, Ledger, RunRecord
from .results import ItemKind, LedgerOutcome, SaveOutcome, WriteResult
from .source_rows import SourceRows
from .statements import Clock, Statements

logger = logging.getLogger(__name__)

__all__ = [
    "SNAPSHOT_HEADERS",
    "ArchiveWriter",
    "Clock",
    "ItemKind",
    "LedgerOutcome",
    "RunRecord",
    "SaveOutcome",
    "SqliteLockCode",
    "WriteResult",
    "article_fields",
    "article_id",
    "is_lock_error",
    "section_of",
]

# Writes one item inside the batch's transaction.
Handler = Callable[[Any, int], WriteResult]


class SqliteLockCode(IntEnum):
    """SQLite's primary result codes for "another connection holds the lock": worth a retry."""

    BUSY = sqlite3.SQLITE_BUSY
    LOCKED = sqlite3.SQLITE_LOCKED


LOCK_CODES = frozenset(SqliteLockCode)


def is_lock_error(exc: BaseException) -> bool:
    """Whether SQLite refused for a lock, judged by its result code, never by the message's wording."""
    # SQLAlchemy wraps the sqlite3 error when the statement ran through it (BEGIN IMMEDIATE does).
    cause = exc.orig if isinstance(exc, OperationalError) else exc
    if not isinstance(cause, sqlite3.OperationalError):
        return False
    code = getattr(cause, "sqlite_errorcode", None)  # absent when Python code raised it, not SQLite
    # Extended codes (SQLITE_BUSY_SNAPSHOT, ...) carry the primary code in their low byte.
    return code is not None and (code & 0xFF) in LOCK_CODES


class ArchiveWriter:
    """The crawl's single writer. Not thread-safe: one pipeline owns it."""

    def __init__(
        self,
        db: dataset.Database,
        clock: Clock = utc_now,
        crawler_version: str = __version__,
        extractor_version: str = EXTRACTOR_VERSION,
    ) -> None:
        self.sql = Statements(db, clock)
        self.ledger = Ledger(self.sql, crawler_version)
        self.history = History(self.sql, self.ledger, extractor_version)
        self.absence = Absence(self.sql)
        self._handlers: dict[type, Handler] = {
            ArticleItem: self.history.save_article,
            NotModified: self.history.save_not_modified,
            HeldPage: self.history.save_held,
            GoneNotice: self.history.save_gone,
            ListingPageItem: self.ledger.save_listing,
            SitemapItem: self.ledger.save_sitemap,
            SitemapConfirmed: self.ledger.save_sitemap_confirmed,
            FetchFailure: self.ledger.save_failure,
            AttachmentItem: self.ledger.save_attachment,
            SectionWalked: self.ledger.save_section_walk,
            SkippedPage: self.ledger.save_skipped,
        }

    @classmethod
    def open(cls, path: Path, clock: Clock = utc_now) -> ArchiveWriter:
        return cls(open_database(path, create=True), clock)

    def close(self) -> None:
        self.db.close()

    # The settings callers read (and tests set) live with the part that uses them.

    @property
    def db(self) -> dataset.Database:
        return self.sql.db

    @db.setter
    def db(self, db: dataset.Database) -> None:
        self.sql.db = db

    @property
    def clock(self) -> Clock:
        return self.sql.clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        self.sql.clock = clock

    @property
    def crawler_version(self) -> str:
        return self.ledger.crawler_version

    @crawler_version.setter
    def crawler_version(self, version: str) -> None:
        self.ledger.crawler_version = version

    @property
    def extractor_version(self) -> str:
        return self.history.extractor_version

    @extractor_version.setter
    def extractor_version(self, version: str) -> None:
        self.history.extractor_version = version

    # --- runs ---------------------------------------------------------------------------------

    def begin_run(self, mode: RunMode, arguments: dict[str, Any], pid: int | None = None) -> int:
        """Record a new run; ``pid`` is the crawl's process (the writer may run in a worker)."""
        with self.db:
            return self.ledger.begin_run(mode, arguments, pid)

    def finish_run(self, run_id: int, reason: str, record: RunRecord = RunRecord()) -> None:  # noqa: B008  frozen
        """Close the run: its reason, counts, health and outcome (csto_crawler/runs.py says what they are)."""
        with self.db:
            self.ledger.finish_run(run_id, reason, record)

    def use_sources(self, sources: list[Source]) -> None:
        """The run's sources (setting ``CSTO_SOURCES``): they give new articles their IDs, and the
        archive records any it does not hold yet (``source_rows.SourceRows.ensure``)."""
        self.history.ids.use(sources)
        with self.db:
            rows = SourceRows(self.sql)
            rows.ensure(sources)
            for name in rows.refresh_defaults():
                logger.info("The default source %s is recorded as this version describes it", name)

    def walked_before(self) -> bool:
        """Whether a run ever walked a section's listing to its end (a crawl is then incremental)."""
        with self.db:
            return self.sql.one("SELECT 1 AS walked FROM section_walks LIMIT 1") is not None

    def save_counts(self, run_id: int, counts: dict[str, Any]) -> None:
        """Progress so far, so a killed run still leaves its counts behind."""
        with self.db:
            self.ledger.save_counts(run_id, counts)

    # --- batches ------------------------------------------------------------------------------

    @retry(
        retry=retry_if_exception(is_lock_error),
        # 0.5 s doubling up to 10 s, plus up to 1 s of jitter. Not wait_exponential_jitter(initial=...):
        # tenacity 9 deprecates ``initial`` and warns at import time, which fails filterwarnings=error.
        wait=wait_exponential(multiplier=0.5, max=10) + wait_random(0, 1),
        stop=stop_after_attempt(6),
        reraise=True,
    )
    def write_batch(self, items: Iterable[object], run_id: int) -> list[WriteResult]:
        """Write items in one transaction (all or nothing); retried while the database is locked."""
        try:
            with self.db:
                return [self._handler(type(item))(item, run_id) for item in items]
        except Exception:
            abandon_transaction(self.db)  # a COMMIT that failed (full disk) must not block closing the run
            raise

    def _handler(self, kind: type) -> Handler:
        """The handler of ``kind`` or of its nearest base class, as isinstance would choose."""
        for cls in kind.__mro__:
            handler = self._handlers.get(cls)
            if handler is not None:
                return handler
        raise TypeError(f"cannot archive {kind.__name__}")

    # --- the sitemap's verdict ----------------------------------------------------------------

    def mark_absent_from_walks(
        self, run_id: int, max_share: float, source: str = DEFAULT_SOURCE_NAME
    ) -> dict[tuple[str, str], int]:
        """Mark gone the live articles of ``source`` (the section-walked one) that this run's complete
        listing walks no longer show (``absence.Absence.mark_from_walks``). Returns the number marked
        per (lang, section)."""
        with self.db:
            return self.absence.mark_from_walks(run_id, max_share, source)

    def mark_dropped(self, lang: str, run_id: int, max_share: float) -> dict[str, int]:
        """Mark gone the articles only imported captures show that the sitemaps no longer list
        (``absence.Absence.mark_dropped``). Returns the number marked per section."""
        with self.db:
            return self.absence.mark_dropped(lang, run_id, max_share)

    def mark_absent_from_sitemap(
        self, lang: str, run_id: int, max_share: float, source: str = DEFAULT_SOURCE_NAME
    ) -> dict[str, int]:
        """Mark gone the live articles of ``lang`` that a sitemap file read in this run no longer lists.

        Only entries of files read in this run count, articles fetched in this run are spared, and
        nothing is marked when more than ``max_share`` of the language's articles would be. Returns
        the number marked per section.
        """
        with self.db:
            return self.absence.mark_from_sitemap(lang, run_id, max_share, source)
