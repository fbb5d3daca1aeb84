"""Schema 7: version numbers an import moved are given back, where the archive proves what they were.

Until schema 7 an imported capture older than a version took that version's number, and the later
versions moved up by one (the old backfill renumbered them); a capture inside a version's seen range
also added a copy of that version after it. Their rows kept their ids, and the ids grow in the order
rows were written, so the number each version had before any import is its rank in id order: crawls
only ever appended.
That is proven for an article when every row written before a version numbered higher than itself
(a row slotted in) came from an imported capture (its fetch names a WARC record), or is the copy
that followed such a capture (same content as an earlier row, written just after it). Those
articles get their numbers back and an ``article_events`` row (``versions_renumbered``, old -> new);
any other article keeps its numbers and is named in ``meta.renumbering_unproven``
(docs/decisions/0009-permanent-version-numbers.md).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .events import Event

VERSION_ROWS = (
    "SELECT v.id, v.article_id, v.version, v.content_sha256, f.warc_record_id IS NOT NULL AS imported"
    " FROM versions v LEFT JOIN fetches f ON f.id = v.fetch_id ORDER BY v.article_id, v.id"
)


@dataclass(frozen=True)
class Row:
    id: int
    version: int
    content_sha256: str
    imported: bool


def slotted(rows: list[Row]) -> list[int]:
    """Positions (in id order) of the rows written before a version numbered higher than themselves."""
    found = []
    highest = 0
    for position, row in enumerate(rows):
        if row.version < highest:
            found.append(position)
        highest = max(highest, row.version)
    return found


def provable(rows: list[Row]) -> bool:
    """Whether every slotted row is an imported capture, or the copy written right after one."""
    for position in slotted(rows):
        row = rows[position]
        if row.imported:
            continue
        before = rows[position - 1] if position else None
        earlier = {r.content_sha256 for r in rows[:position]}
        if before is None or not before.imported or row.content_sha256 not in earlier:
            return False
    return True


def give_back_moved_numbers(connection: sqlite3.Connection, now: str) -> None:
    """Give back the numbers of every article whose versions an import renumbered, where provable."""
    by_article: dict[str, list[Row]] = {}
    for vid, aid, version, sha, imported in connection.execute(VERSION_ROWS):
        by_article.setdefault(aid, []).append(Row(vid, version, sha, bool(imported)))
    renumbered, unproven = [], []
    for aid, rows in by_article.items():
        if not slotted(rows):
            continue
        if not provable(rows):
            unproven.append(aid)
            continue
        _renumber(connection, aid, rows, now)
        renumbered.append(aid)
    for key, ids in (("renumbered_articles", renumbered), ("renumbering_unproven", unproven)):
        if ids:
            connection.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, " ".join(sorted(ids))),
            )


def _renumber(connection: sqlite3.Connection, aid: str, rows: list[Row], now: str) -> None:
    """Number the rows by id order (through negatives: the pair stays unique), keep the current version."""
    current = max(rows, key=lambda r: r.version)  # the latest in time held the highest number
    moves = {row.id: (row.version, rank) for rank, row in enumerate(rows, 1) if row.version != rank}
    for vid, (_, new) in moves.items():
        connection.execute("UPDATE versions SET version = ? WHERE id = ?", (-new, vid))
    connection.execute("UPDATE versions SET version = -version WHERE article_id = ? AND version < 0", (aid,))
    connection.execute("UPDATE articles SET current_version = ? WHERE id = ?", (rows.index(current) + 1, aid))
    detail = ", ".join(f"v{old} -> v{new}" for old, new in sorted(moves.values()))
    connection.execute(
        "INSERT INTO article_events (article_id, event, at, run_id, detail) VALUES (?, ?, ?, NULL, ?)",
        (aid, Event.VERSIONS_RENUMBERED.value, now, detail),
    )
