"""Progress for people watching: the crawl's line on the terminal, and the throttle every long
command shares.

The crawl's line (pages, queue, failures, outcomes so far) is shown only when stderr is a terminal:
first after a second, then every ``CSTO_PROGRESS_SECONDS``. Under cron or systemd the log stays
quiet; Scrapy's own LogStats line and the run report at the end say what happened. Batch commands
(export, verify, reextract, WARC export and import) pace their lines with ``throttle.Throttle``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)
FIRST_LINE_AFTER = 1.0  # seconds


class TerminalProgress:
    """Scrapy extension: one progress line every few seconds while a person watches."""

    def __init__(self, crawler: Crawler, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.crawler = crawler
        self.interval = interval
        self.clock = clock
        self.started = clock()
        self.loop: task.LoopingCall | None = None
        self.first: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TerminalProgress:
        interval = crawler.settings.getfloat("CSTO_PROGRESS_SECONDS")
        if interval <= 0 or not sys.stderr.isatty():
            raise NotConfigured  # no reason given: Scrapy would log a warning for one
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        from twisted.internet import reactor

        self.started = self.clock()
        self.loop = task.LoopingCall(self.report)
        self.first = reactor.callLater(FIRST_LINE_AFTER, self.loop.start, self.interval)  # type: ignore[arg-type]

    def spider_closed(self) -> None:
        if self.first is not None and self.first.active():
            self.first.cancel()
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def report(self) -> None:
        logger.info(
            progress_line(self.crawler.stats.get_stats() if self.crawler.stats else {}, self.clock() - self.started)
        )


def progress_line(stats: dict[str, Any], elapsed: float) -> str:
    """``Progress: 37 pages fetched, 12 queued, 0 failed; en new 20, ru new 17 (45 s)``."""
    pages = int(stats.get("response_received_count", 0))
    queued = int(stats.get("scheduler/enqueued", 0)) - int(stats.get("scheduler/dequeued", 0))
    failed = sum(int(v) for k, v in stats.items() if k.startswith("csto/") and k.endswith("/failed"))
    outcomes: dict[str, dict[str, int]] = {}
    for lang, sections in (stats.get("csto/run_counts_live") or {}).items():
        for counts in sections.values():
            for outcome, n in counts.items():
                outcomes.setdefault(lang, {}).setdefault(outcome, 0)
                outcomes[lang][outcome] += n
    archived = "; ".join(
        f"{lang} " + ", ".join(f"{k} {v}" for k, v in sorted(found.items())) for lang, found in sorted(outcomes.items())
    )
    line = f"Progress: {pages} pages fetched, {max(queued, 0)} queued, {failed} failed"
    return f"{line}; {archived} ({elapsed:.0f} s)" if archived else f"{line} ({elapsed:.0f} s)"
