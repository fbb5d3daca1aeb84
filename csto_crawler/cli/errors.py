"""The command line's user-facing errors (one line, an exit code each) and its checked integer option.

Light on purpose: the ``csto`` group and ``csto extract`` import it without the archive or Scrapy.
"""

from __future__ import annotations

from typing import Any

import click

from ..outcomes import ExitCode
from ..sources.config import LANG_RE as LANGUAGE_CODE_RE


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


class LanguageCode(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click
    """A language code as sources name them (``en``, ``ru``, ``kk``, ``sr-latn``): the CSTO's two
    and any other source's; anything else is one line naming the option, exit 2."""

    name = "language"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        code = str(value).strip().lower()
        if LANGUAGE_CODE_RE.match(code):
            return code
        name = param.get_error_hint(ctx) if param is not None and ctx is not None else "value"
        raise BadUsageError(f"{name}: not a language code (en, ru, kk, ...): {value!r}")


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
