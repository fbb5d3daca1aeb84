"""The article history: where any capture, crawled or imported, becomes a version, by its date.

The one writer of articles and versions. A capture newer than what the archive knows of its article
(the crawl's normal case) extends the current version when its content fingerprint is the same, and
otherwise adds a version with the next number that becomes the current one; a capture older than
that (an imported WARC record, or any fetch dated before the article's last sighting) is placed in
the history at its date (placement.py). A re-reading of a stored page by a newer extractor (``csto
reextract``) always becomes the current reading. Version numbers and contents never change once
written. The snapshot of each page and any failure it clears belong to the run ledger (ledger.py);
everything lands in the writer's one transaction (store.py owns it). Reading a history is history.py.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from ..dates import to_utc_iso
from ..items import ArticleItem, GoneNotice, HeldPage, NotModified
from ..outcomes import Doubt, VersionChange
from ..stand_ins import replacement_doubts
from .article_ids import section_of
from .content import content_fingerprint, content_values
from .events import Event, mark_gone, record_event
from .ledger import Ledger, header
from .placement import Placement, precedes
from .registry import Fill
from .results import ItemKind, LedgerOutcome, SaveOutcome, WriteResult
from .search import index_article
from .source_ids import ArticleIds
from .statements import Statements, moment
from .tables import ARTICLES
from .version_rows import ARTICLE_SEEN, VersionRows

# Logged under the writer's name (store.py), as crawl logs showed it before the history moved here.
logger = logging.getLogger("csto_crawler.archive.store")

# The live article at a URL (a vacated article keeps its URL, but no longer holds it).
AT_URL = "SELECT * FROM articles WHERE url = :url AND vacated_by IS NULL"
_ITEM = ARTICLES.filled_by(Fill.ITEM)
# What a later fetch never changes: the source an article belongs to (a stored page read again by
# csto reextract may come back as the default source's item).
_IDENTITY = ("source",)
_CONTENT = ARTICLES.filled_by(Fill.CONTENT)
INSERT_ARTICLE = ARTICLES.insert(
    (
        "id",
        *_ITEM,
        *_CONTENT,
        "vacated_by",
        "content_sha256",
        "current_version",
        "version_count",
        "first_seen_at",
        "last_seen_at",
        "first_run_id",
        "last_run_id",
        "last_fetch_id",
        "etag",
        "last_modified",
    )
)
# What the site last said moves only with a newer fetch: a stored page read again (csto reextract)
# never moves the marks back. A value the page may omit (``keep``) keeps the archived one.
UPDATE_CURRENT = (
    "UPDATE articles SET "  # noqa: S608  registry names
    + ", ".join(
        f"{n} = COALESCE(:{n}, {n})" if ARTICLES[n].keep else f"{n} = :{n}"
        for n in (*_ITEM, *_CONTENT)
        if n not in _IDENTITY
    )
    + ", vacated_by = NULL, content_sha256 = :content_sha256, current_version = :number, version_count = :count,"
    " gone_at = NULL, gone_reason = NULL,"
    " last_run_id = CASE WHEN :now >= last_seen_at THEN :run ELSE last_run_id END,"
    " last_fetch_id = CASE WHEN :now >= last_seen_at THEN :fetch ELSE last_fetch_id END,"
    " etag = CASE WHEN :now >= last_seen_at THEN :etag ELSE etag END,"
    " last_modified = CASE WHEN :now >= last_seen_at THEN :last_modified ELSE last_modified END,"
    " last_seen_at = max(last_seen_at, :now) WHERE id = :aid"
)


def article_fields(item: ArticleItem) -> dict[str, Any]:
    """The clean content columns shared by ``articles`` and ``versions``, and their fingerprint."""
    fields = content_values(item)
    fields["content_sha256"] = content_fingerprint(fields)
    return fields


class History:
    """Writes the article history; the pages' fetches and failures go to the ledger."""

    def __init__(self, sql: Statements, ledger: Ledger, extractor_version: str) -> None:
        self.sql = sql
        self.ledger = ledger
        self.ids = ArticleIds(sql)
        self.versions = VersionRows(sql, extractor_version)
        self.placement = Placement(sql, self.versions)

    @property
    def extractor_version(self) -> str:
        return self.versions.extractor_version

    @extractor_version.setter
    def extractor_version(self, version: str) -> None:
        self.versions.extractor_version = version

    # --- articles -----------------------------------------------------------------------------

    def save_article(self, item: ArticleItem, run_id: int) -> WriteResult:
        fields = article_fields(item)
        existing = self._find_article(item, run_id)
        doubts = self._stand_in(existing, item, fields) if existing is not None else []
        if doubts:
            logger.warning("Holding back %s: %s (the archived text stays current)", item.url, ", ".join(doubts))
            return self.save_held(HeldPage.of(item, doubts), run_id)
        fetch_id = self.ledger.put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        if existing is not None and item.version_change is VersionChange.SITE and precedes(existing, now):
            outcome = self.placement.place(existing, item, fields, fetch_id, run_id, now)
            for alias in {item.url, *item.aliases} - {existing["url"]}:
                self._put_alias(alias, existing["id"], now)
            return WriteResult(ItemKind.ARTICLE, item.lang, existing["section"], outcome)
        if existing is None:
            aid = self.ids.new_id(item)
            outcome = self._new_article(aid, item, fields, fetch_id, run_id, now)
        else:
            aid = existing["id"]
            self._vacate(item.url, aid, now, run_id)
            outcome = self._update_article(existing, item, fields, fetch_id, run_id, now)
        if outcome in (SaveOutcome.NEW, SaveOutcome.NEW_VERSION) or (
            outcome is SaveOutcome.REVIVED and fields["content_sha256"] != (existing or {}).get("content_sha256")
        ):
            index_article(self.sql.db, aid, item.title, item.body_text, replace=outcome is not SaveOutcome.NEW)
        self._after_save(aid, item, now)
        return WriteResult(ItemKind.ARTICLE, item.lang, item.section, outcome)

    def _find_article(self, item: ArticleItem, run_id: int) -> dict[str, Any] | None:
        """By the Bitrix element ID, the article's identity (it survives slug edits); then, for
        pages without one, by URL and by a former URL (alias). A URL that now shows another
        element than the article stored under it is vacated first (``_vacate``)."""
        if item.element_id:
            row = self.sql.one(
                "SELECT * FROM articles WHERE source = :source AND lang = :lang AND element_id = :eid",
                source=item.source,
                lang=item.lang,
                eid=item.element_id,
            )
            if row is not None:
                return row
        row = self.sql.one(AT_URL, url=item.url)
        if row is None:
            row = self.sql.one(
                "SELECT a.* FROM url_aliases u JOIN articles a ON a.id = u.article_id WHERE u.url = :url", url=item.url
            )
        if row is None:
            row = self.ids.same_native_id(item, run_id)
        if row is not None and item.element_id and row["element_id"] and row["element_id"] != item.element_id:
            return None  # the URL now shows another element: a new article (its URL vacated below)
        return row

    def _stand_in(self, existing: dict[str, Any], item: ArticleItem, fields: dict[str, Any]) -> list[Doubt]:
        """Why the page cannot be a new version of the archived article (stand_ins.py): its body is
        another text. A stored page of the article read again (csto reextract) is the article itself."""
        if fields["content_sha256"] == existing["content_sha256"] or self._own_snapshot(existing, item):
            return []
        return replacement_doubts(item.body_text, existing["body_text"] or "")

    def _own_snapshot(self, existing: dict[str, Any], item: ArticleItem) -> bool:
        """Whether ``item`` reads a stored page the article's history already came from."""
        fetch_id = item.fetch.stored_id
        if item.version_change is not VersionChange.EXTRACTOR or fetch_id is None:
            return False
        return (
            fetch_id == existing["last_fetch_id"]
            or self.sql.one(
                "SELECT 1 AS found FROM versions WHERE article_id = :aid AND fetch_id = :fetch",
                aid=existing["id"],
                fetch=fetch_id,
            )
            is not None
        )

    def _new_article(
        self, aid: str, item: ArticleItem, fields: dict[str, Any], fetch_id: int, run_id: int, now: str
    ) -> SaveOutcome:
        """A new article, version 1. Its URL is vacated by the article holding it, unless that one was
        seen there after this capture: then the new one is the vacated one."""
        holder = self.sql.one(AT_URL + " AND id != :aid", url=item.url, aid=aid)
        vacated_by = holder["id"] if holder is not None and precedes(holder, now) else None
        if vacated_by is None:
            self._vacate(item.url, aid, now, run_id)
        self.sql.execute(
            INSERT_ARTICLE,
            id=aid,
            **ARTICLES.item_values(item, Fill.ITEM),
            **fields,
            vacated_by=vacated_by,
            current_version=1,
            version_count=1,
            first_seen_at=now,
            last_seen_at=now,
            first_run_id=run_id,
            last_run_id=run_id,
            last_fetch_id=fetch_id,
            etag=header(item.fetch, "etag"),
            last_modified=header(item.fetch, "last-modified"),
        )
        self.versions.insert(aid, 1, item, fields, fetch_id, run_id, now)
        return SaveOutcome.NEW

    def _vacate(self, url: str, aid: str, now: str, run_id: int) -> None:
        """The site gave ``url`` to another element (Bitrix renumbers duplicate slugs): the article
        stored under it keeps its identity and URL, marked vacated, until it is met at a new one."""
        holder = self.sql.one(AT_URL + " AND id != :aid", url=url, aid=aid)
        if holder is None:
            return
        self.sql.execute("UPDATE articles SET vacated_by = :aid WHERE id = :id", aid=aid, id=holder["id"])
        self.sql.execute("DELETE FROM url_aliases WHERE url = :url", url=url)
        record_event(self.sql, holder["id"], Event.URL_CHANGED, now, run_id, f"{url} -> (now shows {aid})")

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
                self.ledger.clear_failure(url, now)
                self.sql.execute("DELETE FROM held_pages WHERE url = :url", url=url)

    def _update_article(
        self,
        existing: dict[str, Any],
        item: ArticleItem,
        fields: dict[str, Any],
        fetch_id: int,
        run_id: int,
        now: str,
    ) -> SaveOutcome:
        """The newest news of the article: the same content seen again, or a new current version."""
        aid = existing["id"]
        changed = fields["content_sha256"] != existing["content_sha256"]
        number = existing["current_version"]
        if changed:
            number = self.versions.next_number(aid)
            self.versions.insert(aid, number, item, fields, fetch_id, run_id, now)
        else:
            self.versions.seen_again(aid, number, run_id, now)
        self.sql.execute(
            UPDATE_CURRENT,
            **ARTICLES.item_values(item, Fill.ITEM),
            **fields,
            number=number,
            count=max(number, existing["version_count"]),
            now=now,
            run=run_id,
            fetch=fetch_id,
            etag=header(item.fetch, "etag"),
            last_modified=header(item.fetch, "last-modified"),
            aid=aid,
        )
        if existing["url"] != item.url:
            self._moved(aid, existing["url"], item.url, run_id, now)
        if existing["gone_at"] is not None:
            detail = f"HTTP {item.fetch.status} after gone since {existing['gone_at']}"
            record_event(self.sql, aid, Event.REVIVED, now, run_id, detail)
            return SaveOutcome.REVIVED
        return SaveOutcome.NEW_VERSION if changed else SaveOutcome.UNCHANGED

    def _moved(self, aid: str, old_url: str, new_url: str, run_id: int, now: str) -> None:
        self._put_alias(old_url, aid, now)
        # A slug edited back: the URL is canonical again, no longer an alias of itself.
        self.sql.execute("DELETE FROM url_aliases WHERE url = :url", url=new_url)
        record_event(self.sql, aid, Event.URL_CHANGED, now, run_id, f"{old_url} -> {new_url}")

    def _put_alias(self, url: str, aid: str, now: str) -> None:
        self.sql.execute(
            "INSERT INTO url_aliases (url, article_id, first_seen_at, last_seen_at) VALUES (:url, :aid, :now, :now)"
            " ON CONFLICT (url) DO UPDATE SET article_id = excluded.article_id, last_seen_at = excluded.last_seen_at",
            url=url,
            aid=aid,
            now=now,
        )

    # --- pages that add no version ------------------------------------------------------------

    def save_not_modified(self, item: NotModified, run_id: int) -> WriteResult:
        """A 304: the content in force at the fetch's date was still shown, so only "last seen" marks move."""
        fetch_id = self.ledger.put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        row = self.sql.one(
            "SELECT id, url, current_version, section, last_seen_at, gone_at FROM articles"
            " WHERE url = :url AND vacated_by IS NULL",
            url=item.url,
        )
        if row is None:
            return WriteResult(ItemKind.SKIPPED, item.lang, section_of(item.url), LedgerOutcome.NOT_MODIFIED_UNKNOWN)
        if precedes(row, now):
            self.placement.seen_then(row, fetch_id, run_id, now)
            return WriteResult(ItemKind.ARTICLE, item.lang, row["section"], SaveOutcome.UNCHANGED)
        self.sql.execute(ARTICLE_SEEN, now=now, run=run_id, fetch=fetch_id, aid=row["id"])
        self.versions.seen_again(row["id"], row["current_version"], run_id, now)
        self.ledger.clear_failure(item.url, now)
        return WriteResult(ItemKind.ARTICLE, item.lang, row["section"], SaveOutcome.UNCHANGED)

    def save_held(self, item: HeldPage, run_id: int) -> WriteResult:
        """A page whose extraction is doubtful: its snapshot and why, never a version."""
        fetch_id = self.ledger.put_fetch(item.fetch, run_id)
        now = to_utc_iso(item.fetch.fetched_at)
        self.sql.execute(
            "INSERT INTO held_pages (url, source, lang, section, title, doubts, method, fetch_id, extractor_version,"
            " first_held_at, last_held_at, run_id) VALUES (:url, :source, :lang, :section, :title, :doubts, :method,"
            " :fetch, :extractor, :now, :now, :run) ON CONFLICT (url) DO UPDATE SET lang = excluded.lang,"
            " section = excluded.section, title = excluded.title, doubts = excluded.doubts,"
            " method = excluded.method, fetch_id = excluded.fetch_id,"
            " extractor_version = excluded.extractor_version, last_held_at = excluded.last_held_at,"
            " run_id = excluded.run_id",
            url=item.url,
            source=item.source,
            lang=item.lang,
            section=item.section,
            title=item.title,
            doubts=json.dumps([str(doubt) for doubt in item.doubts]),
            method=str(item.method),
            fetch=fetch_id,
            extractor=self.extractor_version,
            now=now,
            run=run_id,
        )
        self.ledger.clear_failure(item.url, now)
        return WriteResult(ItemKind.HELD, item.lang, item.section, LedgerOutcome.HELD)

    # --- gone ---------------------------------------------------------------------------------

    def save_gone(self, item: GoneNotice, run_id: int) -> WriteResult:
        """A 404 or 410: gone from the fetch's date on, unless the article was seen alive after it."""
        self.ledger.put_fetch(item.fetch, run_id)
        at = to_utc_iso(item.fetch.fetched_at)
        section = section_of(item.url)
        row = self.sql.one(
            "SELECT id, section, last_seen_at, gone_at FROM articles WHERE url = :url AND vacated_by IS NULL",
            url=item.url,
        )
        if row is None:
            return WriteResult(ItemKind.GONE, item.lang, section, self._gone_unknown(item, at, run_id))
        if moment(at) < moment(row["last_seen_at"]):
            return WriteResult(ItemKind.GONE, item.lang, row["section"], LedgerOutcome.SEEN_AFTER)
        self.ledger.clear_failure(item.url, at)
        if row["gone_at"] is not None:
            return WriteResult(ItemKind.GONE, item.lang, row["section"], LedgerOutcome.STILL_GONE)
        mark_gone(self.sql, row["id"], at, f"HTTP {item.status}", run_id)
        return WriteResult(ItemKind.GONE, item.lang, row["section"], LedgerOutcome.GONE)

    def _gone_unknown(self, item: GoneNotice, at: str, run_id: int) -> LedgerOutcome:
        """A 404 of a URL no live article holds: a former URL of one (simply dead now), a URL the site
        lists but does not serve (a failure to retry), or an old capture that says nothing of today."""
        if self.sql.one("SELECT 1 AS found FROM url_aliases WHERE url = :url", url=item.url):
            self.ledger.clear_failure(item.url, at)
            return LedgerOutcome.ALIAS_GONE
        if not self.ledger.made_in_run(at, run_id):
            return LedgerOutcome.NOT_ARCHIVED
        self.ledger.record_failure(
            item.url, item.lang, "article", f"HTTP {item.status}", 1, item.status, run_id, item.source
        )
        return LedgerOutcome.FAILED
