"""``csto release DIR``: an immutable, citable release of the archive (csto_crawler/release.py)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import click

from ..release import ReleaseError, make_release
from .common import CstoError, archive_errors, archive_option
from .logs import say, scheduled


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@archive_option()
@click.option(
    "--no-snapshots",
    is_flag=True,
    help="Leave out the raw page snapshots (HTML, listings, sitemaps) for a small file; attachments stay.",
)
@scheduled
def release(directory: Path, archive_path: Path, no_snapshots: bool) -> None:
    """Write a release into DIR: a consistent copy of the archive, Parquet, Datasette metadata, README, SHA256SUMS.

    Safe while a crawl is writing to the archive. DIR must not exist (or be empty): a release is
    never overwritten.

    \b
    Example:
      csto release releases/2026-02-13
      csto release --no-snapshots releases/small && cd releases/small && sha256sum -c SHA256SUMS
      datasette releases/2026-02-13/csto.sqlite -m releases/2026-02-13/metadata.json
    """
    started = time.monotonic()
    with archive_errors():
        try:
            summary = make_release(archive_path, directory, snapshots=not no_snapshots, progress=say)
        except ReleaseError as exc:
            raise CstoError(str(exc)) from exc
        except (OSError, sqlite3.Error) as exc:
            raise CstoError(f"cannot write the release in {directory}: {exc}") from exc
    for name, size in sorted(summary.files.items()):
        rows = summary.rows.get(name)
        click.echo(f"{directory / name}\t{size}" + (f"\t{rows} rows" if rows is not None else ""))
    say(f"release {summary.release_id} written in {time.monotonic() - started:.1f}s")
