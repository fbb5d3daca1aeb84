"""Captures older than the archive: imported WARC records take their place in history by their date.

A crawl only sees the site as it is now: its writes move "last seen" marks forward and append
versions. A capture imported from a WARC or ARC file (``csto warc import``) may be years old, so
its content belongs where its date puts it in the article's history, and it must never make the
listings, sitemaps or attachments look older than the crawls left them. The history writer
(history_writer.py) and the ledger (ledger.py) hand an imported capture here when the archive
already knows something newer; the crawl's own writes never come here. Everything runs in the
writer's transaction (store.py).

Versions stay numbered 1, 2, ... in order of first sighting: a content slotted in before others
shifts their numbers up by one (their row ``id`` stays). A capture whose content is already in
the history at its date only widens that version's first/last seen range.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..dates import to_utc_iso
from ..items import ArticleItem, AttachmentItem, ListingPageItem, SitemapItem
from .results import SaveOutcome
from .search import index_article
from .sightings import WIDEN_RANGE, put_sightings
from .statements import Statements

if TYPE_CHECKING:
    from .history_writer import History

# The article's fetches that showed its content (its URLs: canonical, former and aliases).
ARTICLE_FETCHES = (
    "SELECT id, run_id, fetched_at, sha256 FROM fetches"
    " WHERE url IN (SELECT :url UNION SELECT url FROM versions WHERE article_id = :aid"
    " UNION SELECT url FROM url_aliases WHERE article_id = :aid) AND status IN (200, 304)"
)
# Every column of a version, for copying one (a content seen again after a capture in its range).
VERSION_COPY = (
    "INSERT INTO versions (article_id, version, content_sha256, url, title, subtitle, published, published_raw,"
    " published_source, published_tz, body_text, body_html, signature, attachments, images, first_seen_at,"
    " last_seen_at, first_run_id, last_run_id, fetch_id, snapshot_sha256, date_flags, change, extractor_version)"
    " SELECT article_id, :number, content_sha256, url, title, subtitle, published, published_raw,"
    " published_source, published_tz, body_text, body_html, signature, attachments, images, :first,"
    " last_seen_at, :first_run, last_run_id, :fetch, :snapshot, date_flags, change, extractor_version"
    " FROM versions WHERE id = :id"
)


def moment(value: str) -> dt.datetime:
    """An archive timestamp (ISO 8601 with offset) as an aware datetime, for comparisons."""
    return dt.datetime.fromisoformat(value)


def precedes(article: dict[str, Any], at: str) -> bool:
    """Whether a capture at ``at`` is not the newest news of ``article``: seen since, or gone since."""
    when = moment(at)
    if when < moment(article["last_seen_at"]):
        return True
    gone = article.get("gone_at")
    return gone is not None and when <= moment(gone)


class Backfill:
    """Writes imported captures that are older than what the archive holds into an article's history."""

    def __init__(self, history: History) -> None:
        self.history = history

    @property
    def sql(self) -> Statements:
        return self.history.sql

    # --- article pages ------------------------------------------------------------------------

    def save_article(
        self,
        article: dict[str, Any],
        item: ArticleItem,
        fields: dict[str, Any],
        fetch_id: int,
        run_id: int,
        now: str,
    ) -> SaveOutcome:
        """Place the capture's content at its date: in the version then in force, or a version of its own."""
        aid = article["id"]
        versions = self.sql.all(
            "SELECT id, version, content_sha256, first_seen_at, last_seen_at, first_run_id, last_run_id, fetch_id,"
            " snapshot_sha256 FROM versions WHERE article_id = :aid ORDER BY version",
            aid=aid,
        )
        at = moment(now)
        before = [v for v in versions if moment(v["first_seen_at"]) <= at]
        current = before[-1] if before else None  # the version in force at the capture's date
        following = versions[len(before)] if len(before) < len(versions) else None
        inside = current is not None and at < moment(current["last_seen_at"])
        fingerprint = fields["content_sha256"]
        if current is not None and current["content_sha256"] == fingerprint:
            self._seen_later(article, current, following is None, fetch_id, run_id, now)
            return SaveOutcome.UNCHANGED
        if following is not None and following["content_sha256"] == fingerprint and not inside:
            self._seen_earlier(article, following, current is None, run_id, now)
            return SaveOutcome.UNCHANGED
        number = current["version"] + 1 if current is not None else 1
        added = 2 if inside and current is not None else 1
        self._shift(aid, number, added)
        self.history._insert_version(aid, number, item, fields, fetch_id, run_id, now)
        if inside and current is not None:
            self._split(article, current, number + 1, now)
        self.sql.execute(
            "UPDATE articles SET version_count = version_count + :added,"
            " first_run_id = CASE WHEN :now < first_seen_at THEN :run ELSE first_run_id END,"
            " first_seen_at = min(first_seen_at, :now) WHERE id = :aid",
            added=added,
            now=now,
            run=run_id,
            aid=aid,
        )
        if following is None and not inside:
            # Newer than every version, yet the article was gone by then: its latest content.
            self._latest(aid, item, fields, fetch_id, run_id, now)
        return SaveOutcome.NEW_VERSION

    def _seen_later(
        self, article: dict[str, Any], version: dict[str, Any], latest: bool, fetch_id: int, run_id: int, now: str
    ) -> None:
        """The version in force was still shown at ``now``: its last sighting moves up to it if later."""
        if moment(now) <= moment(version["last_seen_at"]):
            return
        self.sql.execute(
            "UPDATE versions SET last_seen_at = :now, last_run_id = :run WHERE id = :id",
            now=now,
            run=run_id,
            id=version["id"],
        )
        if latest and moment(now) > moment(article["last_seen_at"]):
            self.sql.execute(
                "UPDATE articles SET last_seen_at = :now, last_run_id = :run, last_fetch_id = :fetch WHERE id = :aid",
                now=now,
                run=run_id,
                fetch=fetch_id,
                aid=article["id"],
            )

    def _seen_earlier(
        self, article: dict[str, Any], version: dict[str, Any], first: bool, run_id: int, now: str
    ) -> None:
        """The next version's content was already shown at ``now``: its first sighting moves back to it.

        ``fetch_id`` and the fields stay those of the fetch that was read for the version.
        """
        self.sql.execute(
            "UPDATE versions SET first_seen_at = :now, first_run_id = :run WHERE id = :id",
            now=now,
            run=run_id,
            id=version["id"],
        )
        if first:
            self.sql.execute(
                "UPDATE articles SET first_seen_at = :now, first_run_id = :run"
                " WHERE id = :aid AND first_seen_at > :now",
                now=now,
                run=run_id,
                aid=article["id"],
            )

    def _shift(self, aid: str, start: int, by: int) -> None:
        """Versions numbered ``start`` and up move up by ``by`` (via negatives: the pair stays unique)."""
        self.sql.execute(
            "UPDATE versions SET version = -(version + :by) WHERE article_id = :aid AND version >= :start",
            by=by,
            aid=aid,
            start=start,
        )
        self.sql.execute("UPDATE versions SET version = -version WHERE article_id = :aid AND version < 0", aid=aid)

    def _split(self, article: dict[str, Any], version: dict[str, Any], number: int, now: str) -> None:
        """A capture inside ``version``'s seen range showed other content: the version ends at the last
        fetch before the capture, and its content comes back, as version ``number``, from the first
        fetch after it."""
        aid, url = article["id"], article["url"]
        earlier = self.sql.one(
            ARTICLE_FETCHES + " AND fetched_at >= :first AND fetched_at < :now ORDER BY fetched_at DESC LIMIT 1",
            aid=aid,
            url=url,
            first=version["first_seen_at"],
            now=now,
        )
        later = self.sql.one(
            ARTICLE_FETCHES + " AND fetched_at > :now AND fetched_at <= :last ORDER BY fetched_at LIMIT 1",
            aid=aid,
            url=url,
            last=version["last_seen_at"],
            now=now,
        )
        self.sql.execute(
            VERSION_COPY,
            number=number,
            first=later["fetched_at"] if later else version["last_seen_at"],
            first_run=later["run_id"] if later else version["last_run_id"],
            fetch=later["id"] if later else version["fetch_id"],
            snapshot=later["sha256"] if later else version["snapshot_sha256"],
            id=version["id"],
        )
        self.sql.execute(
            "UPDATE versions SET last_seen_at = :at, last_run_id = :run WHERE id = :id",
            at=earlier["fetched_at"] if earlier else version["first_seen_at"],
            run=earlier["run_id"] if earlier else version["first_run_id"],
            id=version["id"],
        )

    def _latest(
        self, aid: str, item: ArticleItem, fields: dict[str, Any], fetch_id: int, run_id: int, now: str
    ) -> None:
        """The article's current content becomes the capture's (it stays gone: the capture predates that)."""
        self.sql.execute(
            "UPDATE articles SET title = :title, subtitle = :subtitle, published = :published,"
            " published_raw = :published_raw, published_source = :published_source, published_tz = :published_tz,"
            " body_text = :body_text, body_html = :body_html, signature = :signature, attachments = :attachments,"
            " images = :images, date_flags = :date_flags, content_sha256 = :content_sha256,"
            " last_seen_at = max(last_seen_at, :now),"
            " last_run_id = :run, last_fetch_id = :fetch WHERE id = :aid",
            now=now,
            run=run_id,
            fetch=fetch_id,
            aid=aid,
            **fields,
        )
        index_article(self.sql.db, aid, item.title, item.body_text, replace=True)

    # --- not modified, gone -------------------------------------------------------------------

    def save_not_modified(self, article: dict[str, Any], fetch_id: int, run_id: int, now: str) -> None:
        """A 304 at ``now``: the version then in force was still shown."""
        rows = self.sql.all(
            "SELECT id, version, last_seen_at FROM versions WHERE article_id = :aid AND first_seen_at <= :now"
            " ORDER BY version DESC LIMIT 1",
            aid=article["id"],
            now=now,
        )
        if rows:
            self._seen_later(article, rows[0], rows[0]["version"] == article["version_count"], fetch_id, run_id, now)

    # --- articles the site dropped since ------------------------------------------------------

    def mark_dropped(self, lang: str, run_id: int, max_share: float) -> dict[str, int]:
        """Articles that only imported captures show, and that the latest crawl's complete reading
        of the language's sitemaps no longer lists: gone since that reading (the crawl's sitemap
        rule, applied to what the crawl could not know). Nothing is marked when more than
        ``max_share`` of the language's live articles would be. Returns the number marked per section.
        """
        reading = self.sql.one(
            "SELECT r.id, r.finished_at FROM crawl_runs r WHERE r.mode != 'warc-import' AND r.finished_at IS NOT NULL"
            " AND r.id IN (SELECT confirmed_run_id FROM sitemap_files WHERE lang = :lang) ORDER BY r.id DESC LIMIT 1",
            lang=lang,
        )
        if reading is None or self.sql.one(
            "SELECT 1 AS unread FROM sitemap_files WHERE lang = :lang AND confirmed_run_id IS NOT :run LIMIT 1",
            lang=lang,
            run=reading["id"],
        ):
            return {}  # no crawl read every sitemap file of the language
        dropped = self.sql.all(
            "SELECT a.id, a.section FROM articles a WHERE a.lang = :lang AND a.gone_at IS NULL AND a.last_seen_at < :at"
            " AND a.last_run_id IN (SELECT id FROM crawl_runs WHERE mode = 'warc-import')"
            " AND NOT EXISTS (SELECT 1 FROM sitemap_entries s JOIN sitemap_files f ON f.url = s.sitemap_url"
            " WHERE s.url = a.url AND s.last_run_id >= f.parsed_run_id)",
            lang=lang,
            at=reading["finished_at"],
        )
        alive = self.sql.one("SELECT count(*) AS n FROM articles WHERE lang = :lang AND gone_at IS NULL", lang=lang)
        if not dropped or len(dropped) > max_share * int(alive["n"] if alive else 0):
            return {}
        marked: dict[str, int] = {}
        for row in dropped:
            self.sql.execute(
                "UPDATE articles SET gone_at = :at, gone_reason = 'absent from sitemap' WHERE id = :id",
                at=reading["finished_at"],
                id=row["id"],
            )
            self.history._event(
                row["id"], "gone", reading["finished_at"], run_id, f"absent from sitemap (read by run {reading['id']})"
            )
            marked[row["section"]] = marked.get(row["section"], 0) + 1
        return marked


