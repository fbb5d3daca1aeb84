"""Storage failures as people need to hear them: what happened to the archive, in one line.

SQLite and the operating system report a damaged file, a full disk, a read-only medium or a
missing permission with codes; each becomes one sentence that names the cause and what to do,
and whether the archive itself is damaged (``csto verify`` exit code 6) or merely cannot be used
right now (exit code 3). Judged by codes, never by the wording of a message.
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

# SQLite primary result codes (the low byte of an extended code).
DAMAGED_CODES = {sqlite3.SQLITE_CORRUPT: "is damaged", sqlite3.SQLITE_NOTADB: "is not a database (damaged?)"}
CAUSE_CODES = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_IOERR: "the disk could not be read or written (I/O error)",
    sqlite3.SQLITE_READONLY: "it is read-only",
    sqlite3.SQLITE_CANTOPEN: "it cannot be opened (missing, or no permission on its folder)",
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_BUSY: "another process holds it locked",
    sqlite3.SQLITE_LOCKED: "another connection holds it locked",
}
OS_CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted (immutable file?)",
    errno.EIO: "I/O error",
}


@dataclass(frozen=True)
class StorageFailure:
    damaged: bool
    message: str


def storage_failure(exc: BaseException) -> StorageFailure | None:
    """What a storage exception means for the archive, or None when it is not one."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary in DAMAGED_CODES:
            return StorageFailure(
                True,
                f"the archive {DAMAGED_CODES[primary]} ({cause}); run `csto verify` for details and restore "
                "it from a backup or a release",
            )
        reason = CAUSE_CODES.get(primary, str(cause)) if primary is not None else str(cause)
        return StorageFailure(False, f"the archive cannot be used: {reason}")
    if isinstance(cause, OSError) and cause.errno in OS_CAUSES:
        where = f" ({cause.filename})" if cause.filename else ""
        return StorageFailure(False, f"cannot write{where}: {OS_CAUSES[cause.errno]}")
    return None
