"""Asking: the requests a run builds from its books, tested without a crawl."""

from __future__ import annotations

import logging
import re

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from csto_crawler.items import SectionWalked
from csto_crawler.spiders.news import NewsSpider

KEY = ("en", "news/news_odkb")
BASE = "https://en.odkb-csto.org"


def incremental_spider() -> NewsSpider:
    """A spider whose archive completed the walk of KEY before: its walk reads page 1 of 3, and
    page 1 brings nothing new."""
    news = NewsSpider()
    news.configure(Settings({"CSTO_SITES": {"en": BASE}, "CSTO_SECTIONS": ["news/news_odkb"]}))
    news._set_crawler(get_crawler(NewsSpider))
    news.walks.walked_before = {KEY}
    news.asking.listing("en", "news/news_odkb", 1, start=True)
    news.walks.answered(KEY, 1, failed=False)
    news.walks.saw_pager(KEY, 3)
    assert list(news.asking.next_listing_pages(KEY, 1, 1, 3, new_here=0)) == []  # stopped early
    return news


def test_whole_walks_finish_the_walks_of_a_language_whose_sitemaps_were_not_read(
    caplog: pytest.LogCaptureFixture,
) -> None:
    news = incremental_spider()
    with caplog.at_level(logging.WARNING):
        requests = list(news.asking.whole_walks(sitemaps_on=True))
    assert [r.url for r in requests] == [f"{BASE}/news/news_odkb/?PAGEN_1=2", f"{BASE}/news/news_odkb/?PAGEN_1=3"]
    assert [r.cb_kwargs["page"] for r in requests] == [2, 3]
    assert [r.getMessage() for r in caplog.records] == [
        "The en sitemaps were not all read (no sitemap was found): walking 1 listing(s) to their last page"
        " so that deleted articles are still seen"
    ]
    assert list(news.asking.whole_walks(sitemaps_on=True)) == []  # once per walk


def test_whole_walks_say_why_the_sitemaps_were_not_read(caplog: pytest.LogCaptureFixture) -> None:
    off, failed = incremental_spider(), incremental_spider()
    failed.sitemaps.file_read("en")
    failed.sitemaps.file_failed("en")
    with caplog.at_level(logging.WARNING):
        assert len(list(off.asking.whole_walks(sitemaps_on=False))) == 2
        assert len(list(failed.asking.whole_walks(sitemaps_on=True))) == 2
    reasons = [re.search(r"read \((.+)\): walking", r.getMessage()) for r in caplog.records]
    assert [m.group(1) if m else None for m in reasons] == [
        "sitemaps are off in this run",
        "a sitemap file failed, or more than CSTO_MAX_SITEMAP_FILES were listed",
    ]


def test_no_whole_walks_when_the_sitemaps_were_all_read() -> None:
    news = incremental_spider()
    news.sitemaps.file_read("en")
    assert list(news.asking.whole_walks(sitemaps_on=True)) == []


def test_an_incremental_walk_that_reaches_the_last_page_is_recorded_as_walked() -> None:
    """New articles led the walk from page 1 to the last: every page read, as a full walk reads them."""
    news = NewsSpider()
    news.configure(Settings({"CSTO_SITES": {"en": BASE}, "CSTO_SECTIONS": ["news/news_odkb"]}))
    news._set_crawler(get_crawler(NewsSpider))
    news.walks.walked_before = {KEY}
    news.asking.listing("en", "news/news_odkb", 1, start=True)
    news.walks.answered(KEY, 1, failed=False)
    [request] = news.asking.next_listing_pages(KEY, 1, 1, news.walks.saw_pager(KEY, 2), new_here=4)
    assert request.cb_kwargs["page"] == 2
    news.walks.answered(KEY, 2, failed=False)
    assert list(news.asking.next_listing_pages(KEY, 2, 2, news.walks.saw_pager(KEY, 2), new_here=1)) == [
        SectionWalked("en", "news/news_odkb", 2)
    ]
