"""``csto export --to postgresql://USER@HOST/DB``: articles, versions and attachments into PostgreSQL.

Every line it prints about the database passes through ``redaction.redact``: the URL's password
never reaches the terminal or a log, whatever is wrong with the URL.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from click.core import ParameterSource

from ..archive.filters import RowFilter
from ..archive.postgres import PostgresError, export_to_postgres, safe_url
from ..redaction import redact
from .common import BadUsageError, CstoError, open_reader

# Options of ``csto export`` that write files; ``--to`` loads every table instead.
FILE_OPTIONS = {"fmt": "--format", "output": "-o/--output", "versions": "--versions"}


def export_to_url(archive_path: Path, url: str, flt: RowFilter) -> None:
    """Run the PostgreSQL export for ``csto export --to URL`` (called by the export command)."""
    context = click.get_current_context()
    given = [
        option
        for name, option in FILE_OPTIONS.items()
        if context.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)
    ]
    if given:
        raise BadUsageError(
            f"--to loads articles, versions and attachments into a database: {', '.join(given)} cannot go with it"
        )
    started = time.monotonic()
    with open_reader(archive_path) as reader:
        try:
            counts = export_to_postgres(reader, url, flt, progress=lambda m: click.echo(redact(m, url), err=True))
        except PostgresError as exc:
            raise CstoError(redact(str(exc), url)) from None  # the cause's message may hold the password
    for name, count in counts.items():
        click.echo(
            f"{name}: {count.rows} rows ({count.inserted} new, {count.updated} updated, {count.unchanged} unchanged)"
        )
    click.echo(f"exported to {safe_url(url)} in {time.monotonic() - started:.1f}s", err=True)
