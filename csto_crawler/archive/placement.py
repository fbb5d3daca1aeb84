"""A capture older than what the archive holds takes its place in the article's history by its date.

The history writer (history_writer.py) hands a capture here when the article was seen, or found
gone, after the capture's date: typically an old capture imported from a WARC file, but any capture
is judged by its date alone. Its content either is the version then in force (whose last sighting
moves up to it), or the next version's (whose first sighting moves back to it), or a version of its
own, written with the next free number: numbers are citation keys, never moved. A capture inside a
version's seen range with other content ends that version before it, and the version's content comes
back after it under a new number. Everything runs in the writer's transaction (store.py).
"""

from __future__ import annotations

from typing import Any

from ..items import ArticleItem
from .registry import Fill
from .results import SaveOutcome
from .search import index_article
from .statements import Statements, moment
from .tables import ARTICLES
from .version_rows import ARTICLE_SEEN, VersionRows

# The article's fetches that showed its content (its URLs: canonical, former and aliases).
ARTICLE_FETCHES = (
    "SELECT id, run_id, fetched_at, sha256 FROM fetches"
    " WHERE url IN (SELECT :url UNION SELECT url FROM versions WHERE article_id = :aid"
    " UNION SELECT url FROM url_aliases WHERE article_id = :aid) AND status IN (200, 304)"
)
# Within a version's range, the last fetch of the article before a capture and the first after it.
LAST_FETCH_BEFORE = ARTICLE_FETCHES + " AND fetched_at >= :first AND fetched_at < :now ORDER BY fetched_at DESC LIMIT 1"
FIRST_FETCH_AFTER = ARTICLE_FETCHES + " AND fetched_at > :now AND fetched_at <= :last ORDER BY fetched_at LIMIT 1"
# The article row takes a version's content as its current one.
CURRENT_CONTENT = (
    f"UPDATE articles SET {ARTICLES.assignments(ARTICLES.filled_by(Fill.CONTENT))}, content_sha256 = :content_sha256,"  # noqa: S608
    " current_version = :number, last_seen_at = max(last_seen_at, :now), last_run_id = :run, last_fetch_id = :fetch"
    " WHERE id = :aid"
)


def precedes(article: dict[str, Any], at: str) -> bool:
    """Whether a capture at ``at`` is not the newest news of ``article``: seen since, or gone since."""
    when = moment(at)
    if when < moment(article["last_seen_at"]):
        return True
    gone = article.get("gone_at")
    return gone is not None and when <= moment(gone)


class Placement:
    """Places captures that precede what the archive knows of an article into its history."""

    def __init__(self, sql: Statements, versions: VersionRows) -> None:
        self.sql = sql
        self.versions = versions

    def place(
        self, article: dict[str, Any], item: ArticleItem, fields: dict[str, Any], fetch_id: int, run_id: int, now: str
    ) -> SaveOutcome:
        """Place the capture's content at its date: in the version then in force, or a version of its own."""
        aid = article["id"]
        versions = self.versions.in_time_order(aid)
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
            self.versions.set_first_seen(following["id"], now, run_id)
            self._first_seen(aid, now, run_id)
            return SaveOutcome.UNCHANGED
        number = self.versions.next_number(aid)
        self.versions.insert(aid, number, item, fields, fetch_id, run_id, now)
        if inside and current is not None:
            self._split(article, current, number + 1, now)
        self.sql.execute(
            "UPDATE articles SET version_count = version_count + :added WHERE id = :aid",
            added=2 if inside else 1,
            aid=aid,
        )
        self._first_seen(aid, now, run_id)
        if following is None and not inside:
            # Newer than every version, yet the article was gone by then: its latest content.
            self.sql.execute(CURRENT_CONTENT, **fields, number=number, now=now, run=run_id, fetch=fetch_id, aid=aid)
            index_article(self.sql.db, aid, item.title, item.body_text, replace=True)
        return SaveOutcome.NEW_VERSION

    def seen_then(self, article: dict[str, Any], fetch_id: int, run_id: int, now: str) -> None:
        """A 304 at ``now``: the version then in force was still shown."""
        before = [v for v in self.versions.in_time_order(article["id"]) if moment(v["first_seen_at"]) <= moment(now)]
        if before:
            latest = before[-1]["version"] == article["current_version"]
            self._seen_later(article, before[-1], latest, fetch_id, run_id, now)

    def _first_seen(self, aid: str, now: str, run_id: int) -> None:
        """The article was shown at ``now``: its first sighting moves back to it if earlier."""
        self.sql.execute(
            "UPDATE articles SET first_run_id = :run, first_seen_at = :now WHERE id = :aid AND first_seen_at > :now",
            now=now,
            run=run_id,
            aid=aid,
        )

    def _seen_later(
        self, article: dict[str, Any], version: dict[str, Any], latest: bool, fetch_id: int, run_id: int, now: str
    ) -> None:
        """The version in force was still shown at ``now``: its last sighting moves up to it if later."""
        if moment(now) <= moment(version["last_seen_at"]):
            return
        self.versions.set_last_seen(version["id"], now, run_id)
        if latest and moment(now) > moment(article["last_seen_at"]):
            self.sql.execute(ARTICLE_SEEN, now=now, run=run_id, fetch=fetch_id, aid=article["id"])

    def _split(self, article: dict[str, Any], version: dict[str, Any], number: int, now: str) -> None:
        """A capture inside ``version``'s seen range showed other content: the version ends at the last
        fetch before the capture, and its content comes back, as version ``number``, from the first
        fetch after it (the current version then, when it was)."""
        aid, url = article["id"], article["url"]
        around = {
            "aid": aid,
            "url": url,
            "first": version["first_seen_at"],
            "last": version["last_seen_at"],
            "now": now,
        }
        earlier = self.sql.one(LAST_FETCH_BEFORE, **around)
        later = self.sql.one(FIRST_FETCH_AFTER, **around)
        first = later or {
            "id": version["fetch_id"],
            "run_id": version["last_run_id"],
            "fetched_at": version["last_seen_at"],
            "sha256": version["snapshot_sha256"],
        }
        self.versions.copy(version, number, first)
        if earlier is not None:
            self.versions.set_last_seen(version["id"], earlier["fetched_at"], earlier["run_id"])
        else:
            self.versions.set_last_seen(version["id"], version["first_seen_at"], version["first_run_id"])
        if version["version"] == article["current_version"]:
            self.sql.execute("UPDATE articles SET current_version = :number WHERE id = :aid", number=number, aid=aid)
