"""The writer's statements: one helper that the ledger and the history share, so both write in one transaction.

Statements run on the sqlite3 connection itself, inside the transaction ``with db`` began: through
SQLAlchemy's ``text()`` the per-statement overhead was ~45 % of the write path
(benchmarks/pipeline_cost.py). Every statement is parameterised (sqlite3 binds ``:name``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import Any

import dataset

from ..dates import to_utc_iso
from .connection import dbapi_connection, row_dicts
from .errors import ArchiveError

Clock = Callable[[], dt.datetime]


def moment(value: str) -> dt.datetime:
    """An archive timestamp (ISO 8601 with offset) as an aware datetime, for comparisons."""
    return dt.datetime.fromisoformat(value)


class Statements:
    """Parameterised statements on the archive's connection, and the writer's clock."""

    def __init__(self, db: dataset.Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def now(self) -> str:
        return to_utc_iso(self.clock())

    def execute(self, sql: str, **params: Any) -> sqlite3.Cursor:
        # The connection is looked up each time: dataset keeps one per thread.
        return dbapi_connection(self.db).execute(sql, params)

    def execute_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        """One statement over many parameter sets: a sitemap lists every article of its section."""
        dbapi_connection(self.db).executemany(sql, rows)

    def insert(self, sql: str, **params: Any) -> int:
        """Run an INSERT and return the new row's id."""
        row_id = self.execute(sql, **params).lastrowid
        if row_id is None:
            raise ArchiveError(f"no row id after {sql[:40]}...")
        return row_id

    def one(self, sql: str, **params: Any) -> dict[str, Any] | None:
        rows = row_dicts(self.execute(sql, **params))
        return rows[0] if rows else None

    def all(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        return row_dicts(self.execute(sql, **params))
