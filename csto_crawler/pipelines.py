"""Item pipelines: thin adapters from items to the pure transforms (dates, boilerplate) and the archive."""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from .archive.database import ArchiveError
from .archive.lock import RunLock
from .archive.store import WriteResult
from .archive.writer_process import ArchiveClient
from .cleaning import normalize_dates, strip_item_boilerplate
from .dates import site_timezone, utc_now
from .items import ArticleItem
from .workers import WorkerCall, workers_enabled

logger = logging.getLogger(__name__)


class NormalizeDatesPipeline:
    """Turns an article's date candidates into ``published`` (ISO), its raw string, source and zone,
    and reports what it found (stats, log). Items the extraction worker already dated are only
    reported."""

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
        if not item.dates_normalized:
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
    """Removes navigation, attachment lines and signatures from the body; joins clean paragraphs
    (unless the extraction worker already did)."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem) and not item.boilerplate_stripped:
            strip_item_boilerplate(item)
        return item


class ArchivePipeline:
    """Writes every item into the SQLite archive in batches (one transaction per batch).

    With worker processes (``CSTO_WORKER_PROCESSES``) the writer runs in one: batches are handed over and
    their results collected when ready (at most ``MAX_BATCHES_IN_FLIGHT`` outstanding), so the
    crawl thread does not wait for compression and SQLite.
    """

    MAX_BATCHES_IN_FLIGHT = 4

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.path = settings.get("CSTO_ARCHIVE_PATH")
        self.batch_size = settings.getint("CSTO_WRITE_BATCH_SIZE")
        self.batch_seconds = settings.getfloat("CSTO_WRITE_BATCH_SECONDS")
        self.arguments = settings.getdict("CSTO_RUN_ARGUMENTS")
        self.max_absent_share = settings.getfloat("CSTO_MAX_SITEMAP_ABSENT_SHARE")
        self.in_process = not workers_enabled(settings)
        self.archive: ArchiveClient | None = None
        self.lock = RunLock(Path(self.path))
        self.run_id = 0
        self.buffer: list[Any] = []
        self.in_flight: deque[WorkerCall] = deque()
        self.failed = False
        self.last_flush = time.monotonic()
        self.last_progress = time.monotonic()
        self.progress_seconds = settings.getfloat("CSTO_PROGRESS_SECONDS")
        self.counts: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        try:
            self.lock.acquire()
            self.archive = ArchiveClient(Path(self.path), self.in_process)
        except ArchiveError as exc:
            self.lock.release()
            logger.error("Cannot open the archive: %s", exc)
            raise
        mode = getattr(self.crawler.spider, "run_mode", "full")
        self.run_id = self.archive.call("begin_run", mode, self.arguments, os.getpid()).result()
        self.crawler.stats.set_value("csto/run_id", self.run_id)
        logger.info("Archiving into %s (run %d)", self.path, self.run_id)

    def process_item(self, item: Any) -> Any:
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size or time.monotonic() - self.last_flush >= self.batch_seconds:
            self.flush()
        return item

    def flush(self, wait: bool = False) -> None:
        """Hand the buffered items to the writer; take in the results that are ready (or all)."""
        if self.buffer and self.archive is not None and not self.failed:
            batch, self.buffer = self.buffer, []
            self.in_flight.append(self.archive.call("write_batch", batch, self.run_id))
            self.last_flush = time.monotonic()
        self.collect(wait)
        if time.monotonic() - self.last_progress >= self.progress_seconds:
            self.last_progress = time.monotonic()
            self.log_progress()

    def collect(self, wait: bool) -> None:
        counted = False
        while self.in_flight and (wait or self.in_flight[0].done() or len(self.in_flight) > self.MAX_BATCHES_IN_FLIGHT):
            future = self.in_flight.popleft()
            try:
                results: list[WriteResult] = future.result()
            except Exception as exc:  # noqa: BLE001  any write failure stops the crawl, logged once
                self.stop_on_error(exc)
                continue
            for result in results:
                self.count(result)
            counted = True
        if counted and self.archive is not None and not self.failed:
            self.archive.call("save_counts", self.run_id, self.report())

    def stop_on_error(self, exc: BaseException) -> None:
        """The archive cannot take more: stop crawling (what is written stays consistent)."""
        self.crawler.stats.inc_value("csto/archive/write_errors")
        if self.failed:
            return
        self.failed = True
        logger.error("Writing to the archive failed, stopping the crawl: %r", exc)
        if self.crawler.engine is not None:
            self.crawler.engine.close_spider(self.crawler.spider, reason="archive_error")  # type: ignore[arg-type]

    def log_progress(self) -> None:
        """One progress line on stderr for long runs: pages so far and outcomes per language."""
        pages = self.crawler.stats.get_value("response_received_count", 0)
        per_lang = "; ".join(
            f"{lang} " + ", ".join(f"{k} {v}" for k, v in sorted(sum(sections.values(), Counter()).items()))
            for lang, sections in sorted(self.counts.items())
        )
        logger.info("Progress: %d pages fetched; %s", pages, per_lang or "nothing archived yet")

    def count(self, result: WriteResult) -> None:
        self.crawler.stats.inc_value(f"csto/archive/{result.kind}/{result.outcome}")
        lang = result.lang or "-"
        section = result.section or "-"
        if result.kind in ("article", "gone") or (result.kind == "failure" and result.section):
            self.counts[lang][section][result.outcome] += 1

    def report(self) -> dict[str, Any]:
        """Run counts per language and section (new/changed/unchanged/revived/gone/failed)."""
        return {lang: {sec: dict(c) for sec, c in sorted(by.items())} for lang, by in sorted(self.counts.items())}

    def close_spider(self) -> None:
        self.flush(wait=True)
        if not self.failed:
            self.mark_absent_from_sitemaps()

    def mark_absent_from_sitemaps(self) -> None:
        """Articles a complete sitemap no longer lists are gone (the spider says which are complete)."""
        spider = self.crawler.spider
        if self.archive is None or spider is None or not hasattr(spider, "sitemaps_complete"):
            return
        for lang in spider.sitemaps_complete():
            marked = self.archive.call("mark_absent_from_sitemap", lang, self.run_id, self.max_absent_share)
            for section, count in marked.result().items():
                self.counts[lang][section]["gone"] += count
                self.crawler.stats.inc_value("csto/archive/gone/absent_from_sitemap", count)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.archive is None:
            return
        self.flush(wait=True)
        report = self.report()
        self.crawler.stats.set_value("csto/run_counts", report)
        try:
            self.archive.call("finish_run", self.run_id, reason, report).result()
        finally:
            self.archive.close()
            self.archive = None
            self.lock.release()
        logger.info("Run %d finished (%s): %s", self.run_id, reason, json.dumps(report, ensure_ascii=False))
