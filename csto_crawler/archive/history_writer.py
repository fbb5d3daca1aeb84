"""The article history: articles, their versions, events and aliases, held pages, and what is gone.

A version is added only when the content fingerprint changes; an unchanged page only moves the
"last seen" marks. The snapshot of each page and any failure it clears belong to the run ledger
(ledger.py); the history reads and writes through the same statements, so both land in the
writer's one transaction (store.py owns it). Reading a history back is history.py.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

from ..dates import to_utc_iso
from ..items import ArticleItem, GoneNotice, HeldPage, NotModified
from .article_ids import article_id, section_of
from .backfill import Backfill, moment, precedes
from .content import content_fingerprint
from .ledger import Ledger, header
from .results import ItemKind, SaveOutcome, WriteResult
from .search import index_article
from .statements import Statements

# Logged under the writer's name (store.py), as crawl logs showed it before the history moved here.
logger = logging.getLogger("csto_crawler.archive.store")


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


class History:
    """Writes the article history; the pages' fetches and failures go to the ledger."""

    def __init__(self, sql: Statements, ledger: Ledger, extractor_version: str) -> None:
        self.sql = sql
        self.ledger = ledger
        self.extractor_version = extractor_version
        self.backfill = Backfill(self)

    # --- articles -----------------------------------------------------------------------------

    def save_article(self, item: ArticleItem, run_id: int) -> WriteResult:
        fetch_id = self.ledger.put_fetch(item.fetch, run_id)
        fields = article_fields(item)
        fields["content_sha256"] = content_fingerprint(fields)
        now = to_utc_iso(item.fetch.fetched_at)
        existing = self._find_article(item)
        if existing is not None and item.fetch.imported and precedes(existing, now):
            # An imported capture older than what the archive holds: it slots into the history.
            outcome = self.backfill.save_article(existing, item, fields, fetch_id, run_id, now)
            for alias in {item.url, *item.aliases} - {existing["url"]}:
                self._put_alias(alias, existing["id"], now)
            return WriteResult(ItemKind.ARTICLE, item.lang, existing["section"], outcome.value)
        if existing is None:
            aid = article_id(item.lang, item.element_id, item.url)
            holder = self.sql.one("SELECT * FROM articles WHERE url = :url AND id != :aid", url=item.url, aid=aid)
            if holder is not None and item.fetch.imported and precedes(holder, now):
                # An old capture of an article whose URL another element holds today: the URL is
                # the holder's; the old article keeps it marked, as a vacated URL would be.
                item = dataclasses.replace(item, url=f"{item.url}#superseded-by-{holder['id']}")
            else:
                self._vacate(item.url, aid, now, run_id)
            outcome = self._insert_article(aid, item, fields, fetch_id, run_id, now)
        else:
            aid = existing["id"]
            self._vacate(item.url, aid, now, run_id)
            outcome = self._update_article(existing, item, fields, fetch_id, run_id, now)
        if outcome in (SaveOutcome.NEW, SaveOutcome.NEW_VERSION) or (
            outcome is SaveOutcome.REVIVED and fields["content_sha256"] != (existing or {}).get("content_sha256")
        ):
            index_article(self.sql.db, aid, item.title, item.body_text, replace=outcome is not SaveOutcome.NEW)
        self._after_save(aid, item, now)
        return WriteResult(ItemKind.ARTICLE, item.lang, item.section, outcome.value)

    def _find_article(self, item: ArticleItem) -> dict[str, Any] | None:
        """By the Bitrix element ID, the article's identity (it survives slug edits); then, for
        pages without one, by URL and by a former URL (alias). A URL that now shows another
        element than the article stored under it is vacated first (``_vacate``)."""
        if item.element_id:
            row = self.sql.one(
                "SELECT * FROM articles WHERE lang = :lang AND element_id = :eid", lang=item.lang, eid=item.element_id
            )
            if row is not None:
                return row
        row = self.sql.one("SELECT * FROM articles WHERE url = :url", url=item.url)
        if row is None:
            row = self.sql.one(
                "SELECT a.* FROM url_aliases u JOIN articles a ON a.id = u.article_id WHERE u.url = :url", url=item.url
            )
        if row is not None and item.element_id and row["element_id"] and row["element_id"] != item.element_id:
            return None  # the URL now shows another element: a new article (its URL vacated below)
        return row

    def _vacate(self, url: str, aid: str, now: str, run_id: int) -> None:
        """The site gave ``url`` to another element (Bitrix renumbers duplicate slugs): the article
        stored under it keeps its identity under a marked URL until it is met at its new one."""
        holder = self.sql.one("SELECT id FROM articles WHERE url = :url AND id != :aid", url=url, aid=aid)
        if holder is None:
            return
        vacated = f"{url}#vacated-by-{aid}"
        self.sql.execute("UPDATE articles SET url = :new WHERE id = :id", new=vacated, id=holder["id"])
        self.sql.execute("DELETE FROM url_aliases WHERE url = :url", url=url)
        self._event(holder["id"], "url_changed", now, run_id, f"{url} -> (now shows {aid})")

    def _after_save(self, aid: str, item: ArticleItem, now: str) -> None:
        """What any save of an article page settles: its aliases, sitemap lastmod, failures, holds."""
        for alias in {*item.aliases, *([item.requested_url] if item.requested_url else [])} - {item.url}:
            self._put_alias(alias, aid, now)
        # The <lastmod> the sitemaps last showed (a file read later in this run corrects it).
        self.sql.execute(
            "UPDATE articles SET sitemap_lastmod = s.lastmod FROM sitemap_entries s"
            " WHERE articles.id = :aid AND s.url = articles.url",
            aid=aid,
        )
        for url in (item.url, item.requested_url):
            if url:
                self.ledger.clear_failure(url)
                self.sql.execute("DELETE FROM held_pages WHERE url = :url", url=url)

    def _insert_article(
        self, aid: str, item: ArticleItem, fields: dict[str, Any], fetch_id: int, run_id: int, now: str
    ) -> SaveOutcome:
        self.sql.execute(
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
            etag=header(item.fetch, "etag"),
            last_modified=header(item.fetch, "last-modified"),
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
        self.sql.execute(
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

    def _touch_version(self, aid: str, number: int, run_id: int, now: str) -> None:
        """The content seen again: only the version's "last seen" marks move."""
        self.sql.execute(
            "UPDATE versions SET last_run_id = CASE WHEN :now >= last_seen_at THEN :run ELSE last_run_id END,"
            " last_seen_at = max(last_seen_at, :now) WHERE article_id = :aid AND version = :number",
            now=now,
            run=run_id,
            aid=aid,
            number=number,
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
        changed = fields["content_sha256"] != existing["content_sha256"]
        number = int(existing["version_count"]) + (1 if changed else 0)
        if changed:
            self._insert_version(aid, number, item, fields, fetch_id, run_id, now)
        else:
            self._touch_version(aid, number, run_id, now)
        self.sql.execute(
            "UPDATE articles SET url = :url, section = :section, slug = :slug,"
            " element_id = COALESCE(:element_id, element_id), title = :title, subtitle = :subtitle,"
            " published = :published, published_raw = :published_raw, published_source = :published_source,"
            " published_tz = :published_tz, body_text = :body_text, body_html = :body_html,"
            " signature = :signature, attachments = :attachments, images = :images,"
            " counterpart_url = COALESCE(:counterpart_url, counterpart_url), content_sha256 = :content_sha256,"
            " version_count = :number, gone_at = NULL, gone_reason = NULL, date_flags = :date_flags,"
            # What the site last said moves only with a newer fetch: a stored page read again
            # (csto reextract) or an older capture never moves the marks back.
            " last_run_id = CASE WHEN :now >= last_seen_at THEN :run ELSE last_run_id END,"
            " last_fetch_id = CASE WHEN :now >= last_seen_at THEN :fetch ELSE last_fetch_id END,"
            " etag = CASE WHEN :now >= last_seen_at THEN :etag ELSE etag END,"
            " last_modified = CASE WHEN :now >= last_seen_at THEN :last_modified ELSE last_modified END,"
            " last_seen_at = max(last_seen_at, :now) WHERE id = :aid",
            url=item.url,
            section=item.section,
            slug=item.slug,
            element_id=item.element_id,
            counterpart_url=item.counterpart_url,
            number=number,
            now=now,
            run=run_id,
            fetch=fetch_id,
            etag=header(item.fetch, "etag"),
            last_modified=header(item.fetch, "last-modified"),
            aid=aid,
            **fields,
        )
        if existing["url"] != item.url:
            self._moved(aid, existing["url"], item.url, run_id, now)
        if existing["gone_at"] is not None:
            self._event(aid, "revived", now, run_id, f"HTTP {item.fetch.status} after gone since {existing['gone_at']}")
            return SaveOutcome.REVIVED
        return SaveOutcome.NEW_VERSION if changed else SaveOutcome.UNCHANGED

    def _moved(self, aid: str, old_url: str, new_url: str, run_id: int, now: str) -> None:
        self._put_alias(old_url, aid, now)
        # A slug edited back: the URL is canonical again, no longer an alias of itself.
        self.sql.execute("DELETE FROM url_aliases WHERE url = :url", url=new_url)
        self._event(aid, "url_changed", now, run_id, f"{old_url} -> {new_url}")

    def _put_alias(self, url: str, aid: str, now: str) -> None:
        self.sql.execute(
            "INSERT INTO url_aliases (url, article_id, first_seen_at, last_seen_at) VALUES (:url, :aid, :now, :now)"
            " ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id, last_seen_at = excluded.last_seen_at",
            url=url,
            aid=aid,
            now=now,
        )

    def _event(self, aid: str, event: str, at: str, run_id: int, detail: str | None = None) -> None:
        self.sql.execute(
            "INSERT INTO article_events (article_id, event, at, run_id, detail)"
            " VALUES (:aid, :event, :at, :run, :detail)",
            aid=aid,
            event=event,
            at=at,
            run=run_id,
            detail=detail,
        )

    # --- pages that add no version ------------------------------------------------------------

    def save_not_modified(self, item: NotModified, run_id: int) -> WriteResult:
        """A 304: the archived content is still current, so only the "last seen" marks move."""
        fetch_id = self.ledger.put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        row = self.sql.one(
            "SELECT id, url, version_count, section, last_seen_at, gone_at FROM articles WHERE url = :url", url=item.url
        )
        if row is None:
            return WriteResult(ItemKind.SKIPPED, item.lang, section_of(item.url), "not_modified_unknown")
        if item.fetch.imported and precedes(row, now):
            self.backfill.save_not_modified(row, fetch_id, run_id, now)
            return WriteResult(ItemKind.ARTICLE, item.lang, row["section"], SaveOutcome.UNCHANGED.value)
        self.sql.execute(
            "UPDATE articles SET last_seen_at = :now, last_run_id = :run, last_fetch_id = :fetch WHERE id = :id",
            now=now,
            run=run_id,
            fetch=fetch_id,
            id=row["id"],
        )
        self._touch_version(row["id"], row["version_count"], run_id, now)
        self.ledger.clear_failure(item.url)
        return WriteResult(ItemKind.ARTICLE, item.lang, row["section"], SaveOutcome.UNCHANGED.value)

    def save_held(self, item: HeldPage, run_id: int) -> WriteResult:
        """A page whose extraction is doubtful: its snapshot and why, never a version."""
        fetch_id = self.ledger.put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        self.sql.execute(
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
        self.ledger.clear_failure(item.url)
        return WriteResult(ItemKind.HELD, item.lang, item.section, "held")

    # --- gone ---------------------------------------------------------------------------------

    def save_gone(self, item: GoneNotice, run_id: int) -> WriteResult:
        self.ledger.put_fetch(item.fetch, run_id)
        if item.fetch.imported:
            return self._save_imported_gone(item, run_id)
        row = self.sql.one("SELECT id, gone_at, section FROM articles WHERE url = :url", url=item.url)
        if row is None and self.sql.one("SELECT 1 AS found FROM url_aliases WHERE url = :url", url=item.url):
            # A former URL of an article that lives on under its new URL: the old one is simply dead.
            self.ledger.clear_failure(item.url)
            return WriteResult(ItemKind.GONE, item.lang, section_of(item.url), "alias_gone")
        if row is None:
            # Linked but never archived: the site lists a page it does not serve.
            self.ledger.record_failure(item.url, item.lang, "article", f"HTTP {item.status}", 1, item.status, run_id)
            return WriteResult(ItemKind.GONE, item.lang, section_of(item.url), "failed")
        self.ledger.clear_failure(item.url)
        if row["gone_at"] is None:
            self._mark_gone(row["id"], to_utc_iso(item.fetch.fetched_at), f"HTTP {item.status}", run_id)
            return WriteResult(ItemKind.GONE, item.lang, row["section"], "gone")
        return WriteResult(ItemKind.GONE, item.lang, row["section"], "still_gone")

    def _save_imported_gone(self, item: GoneNotice, run_id: int) -> WriteResult:
        """An imported 404/410: gone from then on, unless the article was seen alive after it.

        A URL never archived records no failure (the capture says nothing of the URL today).
        """
        row = self.sql.one("SELECT id, section, last_seen_at, gone_at FROM articles WHERE url = :url", url=item.url)
        if row is None:
            return WriteResult(ItemKind.GONE, item.lang, section_of(item.url), "not_archived")
        at = to_utc_iso(item.fetch.fetched_at)
        if moment(at) <= moment(row["last_seen_at"]):
            return WriteResult(ItemKind.GONE, item.lang, row["section"], "seen_after")
        if row["gone_at"] is not None:
            return WriteResult(ItemKind.GONE, item.lang, row["section"], "still_gone")
        self._mark_gone(row["id"], at, f"HTTP {item.status}", run_id)
        return WriteResult(ItemKind.GONE, item.lang, row["section"], "gone")

    def mark_gone(self, aid: str, at: str, reason: str, run_id: int) -> None:
        self._mark_gone(aid, at, reason, run_id)

    def _mark_gone(self, aid: str, at: str, reason: str, run_id: int) -> None:
        self.sql.execute(
            "UPDATE articles SET gone_at = :at, gone_reason = :reason WHERE id = :id", at=at, reason=reason, id=aid
        )
        self._event(aid, "gone", at, run_id, reason)
