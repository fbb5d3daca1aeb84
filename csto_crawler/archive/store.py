"""Writes crawl results into the archive: one transaction per batch, a version only on content change.

All SQL that writes lives here; every statement is parameterised. A batch is written in one
transaction and retried (tenacity, exponential backoff) when SQLite reports the database locked
or busy, so a researcher holding a read transaction open never makes a crawl lose data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import socket
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import dataset
from sqlalchemy.exc import OperationalError
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential, wait_random

from .. import EXTRACTOR_VERSION, __version__
from ..dates import to_utc_iso, utc_now
from ..items import (
    ArticleItem,
    AttachmentItem,
    FetchFailure,
    FetchRecord,
    GoneNotice,
    HeldPage,
    ListingPageItem,
    NotModified,
    SectionWalked,
    SitemapItem,
    SkippedPage,
)
from . import blobs
from .content import content_fingerprint
from .database import ArchiveError, dbapi_connection, open_database, row_dicts
from .search import index_article

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]

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


class SaveOutcome(StrEnum):
    """What saving an article page did to its history."""

    NEW = "new"
    NEW_VERSION = "changed"
    UNCHANGED = "unchanged"
    REVIVED = "revived"


class ItemKind(StrEnum):
    """What kind of item a write was about (stats keys ``csto/archive/<kind>/<outcome>``)."""

    ARTICLE = "article"
    HELD = "held"
    GONE = "gone"
    LISTING = "listing"
    SITEMAP = "sitemap"
    FAILURE = "failure"
    ATTACHMENT = "attachment"
    SECTION = "section"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class WriteResult:
    """What writing one item did, for run counts and stats."""

    kind: ItemKind
    lang: str | None
    section: str | None
    outcome: str  # a SaveOutcome value, or what happened to a ledger item ("fetched", "gone", ...)

    @property
    def counts_for_section(self) -> bool:
        """Outcomes the run report counts per language and section (articles, not the ledger)."""
        return self.kind in (ItemKind.ARTICLE, ItemKind.GONE, ItemKind.HELD) or (
            self.kind is ItemKind.FAILURE and self.section is not None
        )


def is_lock_error(exc: BaseException) -> bool:
    # SQLAlchemy's wrapper (BEGIN IMMEDIATE runs through it) or sqlite3's own (statements, see _exec).
    return isinstance(exc, OperationalError | sqlite3.OperationalError) and any(
        word in str(exc).lower() for word in ("database is locked", "database is busy", "locked")
    )


def article_id(lang: str, element_id: str | None, url: str) -> str:
    """Stable, citable ID: ``en-8573`` from the Bitrix element ID (survives slug edits), else a
    hash of the URL path (``en-u1f3a9c2b1d``)."""
    if element_id:
        return f"{lang}-{element_id}"
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    return f"{lang}-u{hashlib.sha256(path.encode()).hexdigest()[:10]}"


def section_of(url: str) -> str:
    parts = [p for p in url.split("://", 1)[-1].split("?", 1)[0].split("/")[1:] if p]
    return "/".join(parts[:-1])


class ArchiveWriter:
    """The crawl's single writer. Not thread-safe: one pipeline owns it."""

    def __init__(
        self,
        db: dataset.Database,
        clock: Clock = utc_now,
        crawler_version: str = __version__,
        extractor_version: str = EXTRACTOR_VERSION,
    ) -> None:
        self.db = db
        self.clock = clock
        self.crawler_version = crawler_version
        self.extractor_version = extractor_version

    @classmethod
    def open(cls, path: Path, clock: Clock = utc_now) -> ArchiveWriter:
        return cls(open_database(path, create=True), clock)

    def close(self) -> None:
        self.db.close()

    def _now(self) -> str:
        return to_utc_iso(self.clock())

    def _exec(self, sql: str, **params: Any) -> sqlite3.Cursor:
        """Run one parameterised statement (sqlite3 binds the ``:name`` parameters).

        On the sqlite3 connection itself, inside the transaction ``with self.db`` began: through
        SQLAlchemy's ``text()`` the per-statement overhead was ~45 % of the write path
        (benchmarks/pipeline_cost.py).
        """
        return dbapi_connection(self.db).execute(sql, params)

    def _exec_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        """One statement over many parameter sets: a sitemap lists every article of its section."""
        dbapi_connection(self.db).executemany(sql, rows)

    def _insert(self, sql: str, **params: Any) -> int:
        """Run an INSERT and return the new row's id."""
        row_id = self._exec(sql, **params).lastrowid
        if row_id is None:
            raise ArchiveError(f"no row id after {sql[:40]}...")
        return row_id

    def _one(self, sql: str, **params: Any) -> dict[str, Any] | None:
        rows = row_dicts(self._exec(sql, **params))
        return rows[0] if rows else None

    def _all(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        return row_dicts(self._exec(sql, **params))

    # --- runs ---------------------------------------------------------------------------------

    def begin_run(self, mode: str, arguments: dict[str, Any], pid: int | None = None) -> int:
        """Record a new run; ``pid`` is the crawl's process (the writer may run in a worker)."""
        with self.db:
            return self._insert(
                "INSERT INTO crawl_runs (started_at, mode, arguments, crawler_version, host, pid)"
                " VALUES (:at, :mode, :args, :version, :host, :pid)",
                at=self._now(),
                mode=mode,
                args=json.dumps(arguments, ensure_ascii=False, sort_keys=True),
                version=self.crawler_version,
                host=socket.gethostname(),
                pid=pid or os.getpid(),
            )

    def finish_run(
        self, run_id: int, reason: str, counts: dict[str, Any], health: dict[str, Any] | None = None
    ) -> None:
        with self.db:
            self._exec(
                "UPDATE crawl_runs SET finished_at = :at, finish_reason = :reason, counts = :counts,"
                " health = :health WHERE id = :id",
                at=self._now(),
                reason=reason,
                counts=json.dumps(counts, ensure_ascii=False, sort_keys=True),
                health=json.dumps(health, ensure_ascii=False, sort_keys=True) if health is not None else None,
                id=run_id,
            )

    def save_counts(self, run_id: int, counts: dict[str, Any]) -> None:
        """Progress so far, so a killed run still leaves its counts behind."""
        with self.db:
            self._exec(
                "UPDATE crawl_runs SET counts = :counts WHERE id = :id",
                counts=json.dumps(counts, ensure_ascii=False, sort_keys=True),
                id=run_id,
            )

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
        with self.db:
            return [self._write(item, run_id) for item in items]

    def _write(self, item: object, run_id: int) -> WriteResult:
        if isinstance(item, ArticleItem):
            return self._save_article(item, run_id)
        if isinstance(item, ListingPageItem):
            return self._save_listing(item, run_id)
        if isinstance(item, SitemapItem):
            return self._save_sitemap(item, run_id)
        if isinstance(item, FetchFailure):
            return self._save_failure(item, run_id)
        if isinstance(item, GoneNotice):
            return self._save_gone(item, run_id)
        if isinstance(item, NotModified):
            return self._save_not_modified(item, run_id)
        if isinstance(item, AttachmentItem):
            return self._save_attachment(item, run_id)
        if isinstance(item, HeldPage):
            return self._save_held(item, run_id)
        if isinstance(item, SkippedPage):
            self._put_fetch(item.fetch, run_id)
            return WriteResult(ItemKind.SKIPPED, item.lang, None, "skipped")
        if isinstance(item, SectionWalked):
            return self._save_section_walk(item, run_id)
        raise TypeError(f"cannot archive {type(item).__name__}")

    # --- fetches and blobs --------------------------------------------------------------------

    def _put_blob(self, data: bytes, sha: str | None = None) -> str:
        """Store ``data`` compressed under its sha256 (``sha`` when the caller already has it)."""
        sha = sha or blobs.sha256_hex(data)
        codec, stored = blobs.encode(data)
        self._exec(
            "INSERT INTO blobs (sha256, size, codec, data, created_at) VALUES (:sha, :size, :codec, :data, :at)"
            " ON CONFLICT (sha256) DO NOTHING",
            sha=sha,
            size=len(data),
            codec=codec,
            data=stored,
            at=self._now(),
        )
        return sha

    def _put_fetch(self, fetch: FetchRecord, run_id: int) -> int:
        if fetch.stored_id is not None:  # read back from the archive: its bytes and row are there
            return fetch.stored_id
        sha = self._put_blob(fetch.body, fetch.sha256)
        headers = {k: v for k, v in fetch.headers.items() if k.lower() in SNAPSHOT_HEADERS}
        return self._insert(
            "INSERT INTO fetches (run_id, url, final_url, kind, lang, status, fetched_at, headers, sha256, size,"
            " crawler_version) VALUES (:run, :url, :final, :kind, :lang, :status, :at, :headers, :sha, :size,"
            " :version)",
            run=run_id,
            url=fetch.url,
            final=fetch.final_url,
            kind=fetch.kind,
            lang=fetch.lang,
            status=fetch.status,
            at=to_utc_iso(fetch.fetched_at),
            headers=json.dumps(headers, ensure_ascii=False, sort_keys=True),
            sha=sha,
            size=len(fetch.body),
            version=self.crawler_version,
        )

    def _clear_failure(self, url: str) -> None:
        self._exec("DELETE FROM failures WHERE url = :url", url=url)

    # --- articles -----------------------------------------------------------------------------

    def _find_article(self, item: ArticleItem) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM articles WHERE url = :url", url=item.url)
        if row is None:
            row = self._one(
                "SELECT a.* FROM url_aliases u JOIN articles a ON a.id = u.article_id WHERE u.url = :url", url=item.url
            )
        if row is None and item.element_id:
            row = self._one(
                "SELECT * FROM articles WHERE lang = :lang AND element_id = :eid",
                lang=item.lang,
                eid=item.element_id,
            )
        return row

    def _save_article(self, item: ArticleItem, run_id: int) -> WriteResult:
        fetch_id = self._put_fetch(item.fetch, run_id)
        fields = article_fields(item)
        fields["content_sha256"] = content_fingerprint(fields)
        now = to_utc_iso(item.fetch.fetched_at)
        existing = self._find_article(item)
        if existing is None:
            aid = article_id(item.lang, item.element_id, item.url)
            outcome = self._insert_article(aid, item, fields, fetch_id, run_id, now)
        else:
            aid = existing["id"]
            outcome = self._update_article(existing, item, fields, fetch_id, run_id, now)
        if outcome in (SaveOutcome.NEW, SaveOutcome.NEW_VERSION) or (
            outcome is SaveOutcome.REVIVED and fields["content_sha256"] != (existing or {}).get("content_sha256")
        ):
            index_article(self.db, aid, item.title, item.body_text, replace=outcome is not SaveOutcome.NEW)
        for alias in {*item.aliases, *([item.requested_url] if item.requested_url else [])} - {item.url}:
            self._put_alias(alias, aid, now)
        # The <lastmod> the sitemaps last showed (a file read later in this run corrects it).
        self._exec(
            "UPDATE articles SET sitemap_lastmod = s.lastmod FROM sitemap_entries s"
            " WHERE articles.id = :aid AND s.url = articles.url",
            aid=aid,
        )
        for url in (item.url, item.requested_url):
            if url:
                self._clear_failure(url)
                self._exec("DELETE FROM held_pages WHERE url = :url", url=url)
        return WriteResult(ItemKind.ARTICLE, item.lang, item.section, outcome.value)

    def _save_held(self, item: HeldPage, run_id: int) -> WriteResult:
        """A page whose extraction is doubtful: its snapshot and why, never a version."""
        fetch_id = self._put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        self._exec(
            "INSERT INTO held_pages (url, lang, section, title, doubts, method, fetch_id, extractor_version,"
            " first_held_at, last_held_at, run_id) VALUES (:url, :lang, :section, :title, :doubts, :method,"
            " :fetch, :extractor, :now, :now, :run) ON CONFLICT (url) DO UPDATE SET lang = excluded.lang,"
            " section = excluded.section, title = excluded.title, doubts = excluded.doubts,"
            " method = excluded.method, fetch_id = excluded.fetch_id,"
            " extractor_version = excluded.extractor_version, last_held_at = excluded.last_held_at,"
            " run_id = excluded.run_id",
            url=item.url,
            lang=item.lang,
            section=item.section,
            title=item.title,
            doubts=json.dumps(item.doubts),
            method=item.method,
            fetch=fetch_id,
            extractor=self.extractor_version,
            now=now,
            run=run_id,
        )
        self._clear_failure(item.url)
        return WriteResult(ItemKind.HELD, item.lang, item.section, "held")

    def _put_alias(self, url: str, aid: str, now: str) -> None:
        self._exec(
            "INSERT INTO url_aliases (url, article_id, first_seen_at, last_seen_at) VALUES (:url, :aid, :now, :now)"
            " ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id, last_seen_at = excluded.last_seen_at",
            url=url,
            aid=aid,
            now=now,
        )

    def _event(self, aid: str, event: str, at: str, run_id: int, detail: str | None = None) -> None:
        self._exec(
            "INSERT INTO article_events (article_id, event, at, run_id, detail)"
            " VALUES (:aid, :event, :at, :run, :detail)",
            aid=aid,
            event=event,
            at=at,
            run=run_id,
            detail=detail,
        )

    def _insert_article(
        self, aid: str, item: ArticleItem, fields: dict[str, Any], fetch_id: int, run_id: int, now: str
    ) -> SaveOutcome:
        self._exec(
            "INSERT INTO articles (id, url, lang, section, slug, element_id, title, subtitle, published,"
            " published_raw, published_source, published_tz, body_text, body_html, signature, attachments,"
            " images, counterpart_url, content_sha256, version_count, first_seen_at, last_seen_at,"
            " first_run_id, last_run_id, last_fetch_id, etag, last_modified, date_flags)"
            " VALUES (:id, :url, :lang, :section, :slug, :element_id, :title, :subtitle, :published,"
            " :published_raw, :published_source, :published_tz, :body_text, :body_html, :signature,"
            " :attachments, :images, :counterpart_url, :content_sha256, 1, :now, :now, :run, :run, :fetch,"
            " :etag, :last_modified, :date_flags)",
            id=aid,
            url=item.url,
            lang=item.lang,
            section=item.section,
            slug=item.slug,
            element_id=item.element_id,
            counterpart_url=item.counterpart_url,
            now=now,
            run=run_id,
            fetch=fetch_id,
            etag=_header(item.fetch, "etag"),
            last_modified=_header(item.fetch, "last-modified"),
            **fields,
        )
        self._insert_version(aid, 1, item, fields, fetch_id, run_id, now)
        return SaveOutcome.NEW

    def _insert_version(
        self,
        aid: str,
        number: int,
        item: ArticleItem,
        fields: dict[str, Any],
        fetch_id: int,
        run_id: int,
        now: str,
    ) -> None:
        self._exec(
            "INSERT INTO versions (article_id, version, content_sha256, url, title, subtitle, published,"
            " published_raw, published_source, published_tz, body_text, body_html, signature, attachments,"
            " images, first_seen_at, last_seen_at, first_run_id, last_run_id, fetch_id, snapshot_sha256, date_flags,"
            " change, extractor_version)"
            " VALUES (:aid, :number, :content_sha256, :url, :title, :subtitle, :published, :published_raw,"
            " :published_source, :published_tz, :body_text, :body_html, :signature, :attachments, :images,"
            " :now, :now, :run, :run, :fetch, :snapshot, :date_flags, :change, :extractor)",
            aid=aid,
            number=number,
            url=item.url,
            change=item.version_change,
            extractor=self.extractor_version,
            now=now,
            run=run_id,
            fetch=fetch_id,
            snapshot=item.fetch.sha256,
            **fields,
        )

    def _update_article(
        self,
        existing: dict[str, Any],
        item: ArticleItem,
        fields: dict[str, Any],
        fetch_id: int,
        run_id: int,
        now: str,
    ) -> SaveOutcome:
        aid = existing["id"]
        revived = existing["gone_at"] is not None
        changed = fields["content_sha256"] != existing["content_sha256"]
        number = int(existing["version_count"]) + (1 if changed else 0)
        if changed:
            self._insert_version(aid, number, item, fields, fetch_id, run_id, now)
        else:
            self._exec(
                "UPDATE versions SET last_seen_at = :now, last_run_id = :run"
                " WHERE article_id = :aid AND version = :number",
                now=now,
                run=run_id,
                aid=aid,
                number=number,
            )
        self._exec(
            "UPDATE articles SET url = :url, section = :section, slug = :slug,"
            " element_id = COALESCE(:element_id, element_id), title = :title, subtitle = :subtitle,"
            " published = :published, published_raw = :published_raw, published_source = :published_source,"
            " published_tz = :published_tz, body_text = :body_text, body_html = :body_html,"
            " signature = :signature, attachments = :attachments, images = :images,"
            " counterpart_url = COALESCE(:counterpart_url, counterpart_url), content_sha256 = :content_sha256,"
            " version_count = :number, last_seen_at = :now, last_run_id = :run, last_fetch_id = :fetch,"
            " gone_at = NULL, gone_reason = NULL, etag = :etag, last_modified = :last_modified,"
            " date_flags = :date_flags WHERE id = :aid",
            url=item.url,
            section=item.section,
            slug=item.slug,
            element_id=item.element_id,
            counterpart_url=item.counterpart_url,
            number=number,
            now=now,
            run=run_id,
            fetch=fetch_id,
            etag=_header(item.fetch, "etag"),
            last_modified=_header(item.fetch, "last-modified"),
            aid=aid,
            **fields,
        )
        if existing["url"] != item.url:
            self._put_alias(existing["url"], aid, now)
            # A slug edited back: the URL is canonical again, no longer an alias of itself.
            self._exec("DELETE FROM url_aliases WHERE url = :url", url=item.url)
            self._event(aid, "url_changed", now, run_id, f"{existing['url']} -> {item.url}")
        if revived:
            self._event(aid, "revived", now, run_id, f"HTTP {item.fetch.status} after gone since {existing['gone_at']}")
            return SaveOutcome.REVIVED
        return SaveOutcome.NEW_VERSION if changed else SaveOutcome.UNCHANGED

    def _save_gone(self, item: GoneNotice, run_id: int) -> WriteResult:
        self._put_fetch(item.fetch, run_id)
        row = self._one("SELECT id, gone_at, section FROM articles WHERE url = :url", url=item.url)
        if row is None and self._one("SELECT 1 AS found FROM url_aliases WHERE url = :url", url=item.url):
            # A former URL of an article that lives on under its new URL: the old one is simply dead.
            self._clear_failure(item.url)
            return WriteResult(ItemKind.GONE, item.lang, section_of(item.url), "alias_gone")
        if row is None:
            # Linked but never archived: the site lists a page it does not serve.
            self._record_failure(item.url, item.lang, "article", f"HTTP {item.status}", 1, item.status, run_id)
            return WriteResult(ItemKind.GONE, item.lang, section_of(item.url), "failed")
        self._clear_failure(item.url)
        if row["gone_at"] is None:
            self._mark_gone(row["id"], to_utc_iso(item.fetch.fetched_at), f"HTTP {item.status}", run_id)
            return WriteResult(ItemKind.GONE, item.lang, row["section"], "gone")
        return WriteResult(ItemKind.GONE, item.lang, row["section"], "still_gone")

    def _mark_gone(self, aid: str, at: str, reason: str, run_id: int) -> None:
        self._exec(
            "UPDATE articles SET gone_at = :at, gone_reason = :reason WHERE id = :id", at=at, reason=reason, id=aid
        )
        self._event(aid, "gone", at, run_id, reason)

    def mark_absent_from_sitemap(self, lang: str, run_id: int, max_share: float) -> dict[str, int]:
        """Mark gone the live articles of ``lang`` that a sitemap file read in this run no longer lists.

        Only entries of files read in this run count (a file that vanished from the index proves
        nothing), articles fetched in this run are spared, and nothing is marked when more than
        ``max_share`` of the language's articles would be. The entries that dropped out are found
        through an index, so the cost does not grow with the archive. Returns the number marked per
        section.
        """
        with self.db:
            absent = self._all(
                "SELECT a.id, a.section FROM sitemap_files f"
                " JOIN sitemap_entries s ON s.sitemap_url = f.url AND s.last_run_id < f.parsed_run_id"
                " JOIN articles a ON a.url = s.url"
                " WHERE f.lang = :lang AND f.confirmed_run_id = :run AND a.gone_at IS NULL"
                " AND (a.last_run_id IS NULL OR a.last_run_id != :run)",
                lang=lang,
                run=run_id,
            )
            if not absent:
                return {}
            alive = self._one("SELECT count(*) AS n FROM articles WHERE lang = :lang AND gone_at IS NULL", lang=lang)
            total = int(alive["n"]) if alive else 0
            if absent and len(absent) > max_share * total:
                logger.warning(
                    "Sitemaps of %s omit %d of %d articles: more likely a broken sitemap; marking none gone",
                    lang,
                    len(absent),
                    total,
                )
                return {}
            now = self._now()
            marked: dict[str, int] = {}
            for row in absent:
                self._mark_gone(row["id"], now, "absent from sitemap", run_id)
                marked[row["section"]] = marked.get(row["section"], 0) + 1
            return marked

    def _save_section_walk(self, item: SectionWalked, run_id: int) -> WriteResult:
        self._exec(
            "INSERT INTO section_walks (lang, section, last_page, completed_at, run_id)"
            " VALUES (:lang, :section, :last, :now, :run) ON CONFLICT (lang, section) DO UPDATE SET"
            " last_page = excluded.last_page, completed_at = excluded.completed_at, run_id = excluded.run_id",
            lang=item.lang,
            section=item.section,
            last=item.last_page,
            now=self._now(),
            run=run_id,
        )
        return WriteResult(ItemKind.SECTION, item.lang, item.section, "walked")

    def _save_not_modified(self, item: NotModified, run_id: int) -> WriteResult:
        fetch_id = self._put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        row = self._one("SELECT id, version_count, section FROM articles WHERE url = :url", url=item.url)
        if row is None:
            return WriteResult(ItemKind.SKIPPED, item.lang, section_of(item.url), "not_modified_unknown")
        self._exec(
            "UPDATE articles SET last_seen_at = :now, last_run_id = :run, last_fetch_id = :fetch WHERE id = :id",
            now=now,
            run=run_id,
            fetch=fetch_id,
            id=row["id"],
        )
        self._exec(
            "UPDATE versions SET last_seen_at = :now, last_run_id = :run WHERE article_id = :id AND version = :v",
            now=now,
            run=run_id,
            id=row["id"],
            v=row["version_count"],
        )
        self._clear_failure(item.url)
        return WriteResult(ItemKind.ARTICLE, item.lang, row["section"], SaveOutcome.UNCHANGED.value)

    # --- listings, sitemaps, failures, attachments ---------------------------------------------

    def _save_listing(self, item: ListingPageItem, run_id: int) -> WriteResult:
        self._put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        for entry in item.entries:
            self._exec(
                "INSERT INTO listing_sightings (article_url, linked_url, listing_url, lang, section, page, position,"
                " listed_date_raw, listed_title, listed_lead, first_seen_at, last_seen_at, first_run_id, last_run_id)"
                " VALUES (:article, :linked, :listing, :lang, :section, :page, :position, :date, :title, :lead,"
                " :now, :now, :run, :run)"
                " ON CONFLICT (article_url, listing_url, page, position, listed_date_raw, listed_title)"
                " DO UPDATE SET last_seen_at = excluded.last_seen_at, last_run_id = excluded.last_run_id,"
                " listed_lead = excluded.listed_lead",
                article=entry.article_url,
                linked=entry.linked_url,
                listing=item.fetch.url,
                lang=item.lang,
                section=item.section,
                page=item.page,
                position=entry.position,
                date=entry.date_raw or "",
                title=entry.title,
                lead=entry.lead or None,
                now=now,
                run=run_id,
            )
        self._clear_failure(item.fetch.url)
        return WriteResult(ItemKind.LISTING, item.lang, item.section, "fetched")

    def _save_sitemap(self, item: SitemapItem, run_id: int) -> WriteResult:
        self._put_fetch(item.fetch, run_id)
        self._clear_failure(item.fetch.url)
        if item.is_index:
            return WriteResult(ItemKind.SITEMAP, item.lang, None, "fetched")
        if item.unchanged:
            self._exec(
                "UPDATE sitemap_files SET confirmed_run_id = :run WHERE url = :url", run=run_id, url=item.fetch.url
            )
            return WriteResult(ItemKind.SITEMAP, item.lang, None, "unchanged")
        now = to_utc_iso(item.fetch.fetched_at)
        self._exec(
            "INSERT INTO sitemap_files (url, lang, sha256, entry_count, parsed_at, parsed_run_id, confirmed_run_id)"
            " VALUES (:url, :lang, :sha, :count, :now, :run, :run) ON CONFLICT (url) DO UPDATE SET"
            " lang = excluded.lang, sha256 = excluded.sha256, entry_count = excluded.entry_count,"
            " parsed_at = excluded.parsed_at, parsed_run_id = excluded.parsed_run_id,"
            " confirmed_run_id = excluded.confirmed_run_id",
            url=item.fetch.url,
            lang=item.lang,
            sha=item.fetch.sha256,
            count=len(item.entries),
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
        self._exec_many("UPDATE articles SET sitemap_lastmod = :lastmod WHERE url = :url AND last_run_id = :run", rows)
        self._exec_many(
            "INSERT INTO sitemap_entries (url, lang, lastmod, first_seen_at, last_seen_at, last_run_id, sitemap_url)"
            " VALUES (:url, :lang, :lastmod, :now, :now, :run, :file)"
            " ON CONFLICT (url) DO UPDATE SET lastmod = excluded.lastmod, last_seen_at = excluded.last_seen_at,"
            " last_run_id = excluded.last_run_id, sitemap_url = excluded.sitemap_url",
            rows,
        )
        return WriteResult(ItemKind.SITEMAP, item.lang, None, "fetched")

    def _record_failure(
        self,
        url: str,
        lang: str | None,
        kind: str,
        error: str,
        attempts: int,
        status: int | None,
        run_id: int,
    ) -> None:
        now = self._now()
        self._exec(
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
            now=now,
            run=run_id,
        )

    def _save_failure(self, item: FetchFailure, run_id: int) -> WriteResult:
        if item.fetch is not None:
            self._put_fetch(item.fetch, run_id)
        self._record_failure(item.url, item.lang, item.kind, item.error, item.attempts, item.status, run_id)
        return WriteResult(
            ItemKind.FAILURE, item.lang, section_of(item.url) if item.kind == "article" else None, "failed"
        )

    def _save_attachment(self, item: AttachmentItem, run_id: int) -> WriteResult:
        self._put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        self._exec(
            "INSERT INTO attachments (url, article_url, filename, sha256, size, content_type, first_seen_at,"
            " last_fetched_at) VALUES (:url, :article, :filename, :sha, :size, :ctype, :now, :now)"
            " ON CONFLICT (url) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,"
            " content_type = excluded.content_type, last_fetched_at = excluded.last_fetched_at",
            url=item.url,
            article=item.article_url,
            filename=item.filename,
            sha=item.fetch.sha256,
            size=len(item.fetch.body),
            ctype=_header(item.fetch, "content-type"),
            now=now,
        )
        self._clear_failure(item.url)
        return WriteResult(ItemKind.ATTACHMENT, item.fetch.lang, None, "fetched")


def _header(fetch: FetchRecord, name: str) -> str | None:
    for key, value in fetch.headers.items():
        if key.lower() == name:
            return value
    return None


def article_fields(item: ArticleItem) -> dict[str, Any]:
    """The clean content columns shared by ``articles`` and ``versions``."""
    return {
        "title": item.title,
        "subtitle": item.subtitle,
        "published": item.published,
        "published_raw": item.published_raw,
        "published_source": item.published_source,
        "published_tz": item.published_tz,
        "body_text": item.body_text,
        "body_html": item.body_html,
        "signature": item.signature,
        "attachments": json.dumps(
            [{"url": a.url, "filename": a.filename} for a in item.attachments], ensure_ascii=False
        ),
        "images": json.dumps(item.images, ensure_ascii=False),
        "date_flags": json.dumps(item.date_flags, ensure_ascii=False),
    }
