"""The run ledger: what each run fetched, listed, failed on and walked, whatever it did to articles.

Runs, fetches and their snapshot blobs, listing sightings, sitemap files and entries (sitemaps.py),
failures, attachments, finished section walks and skipped pages. Like the history, the ledger
places what it records by its date: a sighting, a sitemap reading or a download older than what it
holds widens what was seen instead of replacing it, and clears no failure recorded after it (an
old capture says nothing of the URL today). The article history (history_writer.py) records its
fetches and clears its failures here. Nothing here begins a transaction: the writer (store.py) owns
them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
from dataclasses import dataclass, field
from typing import Any

from ..dates import to_utc_iso
from ..items import (
    AttachmentItem,
    FetchFailure,
    FetchRecord,
    ListingPageItem,
    SectionWalked,
    SitemapConfirmed,
    SitemapItem,
    SkippedPage,
)
from ..outcomes import RunMode
from ..sources.csto import DEFAULT_SOURCE_NAME
from . import blobs
from .article_ids import section_of
from .results import ItemKind, LedgerOutcome, WriteResult
from .sightings import put_sightings
from .sitemaps import put_entries
from .statements import Statements, moment

# Response headers kept with every fetch: what a reader needs to judge the snapshot.
SNAPSHOT_HEADERS = (
    "content-type",
    "content-length",
    "last-modified",
    "etag",
    "date",
    "server",
    "location",
    "retry-after",
    "x-powered-cms",
)


# The newest download of a file keeps its bytes (">=": a crawl's download replaces the one it repeats);
# an older one only moves the first sighting back.
UPSERT_ATTACHMENT = (
    "INSERT INTO attachments (url, article_url, filename, sha256, size, content_type, first_seen_at,"
    " last_fetched_at) VALUES (:url, :article, :filename, :sha, :size, :ctype, :now, :now)"
    " ON CONFLICT (url) DO UPDATE SET"
    " sha256 = CASE WHEN excluded.last_fetched_at >= attachments.last_fetched_at"
    " THEN excluded.sha256 ELSE attachments.sha256 END,"
    " size = CASE WHEN excluded.last_fetched_at >= attachments.last_fetched_at"
    " THEN excluded.size ELSE attachments.size END,"
    " content_type = CASE WHEN excluded.last_fetched_at >= attachments.last_fetched_at"
    " THEN excluded.content_type ELSE attachments.content_type END,"
    " first_seen_at = min(attachments.first_seen_at, excluded.first_seen_at),"
    " last_fetched_at = max(attachments.last_fetched_at, excluded.last_fetched_at)"
)


@dataclass(frozen=True)
class RunRecord:
    """What a run's row records at its end (the run driver, csto_crawler/runs.py, says what each means)."""

    counts: dict[str, Any] = field(default_factory=dict)
    health: dict[str, Any] | None = None
    exit_code: int | None = None
    pages_fetched: int | None = None
    pages_archived: int | None = None
    pages_held: int | None = None
    failures: int | None = None
    duration_s: float | None = None


