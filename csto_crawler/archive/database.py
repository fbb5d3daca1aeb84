"""Opening an archive file: checks that it is ours, applies pragmas, migrates older schemas.

Every way a path can be wrong (missing, a directory, unwritable, not SQLite, another program's
SQLite file, a newer schema, corrupt) raises an ArchiveError subclass whose message is one line a
researcher can act on; nothing is written to a file that fails these checks.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import dataset
from sqlalchemy import Connection, event
from sqlalchemy.exc import DatabaseError as SADatabaseError

from .. import __version__
from .connection import abandon_transaction, dbapi_connection, row_dicts
from .errors import (
    ArchiveCorruptError,
    ArchiveError,
    ArchiveNotFoundError,
    ArchiveUnwritableError,
    EmptyArchiveError,
    NewerSchemaError,
    NotAnArchiveError,
)
from .migrations import MIGRATIONS, add_registered
from .schema import SCHEMA_VERSION, TABLES, create_schema
from .source_rows import seed_default_sources

# Re-exported: the archive's callers open files, catch these errors and read rows through this module.
__all__ = [
    "ArchiveCorruptError",
    "ArchiveError",
    "ArchiveNotFoundError",
    "ArchiveUnwritableError",
    "EmptyArchiveError",
    "NewerSchemaError",
    "NotAnArchiveError",
    "abandon_transaction",
    "dbapi_connection",
    "row_dicts",
]

logger = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
# PRAGMA application_id marks the file as a csto archive ("CSTO" in ASCII).
APPLICATION_ID = 0x4353544F
# Writers wait this long for a lock before SQLite gives up with "database is locked".
BUSY_TIMEOUT_MS = 10_000
CONNECTION_PRAGMAS = [
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    # WAL + NORMAL: a crash can lose the last commits but never corrupts the file.
    "PRAGMA synchronous=NORMAL",
]


def check_path(path: Path, create: bool) -> None:
    """Raise an ArchiveError for a path that cannot hold (or does not hold) an archive."""
    if path.is_dir():
        raise NotAnArchiveError(f"{path} is a directory, not an archive file")
    if not path.exists():
        if not create:
            raise ArchiveNotFoundError(f"no archive at {path}")
        check_parent(path.parent if str(path.parent) else Path())
        return
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head and head != SQLITE_MAGIC:
        raise NotAnArchiveError(f"{path} is not an SQLite archive")


def check_parent(parent: Path) -> None:
    """Raise ArchiveUnwritableError unless ``parent`` is (or can be made) a folder we may write in.

    A parent that is a regular file needs its own check: ``os.access`` grants root write access to
    any file, and SQLite then fails with "unable to open database file", which would be reported as
    a corrupt archive.
    """
    if not parent.exists():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveUnwritableError(f"cannot create folder {parent}: {exc.strerror}") from exc
    if not parent.is_dir():
        raise ArchiveUnwritableError(f"cannot create an archive in {parent}: it is a file, not a folder")
    if not os.access(parent, os.W_OK):
        raise ArchiveUnwritableError(f"cannot write an archive in {parent}: permission denied")


def inspect_file(path: Path) -> tuple[int, int, int]:
    """(application_id, user_version, number of tables) read with plain sqlite3, read-only."""
    try:
        con = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise NotAnArchiveError(f"{path} is not a readable SQLite archive: {exc}") from exc
    return int(app_id), int(version), int(tables)


def check_integrity(db: dataset.Database, path: Path) -> None:
    """Refuse to write into a damaged file (``PRAGMA quick_check``: every page and index, without
    the cross-checks of ``integrity_check``): writing on would bury the damage under new runs."""
    rows = [" ".join(str(row[0]).split()) for row in dbapi_connection(db).execute("PRAGMA quick_check(5)")]
    if rows != ["ok"]:
        raise ArchiveCorruptError(
            f"{path} is damaged ({rows[0]}{' ...' if len(rows) > 1 else ''}); not writing into it: restore it from "
            "a backup, or copy what can be read with `csto export`; `csto verify` lists the damage"
        )


def read_only_uri(path: Path) -> str:
    """Readers open the file read-only (``mode=ro``): they never write, not even by accident. On
    read-only media (the file or its folder not writable) SQLite could not create the WAL index,
    so the file is opened ``immutable=1``: read as it is, no locking."""
    read_only_media = not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
    flags = "mode=ro&immutable=1" if read_only_media else "mode=ro"
    return f"file:{quote(str(path.absolute()))}?{flags}"


def database_url(path: Path, writer: bool) -> str:
    return f"sqlite:///{path}" if writer else f"sqlite:///{read_only_uri(path)}&uri=true"


def connect(path: Path, writer: bool) -> dataset.Database:
    """A dataset connection whose transactions are real SQLite transactions.

    pysqlite on its own opens a transaction only before INSERT/UPDATE/DELETE, so DDL and reads would
    run outside it; with the driver in autocommit mode we emit BEGIN ourselves (the SQLAlchemy
    recipe for transactional SQLite). Writers take the write lock up front (BEGIN IMMEDIATE), so a
    transaction that reads then writes never fails half-way on a lock upgrade.
    """
    db = dataset.connect(
        database_url(path, writer),
        engine_kwargs={"connect_args": {"isolation_level": None, "check_same_thread": False}},
        on_connect_statements=list(CONNECTION_PRAGMAS),
        # Only writers set WAL mode: a reader (mode=ro) cannot change the journal mode of a file in
        # rollback-journal mode, such as a release (csto release), and would fail to open it.
        sqlite_wal_mode=writer,
    )
    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql(begin)

    event.listen(db.engine, "begin", _begin)
    return db


def check_archive(path: Path, create: bool = True) -> None:
    """Every check that needs no write: the path, the SQLite header, the application id, the schema."""
    check_path(path, create)
    if path.exists() and path.stat().st_size > 0:
        app_id, version, tables = inspect_file(path)
        if tables and app_id != APPLICATION_ID:
            raise NotAnArchiveError(f"{path} is an SQLite file but not a csto archive")
        if version > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{path} has archive schema {version}, newer than this csto-crawler understands "
                f"({SCHEMA_VERSION}); upgrade csto-crawler"
            )
    elif not create:
        raise EmptyArchiveError(f"{path} is an empty file (0 bytes), not a csto archive")


def open_database(path: Path, create: bool = True, writer: bool = True) -> dataset.Database:
    """Open (creating or migrating as needed) the archive at ``path``."""
    check_archive(path, create)
    if not writer and path.exists() and inspect_file(path)[1] < SCHEMA_VERSION:
        open_database(path, create, writer=True).close()  # an older archive is upgraded once, then read
    db = connect(path, writer=writer)
    try:
        if writer:
            migrate(db, path)
    except SADatabaseError as exc:
        db.close()
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise ArchiveUnwritableError(f"{path} is read-only: cannot open it for writing") from exc
        raise ArchiveCorruptError(f"{path} cannot be opened: {exc.orig}") from exc
    return db


def _record_upgrade(db: dataset.Database, previous: int) -> None:
    """Provenance of the file itself in ``meta``: when it was created and by which version upgraded."""
    now = dt.datetime.now(dt.UTC).isoformat()
    rows = {"schema_version": str(SCHEMA_VERSION), "upgraded_at": now, "upgraded_by": f"csto-crawler {__version__}"}
    if previous == 0:
        rows["created_at"] = now
    for key, value in rows.items():
        db.query(
            "INSERT INTO meta (key, value) VALUES (:key, :value)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            key=key,
            value=value,
        )


def schema_version(db: dataset.Database) -> int:
    with db:
        return int(next(iter(db.query("PRAGMA user_version")))["user_version"])


def migrate(db: dataset.Database, path: Path) -> None:
    """Create a new archive from the registry, or apply the upgrades the file lacks, all in one transaction."""
    current = schema_version(db)
    if current == SCHEMA_VERSION:
        return
    logger.info("Upgrading archive %s from schema %d to %d", path, current, SCHEMA_VERSION)
    with db:
        connection = dbapi_connection(db)
        if current == 0:
            create_schema(connection)
            seed_default_sources(connection)
        for version in range(current + 1, SCHEMA_VERSION + 1) if current else ():
            step = MIGRATIONS.get(version)
            if step is not None:
                step(db)
            add_registered(connection, TABLES, version)
        _record_upgrade(db, current)
        db.query(f"PRAGMA application_id={APPLICATION_ID}")
        # user_version cannot take a bound parameter; SCHEMA_VERSION is a code constant.
        db.query(f"PRAGMA user_version={SCHEMA_VERSION}")
