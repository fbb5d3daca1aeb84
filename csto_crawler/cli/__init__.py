"""The ``csto`` command line: a thin layer over the crawler and the archive that talks to people.

Data goes to stdout, progress and logs to stderr. Every user error (bad option, wrong path,
foreign file, locked archive) is one line on stderr and a documented exit code, never a traceback.
One module per group of commands; this one assembles the ``csto`` group.
"""

from __future__ import annotations

import importlib
import logging
import sqlite3
import sys
from typing import Any

import click

from .. import __version__, stopping
from ..outcomes import ExitCode
from .errors import CstoError, DamagedError, exit_error
from .logs import prefix

__all__ = ["ExitCode", "main"]


# Each command's module and name in it, imported only when the command runs (or --help lists it):
# ``csto extract`` on a WARC need not import the archive, SQLAlchemy, pyarrow or the crawl (about a
# second of start-up, docs/decisions/0012).
COMMANDS = {
    "crawl": "crawl:crawl",
    "demo": "crawl:demo",
    "export": "export:export",
    "stats": "export:stats",
    "search": "research:search",
    "show": "research:show",
    "diff": "research:diff",
    "verify": "care:verify",
    "failures": "care:failures",
    "coverage": "care:coverage",
    "health": "extractor:health",
    "runs": "runs:runs",
    "reextract": "extractor:reextract",
    "extract": "extract:extract",
    "attachments": "files:attachments",
    "attachment-text": "files:attachment_text",
    "snapshot": "snapshot:snapshot",
    "release": "release:release",
    "backup": "backup:backup",
    "report": "report:report",
    "warc": "warc:warc",
    "sources": "sources:sources",
}


class CstoGroup(click.Group):
    """The ``csto`` group: storage failures in any command (a damaged archive, a full disk, a
    read-only medium), Ctrl-C and SIGTERM end in one line and a documented exit code, never a
    traceback; the line carries the time when a scheduled command writes to no terminal (logs.py).
    Commands are loaded from their modules when asked for (``COMMANDS``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, attribute = COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(f"{__name__}.{module}"), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with stopping.interrupting():  # a crawl's own handlers stop it gracefully (crawl.py)
                return self._invoke(ctx)
        except CstoError as exc:
            exc.timestamp = prefix()
            raise

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            code = ExitCode.of_signal(stopping.stop_signal())
            by = "SIGTERM" if code is ExitCode.TERMINATED else "Ctrl-C"
            raise exit_error(code)(f"interrupted ({by}); nothing half-written was kept") from exc
        except _storage_errors() as exc:
            from ..archive.failures import storage_failure  # here: SQLAlchemy only when a failure needs it

            failure = storage_failure(exc)
            if failure is None:
                raise
            raise (DamagedError if failure.damaged else CstoError)(failure.message) from exc


@click.group(cls=CstoGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="csto")
def main() -> None:
    """Archive of record of the CSTO websites (en.odkb-csto.org, odkb-csto.org).

    \b
    Example:
      csto crawl                                  # crawl the live sites into archive/csto.sqlite
      csto export --format jsonl -o articles.jsonl
      csto demo                                   # offline trial on the bundled copy of the sites
    """
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _storage_errors() -> tuple[type[BaseException], ...]:
    """What a storage failure can be raised as: SQLAlchemy's errors only once a command imported it."""
    errors: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)
    sqlalchemy_errors = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_errors is not None:
        errors += (sqlalchemy_errors.DBAPIError,)
    return errors
