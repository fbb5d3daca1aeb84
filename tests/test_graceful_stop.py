"""Ctrl-C, or SIGTERM from ``timeout``/systemd to the whole process group: the crawl stops
gracefully. What was fetched is written, the run row is closed with its reason and the exit code
130 ("interrupted"), which the command exits with, and no traceback is printed. The next crawl
completes the archive."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from demo_crawls import CRAWL_TIMEOUT, count_rows, crawl, crawl_args, csto_command, expected_urls, query, wait_until

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
        assert process.returncode == ExitCode.INTERRUPTED, stderr[-2000:]
        assert "Traceback" not in stderr
        last = stderr.strip().splitlines()[-1]
        assert last == "csto: error: the crawl was interrupted (Ctrl-C or SIGTERM); run it again to go on"
        [(finished_at, reason, code)] = query(archive, "SELECT finished_at, finish_reason, exit_code FROM crawl_runs")
        assert finished_at is not None and reason == "shutdown" and code == ExitCode.INTERRUPTED
        assert count_rows(archive, "fetches") >= 10  # the fetched pages were written on the way out
        final = crawl(site, archive)
        assert final.returncode == 0, final.stderr[-2000:]
        archived = {row[0] for row in query(archive, "SELECT url FROM articles")}
        assert archived == expected_urls(site, "en", "ru")
