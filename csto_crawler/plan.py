"""Incremental crawl decisions: which known articles to fetch again and when a listing walk may stop.

Pure functions over the archive's state and what this run has seen, so each rule is tested alone.
An edit shows up as a changed listing title, a changed sitemap <lastmod>, or only on the page
itself; the last kind is caught by rechecking articles young enough to still be edited.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from .archive.state import KnownArticle
from .dates import DateParseError, parse_site_date
from .htmltext import norm_ws


class FetchReason(Enum):
    NEW = "new"  # not in the archive
    FULL = "full"  # --full sweep refetches everything
    GONE = "gone"  # archived as gone but linked again: maybe revived
    TITLE_CHANGED = "title_changed"  # the listing shows another title than the archive
    LASTMOD_CHANGED = "lastmod_changed"  # the sitemap's <lastmod> moved since we fetched it
    RECHECK = "recheck"  # young enough to still be edited
    FAILED_BEFORE = "failed_before"  # a previous run could not fetch it


def is_within_recheck_window(published: str | None, today: dt.date, days: int) -> bool:
    """True for an article published in the last ``days`` days (edits cluster right after publication)."""
    if not published or days <= 0:
        return False
    try:
        day = dt.date.fromisoformat(published[:10])
    except ValueError:
        return False
    return day >= today - dt.timedelta(days=days)


def refetch_reason(
    known: KnownArticle | None,
    *,
    full: bool,
    failed_before: bool = False,
    listed_title: str | None = None,
    sitemap_lastmod: str | None = None,
    today: dt.date,
    recheck_days: int,
) -> FetchReason | None:
    """Why a discovered article must be fetched in this run, or None to skip it."""
    if known is None:
        return FetchReason.NEW
    if full:
        return FetchReason.FULL
    if failed_before:
        return FetchReason.FAILED_BEFORE
    if known.gone:
        return FetchReason.GONE
    if listed_title and norm_ws(listed_title) != norm_ws(known.title):
        return FetchReason.TITLE_CHANGED
    if sitemap_lastmod and lastmod_moved(sitemap_lastmod, known):
        return FetchReason.LASTMOD_CHANGED
    if is_within_recheck_window(known.published, today, recheck_days):
        return FetchReason.RECHECK
    return None


def lastmod_moved(lastmod: str, known: KnownArticle) -> bool:
    """Has the sitemap's <lastmod> moved since we fetched the article?

    Compared with the value recorded at our last fetch; when none was recorded (the sitemap could
    not be read then), with the time of that fetch.
    """
    if known.sitemap_lastmod is not None:
        return lastmod != known.sitemap_lastmod
    if known.last_seen_at is None:
        return True
    try:
        modified = parse_site_date(lastmod)
    except DateParseError:
        return True
    if not isinstance(modified.value, dt.datetime):
        return modified.value > dt.date.fromisoformat(known.last_seen_at[:10])
    return modified.value > dt.datetime.fromisoformat(known.last_seen_at)


def walk_continues(page_new: int, *, walk_all: bool, current: int, last: int) -> bool:
    """Follow the next listing page? Always when walking everything; otherwise only while pages
    still bring articles we have never archived (new items push old ones down, so the first page
    without any new article is where the archive's knowledge starts)."""
    if current >= last:
        return False
    return walk_all or page_new > 0
