"""Item pipelines: thin adapters from items to the pure transforms (dates, boilerplate, quality
checks) and to the archive (through the run driver, runs.py)."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro

from . import stopping
from .archive.database import ArchiveError
from .archive.failures import storage_failure
from .archive.lock import RunLock
from .archive.store import ArchiveWriter
from .attachment_text import ReadingLimits
from .cleaning import normalize_dates, strip_item_boilerplate
from .crawl_stats import (
    ARCHIVE_ERROR,
    DRIFT,
    EXIT_CODE,
    HEALTH,
    RUN_COUNTS,
    RUN_COUNTS_LIVE,
    RUN_ID,
    SITEMAPS_COMPLETE,
)
from .dates import site_timezone, utc_now
from .items import ArticleItem, HeldPage, ListingPageItem
from .outcomes import Doubt, ReadingMethod, RunMode
from .preflight import CrawlRefusedError, check_before_crawl
from .quality import HealthReport, article_doubts
from .run_sources import run_sources, section_walked
from .runs import RunDriver, RunLimits
from .sources.model import Source

logger = logging.getLogger(__name__)


class NormalizeDatesPipeline:
    """Turns an article's date candidates into ``published`` (ISO), its raw string, source and zone,
    and reports what it found (stats, log)."""

    def __init__(self, timezone: str, clock: Callable[..., Any] = utc_now) -> None:
        self.tz = site_timezone(timezone)
        self.timezone = timezone
        self.clock = clock
        self.stats: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizeDatesPipeline:
        pipeline = cls(crawler.settings.get("CSTO_SITE_TIMEZONE"))
        pipeline.stats = crawler.stats
        return pipeline

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        normalize_dates(item, self.tz, self.timezone)
        if item.published is None:
            self._inc("csto/dates/missing")
            logger.warning("No usable date for %s (%s)", item.url, "; ".join(item.date_flags) or "none shown")
        elif item.date_flags:
            self._inc("csto/dates/flagged")
            logger.info("Date notes for %s: %s", item.url, "; ".join(item.date_flags))
        return item

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


class StripBoilerplatePipeline:
    """Removes navigation, attachment lines and signatures from the body; joins clean paragraphs."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            strip_item_boilerplate(item)
        return item


class CheckQualityPipeline:
    """Holds back doubtful articles (``quality.article_doubts``) as HeldPage items, and keeps the
    run's extraction health: pages per language, section and reading method, and their doubts.

    At the end of the run the health report and the drifted sections go into the stats
    (``csto/health``, ``csto/health/drift``), where the archive pipeline and ``csto crawl`` find them.
    """

    def __init__(self, max_doubtful_share: float, min_pages: int) -> None:
        self.max_doubtful_share = max_doubtful_share
        self.min_pages = min_pages
        self.health = HealthReport()
        self.stats: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CheckQualityPipeline:
        settings = crawler.settings
        pipeline = cls(settings.getfloat("CSTO_MAX_DOUBTFUL_SHARE"), settings.getint("CSTO_DRIFT_MIN_PAGES"))
        pipeline.stats = crawler.stats
        return pipeline

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            return self.check_article(item)
        if isinstance(item, HeldPage):
            self.record(item.lang, item.section, "article", item.method, item.doubts)
        elif isinstance(item, ListingPageItem):
            doubts = [] if item.method is not ReadingMethod.NONE else [Doubt.NO_ITEMS]
            self.record(item.lang, item.section, "listing", item.method, doubts)
        return item

    def check_article(self, item: ArticleItem) -> ArticleItem | HeldPage:
        """The item, or a HeldPage when it reads doubtfully (its body judged against the archived one,
        whose length the spider put on the item)."""
        item.doubts = article_doubts(item)
        self.record(item.lang, item.section, "article", item.reading_method, item.doubts)
        if not item.doubts:
            return item
        logger.warning("Holding back %s: %s (read: %s)", item.url, ", ".join(item.doubts), item.reading_method)
        return HeldPage.of(item, item.doubts)

    def record(self, lang: str, section: str, kind: str, method: ReadingMethod, doubts: list[Doubt]) -> None:
        self.health.record(lang, section, kind, method, doubts)
        if self.stats is not None:
            self.stats.inc_value(f"csto/quality/{kind}/{method}")
            if doubts:
                self.stats.inc_value(f"csto/quality/{kind}/doubtful")

    def close_spider(self) -> None:
        drift = self.health.drifted(self.max_doubtful_share, self.min_pages)
        for found in drift:
            logger.error("Extraction drift: %s", found.describe())
        if self.stats is not None:
            self.stats.set_value(HEALTH, self.health.as_dict())
            self.stats.set_value(DRIFT, [found.describe() for found in drift])


