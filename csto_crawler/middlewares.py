"""Downloader middlewares: host allow-list (also for redirects) and one download slot per site."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from .urls import Sites

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class AllowedHostsMiddleware:
    """Refuse every request outside the configured sites, redirects included.

    Scrapy's OffsiteMiddleware compares host names only; the two CSTO sites can share a host name
    (127.0.0.1 in tests) and differ by port, so this compares scheme-insensitive host *and* port.
    Each site also gets its own download slot, so per-host concurrency and delays apply per site.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.sites = Sites(crawler.settings.getdict("CSTO_SITES"))
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedHostsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        site = self.sites.site_for(request.url)
        if site is None:
            self.stats.inc_value("csto/hosts/refused")
            logger.warning("Refused request outside the configured sites: %s", request.url)
            raise IgnoreRequest(f"host not allowed: {request.url}")
        request.meta.setdefault("download_slot", site.netloc)
