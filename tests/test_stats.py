"""PlainStatsCollector: Scrapy's in-memory stats, configured for the crawl, behaving as Scrapy's do."""

from __future__ import annotations

import warnings

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from csto_crawler import settings as project_settings
from csto_crawler.stats import PlainStatsCollector


def project_crawler() -> Crawler:
    names = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    return get_crawler(Spider, settings_dict=names)


def test_the_crawl_uses_the_plain_stats_collector() -> None:
    crawler = project_crawler()
    assert type(crawler.stats) is PlainStatsCollector


def test_plain_stats_collector_keeps_what_memory_stats_collector_keeps() -> None:
    results = []
    for cls in (MemoryStatsCollector, PlainStatsCollector):
        crawler = get_crawler(Spider)
        stats = cls(crawler)
        stats.open_spider()
        stats.inc_value("pages")
        stats.inc_value("pages", 2)
        stats.inc_value("bytes", 10, start=5)
        stats.max_value("biggest", 3)
        stats.max_value("biggest", 1)
        stats.min_value("smallest", 3)
        stats.min_value("smallest", 1)
        stats.set_value("mode", "full")
        results.append((dict(stats.get_stats()), stats.get_value("pages"), stats.get_value("missing", 7)))
    assert results[0] == results[1]
    assert results[1][0] == {"pages": 3, "bytes": 15, "biggest": 3, "smallest": 1, "mode": "full"}


def test_plain_stats_collector_still_takes_a_spider_argument_without_warning() -> None:
    """Components written for older Scrapy pass ``spider=``; the value is ignored, as Scrapy ignores it."""
    crawler = get_crawler(Spider)
    stats = PlainStatsCollector(crawler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.inc_value("pages", spider=None)
        assert stats.get_value("pages", spider=None) == 1