def run_limits(settings: BaseSettings) -> RunLimits:
    """The limits that make a finished run a failing one, from the crawl's settings."""
    return RunLimits(
        settings.getfloat("CSTO_MAX_DOUBTFUL_SHARE"),
        settings.getint("CSTO_DRIFT_MIN_PAGES"),
        settings.getfloat("CSTO_MAX_FAILURE_RATIO"),
    )


class ArchivePipeline:
    """Hands every item to the run driver, in batches (one transaction per batch): the crawl's run.

    Which languages' sitemaps were all read comes from the spider through the crawl's stats; the
    run's end is judged and recorded by the driver (runs.py).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.path = settings.get("CSTO_ARCHIVE_PATH")
        self.batch_size = settings.getint("CSTO_WRITE_BATCH_SIZE")
        self.batch_seconds = settings.getfloat("CSTO_WRITE_BATCH_SECONDS")
        self.arguments = settings.getdict("CSTO_RUN_ARGUMENTS")
        self.max_absent_share = settings.getfloat("CSTO_MAX_SITEMAP_ABSENT_SHARE")
        self.limits = run_limits(settings)
        self.full = settings.getbool("CSTO_FULL")
        self.sources: list[Source] = []  # the run's (CSTO_SOURCES), read once preflight checked them
        self.archive: ArchiveWriter | None = None
        self.driver: RunDriver | None = None
        self.lock = RunLock(Path(self.path))
        self.buffer: list[Any] = []
        self.failed = False
        self.last_flush = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def run_id(self) -> int:
        return self.driver.run_id if self.driver is not None else 0

    def open_spider(self) -> None:
        try:  # `scrapy crawl news` (Scrapyd) gets the checks `csto crawl` makes (which ran them already)
            check_before_crawl(self.crawler.settings)
        except CrawlRefusedError as exc:
            logger.error("Crawl refused before it began: %s", exc)
            raise CloseSpider("refused") from exc
        self.sources = run_sources(self.crawler.settings)
        try:
            self.lock.acquire()
            self.archive = ArchiveWriter.open(Path(self.path))
        except ArchiveError as exc:
            self.lock.release()
            logger.error("Cannot open the archive: %s", exc)
            raise
        self.archive.use_sources(self.sources)
        mode = RunMode.of_crawl(self.full, self.archive.walked_before())  # as the spider decided it
        self.driver = RunDriver(self.archive, mode, self.arguments, self.limits)
        self.driver.begin(os.getpid())
        self.crawler.stats.set_value(RUN_ID, self.run_id)
        logger.info("Archiving into %s (run %d)", self.path, self.run_id)

    def process_item(self, item: Any) -> Any:
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size or time.monotonic() - self.last_flush >= self.batch_seconds:
            self.flush()
        return item

    def flush(self, waiting: bool = False) -> None:
        """Write the buffered items in one transaction; ``waiting``: then the short pages the run driver
        kept back to see whether their body repeats (runs.RunDriver.write_waiting), at the crawl's end."""
        if self.driver is None or self.failed or not (self.buffer or waiting):
            return
        batch, self.buffer = self.buffer, []
        self.last_flush = time.monotonic()
        try:
            results = self.driver.write(batch) + (self.driver.write_waiting() if waiting else [])
        except Exception as exc:  # noqa: BLE001  any write failure stops the crawl, logged once
            self.stop_on_error(exc)
            return
        for result in results:
            self.crawler.stats.inc_value(f"csto/archive/{result.kind.value}/{result.outcome}")
        self.crawler.stats.set_value(RUN_COUNTS_LIVE, self.driver.counts())  # for the progress line

    def stop_on_error(self, exc: BaseException) -> None:
        """The archive cannot take more: stop crawling (what is written stays consistent)."""
        self.crawler.stats.inc_value("csto/archive/write_errors")
        if self.failed:
            return
        self.failed = True
        logger.error("Writing to the archive failed, stopping the crawl: %r", exc)
        failure = storage_failure(exc)
        self.crawler.stats.set_value(ARCHIVE_ERROR, failure.message if failure else repr(exc))
        if self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))

    def close_spider(self) -> None:
        self.flush(waiting=True)  # every article page of the run written before absence is judged
        if not self.failed:
            self.mark_absent_from_sitemaps()
            self.mark_absent_from_walks()

    def mark_absent_from_walks(self) -> None:
        """Articles a complete listing walk of this run no longer shows are gone, whatever the
        sitemaps' state (a sitemap that is down must not keep deletions unseen)."""
        walked = section_walked(self.sources)
        if self.archive is None or self.driver is None or walked is None:
            return
        marked = self.archive.mark_absent_from_walks(self.run_id, self.max_absent_share, walked.name)
        for (lang, section), count in marked.items():
            self.driver.sections[lang][section]["gone"] += count
            self.crawler.stats.inc_value("csto/archive/gone/absent_from_walk", count)

    def mark_absent_from_sitemaps(self) -> None:
        """Articles a complete sitemap no longer lists are gone (the spider publishes which are complete)."""
        if self.archive is None or self.driver is None:
            return
        for source, lang in self.crawler.stats.get_value(SITEMAPS_COMPLETE) or []:
            marked = self.archive.mark_absent_from_sitemap(lang, self.run_id, self.max_absent_share, source=source)
            for section, count in marked.items():
                self.driver.sections[lang][section]["gone"] += count
                self.crawler.stats.inc_value("csto/archive/gone/absent_from_sitemap", count)

    def extract_attachment_texts(self, reason: str) -> None:
        """The text of the files downloaded (and of any stored before without it); a problem here
        is logged and never fails the crawl: ``csto attachment-text`` can do it later."""
        if self.driver is None or self.failed or reason == "shutdown":
            return
        try:
            limits = ReadingLimits.from_settings(self.crawler.settings)
            counts = self.driver.fill_attachment_texts(os.cpu_count() or 1, limits, stopping.requested)
        except Exception as exc:  # noqa: BLE001  the run's data is written; text is a later step
            self.crawler.stats.inc_value("csto/attachments/text_errors")
            logger.error("Extracting attachments' text failed (run `csto attachment-text` later): %r", exc)
            return
        for status, count in counts.items():
            self.crawler.stats.set_value(f"csto/attachments/text/{status}", count)
        if counts:
            logger.info("Attachments' text: %s", ", ".join(f"{s} {n}" for s, n in sorted(counts.items())))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.driver is None or self.archive is None:
            return
        self.flush(waiting=True)
        self.extract_attachment_texts(reason)
        stats = self.crawler.stats
        stats.set_value(RUN_COUNTS, self.driver.counts())  # for the run report, even if the row cannot be closed
        try:
            end = self.driver.finish(
                reason,
                int(stats.get_value("response_received_count", 0)),
                health=stats.get_value(HEALTH, {}),
                drift=list(stats.get_value(DRIFT, [])),
                callback_errors=int(stats.get_value("spider_exceptions/count", 0)),
                cause=str(stats.get_value(ARCHIVE_ERROR, "")),
                stop_signal=stopping.stop_signal(),
            )
        except Exception as exc:  # a full disk even for the run row: one line; the next run closes it
            failure = storage_failure(exc)
            if failure is None:
                raise
            logger.error("Run %d could not be closed in the archive: %s", self.run_id, failure.message)
            return
        finally:
            self.archive.close()
            self.archive = None
            self.lock.release()
        stats.set_value(EXIT_CODE, int(end.verdict.exit_code))
        logger.info("Run %d finished (%s): %s", end.run_id, reason, json.dumps(end.counts, ensure_ascii=False))
