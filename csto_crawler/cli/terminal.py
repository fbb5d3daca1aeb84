"""Progress lines on stderr for a person watching a long batch command."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import click

from ..throttle import Throttle

T = TypeVar("T")


class TerminalProgress:
    """``csto export: 12000 row(s) so far`` on stderr every two seconds while a person watches (stderr
    is a terminal); silent under cron. For the long batch commands (export, verify)."""

    def __init__(self, label: str, unit: str, every: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.label = label
        self.unit = unit
        self.throttle = Throttle(every, clock)
        self.on = sys.stderr.isatty()

    def __call__(self, done: int) -> None:
        if self.on and self.throttle.due():
            click.echo(f"{self.label}: {done} {self.unit} so far", err=True)

    def counted(self, rows: Iterable[T]) -> Iterator[T]:
        """The rows, unchanged, reporting their count as they pass."""
        for done, row in enumerate(rows, 1):
            self(done)
            yield row
