"""A release's database: a consistent copy of the archive, made a release (journal, provenance, no
snapshots if asked), with its word indexes holding every word form; and what the release's companions
read from it.

``VACUUM INTO`` on a read-only connection is one read transaction, so a crawl may go on writing
meanwhile; the copy holds what was committed when it started, compacted, in rollback-journal mode
(one file, readable from a read-only folder). The word indexes (``articles_fts``,
``attachment_texts_fts``) are remade with every form of each word and ``search_words`` is added
(release_search.py), so Datasette, sqlite-utils and plain SQL find any form.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from .database import BUSY_TIMEOUT_MS, read_only_uri
from .queries import ArchiveReader
from .release_search import build_release_search

# The tables FTS5 and FTS4 keep for an index (never described: Datasette hides them).
FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config", "_segments", "_segdir", "_stat")
Progress = Callable[[str], None]


def copy_archive(archive: Path, dest: Path) -> None:
    """A consistent copy of a live archive: VACUUM INTO from a read-only connection (one read transaction)."""
    with closing(sqlite3.connect(read_only_uri(archive), uri=True)) as source:
        source.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        source.execute("VACUUM INTO ?", (str(dest),))


def prepare_copy(db_path: Path, meta: dict[str, str], snapshots: bool, say: Progress) -> tuple[int, set[str]]:
    """Make the copy a release: journal mode, snapshots, provenance in ``meta``, every word form indexed."""
    dropped = 0
    with closing(sqlite3.connect(db_path, isolation_level=None)) as con:
        con.execute("PRAGMA journal_mode=DELETE")
        if not snapshots:
            # Attachment files are documents, not snapshots: they stay (and keep their references sound).
            dropped = con.execute(
                "DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM attachments WHERE sha256 IS NOT NULL)"
            ).rowcount
            say(f"dropped {dropped} raw snapshots; compacting")
            con.execute("VACUUM")
        con.execute("BEGIN")
        con.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            sorted(meta.items()),
        )
        con.execute("COMMIT")
        say("indexing every word form for Datasette and sqlite-utils (articles_fts, search_words)")
        searchable = build_release_search(con)
    return dropped, searchable


def release_facts(reader: ArchiveReader, meta: dict[str, str], version: str) -> dict[str, Any]:
    """What the release's README and metadata say of it: counts, last crawl, provenance, a citation example."""
    row = reader.query(
        "SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM versions) AS versions,"
        " (SELECT count(*) FROM attachments) AS attachments,"
        " (SELECT max(finished_at) FROM crawl_runs) AS last_crawl"
    )[0]
    example = reader.query(
        "SELECT v.article_id, v.version, v.content_sha256, v.first_seen_at, v.last_seen_at, v.title, v.url,"
        " v.published FROM versions v JOIN articles a ON a.id = v.article_id"
        # An article edited on the site, its latest version in time: the example of a citation.
        " ORDER BY a.version_count > 1 DESC, a.published DESC, v.first_seen_at DESC, v.version DESC LIMIT 1"
    )
    omitted = meta["release_snapshots"] == "omitted"
    note = (
        "Raw page snapshots are omitted from this release (csto release --no-snapshots); attachment files are kept."
        if omitted
        else "Raw page snapshots (the HTML as fetched) are included in the blobs table."
    )
    return {
        **row,
        "id": meta["release_id"],
        "created_at": meta["release_created_at"],
        "tool_version": version,
        "snapshots_note": note,
        "example": example[0] if example else None,
    }


def release_tables(reader: ArchiveReader) -> dict[str, list[str]]:
    """Tables of the release database and their columns, FTS5 shadow tables left out."""
    rows = reader.query("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
    virtual = [r["name"] for r in rows if str(r["sql"] or "").upper().startswith("CREATE VIRTUAL TABLE")]
    shadows = {f"{v}{suffix}" for v in virtual for suffix in FTS_SHADOWS}
    tables: dict[str, list[str]] = {}
    for row in rows:
        name = str(row["name"])
        if name in shadows or name.startswith("sqlite_"):
            continue
        columns = reader.query("SELECT name FROM pragma_table_info(:t)", t=name)
        tables[name] = [str(c["name"]) for c in columns]
    return tables