def header(fetch: FetchRecord, name: str) -> str | None:
    """A response header by lower-case name (headers keep the server's spelling)."""
    for key, value in fetch.headers.items():
        if key.lower() == name:
            return value
    return None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class Ledger:
    """Writes the run ledger through the writer's shared statements."""

    def __init__(self, sql: Statements, crawler_version: str) -> None:
        self.sql = sql
        self.crawler_version = crawler_version
        self._started: dict[int, str] = {}  # run id -> when it started

    # --- runs ---------------------------------------------------------------------------------

    def begin_run(self, mode: RunMode, arguments: dict[str, Any], pid: int | None) -> int:
        started = self.sql.now()
        run_id = self.sql.insert(
            "INSERT INTO crawl_runs (started_at, mode, arguments, crawler_version, host, pid)"
            " VALUES (:at, :mode, :args, :version, :host, :pid)",
            at=started,
            mode=str(mode),
            args=_json(arguments),
            version=self.crawler_version,
            host=socket.gethostname(),
            pid=pid or os.getpid(),
        )
        self._started[run_id] = started
        return run_id

    def finish_run(self, run_id: int, reason: str, record: RunRecord) -> None:
        """The run's end: its reason and what the run driver (csto_crawler/runs.py) made of it."""
        values = dataclasses.asdict(record)
        self.sql.execute(
            "UPDATE crawl_runs SET finished_at = :at, finish_reason = :reason, counts = :counts,"
            " health = :health, exit_code = :exit_code, pages_fetched = :pages_fetched,"
            " pages_archived = :pages_archived, pages_held = :pages_held, failures = :failures,"
            " duration_s = :duration_s WHERE id = :id",
            at=self.sql.now(),
            reason=reason,
            id=run_id,
            **{**values, "counts": _json(record.counts), "health": _json(record.health) if record.health else None},
        )

    def made_in_run(self, at: str, run_id: int) -> bool:
        """Whether a fetch dated ``at`` was made while run ``run_id`` ran (else: an older capture)."""
        started = self._started.get(run_id)
        if started is None:
            row = self.sql.one("SELECT started_at FROM crawl_runs WHERE id = :id", id=run_id)
            started = self._started[run_id] = row["started_at"] if row else at
        return moment(at) >= moment(started)

    def save_counts(self, run_id: int, counts: dict[str, Any]) -> None:
        self.sql.execute("UPDATE crawl_runs SET counts = :counts WHERE id = :id", counts=_json(counts), id=run_id)

    # --- fetches and blobs --------------------------------------------------------------------

    def _put_blob(self, data: bytes, sha: str | None = None, encoded: tuple[str, bytes] | None = None) -> str:
        """Store ``data`` compressed under its sha256 (``sha`` and ``encoded`` when the caller has them)."""
        sha = sha or blobs.sha256_hex(data)
        codec, stored = encoded or blobs.encode(data)
        self.sql.execute(
            "INSERT INTO blobs (sha256, size, codec, data, created_at) VALUES (:sha, :size, :codec, :data, :at)"
            " ON CONFLICT (sha256) DO NOTHING",
            sha=sha,
            size=len(data),
            codec=codec,
            data=stored,
            at=self.sql.now(),
        )
        return sha

    def put_fetch(self, fetch: FetchRecord, run_id: int) -> int:
        """The fetch's row id, its snapshot stored once per content."""
        if fetch.stored_id is not None:  # read back from the archive: its bytes and row are there
            return fetch.stored_id
        sha = self._put_blob(fetch.body, fetch.sha256, fetch.encoded)
        headers = {k: v for k, v in fetch.headers.items() if k.lower() in SNAPSHOT_HEADERS}
        return self.sql.insert(
            "INSERT INTO fetches (run_id, url, final_url, kind, lang, status, fetched_at, headers, sha256, size,"
            " crawler_version, source, warc_record_id) VALUES (:run, :url, :final, :kind, :lang, :status, :at,"
            " :headers, :sha, :size, :version, :source, :record)",
            run=run_id,
            url=fetch.url,
            final=fetch.final_url,
            kind=fetch.kind,
            lang=fetch.lang,
            status=fetch.status,
            at=to_utc_iso(fetch.fetched_at),
            headers=_json(headers),
            sha=sha,
            size=len(fetch.body),
            version=self.crawler_version,
            source=fetch.source,
            record=fetch.warc_record_id,
        )

    # --- failures -----------------------------------------------------------------------------

    def record_failure(
        self,
        url: str,
        lang: str | None,
        kind: str,
        error: str,
        attempts: int,
        status: int | None,
        run_id: int,
        source: str = DEFAULT_SOURCE_NAME,
    ) -> None:
        self.sql.execute(
            "INSERT INTO failures (url, source, lang, kind, error, status, attempts, first_failed_at, last_failed_at,"
            " last_run_id) VALUES (:url, :source, :lang, :kind, :error, :status, :attempts, :now, :now, :run)"
            " ON CONFLICT (url) DO UPDATE SET error = excluded.error, status = excluded.status,"
            " attempts = failures.attempts + excluded.attempts, last_failed_at = excluded.last_failed_at,"
            " last_run_id = excluded.last_run_id",
            url=url,
            source=source,
            lang=lang,
            kind=kind,
            error=error,
            status=status,
            attempts=attempts,
            now=self.sql.now(),
            run=run_id,
        )

    def clear_failure(self, url: str, at: str) -> None:
        """A URL that answered at ``at`` is no longer a failure to retry, unless it failed after that."""
        self.sql.execute("DELETE FROM failures WHERE url = :url AND first_failed_at <= :at", url=url, at=at)

    def save_failure(self, item: FetchFailure, run_id: int) -> WriteResult:
        if item.fetch is not None:
            self.put_fetch(item.fetch, run_id)
        self.record_failure(item.url, item.lang, item.kind, item.error, item.attempts, item.status, run_id, item.source)
        section = section_of(item.url) if item.kind == "article" else None
        return WriteResult(ItemKind.FAILURE, item.lang, section, LedgerOutcome.FAILED)

    # --- listings, sitemaps, attachments, walks, skipped pages ----------------------------------

    def save_listing(self, item: ListingPageItem, run_id: int) -> WriteResult:
        self.put_fetch(item.fetch, run_id)
        put_sightings(self.sql, item, run_id)
        self.clear_failure(item.fetch.url, to_utc_iso(item.fetch.fetched_at))
        return WriteResult(ItemKind.LISTING, item.lang, item.section, LedgerOutcome.FETCHED)

    def save_sitemap(self, item: SitemapItem, run_id: int) -> WriteResult:
        self.put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        self.clear_failure(item.fetch.url, now)
        if item.is_index:
            return WriteResult(ItemKind.SITEMAP, item.lang, None, LedgerOutcome.FETCHED)
        if item.unchanged:
            self.sql.execute(
                "UPDATE sitemap_files SET confirmed_run_id = :run, index_lastmod = :lastmod WHERE url = :url",
                run=run_id,
                lastmod=item.index_lastmod,
                url=item.fetch.url,
            )
            return WriteResult(ItemKind.SITEMAP, item.lang, None, LedgerOutcome.UNCHANGED)
        put_entries(self.sql, item, run_id, now)
        return WriteResult(ItemKind.SITEMAP, item.lang, None, LedgerOutcome.FETCHED)

    def save_sitemap_confirmed(self, item: SitemapConfirmed, run_id: int) -> WriteResult:
        """A file the index shows unchanged: not fetched, its entries confirmed for this run."""
        self.sql.execute("UPDATE sitemap_files SET confirmed_run_id = :run WHERE url = :url", run=run_id, url=item.url)
        return WriteResult(ItemKind.SITEMAP, item.lang, None, LedgerOutcome.UNCHANGED)

    def save_attachment(self, item: AttachmentItem, run_id: int) -> WriteResult:
        """A downloaded file: the newest download keeps its bytes; an older one is only seen earlier."""
        self.put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        self.sql.execute(
            UPSERT_ATTACHMENT,
            url=item.url,
            article=item.article_url,
            filename=item.filename,
            sha=item.fetch.sha256,
            size=len(item.fetch.body),
            ctype=header(item.fetch, "content-type"),
            now=now,
        )
        self.clear_failure(item.url, now)
        return WriteResult(ItemKind.ATTACHMENT, item.fetch.lang, None, LedgerOutcome.FETCHED)

    def save_section_walk(self, item: SectionWalked, run_id: int) -> WriteResult:
        self.sql.execute(
            "INSERT INTO section_walks (lang, section, last_page, completed_at, run_id)"
            " VALUES (:lang, :section, :last, :now, :run) ON CONFLICT (lang, section) DO UPDATE SET"
            " last_page = excluded.last_page, completed_at = excluded.completed_at, run_id = excluded.run_id",
            lang=item.lang,
            section=item.section,
            last=item.last_page,
            now=self.sql.now(),
            run=run_id,
        )
        return WriteResult(ItemKind.SECTION, item.lang, item.section, LedgerOutcome.WALKED)

    def save_skipped(self, item: SkippedPage, run_id: int) -> WriteResult:
        """A page fetched but not archived (not an article): only its fetch is kept."""
        self.put_fetch(item.fetch, run_id)
        return WriteResult(ItemKind.SKIPPED, item.lang, None, LedgerOutcome.SKIPPED)
