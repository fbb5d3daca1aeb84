"""``csto backup DEST``: a verified copy of the archive, safe while a crawl writes (archive/backup.py)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..archive.backup import BackupDamagedError, BackupError, backup_archive
from .common import CstoError, DamagedError, TerminalProgress, archive_errors, archive_option
from .logs import say, scheduled


@click.command()
@click.argument("dest", type=click.Path(path_type=Path))
@archive_option()
@scheduled
def backup(dest: Path, archive_path: Path) -> None:
    """Copy the archive to DEST (a new file, or a folder for a time-stamped one) and check the copy.

    Consistent while a crawl writes (SQLite's backup API, one read transaction); the copy is checked
    as `csto verify` checks an archive (integrity, every snapshot re-hashed) before it takes its
    name. Prints the file, its size and sha256. Exit 6 when the copy is damaged (nothing is kept).

    \b
    Example:
      csto backup /srv/backups/                     # /srv/backups/csto-20260213T031705Z.sqlite
      csto backup --archive archive/csto.sqlite /mnt/usb/csto-2026-02-13.sqlite
    """
    started = time.monotonic()
    with archive_errors():
        try:
            report = backup_archive(archive_path, dest, TerminalProgress("csto backup", "snapshot(s) re-hashed"))
        except BackupDamagedError as exc:
            raise DamagedError(str(exc)) from exc
        except BackupError as exc:
            raise CstoError(str(exc)) from exc
    click.echo(f"{report.path}\t{report.size}\t{report.sha256}")
    say(
        f"backup of {archive_path} checked (integrity ok, {report.verify.blobs_checked} snapshot(s) re-hashed)"
        f" in {time.monotonic() - started:.1f}s"
    )
