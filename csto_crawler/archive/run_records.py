"""The runs ledger read back: how each run ended (``csto runs``, ``csto health``) and the pages held back.

Each row is what the run driver (csto_crawler/runs.py) recorded: mode, start and end, the exit code,
pages fetched, archived and held, failures, duration, counts and extraction health.
"""

from __future__ import annotations

import json
from typing import Any

from .queries import ArchiveReader

RUN_COLUMNS = (
    "id, mode, started_at, finished_at, finish_reason, exit_code, pages_fetched, pages_archived, pages_held,"
    " failures, duration_s, crawler_version, arguments, counts, health"
)
JSON_COLUMNS = ("arguments", "counts", "health")


def latest_runs(reader: ArchiveReader, limit: int) -> list[dict[str, Any]]:
    """The latest ``limit`` runs, newest first, their JSON columns decoded."""
    rows = reader.query(f"SELECT {RUN_COLUMNS} FROM crawl_runs ORDER BY id DESC LIMIT :n", n=limit)  # noqa: S608
    for row in rows:
        for name in JSON_COLUMNS:
            row[name] = json.loads(row[name]) if row[name] else {}
    return rows


def held_pages(reader: ArchiveReader) -> list[dict[str, Any]]:
    """Every page held back as doubtful, its doubts decoded."""
    rows = reader.query("SELECT url, lang, section, method, doubts, last_held_at FROM held_pages ORDER BY url")
    for row in rows:
        row["doubts"] = json.loads(row["doubts"])
    return rows
