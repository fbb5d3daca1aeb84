"""A verified copy of a live archive (``csto backup``): consistent while a crawl writes.

The copy is made with SQLite's online backup API from a read-only connection, all pages in one
step: in WAL mode that is one read transaction, so a crawl goes on committing while the copy holds
exactly what was committed when it began. Pages are copied as they are (unlike ``VACUUM INTO``,
nothing is rebuilt, rowids included, on which the word indexes rely). The copy is written beside
its destination, switched to rollback-journal mode (one self-contained file), checked (``PRAGMA
integrity_check``, every snapshot re-hashed, every reference resolved: verify.py), then renamed
into place; a copy that fails the checks is deleted and never takes the destination's name.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ..dates import utc_now
from .database import BUSY_TIMEOUT_MS, check_archive, read_only_uri
from .queries import ArchiveReader
from .verify import VerifyReport, verify_archive

# A folder as destination gets files named <archive stem>-<UTC time>.sqlite: they sort by age.
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
HASH_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup that cannot be made (destination taken, folder missing); one line for the user."""


class BackupDamagedError(BackupError):
    """The copy failed its checks (the source is damaged): nothing was kept."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    sha256: str
    verify: VerifyReport


def destination(archive: Path, dest: Path) -> Path:
    """The backup file: ``dest`` itself, or a new time-stamped file when ``dest`` is a folder."""
    if dest.is_dir():
        return dest / f"{archive.stem}-{utc_now().strftime(STAMP_FORMAT)}.sqlite"
    if dest.exists():
        raise BackupError(f"{dest} already exists: a backup never overwrites a file (give a folder or a new name)")
    if not dest.absolute().parent.is_dir():
        raise BackupError(f"cannot write {dest}: no folder {dest.parent}")
    return dest


def backup_archive(archive: Path, dest: Path, progress: Callable[[int], None] | None = None) -> BackupReport:
    """Copy, check and name the backup of ``archive``; BackupError when it cannot be made."""
    check_archive(archive, create=False)
    target = destination(archive, dest)
    partial = target.with_name(f".{target.name}.part")
    try:
        _copy(archive, partial)
        reader = ArchiveReader.open(partial)
        try:
            report = verify_archive(reader, progress)
        finally:
            reader.close()
        if not report.sound:
            first = report.integrity if report.integrity != "ok" else report.problems[0]
            raise BackupDamagedError(f"the copy of {archive} failed its checks, nothing kept; first: {first[:200]}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, target.stat().st_size, sha256_file(target), report)


def _copy(archive: Path, partial: Path) -> None:
    with closing(sqlite3.connect(read_only_uri(archive), uri=True)) as source:
        source.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        with closing(sqlite3.connect(partial, isolation_level=None)) as copy:
            source.backup(copy)  # pages=-1: every page in one step, one read transaction
            copy.execute("PRAGMA journal_mode=DELETE")
    with partial.open("rb+") as fh:  # on disk before it takes the destination's name
        os.fsync(fh.fileno())


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes (a backup's, a release's files), read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
