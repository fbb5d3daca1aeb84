"""``csto report -o report.html``: one self-contained HTML file of plots (csto_crawler/report/)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..report import build_report
from .common import CstoError, archive_option, open_reader
from .outputs import OutputFormat, check_output_folder, output_format


@click.command()
@archive_option()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default="report.html",
    show_default=True,
    help="HTML file to write.",
)
def report(archive_path: Path, output: Path) -> None:
    """Write one self-contained HTML report with plots: articles per month, language and section, edits and
    deletions, ru/en pairing, crawl runs, coverage gaps.

    Opens in any browser without a network (plotly.js is inlined).

    \b
    Example:
      csto report -o report.html
      csto report --archive /srv/archive/csto.sqlite -o /var/www/csto/report.html
    """
    started = time.monotonic()
    output_format(output, None, (OutputFormat.HTML,), OutputFormat.HTML)
    check_output_folder(output)
    with open_reader(archive_path) as reader:
        page = build_report(reader, archive_path.name)
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise CstoError(f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(str(output))
    click.echo(f"report written in {time.monotonic() - started:.1f}s ({len(page) // 1024} KB)", err=True)
