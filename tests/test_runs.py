"""The run driver: a run's row from begin to the exit code it ended with (csto_crawler/runs.py), and the
one process pool (work_pool.py)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from archive_items import article_item, count, fetch_failure, open_writer, rows

from csto_crawler import stopping
from csto_crawler.outcomes import ExitCode, RunMode
from csto_crawler.runs import RunDriver, RunLimits, judge
from csto_crawler.work_pool import WorkPool

LIMITS = RunLimits(max_doubtful_share=0.2, drift_min_pages=5, max_failure_ratio=0.1)


@pytest.mark.parametrize(
    ("reason", "drift", "failures", "errors", "code"),
    [
        ("finished", [], 0, 0, ExitCode.OK),
        ("finished", [], 1, 0, ExitCode.OK),  # 1 of 10 pages is within 0.1
        ("finished", [], 2, 0, ExitCode.FAILURES),
        ("finished", [], 0, 1, ExitCode.FAILURES),
        ("finished", ["en news: 5 of 5 article pages doubtful"], 0, 0, ExitCode.DRIFT),
        ("shutdown", [], 0, 0, ExitCode.INTERRUPTED),
        ("archive_error", [], 0, 0, ExitCode.CANNOT_RUN),
    ],
)
def test_judge_gives_the_exit_code_a_scheduler_acts_on(
    reason: str, drift: list[str], failures: int, errors: int, code: ExitCode
) -> None:
    assert judge(reason, drift, failures, 10, LIMITS, errors).exit_code is code


def test_a_run_records_its_counts_and_its_outcome(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "a.sqlite")
    try:
        driver = RunDriver(writer, RunMode.FULL, {"full": True}, LIMITS, clock=iter([10.0, 12.5]).__next__)
        driver.begin()
        driver.write([article_item("one", element_id="1"), article_item("two", element_id="2")])
        driver.write([fetch_failure("https://en.odkb-csto.org/news/news_odkb/three/")])
        end = driver.finish("finished", pages_fetched=3)
    finally:
        writer.close()
    assert end.verdict.exit_code is ExitCode.FAILURES  # 1 failure of 3 pages is over 0.1
    (row,) = rows(tmp_path / "a.sqlite", "SELECT * FROM crawl_runs")
    assert (row["exit_code"], row["pages_fetched"], row["pages_archived"], row["failures"]) == (4, 3, 2, 1)
    assert row["duration_s"] == 2.5
    assert row["counts"] == '{"en": {"news/news_odkb": {"failed": 1, "new": 2}}}'


def test_short_pages_wait_for_the_run_s_end_and_those_whose_body_repeats_are_held(tmp_path: Path) -> None:
    notice = "Technical works are under way on the site"
    archive = tmp_path / "a.sqlite"
    writer = open_writer(archive)
    try:
        driver = RunDriver(writer, RunMode.INCREMENTAL, {}, LIMITS)
        driver.begin()
        driver.write([article_item("one", body_text=notice, element_id=None)])
        driver.write([article_item("statement", body_text="The Secretariat condemns the attack.", element_id="9")])
        assert count(archive, "articles") == count(archive, "held_pages") == 0  # both wait
        driver.write([article_item(slug, body_text=notice, element_id=None) for slug in ("two", "three")])
        assert count(archive, "held_pages") == 3  # the first page too, read before its body repeated
        end = driver.finish("finished", pages_fetched=4)
    finally:
        writer.close()
    assert [row["url"].rsplit("/", 2)[1] for row in rows(archive, "SELECT url FROM articles")] == ["statement"]
    assert (end.pages_archived, end.pages_held) == (1, 3)


def test_a_run_interrupted_by_ctrl_c_is_closed_with_130(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "a.sqlite")
    try:
        driver = RunDriver(writer, RunMode.REEXTRACT, {}, LIMITS)
        with pytest.raises(KeyboardInterrupt), driver.running(lambda: 7):
            raise KeyboardInterrupt
    finally:
        writer.close()
    (row,) = rows(tmp_path / "a.sqlite", "SELECT finish_reason, exit_code, pages_fetched FROM crawl_runs")
    assert row == {"finish_reason": "shutdown", "exit_code": ExitCode.INTERRUPTED, "pages_fetched": 7}


@pytest.mark.parametrize(
    ("stop_signal", "code"),
    [(signal.SIGINT, ExitCode.INTERRUPTED), (signal.SIGTERM, ExitCode.TERMINATED), (None, ExitCode.INTERRUPTED)],
)
def test_a_run_a_signal_stopped_exits_128_plus_the_signal(stop_signal: int | None, code: ExitCode) -> None:
    verdict = judge("shutdown", [], 0, 10, LIMITS, stop_signal=stop_signal)
    assert verdict.exit_code is code and int(code) == 128 + (stop_signal or signal.SIGINT)
    assert "run it again" in verdict.message


def test_sigterm_stops_a_batch_run_which_closes_its_row_with_143(tmp_path: Path) -> None:
    """Under ``stopping.interrupting`` (every csto command but a crawl) SIGTERM is raised where the work is."""
    before = signal.getsignal(signal.SIGTERM)
    writer = open_writer(tmp_path / "a.sqlite")
    try:
        driver = RunDriver(writer, RunMode.WARC_IMPORT, {}, LIMITS)
        with pytest.raises(KeyboardInterrupt), stopping.interrupting(), driver.running(lambda: 3):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises as soon as the signal is handled, long before this ends
    finally:
        writer.close()
    assert signal.getsignal(signal.SIGTERM) is before  # the handlers before it are back
    (row,) = rows(tmp_path / "a.sqlite", "SELECT finish_reason, exit_code, pages_fetched FROM crawl_runs")
    assert row == {"finish_reason": "shutdown", "exit_code": ExitCode.TERMINATED, "pages_fetched": 3}


def test_a_run_that_fails_is_closed_and_the_error_goes_on(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "a.sqlite")
    try:
        driver = RunDriver(writer, RunMode.WARC_IMPORT, {}, LIMITS)
        with pytest.raises(ValueError, match="broken"), driver.running(lambda: 0):
            raise ValueError("broken")
    finally:
        writer.close()
    (row,) = rows(tmp_path / "a.sqlite", "SELECT finish_reason, exit_code FROM crawl_runs")
    assert row == {"finish_reason": "failed", "exit_code": ExitCode.CANNOT_RUN}


def square(n: int) -> int:
    return n * n


def test_the_pool_gives_the_same_results_in_order_in_this_process_or_in_workers() -> None:
    with WorkPool(1) as alone, WorkPool(2) as pool:
        assert list(alone.map(square, range(20))) == list(pool.map(square, range(20), chunksize=3))
