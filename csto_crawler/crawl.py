"""Running one crawl: settings from options, checks before Scrapy starts, the run lock, the outcome.

The CLI only turns options into Scrapy settings; everything else is configured through settings,
so ``scrapy crawl news -s ...`` and ``csto crawl`` behave the same.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from . import stopping
from .archive.database import check_integrity, open_database
from .archive.lock import ArchiveLockedError, RunLock
from .archive.origins import move_sites
from .crawl_stats import ARCHIVE_ERROR, DRIFT, EXIT_CODE, RUN_COUNTS, RUN_ID
from .outcomes import ExitCode
from .preflight import CrawlRefusedError as CrawlRefusedError  # raised by run_crawl: callers catch it from here
from .preflight import check_before_crawl, checked_sources, crawled_langs
from .run_sources import section_sites, section_walked
from .runs import RunLimits, Verdict, judge
from .spiders.news import NewsSpider
from .urls import Sites


@dataclass
class CrawlOptions:
    archive_path: Path
    sites: dict[str, str] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)  # CSTO_SOURCES (empty: the CSTO alone)
    langs: list[str] = field(default_factory=list)
    overrides: dict[str, str] = field(default_factory=dict)
    full: bool = False
    use_sitemap: bool = True
    log_file: str | None = None
    log_level: str = "INFO"


@dataclass
class CrawlOutcome:
    """What a crawl did, from its stats; ``verdict`` is the exit code the run driver recorded (runs.judge)."""

    run_id: int
    finish_reason: str
    counts: dict[str, Any]
    stats: dict[str, Any]
    elapsed: float
    max_failure_ratio: float

    @property
    def pages_fetched(self) -> int:
        return int(self.stats.get("response_received_count", 0))

    @property
    def failures(self) -> int:
        return sum(int(v) for k, v in self.stats.items() if k.startswith("csto/archive/failure/"))

    @property
    def callback_errors(self) -> int:
        """Exceptions raised while handling a response (Scrapy counts and logs them, then goes on):
        a page the crawl could not process, so the run must not pass for a clean one."""
        return int(self.stats.get("spider_exceptions/count", 0))

    @property
    def drift(self) -> list[str]:
        """Where too many pages read doubtfully (quality.Drift descriptions), from the quality pipeline."""
        found = self.stats.get(DRIFT) or []
        return [str(line) for line in found]

    def verdict(self, what: str = "crawl") -> Verdict:
        """The run's exit code (as recorded in crawl_runs) and the line that says why."""
        judged = judge(
            self.finish_reason,
            self.drift,
            self.failures,
            self.pages_fetched,
            RunLimits(max_failure_ratio=self.max_failure_ratio),
            self.callback_errors,
            str(self.stats.get(ARCHIVE_ERROR, "")),
            what,
            stopping.stop_signal(),
        )
        recorded = self.stats.get(EXIT_CODE)
        if recorded is not None and int(recorded) != judged.exit_code:  # the two must agree: one rule
            return Verdict(ExitCode(int(recorded)), judged.message)
        return judged

    def callback_error_message(self) -> str:
        kinds = sorted(
            k.split("/", 1)[1]
            for k in self.stats
            if k.startswith("spider_exceptions/") and k != "spider_exceptions/count"
        )
        return (
            f"{self.callback_errors} page(s) could not be processed ({', '.join(kinds) or 'errors'}); "
            "see the log for the URLs"
        )

    def summary(self) -> str:
        """The run report printed at the end (also stored in crawl_runs.counts)."""
        lines = [
            f"run {self.run_id} {self.finish_reason} in {self.elapsed:.1f}s: {self.pages_fetched} pages fetched, "
            f"{self.failures} failed"
        ]
        for lang, sections in self.counts.items():
            total: dict[str, int] = {}
            for counts in sections.values():
                for key, value in counts.items():
                    total[key] = total.get(key, 0) + value
            lines.append(f"  {lang}: " + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
            for section, counts in sections.items():
                lines.append(f"    {section}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        lines += [f"  drift: {line}" for line in self.drift]
        return "\n".join(lines)


def build_settings(options: CrawlOptions) -> Settings:
    """Project settings, then the CLI's options, then ``-s`` overrides (highest priority)."""
    settings = Settings()
    settings.setmodule("csto_crawler.settings", priority="project")
    sites = dict(settings.getdict("CSTO_SITES"))
    sites.update(options.sites)
    Sites(sites)  # raises ValueError for a malformed base URL
    settings.set("CSTO_SITES", sites, priority="cmdline")
    if options.langs:
        settings.set("CSTO_LANGS", options.langs, priority="cmdline")
    if options.sources:
        settings.set("CSTO_SOURCES", options.sources, priority="cmdline")
    settings.set("CSTO_ARCHIVE_PATH", str(options.archive_path), priority="cmdline")
    settings.set("CSTO_FULL", options.full, priority="cmdline")
    if not options.use_sitemap:
        settings.set("CSTO_USE_SITEMAP", False, priority="cmdline")
    settings.set("LOG_LEVEL", options.log_level, priority="cmdline")
    if options.log_file:
        settings.set("LOG_FILE", options.log_file, priority="cmdline")
    if options.sources and "CONCURRENT_REQUESTS" not in options.overrides:
        # One request in flight per host (CONCURRENT_REQUESTS_PER_DOMAIN) for every host of the run:
        # a fixed total would make many sources wait on each other's slots (decision 0014).
        hosts = {host for source in checked_sources(settings) for host in source.hosts}
        wanted = len(hosts)
        settings.set("CONCURRENT_REQUESTS", max(settings.getint("CONCURRENT_REQUESTS"), wanted), priority="cmdline")
    for name, value in options.overrides.items():
        settings.set(name, value, priority="cmdline")
    arguments = {
        "sites": settings.getdict("CSTO_SITES"),
        "langs": settings.getlist("CSTO_LANGS"),
        "full": options.full,
        "use_sitemap": settings.getbool("CSTO_USE_SITEMAP"),
        "overrides": options.overrides,
    }
    if options.sources:
        arguments["source_names"] = [str(table["name"]) for table in options.sources]
    settings.set("CSTO_RUN_ARGUMENTS", json.dumps(arguments, ensure_ascii=False), priority="cmdline")
    return settings


def run_crawl(options: CrawlOptions) -> CrawlOutcome:
    """Check before anything is written (preflight.py), take the run lock, crawl, report what happened."""
    settings = build_settings(options)
    check_before_crawl(settings)
    # Checked just now: the archive pipeline, which runs the same checks for `scrapy crawl news`,
    # need not connect to every site a second time.
    settings.set("CSTO_PREFLIGHT_TIMEOUT", 0, priority="cmdline")
    lock = RunLock(options.archive_path)
    try:
        lock.acquire()
    except ArchiveLockedError as exc:
        raise CrawlRefusedError(str(exc), locked=True) from exc
    try:
        db = open_database(options.archive_path, create=True)  # fail fast, before Scrapy starts
        try:
            check_integrity(db, options.archive_path)
            walked = section_walked(checked_sources(settings))
            if walked is not None:  # the section-walked source's stored URLs follow its sites (origins.py)
                sites = section_sites(walked)
                move_sites(db, {lang: sites.by_lang[lang].base for lang in crawled_langs(settings, walked)})
        finally:
            db.close()
        return _run_process(settings)
    finally:
        lock.release()


# Scrapy's start-up and closing dumps (versions, every setting and middleware, every stat: about
# 120 lines) say nothing a person running `csto crawl` needs; they return with --log-level DEBUG.
# (The version dump comes before this can act: LOG_VERSIONS in settings.py keeps it empty.)
STARTUP_LOGGERS = ("scrapy.addons", "scrapy.middleware", "scrapy.crawler", "scrapy.statscollectors")


def quiet_scrapy_startup(settings: Settings) -> None:
    level = logging.DEBUG if settings.get("LOG_LEVEL") == "DEBUG" else logging.WARNING
    for name in STARTUP_LOGGERS:
        logging.getLogger(name).setLevel(level)


class StoppableCrawlerProcess(CrawlerProcess):
    """Scrapy's process, whose first SIGTERM or SIGINT also tells what Scrapy's graceful stop cannot
    reach (``stopping``): downloads waiting out a delay or a slow transfer, attachment reading at the
    end of the run. Scrapy's own handler then closes the run; a second signal forces it."""

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        stopping.request(signum)
        super()._signal_shutdown(signum, frame)


def _run_process(settings: Settings) -> CrawlOutcome:
    started = time.monotonic()
    stopping.reset()
    process = StoppableCrawlerProcess(settings)
    quiet_scrapy_startup(settings)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    pipeline_counts = stats.get(RUN_COUNTS, {})
    return CrawlOutcome(
        run_id=int(stats.get(RUN_ID, 0)),
        finish_reason=str(stats.get("finish_reason", "unknown")),
        counts=pipeline_counts if isinstance(pipeline_counts, dict) else {},
        stats=stats,
        elapsed=time.monotonic() - started,
        max_failure_ratio=settings.getfloat("CSTO_MAX_FAILURE_RATIO"),
    )
