"""Downloader middlewares: host allow-list and slots per site, retries with backoff, Crawl-delay, encodings."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.settings import BaseSettings
from tenacity import RetryCallState, wait_exponential, wait_random

from . import stopping
from .dates import utc_now
from .encoding import choose_encoding
from .preflight import CrawlRefusedError, checked_sources
from .run_sources import discovered, section_sites, section_walked
from .stoppable import CrawlStoppedError

logger = logging.getLogger(__name__)

# How often a retry's wait looks whether a stop signal came.
STOP_CHECK_SECONDS = 0.5


class AllowedHostsMiddleware:
    """Refuse every request outside the configured sites and the run's sources, redirects included.

    Scrapy's OffsiteMiddleware compares host names only; the two CSTO sites can share a host name
    (127.0.0.1 in tests) and differ by port, so this compares scheme-insensitive host *and* port.
    Each site also gets its own download slot, so per-host concurrency and delays apply per site.
    """

    def __init__(self, crawler: Crawler) -> None:
        try:
            sources = checked_sources(crawler.settings)
        except CrawlRefusedError:  # the archive pipeline refuses the run in one line before any request
            sources = []
        self.sites = section_sites(section_walked(sources))
        self.sources = discovered(sources)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedHostsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        site = self.sites.site_for(request.url)
        if site is None and any(source.owns(request.url) for source in self.sources):
            request.meta.setdefault("download_slot", urlsplit(request.url).netloc.lower())
            return
        if site is None:
            self.stats.inc_value("csto/hosts/refused")
            logger.warning("Refused request outside the configured sites: %s", request.url)
            raise IgnoreRequest(f"host not allowed: {request.url}")
        request.meta.setdefault("download_slot", site.netloc)


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds ("120") or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (same codes, exceptions and RETRY_TIMES) with waits between attempts.

    Scrapy retries at once; a server that answers 500/503/429 or resets connections needs time.
    The wait is tenacity's exponential backoff with jitter (``CSTO_RETRY_BACKOFF_BASE`` doubling up
    to ``CSTO_RETRY_BACKOFF_MAX``), or the server's ``Retry-After`` when that is longer (capped).
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.clock: Callable[[], dt.datetime] = utc_now  # "now" for Retry-After dates; tests inject one
        self.backoff_max = settings.getfloat("CSTO_RETRY_BACKOFF_MAX")
        base = settings.getfloat("CSTO_RETRY_BACKOFF_BASE")
        self.wait = wait_exponential(multiplier=base, max=self.backoff_max) + wait_random(0, base)

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})  # type: ignore[arg-type]
        state.attempt_number = attempt
        delay = float(self.wait(state))
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.backoff_max))
        return delay

    def _retry(self, request: Request, reason: str | Exception | type[Exception]) -> Request | None:
        new_request = super()._retry(request, reason)
        if new_request is not None:
            retry_after = request.meta.pop("csto_retry_after", None)
            delay = self.backoff(int(new_request.meta.get("retry_times", 1)), retry_after)
            new_request.meta["csto_retry_delay"] = delay
            self.crawler.stats.inc_value("csto/retry/scheduled")
            logger.info("Retrying %s in %.1fs (%s)", request.url, delay, reason)
        return new_request

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Any:
        if response.status in self.retry_http_codes:
            header = response.headers.get(b"Retry-After")
            request.meta["csto_retry_after"] = parse_retry_after(
                header.decode("latin-1") if header else None, self.clock()
            )
        return super().process_response(request, response)

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop("csto_retry_delay", 0.0)
        ends = time.monotonic() + delay
        while (left := ends - time.monotonic()) > 0:  # in short naps: a stop signal ends the wait
            if stopping.requested():
                raise CrawlStoppedError(f"crawl stopping: {request.url}")
            await asyncio.sleep(min(left, STOP_CHECK_SECONDS))


class RobotsCrawlDelayMiddleware:
    """Honour robots.txt ``Crawl-delay``: no site slot ever waits less than the site asked for, up to
    ``CSTO_MAX_CRAWL_DELAY`` (a longer one is capped, with one warning line).

    Scrapy parses Crawl-delay but does not apply it, and AutoThrottle lowers slot delays freely,
    so the floor is re-applied to the slot before each request.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self.most = crawler.settings.getfloat("CSTO_MAX_CRAWL_DELAY", 60.0)
        self.delays: dict[str, float] = {}
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsCrawlDelayMiddleware:
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        parser = getattr(robotparser, "rp", None)
        delay = parser.crawl_delay(self.user_agent) if parser is not None else None
        if not delay:
            return
        netloc = urlsplit(request.url).netloc.lower()
        asked = float(delay)
        self.delays[netloc] = min(asked, self.most)
        if asked > self.most:
            self.crawler.stats.inc_value("csto/robots/crawl_delay_capped")
            logger.warning(
                "robots.txt of %s asks for a crawl delay of %gs; waiting CSTO_MAX_CRAWL_DELAY=%gs instead",
                netloc,
                asked,
                self.most,
            )
        else:
            logger.info("robots.txt of %s asks for a crawl delay of %ss", netloc, delay)

    def process_request(self, request: Request) -> None:
        delay = self.delays.get(urlsplit(request.url).netloc.lower())
        if not delay:
            return
        slot_key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(slot_key) if slot_key else None
        if slot is not None and slot.delay < delay:
            slot.delay = delay


class EncodingRepairMiddleware:
    """Re-decode HTML whose announced encoding does not decode it (see csto_crawler.encoding)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EncodingRepairMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if not isinstance(response, TextResponse):
            return response
        encoding, note = choose_encoding(response.body, response.encoding)
        if note is None:
            return response
        self.stats.inc_value("csto/encoding/repaired" if encoding else "csto/encoding/undecodable")
        logger.warning("Encoding of %s: %s", response.url, note)
        if encoding is None:
            return response
        return response.replace(encoding=encoding)
