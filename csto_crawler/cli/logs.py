"""Log lines of the commands a scheduler runs: a timestamp on every line when no terminal watches.

Under cron or systemd (``csto crawl >>archive/cron.log 2>&1``) a line without a time says nothing
about which run wrote it. The commands marked ``@scheduled`` (crawl, demo, backup, reextract, warc
import, attachment-text, release) therefore begin every line they write to stderr (the run
report, progress, the ``csto: error:`` line, the log records of the package's loggers) with the
local time, in the format of Scrapy's own log lines (``2026-02-13 03:17:05``), when stderr is not
a terminal. Scrapy's log, and ``--log-file``, always carry it. On a terminal the lines stay short.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click

# Scrapy's LOG_DATEFORMAT and LOG_FORMAT defaults: a crawl's log and csto's own lines read as one.
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
SCHEDULED = "csto.scheduled"  # click context meta key: this invocation is a scheduled command's
HANDLER_NAME = "csto-stderr"

F = TypeVar("F", bound=Callable[..., Any])


def scheduled(command: F) -> F:
    """Mark a command as one a scheduler runs (just above ``def``): its lines get times, and while
    it runs the package's warnings go to stderr through ``log_to_stderr``."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        click.get_current_context().meta[SCHEDULED] = True
        handler = log_to_stderr()
        try:
            return command(*args, **kwargs)
        finally:
            logging.getLogger().removeHandler(handler)

    return run  # type: ignore[return-value]


def stamping() -> bool:
    """Whether this invocation's stderr lines get a time: a scheduled command, no terminal."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.meta.get(SCHEDULED)) and not sys.stderr.isatty()


def prefix(clock: Callable[[], time.struct_time] = time.localtime) -> str:
    """What goes before each line now: ``2026-02-13 03:17:05 `` when stamping, else nothing."""
    return time.strftime(TIME_FORMAT, clock()) + " " if stamping() else ""


def stamp(text: str) -> str:
    """``text`` with the time before each of its lines (when stamping)."""
    head = prefix()
    return "\n".join(head + line for line in text.split("\n")) if head else text


def say(text: str) -> None:
    """A line (or lines) of a scheduled command on stderr: the run report, progress, a summary."""
    click.echo(stamp(text), err=True)


class _Alone(logging.Filter):
    """Passes records only while its handler is the root logger's only one: once a crawl starts,
    Scrapy's handler writes the log (timed, to --log-file when given), and this one falls silent."""

    def __init__(self, handler: logging.Handler) -> None:
        super().__init__()
        self.handler = handler

    def filter(self, record: logging.LogRecord) -> bool:
        return all(h is self.handler for h in logging.getLogger().handlers)


def log_to_stderr(level: int = logging.WARNING) -> logging.Handler:
    """Warnings and errors of the package's loggers on stderr, timed as ``say`` is (one handler,
    replaced on each call: it writes to this invocation's stderr)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    timed = not sys.stderr.isatty()
    handler.setFormatter(logging.Formatter(LOG_FORMAT if timed else "%(levelname)s: %(message)s", TIME_FORMAT))
    handler.setLevel(level)
    handler.addFilter(_Alone(handler))
    root.addHandler(handler)
    return handler
