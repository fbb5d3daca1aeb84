"""Version rows: written once with the next number, then only their seen range moves.

A version's number is its citation key and its content never changes (``insert``). What a later
capture may change is when the content was seen: ``seen_again`` and ``set_last_seen`` move the end
of its range (forward, or back when a capture inside it showed other content), ``set_first_seen``
its start. An article's versions are read in time order (``TIME_ORDER``), never by number.
"""

from __future__ import annotations

from typing import Any

from ..items import ArticleItem
from .registry import Fill
from .statements import Statements
from .tables import VERSIONS

# The order of an article's versions in time: by first sighting, the number breaking ties (a
# re-reading of the same snapshot shares its first sighting and comes after it).
TIME_ORDER = "first_seen_at, version"
LATEST_FIRST = "first_seen_at DESC, version DESC"

_WRITTEN = tuple(name for name in VERSIONS.names if name != "id")
INSERT_VERSION = VERSIONS.insert(_WRITTEN)
# A version's content again under a new number (its range after a capture that cut it short).
_COPIED = {
    "version": ":number",
    "first_seen_at": ":first",
    "first_run_id": ":first_run",
    "fetch_id": ":fetch",
    "snapshot_sha256": ":snapshot",
}
COPY_VERSION = (
    f"INSERT INTO versions ({', '.join(_WRITTEN)}) SELECT"  # noqa: S608  registry names
    f" {', '.join(_COPIED.get(name, name) for name in _WRITTEN)} FROM versions WHERE id = :id"
)
# The article was last seen at :now, by run :run and fetch :fetch (a 304, or a capture of its current content).
ARTICLE_SEEN = "UPDATE articles SET last_seen_at = :now, last_run_id = :run, last_fetch_id = :fetch WHERE id = :aid"
RANGE_COLUMNS = (
    "id, version, content_sha256, first_seen_at, last_seen_at, first_run_id, last_run_id, fetch_id, snapshot_sha256"
)


class VersionRows:
    """Writes and reads version rows through the writer's statements."""

    def __init__(self, sql: Statements, extractor_version: str) -> None:
        self.sql = sql
        self.extractor_version = extractor_version

    def next_number(self, aid: str) -> int:
        row = self.sql.one("SELECT coalesce(max(version), 0) + 1 AS n FROM versions WHERE article_id = :aid", aid=aid)
        return int(row["n"]) if row else 1

    def insert(
        self, aid: str, number: int, item: ArticleItem, fields: dict[str, Any], fetch_id: int, run_id: int, now: str
    ) -> None:
        """Version ``number`` of ``aid``: the item's content (``fields``), first and last seen ``now``."""
        values = VERSIONS.item_values(item, Fill.ITEM)
        self.sql.execute(
            INSERT_VERSION,
            **values,
            **fields,
            article_id=aid,
            version=number,
            first_seen_at=now,
            last_seen_at=now,
            first_run_id=run_id,
            last_run_id=run_id,
            fetch_id=fetch_id,
            snapshot_sha256=item.fetch.sha256,
            change=str(item.version_change),
            extractor_version=self.extractor_version,
        )

    def copy(self, row: dict[str, Any], number: int, first: dict[str, Any]) -> None:
        """``row``'s content again as version ``number``, first seen by the fetch ``first`` (id, run_id,
        fetched_at, sha256)."""
        self.sql.execute(
            COPY_VERSION,
            number=number,
            first=first["fetched_at"],
            first_run=first["run_id"],
            fetch=first["id"],
            snapshot=first["sha256"],
            id=row["id"],
        )

    def in_time_order(self, aid: str) -> list[dict[str, Any]]:
        """The article's versions (their ranges and fingerprints), oldest first."""
        return self.sql.all(
            f"SELECT {RANGE_COLUMNS} FROM versions WHERE article_id = :aid ORDER BY {TIME_ORDER}",  # noqa: S608
            aid=aid,
        )

    def seen_again(self, aid: str, number: int, run_id: int, now: str) -> None:
        """The content seen again at ``now``: its last sighting moves up to it, never back."""
        self.sql.execute(
            "UPDATE versions SET last_run_id = CASE WHEN :now >= last_seen_at THEN :run ELSE last_run_id END,"
            " last_seen_at = max(last_seen_at, :now) WHERE article_id = :aid AND version = :number",
            now=now,
            run=run_id,
            aid=aid,
            number=number,
        )

    def set_first_seen(self, vid: int, first: str, run_id: int) -> None:
        """The content was already shown at ``first``: its first sighting moves back to it."""
        self.sql.execute("UPDATE versions SET first_seen_at = :at, first_run_id = :run WHERE id = :id", at=first,
                         run=run_id, id=vid)  # fmt: skip

    def set_last_seen(self, vid: int, last: str, run_id: int | None) -> None:
        """The content was last shown at ``last``: later (seen again), or earlier (a capture showed other content)."""
        self.sql.execute("UPDATE versions SET last_seen_at = :at, last_run_id = :run WHERE id = :id", at=last,
                         run=run_id, id=vid)  # fmt: skip
