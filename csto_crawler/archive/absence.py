"""Deletions proven by absence: from a sitemap file read in this run, or from a complete listing walk.

A 404 of the article itself is the plain witness (``history_writer.save_gone``). Two others need no
request per article: a sitemap file that no longer lists it, and a listing walked from page 1 to its
last page without a failed page that no longer shows it; the second does not depend on the sitemaps
being up. Each marks only the articles of the source whose sitemaps or section walks were read
(``source``); a discovered source's complete walk asks again for what it no longer shows instead,
and the 404 or 410 is the witness (spiders/discovering.absent). A third applies the sitemap rule to what a crawl could
not know: articles only imported captures show, absent from the sitemaps as the latest crawl read
them (``mark_dropped``). Each guards against a broken source: when it would remove too large a
share, nothing is marked and a warning says why.
"""

from __future__ import annotations

import logging
from typing import Any

from ..outcomes import RunMode
from ..sources.csto import DEFAULT_SOURCE_NAME
from .events import mark_gone
from .statements import Statements

# Logged under the writer's name (store.py), as crawl logs showed it before.
logger = logging.getLogger("csto_crawler.archive.store")
# A walk may always prove this many deletions, however small its section (3 of 8 is an editor's
# clean-up; the share guard is for large sections that lose most of their articles at once).
FEW_DELETIONS = 3

# The live articles of one source's language: the base of the share guards.
ALIVE = "SELECT count(*) AS n FROM articles WHERE lang = :lang AND source = :source AND gone_at IS NULL"

ABSENT_FROM_SITEMAP = (
    "SELECT a.id, a.section FROM sitemap_files f"
    " JOIN sitemap_entries s ON s.sitemap_url = f.url AND s.last_run_id < f.parsed_run_id"
    " JOIN articles a ON a.url = s.url AND a.vacated_by IS NULL"
    " WHERE f.lang = :lang AND f.confirmed_run_id = :run AND a.gone_at IS NULL AND a.source = :source"
    " AND (a.last_run_id IS NULL OR a.last_run_id != :run)"
)

ABSENT_FROM_WALKS = """
SELECT DISTINCT a.id, a.lang, a.section, w.section AS walk
FROM section_walks w
JOIN listing_sightings s ON s.lang = w.lang AND s.section = w.section AND s.last_run_id < :run
JOIN articles a ON a.url = s.article_url AND a.vacated_by IS NULL
WHERE w.run_id = :run AND a.gone_at IS NULL AND (a.last_run_id IS NULL OR a.last_run_id != :run)
  AND a.source = :source
  AND NOT EXISTS (SELECT 1 FROM listing_sightings t WHERE t.article_url = a.url AND t.last_run_id = :run)
"""


