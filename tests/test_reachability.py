"""No network, fail fast: a crawl whose sites cannot be reached stops at once with one line, exit 3,
and leaves no archive behind; one reachable site is enough to crawl."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_crawls import run_csto
from log_lines import unstamped

from csto_crawler.cli import ExitCode
from csto_crawler.reachability import PROXY_VARIABLES, unreachable


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_closed_ports_are_unreachable_and_say_why(closed_port: int) -> None:
    failed = unreachable([f"http://127.0.0.1:{closed_port}"], timeout=2)
    assert failed is not None and len(failed) == 1
    assert failed[0].problem.startswith("cannot connect to 127.0.0.1")


def test_a_host_that_does_not_resolve_says_so() -> None:
    failed = unreachable(["https://en.odkb-csto.invalid"], timeout=2)
    assert failed is not None
    assert "does not resolve" in failed[0].problem


def test_one_reachable_site_is_enough(closed_port: int, listening_port: int) -> None:
    assert unreachable([f"http://127.0.0.1:{closed_port}", f"http://127.0.0.1:{listening_port}"], timeout=2) is None


def test_a_proxy_makes_the_check_meaningless(closed_port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    assert unreachable([f"http://127.0.0.1:{closed_port}"], timeout=2) is None


def test_crawl_without_network_exits_3_before_any_request_in_one_line_and_leaves_no_archive(
    tmp_path: Path, closed_port: int
) -> None:
    archive = tmp_path / "archive" / "csto.sqlite"
    base = f"http://127.0.0.1:{closed_port}"
    result = run_csto("crawl", "--archive", str(archive), "--site", f"en={base}", "--site", f"ru={base}", cwd=tmp_path)
    assert result.returncode == ExitCode.CANNOT_RUN
    lines = unstamped(result.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("csto: error: no site can be reached"), result.stderr
    assert not archive.exists()
