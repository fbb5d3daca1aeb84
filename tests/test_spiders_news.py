"""NewsSpider pieces that decide without a crawl: which 200 answers are usable, how a dead listing page is skipped."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from archive_items import article_item, gone_notice, write_run
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from csto_crawler.spiders.news import NewsSpider, page_problem

URL = "https://en.odkb-csto.org/news/news_odkb/vstrecha/"
PAGE = b"<!DOCTYPE html><html><head><title>CSTO</title></head><body>" + b"<p>text</p>" * 100 + b"</body></html>"


def test_page_problem_accepts_a_whole_html_page() -> None:
    assert (
        page_problem(HtmlResponse(URL, body=PAGE, headers={"Content-Type": "text/html; charset=UTF-8"}), "article")
        is None
    )
    assert page_problem(HtmlResponse(URL, body=PAGE), "article") is None  # no content type: the bytes decide


@pytest.mark.parametrize(
    "response",
    [
        Response(URL, body=b"%PDF-1.4\n" + b"\x00" * 600, headers={"Content-Type": "application/pdf"}),
        # Scrapy sniffs HTML-looking bytes into an HtmlResponse whatever the declared type.
        HtmlResponse(URL, body=PAGE, headers={"Content-Type": "application/pdf"}),
        HtmlResponse(URL, body=PAGE, headers={"Content-Type": "application/octet-stream"}),
        TextResponse(URL, body=PAGE, headers={"Content-Type": "text/plain"}),
    ],
    ids=["pdf-bytes", "html-bytes-declared-pdf", "html-bytes-declared-octet-stream", "text-plain"],
)
def test_page_problem_refuses_what_is_not_declared_html(response: Response) -> None:
    content_type = response.headers[b"Content-Type"].decode()
    assert page_problem(response, "article") == f"not HTML ({content_type}) where an article was expected"


def test_page_problem_names_a_truncated_page() -> None:
    response = HtmlResponse(URL, body=PAGE[:-20], headers={"Content-Type": "text/html"})
    assert page_problem(response, "listing") == "truncated document (no closing </html>)"


def spider() -> NewsSpider:
    news = NewsSpider()
    news.configure(Settings({"CSTO_SITES": {"en": "https://en.odkb-csto.org"}, "CSTO_SECTIONS": ["news/news_odkb"]}))
    return news


def test_dead_listing_page_is_skipped_to_the_next_page() -> None:
    news = spider()
    news.last_pages[("en", "news/news_odkb")] = 4
    [request] = news.skip_failed_listing_page("en", "news/news_odkb", 2)
    assert request.url == "https://en.odkb-csto.org/news/news_odkb/?PAGEN_1=3"
    assert request.cb_kwargs == {"lang": "en", "section": "news/news_odkb", "page": 3}
    assert list(news.skip_failed_listing_page("en", "news/news_odkb", 4)) == []  # the last page


def test_dead_first_listing_page_tries_page_2_once() -> None:
    # No pager was ever read: page 2 is the only way on (a one-page section answers 404 there).
    news = spider()
    [request] = news.skip_failed_listing_page("en", "news/news_odkb", 1)
    assert request.url == "https://en.odkb-csto.org/news/news_odkb/?PAGEN_1=2"
    assert list(news.skip_failed_listing_page("en", "news/news_odkb", 2)) == []


def answered(news: NewsSpider, page: int, current: int, last: int) -> list[int | str]:
    """What the full walk does once listing ``page`` was read: the pages it asks for, "walked"."""
    key = ("en", "news/news_odkb")
    news.listing_pending[key].discard(page)
    news.last_pages[key] = max(news.last_pages.get(key, 0), last)
    out: list[int | str] = []
    for output in news.walk_all_pages("en", "news/news_odkb", page, current, last):
        out.append(output.cb_kwargs["page"] if isinstance(output, Request) else "walked")
    return out


def test_full_walk_asks_for_every_page_at_once_and_is_walked_when_all_are_read() -> None:
    news = spider()
    news.listing_request("en", "news/news_odkb", 1)
    assert answered(news, 1, 1, 4) == [2, 3, 4]
    assert answered(news, 4, 4, 4) == []  # pages may answer in any order
    assert answered(news, 2, 2, 4) == []
    assert answered(news, 3, 3, 4) == ["walked"]


def test_full_walk_follows_a_pager_that_shows_a_window_of_pages() -> None:
    news = spider()
    news.listing_request("en", "news/news_odkb", 1)
    assert answered(news, 1, 1, 3) == [2, 3]
    assert answered(news, 3, 3, 5) == [4, 5]
    assert answered(news, 2, 2, 4) == []  # nothing asked for twice
    assert answered(news, 5, 5, 5) == []
    assert answered(news, 4, 4, 5) == ["walked"]


def test_walks_of_listing_pages_read_while_another_walk_is_consumed_ask_for_each_page_once() -> None:
    """Scrapy consumes a callback's output lazily: page 2 can be read and walked before page 1's
    walk has handed over all its requests. A page asked for again after it was read would be
    pending forever, and the section never recorded as walked."""
    news = spider()
    key = ("en", "news/news_odkb")
    news.listing_request("en", "news/news_odkb", 1)
    news.listing_pending[key].discard(1)
    news.last_pages[key] = 4
    first = news.walk_all_pages("en", "news/news_odkb", 1, 1, 4)
    assert next(first).cb_kwargs["page"] == 2  # type: ignore[union-attr]
    assert answered(news, 2, 2, 4) == []  # pages 3 and 4 are already page 1's to ask for
    assert answered(news, 3, 3, 4) == []
    assert [output.cb_kwargs["page"] for output in first] == [3, 4]  # type: ignore[union-attr]
    assert news.listing_pending[key] == {4}  # page 3, already read, is not pending again
    assert answered(news, 4, 4, 4) == ["walked"]
    assert answered(news, 4, 4, 4) == []  # recorded once


def test_full_walk_with_a_failed_page_is_not_walked_and_skips_nothing_twice() -> None:
    news = spider()
    news.listing_request("en", "news/news_odkb", 1)
    assert answered(news, 1, 1, 3) == [2, 3]
    news.walk_failed.add(("en", "news/news_odkb"))
    news.listing_pending[("en", "news/news_odkb")].discard(2)
    assert list(news.skip_failed_listing_page("en", "news/news_odkb", 2)) == []  # page 3 is already asked for
    assert answered(news, 3, 3, 3) == []


def test_a_listing_page_gone_mid_walk_leaves_the_section_unwalked() -> None:
    news = spider()
    news._set_crawler(get_crawler(NewsSpider))
    news.listing_request("en", "news/news_odkb", 1)
    assert answered(news, 1, 1, 3) == [2, 3]

    async def read(page: int, status: int) -> list[object]:
        url = f"https://en.odkb-csto.org/news/news_odkb/?PAGEN_1={page}"
        response = HtmlResponse(url, status=status, body=b"", request=Request(url))
        return [output async for output in news.parse_listing(response, "en", "news/news_odkb", page)]

    assert [type(o).__name__ for o in asyncio.run(read(2, 404))] == ["SkippedPage"]
    assert answered(news, 3, 3, 3) == []  # every page answered, but page 2 is gone: not walked


def test_page_past_the_end_asks_for_nothing_more() -> None:
    """Bitrix answers a page number past the end with its last page: the pager's page, not ours."""
    news = spider()
    news.listing_request("en", "news/news_odkb", 1)
    news.listing_request("en", "news/news_odkb", 2)
    assert answered(news, 2, 1, 1) == []
    assert answered(news, 1, 1, 1) == ["walked"]


