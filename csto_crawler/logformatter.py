"""Scrapy's log lines, minus the per-page ones nobody will see.

Scrapy builds a DEBUG record for every response ("Crawled (200) ...") and every item
("Scraped from ..."); Scrapy's root logger passes all levels and only the handler drops them, so
at the default INFO level each page still paid for records that were thrown away (about 4 % of
the crawl thread at full speed, benchmarks/README.md). This formatter skips them when
``LOG_LEVEL`` is above DEBUG, and is Scrapy's own otherwise.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class QuietLogFormatter(LogFormatter):
    """Per-response and per-item DEBUG lines only when the log level would show them."""

    def __init__(self, log_level: int | str = logging.DEBUG) -> None:
        level = logging.getLevelName(log_level) if isinstance(log_level, str) else log_level
        self.per_page = not isinstance(level, int) or level <= logging.DEBUG

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> QuietLogFormatter:
        return cls(crawler.settings.get("LOG_LEVEL", "DEBUG"))

    def crawled(self, request: Request, response: Response, spider: Spider) -> LogFormatterResult | None:  # type: ignore[override]
        return super().crawled(request, response, spider) if self.per_page else None

    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult | None:  # type: ignore[override]
        return super().scraped(item, response, spider) if self.per_page else None
