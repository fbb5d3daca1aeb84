"""Sitemap files and their entries in the ledger, placed by the date of the reading.

A file read newer than the archive's last reading of it replaces that reading: its row, and every
entry it lists (the crawl's case). An older reading (an imported capture) only adds sightings: entries
the archive has keep their newer lastmod and file, and are seen earlier; entries it lacks (articles
the site has dropped since) are recorded without a file, so that the file as last read decides what
it lists today.
"""

from __future__ import annotations

from ..items import SitemapItem
from .statements import Statements, moment

UPSERT_FILE = (
    "INSERT INTO sitemap_files (url, lang, sha256, entry_count, parsed_at, parsed_run_id, confirmed_run_id,"
    " index_lastmod) VALUES (:url, :lang, :sha, :count, :now, :run, :run, :lastmod) ON CONFLICT (url) DO UPDATE"
    " SET lang = excluded.lang, sha256 = excluded.sha256, entry_count = excluded.entry_count,"
    " parsed_at = excluded.parsed_at, parsed_run_id = excluded.parsed_run_id,"
    " confirmed_run_id = excluded.confirmed_run_id, index_lastmod = excluded.index_lastmod"
)
INSERT_ENTRY = (
    "INSERT INTO sitemap_entries (url, lang, lastmod, first_seen_at, last_seen_at, last_run_id, sitemap_url)"
    " VALUES (:url, :lang, :lastmod, :now, :now, :run, :file)"
)
LATEST_ENTRY = (
    " ON CONFLICT (url) DO UPDATE SET lastmod = excluded.lastmod, last_seen_at = excluded.last_seen_at,"
    " last_run_id = excluded.last_run_id, sitemap_url = excluded.sitemap_url"
)
EARLIER_ENTRY = (
    " ON CONFLICT (url) DO UPDATE SET first_seen_at = min(sitemap_entries.first_seen_at, excluded.first_seen_at)"
)


def newest_reading(sql: Statements, item: SitemapItem) -> bool:
    """Whether this reading of the file is no older than the archive's (or its first)."""
    row = sql.one("SELECT parsed_at FROM sitemap_files WHERE url = :url", url=item.fetch.url)
    return row is None or item.fetch.fetched_at >= moment(row["parsed_at"])


def put_entries(sql: Statements, item: SitemapItem, run_id: int, now: str) -> None:
    """A parsed sitemap file: the file's row and its entries, or (an older reading) earlier sightings."""
    newest = newest_reading(sql, item)
    rows = [
        {"url": url, "lastmod": lastmod, "lang": item.lang, "now": now, "run": run_id,
         "file": item.fetch.url if newest else None}
        for url, lastmod in item.entries.items()
    ]  # fmt: skip
    if not newest:
        sql.execute_many(INSERT_ENTRY + EARLIER_ENTRY, rows)
        return
    sql.execute(
        UPSERT_FILE,
        url=item.fetch.url,
        lang=item.lang,
        sha=item.fetch.sha256,
        count=len(item.entries),
        lastmod=item.index_lastmod,
        now=now,
        run=run_id,
    )
    # Only for articles fetched in this run: sitemap_lastmod is the value at our last fetch.
    # Recording it for an article not (yet) fetched would hide an edit from the next run
    # when this one is stopped before refetching it (plan.lastmod_moved would see no change).
    sql.execute_many("UPDATE articles SET sitemap_lastmod = :lastmod WHERE url = :url AND last_run_id = :run", rows)
    sql.execute_many(INSERT_ENTRY + LATEST_ENTRY, rows)
