"""The ``csto`` command line: a thin layer over the crawler and the archive that talks to people.

Data goes to stdout, progress and logs to stderr. Every user error (bad option, wrong path,
foreign file, locked archive) is one line on stderr and a documented exit code, never a traceback.
One module per group of commands; this one assembles the ``csto`` group.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import click
from sqlalchemy.exc import DBAPIError

from .. import __version__, stopping
from ..archive.failures import storage_failure
from ..outcomes import ExitCode
from .backup import backup
from .care import coverage, failures, verify
from .common import CstoError, DamagedError, exit_error
from .crawl import crawl, demo
from .export import export, stats
from .extract import extract
from .extractor import health, reextract
from .files import attachment_text, attachments
from .logs import prefix
from .release import release
from .report import report
from .research import diff, search, show
from .runs import runs
from .snapshot import snapshot
from .sources import sources
from .warc import warc

__all__ = ["ExitCode", "main"]


class CstoGroup(click.Group):
    """The ``csto`` group: storage failures in any command (a damaged archive, a full disk, a
    read-only medium), Ctrl-C and SIGTERM end in one line and a documented exit code, never a
    traceback; the line carries the time when a scheduled command writes to no terminal (logs.py)."""

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
        except (sqlite3.Error, DBAPIError, OSError) as exc:
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


for command in (
    crawl,
    demo,
    export,
    stats,
    search,
    show,
    diff,
    verify,
    failures,
    coverage,
    health,
    runs,
    reextract,
    extract,
    attachments,
    attachment_text,
    snapshot,
    release,
    backup,
    report,
    warc,
    sources,
):
    main.add_command(command)
