"""Shared pieces of the command line: exit codes, user-facing errors, common options."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
from ..settings_check import SettingError, check_overrides
from .errors import (
    SQLITE_INTEGER_MAX,
    ArchiveInt,
    BadUsageError,
    CstoError,
    DamagedError,
    DriftError,
    FailuresError,
    GapsError,
    InterruptedRunError,
    LockedError,
    TerminatedRunError,
    exit_error,
)
from .terminal import TerminalProgress

# Re-exported: the command modules take their errors and progress from here (errors.py and
# terminal.py hold them apart so that the light commands need not import the archive).
__all__ = [
    "SQLITE_INTEGER_MAX",
    "ArchiveInt",
    "BadUsageError",
    "CstoError",
    "DamagedError",
    "DriftError",
    "FailuresError",
    "GapsError",
    "InterruptedRunError",
    "LockedError",
    "TerminalProgress",
    "TerminatedRunError",
    "exit_error",
]

DEFAULT_ARCHIVE = "archive/csto.sqlite"
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


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
