"""The sqlite3 connection under a dataset connection, its rows as dicts, and a transaction a failed COMMIT
left open: what every archive module reads and writes through (a leaf module: opening and migrating an
archive is database.py)."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import dataset


def dbapi_connection(db: dataset.Database) -> sqlite3.Connection:
    """The sqlite3 connection under ``db`` (this thread's), for the archive's hot write paths.

    Statements run on it belong to the transaction ``with db:`` began, like SQLAlchemy's own; they
    skip SQLAlchemy's per-statement compile, parameter and result handling, which cost more than
    SQLite's work when writing a page (benchmarks/README.md).
    """
    connection = db.executable.connection.driver_connection
    if not isinstance(connection, sqlite3.Connection):
        raise TypeError(f"archive connection is {type(connection).__name__}, not sqlite3")
    return connection


def row_dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """The rows of a sqlite3 cursor as column -> value dicts (what dataset would have returned)."""
    names = [column[0] for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def abandon_transaction(db: dataset.Database) -> None:
    """Roll back what a failed COMMIT left open. dataset forgets a transaction whose COMMIT raised
    (a full disk: "database or disk is full") while SQLAlchemy's connection still holds it, so every
    later ``with db:`` (closing the run row) would fail; this frees the connection for them."""
    connection = db.connections.get(threading.get_ident())  # dataset's connection of this thread
    if connection is not None:
        connection.rollback()  # also a transaction the failed COMMIT left inactive but not closed
    db.local.tx = []
