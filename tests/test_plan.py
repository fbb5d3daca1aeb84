"""Incremental planning rules: why a known article is fetched again, the recheck window, lastmod, walks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from csto_crawler.archive.state import KnownArticle
from csto_crawler.plan import FetchReason, is_within_recheck_window, lastmod_moved, refetch_reason, walk_continues

TODAY = dt.date(2026, 2, 13)
RECHECK_DAYS = 14
TITLE = "The CSTO Secretary General held a meeting"
# Archived 2025-12-01, last fetched 2026-01-05 10:00 UTC, when the sitemap said 2025-12-02.
KNOWN = KnownArticle(
    id="en-8573",
    lang="en",
    section="news/news_odkb",
    title=TITLE,
    published="2025-12-01",
    gone=False,
    sitemap_lastmod="2025-12-02T09:00:00+03:00",
    etag=None,
    last_modified=None,
    last_seen_at="2026-01-05T10:00:00+00:00",
)


def known(**changes: Any) -> KnownArticle:
    return dataclasses.replace(KNOWN, **changes)


def reason(article: KnownArticle | None, **kwargs: Any) -> FetchReason | None:
    return refetch_reason(article, **{"full": False, "today": TODAY, "recheck_days": RECHECK_DAYS, **kwargs})


REFETCH_CASES: list[tuple[KnownArticle | None, dict[str, Any], FetchReason | None]] = [
    (None, {}, FetchReason.NEW),
    (None, {"full": True, "failed_before": True}, FetchReason.NEW),
    (KNOWN, {"full": True}, FetchReason.FULL),
    (known(gone=True), {"full": True}, FetchReason.FULL),
    (KNOWN, {"failed_before": True}, FetchReason.FAILED_BEFORE),
    (known(gone=True), {"failed_before": True}, FetchReason.FAILED_BEFORE),
    (known(gone=True), {}, FetchReason.GONE),
    (known(gone=True), {"listed_title": "Another title"}, FetchReason.GONE),
    (KNOWN, {"listed_title": "Another title"}, FetchReason.TITLE_CHANGED),
    (KNOWN, {"listed_title": "Another title", "sitemap_lastmod": "2026-02-01"}, FetchReason.TITLE_CHANGED),
    (KNOWN, {"sitemap_lastmod": "2026-02-01"}, FetchReason.LASTMOD_CHANGED),
    (known(published="2026-02-10"), {"sitemap_lastmod": "2026-02-11"}, FetchReason.LASTMOD_CHANGED),
    (known(published="2026-02-10"), {}, FetchReason.RECHECK),
    (KNOWN, {}, None),
    (KNOWN, {"listed_title": f"  {TITLE.replace(' ', chr(0xA0))} "}, None),  # whitespace is no change
    (KNOWN, {"listed_title": ""}, None),
    (KNOWN, {"sitemap_lastmod": KNOWN.sitemap_lastmod}, None),
]


@pytest.mark.parametrize(("article", "kwargs", "expected"), REFETCH_CASES)
def test_refetch_reason(article: KnownArticle | None, kwargs: dict[str, Any], expected: FetchReason | None) -> None:
    assert reason(article, **kwargs) is expected


def test_refetch_reason_cases_cover_every_reason() -> None:
    """A new FetchReason needs a case in REFETCH_CASES."""
    assert {expected for _, _, expected in REFETCH_CASES} == {*FetchReason, None}


@pytest.mark.parametrize(
    ("published", "days", "expected"),
    [
        ("2026-01-30", 14, True),  # exactly 14 days before today: still inside
        ("2026-01-29", 14, False),  # 15 days before
        ("2026-02-13", 14, True),  # today
        ("2026-02-14", 14, True),  # tomorrow (site time runs ahead of UTC)
        ("2026-01-30T23:30:00+03:00", 14, True),  # a datetime counts by its site date
        ("2026-01-29T23:59:59+03:00", 14, False),
        ("2026-02-13", 0, False),  # rechecking switched off
        ("2026-02-13", -1, False),
        (None, 14, False),
        ("", 14, False),
        ("13.02.2026", 14, False),  # not ISO: never archived like this, never rechecked
    ],
)
def test_is_within_recheck_window_boundaries(published: str | None, days: int, expected: bool) -> None:
    assert is_within_recheck_window(published, TODAY, days) is expected


@pytest.mark.parametrize(
    ("lastmod", "expected"),
    [
        ("2025-12-02T09:00:00+03:00", False),
        ("2025-12-02T09:00:01+03:00", True),
        ("2025-12-01T09:00:00+03:00", True),  # moved back: a change all the same
        ("2025-12-02T06:00:00+00:00", True),  # same instant, other spelling: values are compared, not times
    ],
)
def test_lastmod_moved_compares_with_the_recorded_value(lastmod: str, expected: bool) -> None:
    assert lastmod_moved(lastmod, KNOWN) is expected


@pytest.mark.parametrize(
    ("lastmod", "expected"),
    [
        ("2026-01-04", False),  # a day before the fetch
        ("2026-01-05", False),  # the day of the fetch: a date says no more
        ("2026-01-06", True),
        ("2026-01-05T09:59:59+00:00", False),
        ("2026-01-05T10:00:01+00:00", True),
        ("2026-01-05T12:00:00+03:00", False),  # 09:00 UTC, before the 10:00 UTC fetch
        ("2026-01-05T14:00:00", True),  # no offset: site time (Moscow), 11:00 UTC
        ("not a date", True),  # unreadable: fetch rather than miss an edit
    ],
)
def test_lastmod_moved_without_a_recorded_value_compares_with_the_fetch_time(lastmod: str, expected: bool) -> None:
    assert lastmod_moved(lastmod, known(sitemap_lastmod=None)) is expected


def test_lastmod_moved_without_any_record_says_moved() -> None:
    assert lastmod_moved("2020-01-01", known(sitemap_lastmod=None, last_seen_at=None)) is True


@pytest.mark.parametrize(
    ("page_new", "walk_all", "current", "last", "expected"),
    [
        (3, False, 1, 5, True),  # new articles on this page: older ones may follow
        (0, False, 1, 5, False),  # nothing new: the archive knows the rest
        (0, True, 1, 5, True),  # a full walk goes on regardless
        (3, True, 5, 5, False),  # the last page: nowhere to go
        (3, False, 6, 5, False),
    ],
)
def test_walk_continues(page_new: int, walk_all: bool, current: int, last: int, expected: bool) -> None:
    assert walk_continues(page_new, walk_all=walk_all, current=current, last=last) is expected