def test_recheck_asks_for_young_live_articles_with_their_validators(tmp_path: Path) -> None:
    """Articles published inside the recheck window (and only those) are fetched again, with the
    ETag and Last-Modified the archive kept, so an unchanged page costs a 304."""
    archive = tmp_path / "csto.sqlite"
    young = article_item("young", element_id="1", published="2026-02-10")
    young.fetch.headers.update({"etag": '"v1"', "last-modified": "Tue, 10 Feb 2026 09:00:00 GMT"})
    old = article_item("old", element_id="2", published="2026-01-01")
    gone = article_item("removed", element_id="3", published="2026-02-12")
    write_run(archive, [young, old, gone, gone_notice(gone.url)])
    settings = {
        "CSTO_SITES": {"en": "https://en.odkb-csto.org"},
        "CSTO_SECTIONS": ["news/news_odkb"],
        "CSTO_ARCHIVE_PATH": str(archive),
        "CSTO_RECHECK_DAYS": 14,
    }
    crawler = get_crawler(NewsSpider, settings)
    news = NewsSpider.from_crawler(crawler)
    news.clock = lambda: dt.datetime(2026, 2, 15, 12, tzinfo=dt.UTC)
    try:
        [request] = list(news.recheck_requests())
    finally:
        news.state.close()
    assert request.url == young.url
    assert request.cb_kwargs == {"lang": "en", "origin": "recheck"}
    assert request.headers.get("If-None-Match") == b'"v1"'
    assert request.headers.get("If-Modified-Since") == b"Tue, 10 Feb 2026 09:00:00 GMT"
    listed = news.article_request(old.url, "en", "new")  # other reasons send no validators
    assert b"If-None-Match" not in listed.headers