class Absence:
    """Marks articles gone for their absence, inside the writer's transaction."""

    def __init__(self, sql: Statements) -> None:
        self.sql = sql

    def mark_from_sitemap(
        self, lang: str, run_id: int, max_share: float, source: str = DEFAULT_SOURCE_NAME
    ) -> dict[str, int]:
        """Live articles of ``source`` and ``lang`` whose sitemap file, read in this run, dropped them
        (spared if fetched in this run; only files read in this run count: a file that vanished from
        the index proves nothing). Nothing is marked when more than ``max_share`` of the language's
        live articles would be. Returns the number marked per section."""
        absent = self.sql.all(ABSENT_FROM_SITEMAP, lang=lang, run=run_id, source=source)
        if not absent:
            return {}
        alive = self.sql.one(ALIVE, lang=lang, source=source)
        total = int(alive["n"]) if alive else 0
        if len(absent) > max_share * total:
            logger.warning(
                "Sitemaps of %s omit %d of %d articles: more likely a broken sitemap; marking none gone",
                lang,
                len(absent),
                total,
            )
            return {}
        return self.mark_sections(absent, "absent from sitemap", run_id)

    def mark_from_walks(
        self, run_id: int, max_share: float, source: str = DEFAULT_SOURCE_NAME
    ) -> dict[tuple[str, str], int]:
        """Live articles of ``source`` that this run's complete section walks (``section_walks``, the
        CSTO's listings) no longer show; per walk, nothing is marked when more than ``max_share`` of
        what it listed would be (beyond ``FEW_DELETIONS``)."""
        by_walk: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in absent_from_walks(self.sql, run_id, source):
            by_walk.setdefault((row["lang"], row["walk"]), []).append(row)
        sizes = walk_sizes(self.sql, run_id)
        now = self.sql.now()
        marked: dict[tuple[str, str], int] = {}
        done: set[str] = set()
        for (lang, walk), rows in sorted(by_walk.items()):
            if len(rows) > max(max_share * sizes.get((lang, walk), 0), FEW_DELETIONS):
                logger.warning(
                    "The complete walk of %s %s no longer shows %d article(s): more likely a broken listing;"
                    " marking none gone",
                    lang,
                    walk,
                    len(rows),
                )
                continue
            for row in rows:
                if row["id"] not in done:
                    done.add(row["id"])
                    mark_gone(self.sql, row["id"], now, f"absent from a complete walk of {walk}", run_id)
                    key = (lang, row["section"])
                    marked[key] = marked.get(key, 0) + 1
        return marked

    def mark_dropped(
        self, lang: str, run_id: int, max_share: float, source: str = DEFAULT_SOURCE_NAME
    ) -> dict[str, int]:
        """Articles that only imported captures show, and that the latest crawl's complete reading
        of the language's sitemaps no longer lists: gone since that reading (the crawl's sitemap
        rule, applied to what the crawl could not know). Nothing is marked when more than
        ``max_share`` of the language's live articles would be. Returns the number marked per section.
        """
        reading = self.sql.one(LATEST_SITEMAP_READING, lang=lang, imports=RunMode.WARC_IMPORT.value)
        if reading is None or self.sql.one(
            "SELECT 1 AS unread FROM sitemap_files WHERE lang = :lang AND confirmed_run_id IS NOT :run LIMIT 1",
            lang=lang,
            run=reading["id"],
        ):
            return {}  # no crawl read every sitemap file of the language
        dropped = self.sql.all(
            DROPPED, lang=lang, at=reading["finished_at"], imports=RunMode.WARC_IMPORT.value, source=source
        )
        alive = self.sql.one(ALIVE, lang=lang, source=source)
        if not dropped or len(dropped) > max_share * int(alive["n"] if alive else 0):
            return {}
        marked: dict[str, int] = {}
        reason = f"absent from sitemap (read by run {reading['id']})"
        for row in dropped:
            mark_gone(self.sql, row["id"], reading["finished_at"], "absent from sitemap", run_id, reason)
            marked[row["section"]] = marked.get(row["section"], 0) + 1
        return marked

    def mark_sections(self, rows: list[dict[str, Any]], why: str, run_id: int) -> dict[str, int]:
        """Mark ``rows`` (articles with ``id`` and ``section``) gone now for ``why``; the count per section."""
        now = self.sql.now()
        marked: dict[str, int] = {}
        for row in rows:
            mark_gone(self.sql, row["id"], now, why, run_id)
            marked[row["section"]] = marked.get(row["section"], 0) + 1
        return marked


# The latest finished crawl that read a language's sitemap files.
LATEST_SITEMAP_READING = (
    "SELECT r.id, r.finished_at FROM crawl_runs r WHERE r.mode != :imports AND r.finished_at IS NOT NULL"
    " AND r.id IN (SELECT confirmed_run_id FROM sitemap_files WHERE lang = :lang) ORDER BY r.id DESC LIMIT 1"
)
# Live articles last seen by an import before that reading, that no sitemap file lists as last read.
DROPPED = (
    "SELECT a.id, a.section FROM articles a WHERE a.lang = :lang AND a.source = :source AND a.gone_at IS NULL"
    " AND a.last_seen_at < :at"
    " AND a.vacated_by IS NULL AND a.last_run_id IN (SELECT id FROM crawl_runs WHERE mode = :imports)"
    " AND NOT EXISTS (SELECT 1 FROM sitemap_entries s JOIN sitemap_files f ON f.url = s.sitemap_url"
    " WHERE s.url = a.url AND s.last_run_id >= f.parsed_run_id)"
)


def absent_from_walks(sql: Statements, run_id: int, source: str = DEFAULT_SOURCE_NAME) -> list[dict[str, Any]]:
    """Live articles of ``source`` that this run's complete listing walks no longer show (see the module doc)."""
    return sql.all(ABSENT_FROM_WALKS, run=run_id, source=source)


def walk_sizes(sql: Statements, run_id: int) -> dict[tuple[str, str], int]:
    """Articles each complete walk of this run listed: the base of the share guard."""
    rows = sql.all(
        "SELECT w.lang, w.section, count(DISTINCT s.article_url) AS n FROM section_walks w"
        " JOIN listing_sightings s ON s.lang = w.lang AND s.section = w.section"
        " WHERE w.run_id = :run GROUP BY w.lang, w.section",
        run=run_id,
    )
    return {(row["lang"], row["section"]): int(row["n"]) for row in rows}