# --- the ledger -------------------------------------------------------------------------------


def merge_listing(sql: Statements, item: ListingPageItem, run_id: int) -> None:
    """An imported listing page: each sighting widens the seen range of what the ledger holds.

    The latest lead stays the one of the newest sighting.
    """
    put_sightings(sql, item, run_id, WIDEN_RANGE)


def newer_than_parsed(sql: Statements, item: SitemapItem) -> bool:
    """Whether an imported sitemap file is newer than the archive's reading of that file (or the first)."""
    row = sql.one("SELECT parsed_at FROM sitemap_files WHERE url = :url", url=item.fetch.url)
    return row is None or item.fetch.fetched_at > moment(row["parsed_at"])


def merge_sitemap_entries(sql: Statements, item: SitemapItem, run_id: int, now: str) -> None:
    """An imported sitemap file older than the archive's reading of it: its entries are sightings.

    Entries the archive has keep their newer lastmod and file, and are only seen earlier; entries
    it lacks (articles the site has dropped since) are recorded without a file, so that the file
    as last read decides what it lists today.
    """
    rows = [
        {"url": url, "lastmod": lastmod, "lang": item.lang, "now": now, "run": run_id}
        for url, lastmod in item.entries.items()
    ]
    sql.execute_many(
        "INSERT INTO sitemap_entries (url, lang, lastmod, first_seen_at, last_seen_at, last_run_id, sitemap_url)"
        " VALUES (:url, :lang, :lastmod, :now, :now, :run, NULL)"
        " ON CONFLICT (url) DO UPDATE SET first_seen_at = min(sitemap_entries.first_seen_at, excluded.first_seen_at)",
        rows,
    )


