"""What a finished crawl's exit code says: stopped early, drift, callback errors, too many failures."""

from __future__ import annotations

from typing import Any

import pytest

from csto_crawler.cli.crawl import check_outcome
from csto_crawler.crawl import CrawlOutcome
from csto_crawler.outcomes import ExitCode


def outcome(reason: str = "finished", **stats: Any) -> CrawlOutcome:
    return CrawlOutcome(1, reason, {}, {"response_received_count": 100, **stats}, 1.0, 0.02)


def exit_code(found: CrawlOutcome) -> int:
    try:
        check_outcome(found, "crawl")
    except Exception as exc:  # noqa: BLE001  the click exception carries the code
        return int(getattr(exc, "exit_code", -1))
    return ExitCode.OK


def test_a_clean_run_exits_0() -> None:
    assert exit_code(outcome()) == ExitCode.OK


def test_an_exception_in_a_callback_is_a_failure_not_a_clean_run() -> None:
    found = outcome(**{"spider_exceptions/count": 1, "spider_exceptions/MemoryError": 1})
    assert exit_code(found) == ExitCode.FAILURES
    assert found.callback_error_message().startswith("1 page(s) could not be processed (MemoryError)")


@pytest.mark.parametrize(
    ("found", "code"),
    [
        (outcome("shutdown"), ExitCode.INTERRUPTED),
        (outcome("archive_error"), ExitCode.CANNOT_RUN),
        (outcome(**{"csto/health/drift": ["en news: 5 of 5 article pages doubtful"]}), ExitCode.DRIFT),
        (outcome(**{"csto/archive/failure/failed": 3}), ExitCode.FAILURES),
    ],
)
def test_exit_codes_a_scheduler_acts_on(found: CrawlOutcome, code: int) -> None:
    assert exit_code(found) == code


def test_a_crawl_stopped_by_the_archive_says_why() -> None:
    found = outcome("archive_error", **{"csto/archive/error": "the archive cannot be used: the disk is full"})
    try:
        check_outcome(found, "crawl")
    except Exception as exc:  # noqa: BLE001  the click exception carries the message
        message = str(getattr(exc, "message", exc))
    assert message == "the crawl stopped early (archive_error: the archive cannot be used: the disk is full)"
