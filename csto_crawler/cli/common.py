"""Shared pieces of the command line: exit codes, user-facing errors, common options."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from scrapy.settings import Settings

from ..archive.database import ArchiveError, check_archive, open_database
from ..archive.lock import ArchiveLockedError, RunLock
from ..archive.queries import ArchiveReader
from ..archive.store import ArchiveWriter
from ..crawl import CrawlRefusedError
from ..outcomes import ExitCode
from ..progress import Throttle
from ..settings_check import SettingError, check_overrides

DEFAULT_ARCHIVE = "archive/csto.sqlite"
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


class CstoError(click.ClickException):
    """A user-facing error: printed as one line; the class says the exit code."""

    exit_code = ExitCode.CANNOT_RUN
    timestamp = ""  # "2026-02-13 03:17:05 " when a scheduled command writes to no terminal (cli/logs.py)

    def show(self, file: Any = None) -> None:
        click.echo(f"{self.timestamp}csto: error: {self.format_message()}", err=True)


class LockedError(CstoError):
    exit_code = ExitCode.LOCKED


class FailuresError(CstoError):
    exit_code = ExitCode.FAILURES


class BadUsageError(CstoError):
    exit_code = ExitCode.USAGE


class DamagedError(CstoError):
    exit_code = ExitCode.DAMAGED


class GapsError(CstoError):
    exit_code = ExitCode.GAPS


class DriftError(CstoError):
    exit_code = ExitCode.DRIFT


def parse_pairs(values: tuple[str, ...], what: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=what)
        pairs[name.strip()] = rest
    return pairs


def settings_option(help_text: str) -> Callable[[F], F]:
    """``-s NAME=VALUE`` (``--set``), repeatable: settings overrides, checked before anything runs."""
    return click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help=help_text)


def checked_settings(overrides: dict[str, str]) -> Settings:
    """The project's settings with ``-s`` overrides, each checked first (exit 2 on a bad one)."""
    try:
        check_overrides(overrides)
    except SettingError as exc:
        raise BadUsageError(str(exc)) from exc
    settings = Settings()
    settings.setmodule("csto_crawler.settings", priority="project")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


# SQLite stores an integer in at most 8 bytes: a number past this overflows the query that uses it.
SQLITE_INTEGER_MAX = 2**63 - 1


class ArchiveInt(click.IntRange):
    """An integer option within ``[least, most]`` and SQLite's range: anything else (``--offset
    9223372036854775808``, ``--runs -1``, ``--limit x``) is one line naming the option, exit 2."""

    def __init__(self, least: int = 0, most: int = SQLITE_INTEGER_MAX) -> None:
        super().__init__(least, min(most, SQLITE_INTEGER_MAX))

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            name = param.get_error_hint(ctx) if param is not None and ctx is not None else "value"
            raise BadUsageError(f"{name}: {exc.message}") from None


class InterruptedRunError(CstoError):
    exit_code = ExitCode.INTERRUPTED


class TerminatedRunError(CstoError):
    exit_code = ExitCode.TERMINATED


ERRORS = (
    CstoError,
    LockedError,
    FailuresError,
    BadUsageError,
    DamagedError,
    GapsError,
    DriftError,
    InterruptedRunError,
    TerminatedRunError,
)


def exit_error(code: ExitCode) -> type[CstoError]:
    """The error class that exits with ``code``."""
    return next((error for error in ERRORS if error.exit_code == code), CstoError)


@contextmanager
def archive_errors() -> Iterator[None]:
    """Turn archive problems into one clear line and exit code 3."""
    try:
        yield
    except ArchiveError as exc:
        raise CstoError(str(exc)) from exc


def archive_option() -> Callable[[F], F]:
    # No ``exists=True`` or ``dir_okay=False``: click would answer with a usage screen and exit 2;
    # the archive layer says "no archive at PATH" (or "... is a directory") in one line, exit 3.
    return click.option(
        "--archive",
        "archive_path",
        type=click.Path(path_type=Path),
        default=DEFAULT_ARCHIVE,
        show_default=True,
        envvar="CSTO_ARCHIVE",
        show_envvar=True,
        help="SQLite archive file.",
    )


@contextmanager
def open_reader(archive_path: Path) -> Iterator[ArchiveReader]:
    """A read-only archive connection; archive problems become one clear line and exit code 3."""
    with archive_errors():
        reader = ArchiveReader.open(archive_path)
    try:
        yield reader
    finally:
        reader.close()


def check_archive_folder(archive_path: Path, default: str) -> None:
    """Refuse (exit 3) an archive whose folder does not exist, rather than create folders from a typo.

    Only the default archive's folder (``archive/``, kept in the repository, missing when csto runs
    elsewhere) is created. A parent that is a file is left to the archive layer, which says so.
    """
    parent = archive_path.parent
    if parent.exists():
        return
    if archive_path.absolute() == Path(default).absolute():  # also when spelt out in full
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CstoError(f"cannot create folder {parent}: {exc.strerror}") from exc
        return
    raise CstoError(f"cannot create an archive in {parent}: no such folder (create it first)")


def crawl_error(exc: Exception) -> CstoError:
    """The user-facing error for a crawl that could not start."""
    if isinstance(exc, CrawlRefusedError) and exc.locked:
        return LockedError(str(exc))
    return CstoError(str(exc))


def iso_day(value: Any) -> str | None:
    """A click DateTime option as an ISO date string."""
    return value.date().isoformat() if value else None


@contextmanager
def locked_writer(archive_path: Path, create: bool) -> Iterator[ArchiveWriter]:
    """The archive's single writer under its run lock (exit 5 while a crawl holds it), for the
    batch commands that write (reextract, warc import); archive problems are one line, exit 3."""
    lock = RunLock(archive_path)
    with archive_errors():
        check_archive(archive_path, create=create)
        try:
            lock.acquire()
        except ArchiveLockedError as exc:
            raise LockedError(str(exc)) from exc
        try:
            writer = ArchiveWriter(open_database(archive_path, create=create))
        except ArchiveError:
            lock.release()
            raise
    try:
        yield writer
    finally:
        writer.close()
        lock.release()


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
