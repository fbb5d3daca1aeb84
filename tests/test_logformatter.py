"""QuietLogFormatter: Scrapy's per-page DEBUG lines only when the log level shows them."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from csto_crawler.logformatter import QuietLogFormatter

URL = "http://127.0.0.1:8801/news/news_odkb/slug/"


def formatter(level: str) -> QuietLogFormatter:
    return QuietLogFormatter.from_crawler(get_crawler(settings_dict={"LOG_LEVEL": level}))


def response() -> HtmlResponse:
    return HtmlResponse(URL, body=b"<html></html>", request=Request(URL))


@pytest.mark.parametrize("level", ["INFO", "WARNING", "ERROR"])
def test_per_page_lines_are_not_built_above_debug(level: str) -> None:
    quiet = formatter(level)
    assert quiet.crawled(Request(URL), response(), Spider("s")) is None
    assert quiet.scraped({"a": 1}, response(), Spider("s")) is None


def test_per_page_lines_are_scrapy_own_at_debug() -> None:
    quiet = formatter("DEBUG")
    crawled = quiet.crawled(Request(URL), response(), Spider("s"))
    scraped = quiet.scraped({"a": 1}, response(), Spider("s"))
    assert isinstance(crawled, dict) and isinstance(scraped, dict)
    assert crawled["level"] == logging.DEBUG and crawled["args"]["status"] == 200  # type: ignore[call-overload]
    assert scraped["args"]["item"] == {"a": 1}  # type: ignore[call-overload]


def test_other_lines_stay_at_any_level() -> None:
    crawler = get_crawler(settings_dict={"LOG_LEVEL": "INFO"})
    spider = Spider.from_crawler(crawler, name="s")
    dropped = QuietLogFormatter.from_crawler(crawler).dropped({"a": 1}, ValueError("no"), response(), spider)
    assert isinstance(dropped, dict) and dropped["level"] == logging.WARNING


def test_numeric_and_unknown_levels() -> None:
    assert QuietLogFormatter(logging.INFO).crawled(Request(URL), response(), Spider("s")) is None
    assert QuietLogFormatter(5).crawled(Request(URL), response(), Spider("s")) is not None
    assert QuietLogFormatter("NOT-A-LEVEL").crawled(Request(URL), response(), Spider("s")) is not None
