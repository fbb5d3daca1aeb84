"""Archive integrity: SQLite's own check, every snapshot re-hashed, every reference resolved.

A researcher who cites the archive must be able to show it is sound: that each stored snapshot
still hashes to the sha256 recorded for it, and that versions, fetches and attachments point at
snapshots that exist.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import DatabaseError

from . import blobs
from .queries import ArchiveReader
from .version_rows import LATEST_FIRST

# Rows re-hashed per query, so memory stays flat on a large archive.
VERIFY_BATCH = 500

# A release made by `csto release --no-snapshots` says so in meta: its page snapshots were left out on
# purpose (attachment files stay), so fetches and versions may name bytes only the full archive holds.
PAGES_KEPT = "NOT EXISTS (SELECT 1 FROM meta WHERE key = 'release_snapshots' AND value = 'omitted')"

# (description, SQL returning offending rows): references that must resolve, counters that must agree.
REFERENCE_CHECKS = [
    (
        "fetch without its snapshot",
        "SELECT f.id, f.url FROM fetches f LEFT JOIN blobs b ON b.sha256 = f.sha256 WHERE b.sha256 IS NULL"  # noqa: S608
        f" AND (f.kind = 'attachment' OR {PAGES_KEPT})",
    ),
    (
        "version without its snapshot",
        "SELECT v.article_id, v.version FROM versions v LEFT JOIN blobs b ON b.sha256 = v.snapshot_sha256"  # noqa: S608
        f" WHERE v.snapshot_sha256 IS NOT NULL AND b.sha256 IS NULL AND {PAGES_KEPT}",
    ),
    (
        "attachment without its file",
        "SELECT t.url FROM attachments t LEFT JOIN blobs b ON b.sha256 = t.sha256"
        " WHERE t.sha256 IS NOT NULL AND b.sha256 IS NULL",
    ),
    (
        "article whose version count disagrees with its versions",  # numbered 1 to the count
        "SELECT a.id, a.version_count, count(v.id) AS n FROM articles a LEFT JOIN versions v ON v.article_id = a.id"
        " GROUP BY a.id HAVING a.version_count != count(v.id) OR max(v.version) != count(v.id)",
    ),
    (
        "article whose content differs from its current version",
        "SELECT a.id, a.current_version FROM articles a LEFT JOIN versions v ON v.article_id = a.id"
        " AND v.version = a.current_version WHERE v.content_sha256 IS NOT a.content_sha256",
    ),
    (
        "article whose current version is not its latest in time",
        "SELECT a.id, a.current_version FROM articles a WHERE a.current_version != (SELECT v.version"  # noqa: S608
        " FROM versions v"
        f" WHERE v.article_id = a.id ORDER BY {LATEST_FIRST} LIMIT 1)",
    ),
]


@dataclass
class VerifyReport:
    integrity: str = "not run"
    blobs_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return self.integrity == "ok" and not self.problems


def verify_archive(reader: ArchiveReader, progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Run every check; problems are collected, not raised, so one report lists them all."""
    report = VerifyReport()
    try:
        rows = reader.query("PRAGMA integrity_check")
        messages = [" ".join(str(next(iter(r.values()))).split()) for r in rows]
        report.integrity = "ok" if messages == ["ok"] else "; ".join(messages[:20])
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        report.integrity = f"integrity check failed: {getattr(exc, 'orig', None) or exc}"
        return report
    try:
        for description, sql in REFERENCE_CHECKS:
            for row in reader.query(sql)[:20]:
                report.problems.append(f"{description}: {dict(row)}")
        _rehash_blobs(reader, report, progress)
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        # Pages SQLite cannot read: what was found so far stands, and the damage is the last problem.
        report.problems.append(f"unreadable pages stopped the checks: {getattr(exc, 'orig', None) or exc}")
    return report


def _rehash_blobs(reader: ArchiveReader, report: VerifyReport, progress: Callable[[int], None] | None) -> None:
    last = ""
    while True:
        rows = reader.query(
            "SELECT sha256, codec, data FROM blobs WHERE sha256 > :last ORDER BY sha256 LIMIT :n",
            last=last,
            n=VERIFY_BATCH,
        )
        if not rows:
            return
        for row in rows:
            try:
                blobs.verify(row["sha256"], row["codec"], row["data"])
            except blobs.BlobError as exc:
                report.problems.append(f"snapshot {row['sha256']}: {exc}")
        report.blobs_checked += len(rows)
        last = rows[-1]["sha256"]
        if progress is not None:
            progress(report.blobs_checked)
