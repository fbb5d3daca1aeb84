"""NewsSpider pieces that decide without a crawl: which 200 answers are usable, how a dead listing page is skipped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from archive_items import article_item, gone_notice, write_run
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from csto_crawler.pages.health import page_problem
from csto_crawler.spiders.news import NewsSpider

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


def test_a_listing_page_gone_mid_walk_leaves_the_section_unwalked() -> None:
    news = spider()
    news._set_crawler(get_crawler(NewsSpider))
    key = ("en", "news/news_odkb")
    news.asking.listing("en", "news/news_odkb", 1, start=True)
    news.walks.answered(key, 1, failed=False)
    assert news.walks.pages_to_ask(key, 1, 1, news.walks.saw_pager(key, 3)) == [2, 3]

    def read(page: int, status: int) -> list[object]:
        url = f"https://en.odkb-csto.org/news/news_odkb/?PAGEN_1={page}"
        response = HtmlResponse(url, status=status, body=b"", request=Request(url))
        return list(news.parse_listing(response, "en", "news/news_odkb", page))

    assert [type(o).__name__ for o in read(2, 404)] == ["SkippedPage"]
    news.walks.answered(key, 3, failed=False)
    assert not news.walks.newly_complete(key)  # every page answered, but page 2 is gone: not walked
    assert news.walks.rescue_walks({}) == [("en", "news")]


def test_a_dead_listing_page_asks_for_the_next_page() -> None:
    news = spider()
    news._set_crawler(get_crawler(NewsSpider))
    news.asking.listing("en", "news/news_odkb", 1, start=True)
    news.walks.saw_pager(("en", "news/news_odkb"), 4)
    [request] = news.asking.after_failed_page("en", "news/news_odkb", 2)
    assert request.url == "https://en.odkb-csto.org/news/news_odkb/?PAGEN_1=3"
    assert request.cb_kwargs == {"lang": "en", "section": "news/news_odkb", "page": 3}


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
        [request] = list(news.asking.rechecks())
    finally:
        news.state.close()
    assert request.url == young.url
    assert request.cb_kwargs == {"lang": "en", "origin": "recheck"}
    assert request.headers.get("If-None-Match") == b'"v1"'
    assert request.headers.get("If-Modified-Since") == b"Tue, 10 Feb 2026 09:00:00 GMT"
    [listed] = news.asking.article(old.url, "en", "new")  # other reasons send no validators
    assert b"If-None-Match" not in listed.headers
    assert list(news.asking.article(old.url, "en", "new")) == []  # asked for once per run


def test_failed_listing_pages_are_retried_like_other_failures() -> None:
    news = spider()
    news._set_crawler(get_crawler(NewsSpider))
    failed = "https://en.odkb-csto.org/authorized_organs/?PAGEN_1=2"
    news.state.failures = [(failed, "listing", "en"), ("https://elsewhere.example/x/", "listing", "en")]
    [request] = list(news.asking.retries())
    assert request.url == failed
    assert request.cb_kwargs == {"lang": "en", "section": "authorized_organs", "page": 2}


def test_a_sitemap_file_whose_index_lastmod_has_not_moved_is_not_fetched_again() -> None:
    news = spider()
    news._set_crawler(get_crawler(NewsSpider))
    base = "https://en.odkb-csto.org"
    news.state.sitemap_lastmods = {f"{base}/sitemap_iblock_1.xml": "2026-02-01T10:00:00+03:00"}
    entries: list[tuple[str, str | None]] = [
        (f"{base}/sitemap_iblock_1.xml", "2026-02-01T10:00:00+03:00"),  # as when last parsed
        (f"{base}/sitemap_iblock_2.xml", "2026-02-03T10:00:00+03:00"),  # never parsed
        (f"{base}/sitemap_iblock_3.xml", None),  # no <lastmod>: always fetched
    ]
    out = list(news.asking.sitemap_files(entries, "en"))
    assert [type(o).__name__ for o in out] == ["SitemapConfirmed", "Request", "Request"]
    assert news.sitemaps.complete(["en"]) == ["en"]  # a confirmed file counts as read
    news.full = True
    assert [type(o).__name__ for o in news.asking.sitemap_files(entries, "en")] == ["Request"] * 3


def test_a_sitemap_index_of_50000_files_is_walked_only_to_the_cap(caplog: pytest.LogCaptureFixture) -> None:
    news = NewsSpider()
    settings = {"CSTO_SITES": {"en": "https://en.odkb-csto.org"}, "CSTO_MAX_SITEMAP_FILES": 100}
    news.configure(Settings(settings))
    news._set_crawler(get_crawler(NewsSpider))
    base = "https://en.odkb-csto.org"
    news.state.sitemap_lastmods = {f"{base}/sitemap_iblock_0.xml": "2026-02-01"}
    entries: list[tuple[str, str | None]] = [(f"{base}/sitemap_iblock_{n}.xml", "2026-02-01") for n in range(50_000)]
    out = list(news.asking.sitemap_files(entries, "en"))
    assert [type(o).__name__ for o in out] == ["SitemapConfirmed"] + ["Request"] * 100  # unchanged: skipped
    assert [r.url for r in out[1:3]] == [f"{base}/sitemap_iblock_1.xml", f"{base}/sitemap_iblock_2.xml"]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        f"en sitemap index lists more than CSTO_MAX_SITEMAP_FILES=100 files to fetch; the rest "
        f"(from {base}/sitemap_iblock_101.xml) wait for later runs"
    ]
    assert news.sitemaps.complete(["en"]) == []  # not all read: absence means nothing this run
    assert news.crawler.stats.get_value("csto/sitemap/over_cap") == 49_899
