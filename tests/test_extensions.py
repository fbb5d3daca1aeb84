"""GarbageCollectorTuning: fewer collections during the crawl, Python's settings back afterwards."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from csto_crawler.extensions import GarbageCollectorTuning


@pytest.fixture(autouse=True)
def restore_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.set_threshold(*threshold)
    gc.unfreeze()


def test_threshold_raised_and_startup_objects_frozen_while_the_engine_runs() -> None:
    before = gc.get_threshold()
    crawler = get_crawler(settings_dict={"CSTO_GC_THRESHOLD": 12345})
    extension = GarbageCollectorTuning.from_crawler(crawler)  # signals hold handlers weakly
    crawler.signals.send_catch_log(signals.engine_started)
    assert gc.get_threshold() == (12345, *before[1:])
    assert gc.get_freeze_count() > 0
    crawler.signals.send_catch_log(signals.spider_closed, spider=None, reason="finished")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0 and extension.saved is None


def test_closing_without_starting_changes_nothing() -> None:
    before = gc.get_threshold()
    extension = GarbageCollectorTuning(5000)
    extension.spider_closed()
    assert gc.get_threshold() == before


def test_zero_leaves_the_collector_alone() -> None:
    with pytest.raises(NotConfigured):
        GarbageCollectorTuning.from_crawler(get_crawler(settings_dict={"CSTO_GC_THRESHOLD": 0}))


def test_the_project_enables_it() -> None:
    from csto_crawler import settings

    assert settings.EXTENSIONS["csto_crawler.extensions.GarbageCollectorTuning"] == 0
    assert gc.get_threshold()[0] < settings.CSTO_GC_THRESHOLD
