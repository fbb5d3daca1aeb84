"""The progress line a person sees on a terminal during a crawl."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from csto_crawler.progress import TerminalProgress, progress_line


def test_progress_line_says_pages_queue_failures_and_outcomes() -> None:
    stats = {
        "response_received_count": 37,
        "scheduler/enqueued": 50,
        "scheduler/dequeued": 38,
        "csto/article/failed": 2,
        "csto/listing/failed": 1,
        "csto/run_counts_live": {"en": {"news": {"new": 20}}, "ru": {"news": {"new": 15, "changed": 2}}},
    }
    assert progress_line(stats, 45.2) == (
        "Progress: 37 pages fetched, 12 queued, 3 failed; en new 20; ru changed 2, new 15 (45 s)"
    )


def test_progress_line_before_anything_is_archived() -> None:
    assert progress_line({}, 1.0) == "Progress: 0 pages fetched, 0 queued, 0 failed (1 s)"


def test_no_progress_lines_when_nobody_watches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    with pytest.raises(NotConfigured):
        TerminalProgress.from_crawler(get_crawler(settings_dict={"CSTO_PROGRESS_SECONDS": 3.0}))


def test_progress_lines_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    extension = TerminalProgress.from_crawler(get_crawler(settings_dict={"CSTO_PROGRESS_SECONDS": 3.0}))
    assert extension.interval == 3.0
