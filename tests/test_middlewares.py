"""Downloader middlewares: the host allow-list, retries with backoff and Retry-After, encoding repair."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from email.utils import format_datetime
from typing import Any

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost, TCPTimedOutError

from csto_crawler.middlewares import (
    AllowedHostsMiddleware,
    BackoffRetryMiddleware,
    EncodingRepairMiddleware,
    parse_retry_after,
)

SITES = {"en": "http://127.0.0.1:8801", "ru": "https://odkb-csto.org"}
NOW = dt.datetime(2026, 2, 13, 12, 0, tzinfo=dt.UTC)
URL = "http://127.0.0.1:8801/news/news_odkb/vstrecha/"
TITLE = "Заявление Совета министров иностранных дел ОДКБ «О ситуации»"


def make_crawler(**settings: Any) -> Crawler:
    crawler = get_crawler(
        Spider,
        {
            "CSTO_SITES": SITES,
            "CSTO_RETRY_BACKOFF_BASE": 0.01,
            "CSTO_RETRY_BACKOFF_MAX": 10.0,
            "RETRY_TIMES": 2,
            **settings,
        },
    )
    crawler.spider = Spider.from_crawler(crawler, name="test")
    return crawler


def stat(crawler: Crawler, key: str) -> Any:
    assert crawler.stats is not None
    return crawler.stats.get_value(key)


# --- parse_retry_after -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "seconds"), [("120", 120.0), (" 7 ", 7.0), ("0", 0.0)])
def test_parse_retry_after_reads_delta_seconds(value: str, seconds: float) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_parse_retry_after_reads_an_http_date() -> None:
    assert parse_retry_after(format_datetime(NOW + dt.timedelta(seconds=30), usegmt=True), NOW) == 30.0


def test_parse_retry_after_date_in_the_past_is_no_wait() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "Wed, 99 Foo 2015"])
def test_parse_retry_after_ignores_what_it_cannot_read(value: str | None) -> None:
    assert parse_retry_after(value, NOW) is None


# --- BackoffRetryMiddleware ------------------------------------------------------------------------


def backoff_middleware(**settings: Any) -> tuple[BackoffRetryMiddleware, Crawler]:
    crawler = make_crawler(**settings)
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    middleware.clock = lambda: NOW
    return middleware, crawler


def answer(request: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    return HtmlResponse(request.url, status=status, headers=headers or {}, body=b"<html></html>", request=request)


def retry_delay(result: Request | Response) -> float:
    assert isinstance(result, Request), result
    return float(result.meta["csto_retry_delay"])


def test_backoff_retry_waits_as_long_as_retry_after_asks() -> None:
    middleware, crawler = backoff_middleware()
    request = Request(URL)
    result = middleware.process_response(request, answer(request, 503, {"Retry-After": "3"}))
    assert retry_delay(result) == 3.0
    assert stat(crawler, "csto/retry/scheduled") == 1


def test_backoff_retry_reads_a_retry_after_date_with_its_clock() -> None:
    middleware, _ = backoff_middleware()
    request = Request(URL)
    later = format_datetime(NOW + dt.timedelta(seconds=8), usegmt=True)
    assert retry_delay(middleware.process_response(request, answer(request, 429, {"Retry-After": later}))) == 8.0


def test_backoff_retry_caps_retry_after() -> None:
    middleware, _ = backoff_middleware(CSTO_RETRY_BACKOFF_MAX=5.0)
    request = Request(URL)
    assert retry_delay(middleware.process_response(request, answer(request, 503, {"Retry-After": "3600"}))) == 5.0


def test_backoff_retry_doubles_the_wait_between_attempts() -> None:
    middleware, _ = backoff_middleware(CSTO_RETRY_BACKOFF_BASE=0.5, CSTO_RETRY_BACKOFF_MAX=100.0, RETRY_TIMES=3)
    request: Request | Response = Request(URL)
    delays = []
    for _ in range(3):
        assert isinstance(request, Request)
        request = middleware.process_response(request, answer(request, 500))
        delays.append(retry_delay(request))
    for delay, low in zip(delays, (0.5, 1.0, 2.0), strict=True):
        assert low <= delay <= low + 0.5  # base * 2^(n-1) plus up to ``base`` of jitter


def test_backoff_retry_gives_up_after_retry_times() -> None:
    middleware, crawler = backoff_middleware(RETRY_TIMES=2)
    request: Request | Response = Request(URL)
    for _ in range(2):
        assert isinstance(request, Request)
        request = middleware.process_response(request, answer(request, 503))
    assert isinstance(request, Request)
    final = answer(request, 503)
    assert middleware.process_response(request, final) is final
    assert stat(crawler, "csto/retry/scheduled") == 2
    assert stat(crawler, "retry/max_reached") == 1


@pytest.mark.parametrize("exception", [ConnectionLost(), TCPTimedOutError()])
def test_backoff_retry_retries_resets_and_timeouts_after_a_wait(exception: Exception) -> None:
    middleware, _ = backoff_middleware()
    result = middleware.process_exception(Request(URL), exception)
    assert result is not None
    assert 0.01 <= retry_delay(result) <= 0.02


@pytest.mark.parametrize("status", [200, 304, 404])
def test_backoff_retry_passes_other_answers_through(status: int) -> None:
    middleware, crawler = backoff_middleware()
    request = Request(URL)
    response = answer(request, status)
    assert middleware.process_response(request, response) is response
    assert stat(crawler, "csto/retry/scheduled") is None


def test_backoff_retry_sleeps_the_scheduled_delay_before_the_retry() -> None:
    middleware, _ = backoff_middleware()
    request = Request(URL, meta={"csto_retry_delay": 0.2})
    started = time.monotonic()
    asyncio.run(middleware.process_request(request))
    assert time.monotonic() - started >= 0.2
    assert "csto_retry_delay" not in request.meta  # a request passing again does not wait again
    started = time.monotonic()
    asyncio.run(middleware.process_request(request))
    assert time.monotonic() - started < 0.2


# --- AllowedHostsMiddleware ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "slot"),
    [
        (URL, "127.0.0.1:8801"),
        ("http://127.0.0.1:8802/news/", None),  # not configured: see the refusal test
        ("https://odkb-csto.org/upload/iblock/393/x.docx", "odkb-csto.org"),
        ("http://www.odkb-csto.org/news/", "odkb-csto.org"),  # www. and http are aliases of the site
    ],
)
def test_allowed_hosts_passes_the_configured_sites_each_in_its_slot(url: str, slot: str | None) -> None:
    middleware = AllowedHostsMiddleware.from_crawler(make_crawler())
    request = Request(url)
    if slot is None:
        with pytest.raises(IgnoreRequest):
            middleware.process_request(request)
        return
    assert middleware.process_request(request) is None
    assert request.meta["download_slot"] == slot


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9999/news/",  # same host, another port
        "http://127.0.0.1/news/",  # same host, default port
        "http://evil.example/news/",
        "http://odkb-csto.org.evil.example/news/",
        "https://en.odkb-csto.org/news/",  # the live en site, not configured here
        "ftp://127.0.0.1:8801/news/",
        "file:///etc/passwd",
    ],
)
def test_allowed_hosts_refuses_everything_else(url: str) -> None:
    crawler = make_crawler()
    middleware = AllowedHostsMiddleware.from_crawler(crawler)
    with pytest.raises(IgnoreRequest, match="host not allowed"):
        middleware.process_request(Request(url))
    assert stat(crawler, "csto/hosts/refused") == 1


# --- EncodingRepairMiddleware ----------------------------------------------------------------------


def page(body: bytes, content_type: str) -> HtmlResponse:
    return HtmlResponse(URL, body=body, headers={"Content-Type": content_type})


def ru_page(title: str = TITLE) -> bytes:
    return (
        f'<html><head><meta charset="windows-1251"><title>ОДКБ</title></head><body><h1>{title}</h1></body></html>'
    ).encode("cp1251")


def test_encoding_repair_redecodes_windows_1251_announced_as_utf8() -> None:
    crawler = make_crawler()
    middleware = EncodingRepairMiddleware.from_crawler(crawler)
    response = page(ru_page(), "text/html; charset=UTF-8")
    repaired = middleware.process_response(Request(URL), response)
    assert repaired.encoding == "cp1251"
    assert repaired.css("h1::text").get() == TITLE
    assert stat(crawler, "csto/encoding/repaired") == 1


def test_encoding_repair_keeps_a_correct_response() -> None:
    crawler = make_crawler()
    middleware = EncodingRepairMiddleware.from_crawler(crawler)
    response = page(ru_page(), "text/html; charset=windows-1251")
    assert middleware.process_response(Request(URL), response) is response
    assert stat(crawler, "csto/encoding/repaired") is None


def test_encoding_repair_flags_undecodable_bytes_and_keeps_the_response() -> None:
    crawler = make_crawler()
    middleware = EncodingRepairMiddleware.from_crawler(crawler)
    response = page(ru_page().replace(b"</h1>", b"\x98</h1>"), "text/html; charset=windows-1251")
    assert middleware.process_response(Request(URL), response) is response
    assert stat(crawler, "csto/encoding/undecodable") == 1


def test_encoding_repair_leaves_binary_responses_alone() -> None:
    crawler = make_crawler()
    middleware = EncodingRepairMiddleware.from_crawler(crawler)
    response = Response(URL, body=b"%PDF-1.4 \xff\xfe", headers={"Content-Type": "application/pdf"})
    assert middleware.process_response(Request(URL), response) is response
    assert stat(crawler, "csto/encoding/undecodable") is None
