"""The crawl's stats collector: Scrapy's in-memory one, without the per-lookup deprecation shim."""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class PlainStatsCollector(MemoryStatsCollector):
    """Scrapy's MemoryStatsCollector with plain attribute lookups.

    Scrapy 2.19 sends every attribute lookup on a stats collector through a Python
    ``__getattribute__`` that wraps the public methods to warn about a deprecated ``spider``
    argument (and raises and catches an AttributeError for every other name): ``inc_value`` took
    about 4.7 µs instead of 0.2 µs, and each page updates 15-20 stats on the crawl thread. The
    methods are Scrapy's own; only that warning is gone (they still accept ``spider``).
    """

    __getattribute__ = object.__getattribute__
