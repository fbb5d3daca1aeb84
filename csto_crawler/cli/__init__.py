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

from .. import __version__
from ..archive.failures import storage_failure
from ..outcomes import ExitCode
from .care import coverage, failures, verify
from .common import CstoError, DamagedError
from .crawl import crawl, demo
from .export import export, stats
from .extractor import health, reextract
from .files import attachment_text, attachments
from .release import release
from .report import report
from .research import diff, search, show
from .snapshot import snapshot
from .warc import warc

__all__ = ["ExitCode", "main"]


class CstoGroup(click.Group):
    """The ``csto`` group: storage failures in any command (a damaged archive, a full disk, a
    read-only medium) end in one line and a documented exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
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
    reextract,
    attachments,
    attachment_text,
    snapshot,
    release,
    report,
    warc,
):
    main.add_command(command)
