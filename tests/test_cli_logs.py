"""Timestamps on every log line where no terminal watches: the crawl's log file and stderr under
cron; short lines on a terminal; interactive commands unchanged."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click
import pytest
from archive_items import article_item, write_run
from click.testing import CliRunner
from demo_crawls import crawl_args, csto_command
from log_lines import STAMP_RE, all_stamped, unstamped

from csto_crawler.cli import ExitCode, logs, main
from csto_crawler.demo import DemoSite


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logs") / "csto.sqlite"
    write_run(path, [article_item()])
    return path


def test_a_scheduled_command_stamps_its_lines_and_its_error_off_a_terminal(archive: Path, tmp_path: Path) -> None:
    done = CliRunner().invoke(main, ["attachment-text", "--archive", str(archive)])
    assert done.exit_code == 0 and all_stamped(done.stderr), done.stderr
    failed = CliRunner().invoke(main, ["attachment-text", "--archive", str(tmp_path / "none.sqlite")])
    assert failed.exit_code == ExitCode.CANNOT_RUN
    assert all_stamped(failed.stderr) and unstamped(failed.stderr).startswith("csto: error: no archive at")


def test_an_interactive_command_keeps_its_lines_short(archive: Path) -> None:
    result = CliRunner().invoke(main, ["search", "meeting", "--archive", str(archive)])
    assert result.stderr == "1 result(s)\n"


def test_on_a_terminal_nothing_is_stamped(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal:
        @staticmethod
        def isatty() -> bool:
            return True

    with click.Context(click.Command("crawl")) as ctx:
        ctx.meta[logs.SCHEDULED] = True
        assert STAMP_RE.match(logs.stamp("run 1 finished\n  en: new 3"))
        monkeypatch.setattr(logs.sys, "stderr", Terminal())
        assert logs.stamp("run 1 finished\n  en: new 3") == "run 1 finished\n  en: new 3"


def test_crawl_log_file_and_stderr_under_cron_carry_times(tmp_path: Path) -> None:
    archive, log = tmp_path / "csto.sqlite", tmp_path / "crawl.log"
    with DemoSite() as site:
        command = csto_command(*crawl_args(site, archive, "--log-file", str(log)))
        command[command.index("--log-level") + 1] = "INFO"
        run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert all_stamped(run.stderr) and unstamped(run.stderr).startswith("run 1 finished")  # the cron.log side
    text = log.read_text(encoding="utf-8")
    assert all_stamped(text), text[-2000:]
    assert "INFO: run 1 finished" in text and "INFO:   en: new 20" in text  # the run report, a record a line
