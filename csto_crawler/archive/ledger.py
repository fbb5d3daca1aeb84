"""The run ledger: what each run fetched, listed, failed on and walked, whatever it did to articles.

Runs, fetches and their snapshot blobs, listing sightings, sitemap files and entries, failures,
attachments, finished section walks and skipped pages. The article history (history_writer.py)
records its fetches and clears its failures here. Nothing here begins a transaction: the writer
(store.py) owns them.
"""

from __future__ import annotations

import json
import os
import socket
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
from . import backfill, blobs
from .article_ids import section_of
from .results import ItemKind, WriteResult
from .sightings import KEEP_LATEST, put_sightings
from .statements import Statements

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

    # --- runs ---------------------------------------------------------------------------------

    def begin_run(self, mode: str, arguments: dict[str, Any], pid: int | None) -> int:
        return self.sql.insert(
            "INSERT INTO crawl_runs (started_at, mode, arguments, crawler_version, host, pid)"
            " VALUES (:at, :mode, :args, :version, :host, :pid)",
            at=self.sql.now(),
            mode=mode,
            args=_json(arguments),
            version=self.crawler_version,
            host=socket.gethostname(),
            pid=pid or os.getpid(),
        )

    def finish_run(self, run_id: int, reason: str, counts: dict[str, Any], health: dict[str, Any] | None) -> None:
        self.sql.execute(
            "UPDATE crawl_runs SET finished_at = :at, finish_reason = :reason, counts = :counts,"
            " health = :health WHERE id = :id",
            at=self.sql.now(),
            reason=reason,
            counts=_json(counts),
            health=_json(health) if health is not None else None,
            id=run_id,
        )

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
    ) -> None:
        self.sql.execute(
            "INSERT INTO failures (url, lang, kind, error, status, attempts, first_failed_at, last_failed_at,"
            " last_run_id) VALUES (:url, :lang, :kind, :error, :status, :attempts, :now, :now, :run)"
            " ON CONFLICT (url) DO UPDATE SET error = excluded.error, status = excluded.status,"
            " attempts = failures.attempts + excluded.attempts, last_failed_at = excluded.last_failed_at,"
            " last_run_id = excluded.last_run_id",
            url=url,
            lang=lang,
            kind=kind,
            error=error,
            status=status,
            attempts=attempts,
            now=self.sql.now(),
            run=run_id,
        )

    def clear_failure(self, url: str) -> None:
        """A URL that answered is no longer a failure to retry."""
        self.sql.execute("DELETE FROM failures WHERE url = :url", url=url)

    def save_failure(self, item: FetchFailure, run_id: int) -> WriteResult:
        if item.fetch is not None:
            self.put_fetch(item.fetch, run_id)
        self.record_failure(item.url, item.lang, item.kind, item.error, item.attempts, item.status, run_id)
        return WriteResult(
            ItemKind.FAILURE, item.lang, section_of(item.url) if item.kind == "article" else None, "failed"
        )

    # --- listings, sitemaps, attachments, walks, skipped pages ----------------------------------

    def save_listing(self, item: ListingPageItem, run_id: int) -> WriteResult:
        self.put_fetch(item.fetch, run_id)
        if item.fetch.imported:  # a capture from a WARC file, maybe older than the ledger's sightings
            backfill.merge_listing(self.sql, item, run_id)
            return WriteResult(ItemKind.LISTING, item.lang, item.section, "fetched")
        put_sightings(self.sql, item, run_id, KEEP_LATEST)
        self.clear_failure(item.fetch.url)
        return WriteResult(ItemKind.LISTING, item.lang, item.section, "fetched")

    def save_sitemap(self, item: SitemapItem, run_id: int) -> WriteResult:
        self.put_fetch(item.fetch, run_id)
        if not item.fetch.imported:  # an imported capture says nothing of the URL today
            self.clear_failure(item.fetch.url)
        if item.is_index:
            return WriteResult(ItemKind.SITEMAP, item.lang, None, "fetched")
        if item.unchanged:
            self.sql.execute(
                "UPDATE sitemap_files SET confirmed_run_id = :run, index_lastmod = :lastmod WHERE url = :url",
                run=run_id,
                lastmod=item.index_lastmod,
                url=item.fetch.url,
            )
            return WriteResult(ItemKind.SITEMAP, item.lang, None, "unchanged")
        self._put_sitemap_entries(item, run_id, to_utc_iso(item.fetch.fetched_at))
        return WriteResult(ItemKind.SITEMAP, item.lang, None, "fetched")

    def save_sitemap_confirmed(self, item: SitemapConfirmed, run_id: int) -> WriteResult:
        """A file the index shows unchanged: not fetched, its entries confirmed for this run."""
        self.sql.execute("UPDATE sitemap_files SET confirmed_run_id = :run WHERE url = :url", run=run_id, url=item.url)
        return WriteResult(ItemKind.SITEMAP, item.lang, None, "unchanged")

    def _put_sitemap_entries(self, item: SitemapItem, run_id: int, now: str) -> None:
        """A parsed sitemap file: the file's row, then every entry it lists."""
        if item.fetch.imported and not backfill.newer_than_parsed(self.sql, item):
            backfill.merge_sitemap_entries(self.sql, item, run_id, now)
            return
        self.sql.execute(
            "INSERT INTO sitemap_files (url, lang, sha256, entry_count, parsed_at, parsed_run_id, confirmed_run_id,"
            " index_lastmod) VALUES (:url, :lang, :sha, :count, :now, :run, :run, :lastmod) ON CONFLICT (url) DO UPDATE"
            " SET lang = excluded.lang, sha256 = excluded.sha256, entry_count = excluded.entry_count,"
            " parsed_at = excluded.parsed_at, parsed_run_id = excluded.parsed_run_id,"
            " confirmed_run_id = excluded.confirmed_run_id, index_lastmod = excluded.index_lastmod",
            url=item.fetch.url,
            lang=item.lang,
            sha=item.fetch.sha256,
            count=len(item.entries),
            lastmod=item.index_lastmod,
            now=now,
            run=run_id,
        )
        rows = [
            {"url": url, "lastmod": lastmod, "lang": item.lang, "now": now, "run": run_id, "file": item.fetch.url}
            for url, lastmod in item.entries.items()
        ]
        # Only for articles fetched in this run: sitemap_lastmod is the value at our last fetch.
        # Recording it for an article not (yet) fetched would hide an edit from the next run
        # when this one is stopped before refetching it (plan.lastmod_moved would see no change).
        self.sql.execute_many(
            "UPDATE articles SET sitemap_lastmod = :lastmod WHERE url = :url AND last_run_id = :run", rows
        )
        self.sql.execute_many(
            "INSERT INTO sitemap_entries (url, lang, lastmod, first_seen_at, last_seen_at, last_run_id, sitemap_url)"
            " VALUES (:url, :lang, :lastmod, :now, :now, :run, :file)"
            " ON CONFLICT (url) DO UPDATE SET lastmod = excluded.lastmod, last_seen_at = excluded.last_seen_at,"
            " last_run_id = excluded.last_run_id, sitemap_url = excluded.sitemap_url",
            rows,
        )

    def save_attachment(self, item: AttachmentItem, run_id: int) -> WriteResult:
        self.put_fetch(item.fetch, run_id)
        if item.fetch.imported:
            backfill.merge_attachment(self.sql, item, header(item.fetch, "content-type"))
            return WriteResult(ItemKind.ATTACHMENT, item.fetch.lang, None, "fetched")
        now = to_utc_iso(item.fetch.fetched_at)
        self.sql.execute(
            "INSERT INTO attachments (url, article_url, filename, sha256, size, content_type, first_seen_at,"
            " last_fetched_at) VALUES (:url, :article, :filename, :sha, :size, :ctype, :now, :now)"
            " ON CONFLICT (url) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,"
            " content_type = excluded.content_type, last_fetched_at = excluded.last_fetched_at",
            url=item.url,
            article=item.article_url,
            filename=item.filename,
            sha=item.fetch.sha256,
            size=len(item.fetch.body),
            ctype=header(item.fetch, "content-type"),
            now=now,
        )
        self.clear_failure(item.url)
        return WriteResult(ItemKind.ATTACHMENT, item.fetch.lang, None, "fetched")

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
        return WriteResult(ItemKind.SECTION, item.lang, item.section, "walked")

    def save_skipped(self, item: SkippedPage, run_id: int) -> WriteResult:
        """A page fetched but not archived (not an article): only its fetch is kept."""
        self.put_fetch(item.fetch, run_id)
        return WriteResult(ItemKind.SKIPPED, item.lang, None, "skipped")
