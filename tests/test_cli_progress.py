"""Progress of the long batch commands: on a terminal every few seconds, silent otherwise."""

from __future__ import annotations

import pytest

from csto_crawler.cli.common import TerminalProgress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_lines_every_two_seconds_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    clock = Clock()
    progress = TerminalProgress("csto export", "row(s)", clock=clock)
    for step in range(1, 11):
        clock.now = step * 0.5
        progress(step * 100)
    assert capsys.readouterr().err.splitlines() == [
        "csto export: 400 row(s) so far",
        "csto export: 800 row(s) so far",
    ]


def test_no_progress_when_nobody_watches(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    clock = Clock()
    progress = TerminalProgress("csto verify", "snapshot(s)", clock=clock)
    clock.now = 10.0
    assert list(progress.counted(range(3))) == [0, 1, 2]
    assert capsys.readouterr().err == ""
