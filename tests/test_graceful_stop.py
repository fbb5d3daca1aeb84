"""Ctrl-C, or SIGTERM from ``timeout``/systemd to the whole process group: the crawl stops
gracefully. What was fetched is written, the run row is closed with its reason and the exit code
128 + the signal's number (130 for SIGINT, 143 for SIGTERM), which the command exits with, and no
traceback is printed. The next crawl completes the archive.

It stops within seconds whatever it waits on: a robots.txt ``Crawl-delay`` (capped at
CSTO_MAX_CRAWL_DELAY, one warning line), a transfer that trickles, a retry's backoff."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from demo_crawls import CRAWL_TIMEOUT, count_rows, crawl, crawl_args, csto_command, expected_urls, query, wait_until
from faulty_site import FaultySite
from log_lines import unstamped

from csto_crawler.cli import ExitCode
from csto_crawler.demo import DemoSite

SLOW = {"DOWNLOAD_DELAY": "0.2", "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "CSTO_WRITE_BATCH_SECONDS": "30"}


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_process_group_stops_the_crawl_gracefully(tmp_path: Path, signal_number: int) -> None:
    archive = tmp_path / "csto.sqlite"
    with DemoSite() as site:
        command = csto_command(*crawl_args(site, archive, settings=SLOW))
        # Its own process group, as under systemd or `timeout`: the signal goes to every process.
        process = subprocess.Popen(
            command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            # Responses are received, but (30 s batches) none written yet: only a graceful stop writes them.
            wait_until(lambda: len(site.requests()) >= 12, what="a dozen responses")
            os.killpg(process.pid, signal_number)
            _, stderr = process.communicate(timeout=CRAWL_TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == ExitCode.of_signal(signal_number), stderr[-2000:]
        assert "Traceback" not in stderr
        last = unstamped(stderr).strip().splitlines()[-1]
        by = "SIGTERM" if signal_number == signal.SIGTERM else "Ctrl-C (SIGINT)"
        assert last == f"csto: error: the crawl was stopped by {by}; what it read is archived, run it again to go on"
        [(finished_at, reason, code)] = query(archive, "SELECT finished_at, finish_reason, exit_code FROM crawl_runs")
        assert finished_at is not None and reason == "shutdown" and code == process.returncode
        assert count_rows(archive, "fetches") >= 10  # the fetched pages were written on the way out
        final = crawl(site, archive)
        assert final.returncode == 0, final.stderr[-2000:]
        archived = {row[0] for row in query(archive, "SELECT url FROM articles")}
        assert archived == expected_urls(site, "en", "ru")


def stop_while_waiting(tmp_path: Path, site: DemoSite, settings: dict[str, str], ready: int) -> tuple[float, str]:
    """Start a crawl, SIGTERM it once ``ready`` requests were answered; (seconds to stop, stderr)."""
    archive = tmp_path / "csto.sqlite"
    command = csto_command(*crawl_args(site, archive, "--lang", "en", settings=settings))
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        wait_until(lambda: len(site.requests("en")) >= ready, what=f"{ready} requests")
        time.sleep(1.0)  # into the wait
        sent = time.monotonic()
        os.killpg(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=CRAWL_TIMEOUT)
        stopped = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == ExitCode.TERMINATED == 143, stderr[-2000:]
    assert "Traceback" not in stderr
    [(finished_at, reason, code)] = query(archive, "SELECT finished_at, finish_reason, exit_code FROM crawl_runs")
    assert finished_at is not None and reason == "shutdown" and code == ExitCode.TERMINATED
    return stopped, stderr


def test_a_huge_crawl_delay_is_capped_in_one_line_and_sigterm_stops_the_wait(tmp_path: Path) -> None:
    with DemoSite() as site:
        robots = site.served("en", "/robots.txt").body
        site.override(
            "en", "/robots.txt", body=robots.replace(b"User-agent: *\n", b"User-agent: *\nCrawl-delay: 100000\n", 1)
        )
        stopped, stderr = stop_while_waiting(tmp_path, site, {"DOWNLOAD_DELAY": "0"}, ready=1)
    assert stopped < 15, f"stopped after {stopped:.1f}s"
    [capped] = [line for line in stderr.splitlines() if "crawl delay" in line]
    assert "asks for a crawl delay of 100000s; waiting CSTO_MAX_CRAWL_DELAY=60s instead" in capped


def test_sigterm_stops_a_transfer_that_trickles(tmp_path: Path) -> None:
    with FaultySite() as site:
        # The answers come after 20 s, well inside DOWNLOAD_TIMEOUT: only a cancelled transfer stops sooner.
        site.fault("en", "/news/", "slow", delay=20)
        site.fault("en", "/news/news_odkb/", "slow", delay=20)
        settings = {"DOWNLOAD_DELAY": "0", "DOWNLOAD_TIMEOUT": "100", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
        stopped, _ = stop_while_waiting(tmp_path, site, settings, ready=1)
    assert stopped < 15, f"stopped after {stopped:.1f}s"
    # The demo site's handler still sleeps out its 20 s: let it end, so no thread outlives the test.
    wait_until(lambda: not [t for t in threading.enumerate() if "process_request" in t.name], timeout=30)