def merge_attachment(sql: Statements, item: AttachmentItem, content_type: str | None) -> None:
    """An imported attachment file: the newest download keeps its bytes; an older one is seen earlier."""
    now = to_utc_iso(item.fetch.fetched_at)
    sql.execute(
        "INSERT INTO attachments (url, article_url, filename, sha256, size, content_type, first_seen_at,"
        " last_fetched_at) VALUES (:url, :article, :filename, :sha, :size, :ctype, :now, :now)"
        " ON CONFLICT (url) DO UPDATE SET"
        " sha256 = CASE WHEN excluded.last_fetched_at > attachments.last_fetched_at"
        " THEN excluded.sha256 ELSE attachments.sha256 END,"
        " size = CASE WHEN excluded.last_fetched_at > attachments.last_fetched_at"
        " THEN excluded.size ELSE attachments.size END,"
        " content_type = CASE WHEN excluded.last_fetched_at > attachments.last_fetched_at"
        " THEN excluded.content_type ELSE attachments.content_type END,"
        " first_seen_at = min(attachments.first_seen_at, excluded.first_seen_at),"
        " last_fetched_at = max(attachments.last_fetched_at, excluded.last_fetched_at)",
        url=item.url,
        article=item.article_url,
        filename=item.filename,
        sha=item.fetch.sha256,
        size=len(item.fetch.body),
        ctype=content_type,
        now=now,
    )
