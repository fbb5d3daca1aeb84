"""A release's database: a consistent copy of the archive, made a release (journal, provenance, no
snapshots if asked), with Datasette's search indexes; and what the release's companions read from it.

``VACUUM INTO`` on a read-only connection is one read transaction, so a crawl may go on writing
meanwhile; the copy holds what was committed when it started, compacted, in rollback-journal mode
(one file, readable from a read-only folder). Datasette's search (``<table>_search``, contentless
FTS5 keyed by the table's rowid, and ``search_words``, every word form with its stem) is built here
with the archive's own stemmer, so it matches what ``csto search`` matches.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from ..htmltext import norm_ws
from .database import BUSY_TIMEOUT_MS, read_only_uri
from .queries import ArchiveReader
from .search import WORD_RE, stem

FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")
Progress = Callable[[str], None]


def copy_archive(archive: Path, dest: Path) -> None:
    """A consistent copy of a live archive: VACUUM INTO from a read-only connection (one read transaction)."""
    with closing(sqlite3.connect(read_only_uri(archive), uri=True)) as source:
        source.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        source.execute("VACUUM INTO ?", (str(dest),))


def prepare_copy(db_path: Path, meta: dict[str, str], snapshots: bool, say: Progress) -> tuple[int, set[str]]:
    """Make the copy a release: journal mode, snapshots, provenance in ``meta``, Datasette's search."""
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
        say("indexing for Datasette (articles_search, search_words)")
        searchable = build_datasette_search(con)
    return dropped, searchable


# Datasette's full-text indexes: table -> (its text columns, the index's columns).
DATASETTE_SEARCH = {
    "articles": (("title", "body_text"), ("title", "body")),
    "attachment_texts": (("text",), ("body",)),  # attachments' text (issue 15), when the archive has it
}


def build_datasette_search(con: sqlite3.Connection) -> set[str]:
    """``<table>_search``: Snowball stems of each searchable table, keyed by the table's rowid (Datasette's
    ``fts_pk``); ``search_words``: every word form with its stem, so that SQL alone can stem a query.
    Returns the tables indexed.

    Stems are computed here with the archive's own ``stem`` (not copied from search_index), so an
    index holds exactly one row per row of its table, and matches what ``csto search`` matches.
    """
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    words: dict[str, str] = {}
    indexed = set()
    con.execute("BEGIN")
    for table, (sources, targets) in DATASETTE_SEARCH.items():
        columns = {r[1] for r in con.execute(f"PRAGMA table_info({table})")} if table in present else set()
        if not set(sources) <= columns:
            continue
        # Table and column names are the constants above.
        con.execute(
            f"CREATE VIRTUAL TABLE {table}_search USING fts5({', '.join(targets)}, content='',"
            " tokenize = 'unicode61 remove_diacritics 2')"
        )
        insert = (
            f"INSERT INTO {table}_search (rowid, {', '.join(targets)})"  # noqa: S608
            f" VALUES (?{', ?' * len(targets)})"
        )
        cursor = con.execute(f"SELECT rowid, {', '.join(sources)} FROM {table}")  # noqa: S608
        while batch := cursor.fetchmany(500):
            con.executemany(insert, [(row[0], *(_stems(text, words) for text in row[1:])) for row in batch])
        indexed.add(table)
    con.execute("CREATE TABLE search_words (word TEXT PRIMARY KEY, stem TEXT NOT NULL) WITHOUT ROWID")
    con.executemany("INSERT INTO search_words (word, stem) VALUES (?, ?)", sorted(words.items()))
    con.execute("COMMIT")
    return indexed


def _stems(text: str | None, words: dict[str, str]) -> str:
    out = []
    for word in WORD_RE.findall(norm_ws(text or "")):
        stemmed = words.get(word)
        if stemmed is None:
            stemmed = words[word] = stem(word)
            words.setdefault(word.lower(), stemmed)
        out.append(stemmed)
    return " ".join(out)


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
