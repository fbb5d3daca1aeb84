"""The ``csto`` command line: a thin layer over the crawler and the archive that talks to people.

Data goes to stdout, progress and logs to stderr. Every user error (bad option, wrong path,
foreign file, locked archive) is one line on stderr and a documented exit code, never a traceback.
One module per group of commands; this one assembles the ``csto`` group.
"""

from __future__ import annotations

import logging

import click

from .. import __version__
from .care import coverage, failures, verify
from .common import ExitCode
from .crawl import crawl, demo
from .export import export, stats
from .extractor import health, reextract
from .files import attachments
from .research import diff, search, show

__all__ = ["ExitCode", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
):
    main.add_command(command)
