"""``csto release DIR``: an immutable, citable release of the archive for researchers.

The release is built in a temporary folder beside DIR and renamed into place at the end, so DIR
either holds a complete release or does not exist:

- ``csto.sqlite``: a consistent copy taken with ``VACUUM INTO`` on a read-only connection. In WAL
  mode that is one read transaction, so a crawl may go on writing meanwhile; the copy holds what
  was committed when it started, compacted, in rollback-journal mode (one file, readable from a
  read-only folder). ``--no-snapshots`` deletes the raw page snapshots (HTML pages, listings,
  sitemaps; attachment files stay) and records ``release_snapshots = omitted`` in ``meta``, which
  ``csto verify`` honours. Its word indexes gain every Russian word form, for Datasette's search
  box, sqlite-utils and plain SQL, and it gains ``search_words`` (release_search.py says why).
- ``articles.parquet``, ``versions.parquet``, ``attachments.parquet``: typed columns
  (archive/typed_tables.py), written by the project's Parquet writer.
- ``metadata.json`` (Datasette), ``README.md`` (data dictionary, versions, citation) and
  ``SHA256SUMS`` (``sha256sum -c`` format). Every file is made read-only.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .archive.backup import sha256_file
from .archive.database import BUSY_TIMEOUT_MS, check_archive, read_only_uri
from .archive.export import write_parquet
from .archive.queries import ArchiveReader
from .archive.typed_tables import (
    ARTICLES,
    VERSIONS,
    TypedTable,
    arrow_schema,
    attachments_table,
    iter_articles,
    iter_attachments,
    iter_versions,
)
from .archive.word_indexes import WORD_INDEXES
from .dates import utc_now
from .release_docs import datasette_metadata, describe, release_readme, schema_docs
from .release_search import build_release_search

DB_NAME = "csto.sqlite"
SUMS_NAME = "SHA256SUMS"
# The tables FTS5 and FTS4 keep for an index (never described: Datasette hides them).
FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config", "_segments", "_segdir", "_stat")
Progress = Callable[[str], None]


class ReleaseError(Exception):
    """A release that cannot be made (destination taken, folder missing); one line for the user."""


@dataclass
class ReleaseSummary:
    path: Path
    release_id: str
    files: dict[str, int] = field(default_factory=dict)  # file name -> bytes
    rows: dict[str, int] = field(default_factory=dict)  # Parquet file -> rows
    snapshots_dropped: int = 0


def check_destination(out: Path) -> None:
    """A release is never written over: DIR must not exist, or be an empty folder. Its parent
    folders are created (``csto release releases/2026-02-13`` on a fresh clone)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} already exists and is not an empty folder: a release is never overwritten")
    parent = out.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, a read-only medium
        raise ReleaseError(f"cannot create the folder {parent} for the release: {exc.strerror or exc}") from exc


def make_release(archive: Path, out: Path, snapshots: bool = True, progress: Progress | None = None) -> ReleaseSummary:
    say = progress or (lambda _message: None)
    check_archive(archive, create=False)
    check_destination(out)
    created = utc_now().replace(microsecond=0)
    release_id = created.strftime("%Y-%m-%dT%H%M%SZ")
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.absolute().parent))
    try:
        db_path = work / DB_NAME
        say(f"copying {archive} (consistent snapshot, VACUUM INTO)")
        copy_archive(archive, db_path)
        meta = {
            "release_id": release_id,
            "release_created_at": created.isoformat(),
            "release_source": archive.name,
            "release_tool": f"csto-crawler {__version__}",
            "release_snapshots": "included" if snapshots else "omitted",
        }
        dropped, searchable = prepare_copy(db_path, meta, snapshots, say)
        summary = ReleaseSummary(out, release_id, snapshots_dropped=dropped)
        _write_companions(db_path, work, meta, summary, searchable, say)
        for path in work.iterdir():
            summary.files[path.name] = path.stat().st_size
            path.chmod(0o444)
        work.chmod(0o755)  # mkdtemp made it private; the files in it are read-only, the folder can be moved
        if out.exists():
            out.rmdir()
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return summary


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
        say("indexing every word form for Datasette and sqlite-utils (articles_fts, search_words)")
        searchable = build_release_search(con)
    return dropped, searchable


def _write_companions(
    db_path: Path, work: Path, meta: dict[str, str], summary: ReleaseSummary, searchable: set[str], say: Progress
) -> None:
    """Parquet files, metadata.json, README.md and SHA256SUMS, all read from the copy itself."""
    reader = ArchiveReader.open(db_path)
    try:
        attachments = attachments_table(reader)
        parquet: list[tuple[str, TypedTable, int]] = []
        for table, rows in (
            (ARTICLES, iter_articles(reader)),
            (VERSIONS, iter_versions(reader)),
            (attachments, iter_attachments(reader)),
        ):
            filename = f"{table.name}.parquet"
            say(f"writing {filename}")
            count = write_parquet(rows, table.names, str(work / filename), arrow_schema(table))
            parquet.append((filename, table, count))
            summary.rows[filename] = count
        facts = _release_facts(reader, meta)
        tables = _tables(reader)
    finally:
        reader.close()
    facts["db_sha256"] = sha256_file(db_path)
    described = describe(tables, schema_docs())
    hidden = {index.name for index in WORD_INDEXES}
    metadata = datasette_metadata(described, facts, hidden, searchable)
    (work / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (work / "README.md").write_text(release_readme(described, parquet, facts), encoding="utf-8")
    write_sums(work)


def _release_facts(reader: ArchiveReader, meta: dict[str, str]) -> dict[str, Any]:
    row = reader.query(
        "SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM versions) AS versions,"
        " (SELECT count(*) FROM attachments) AS attachments,"
        " (SELECT max(finished_at) FROM crawl_runs) AS last_crawl"
    )[0]
    example = reader.query(
        "SELECT v.article_id, v.version, v.content_sha256, v.first_seen_at, v.last_seen_at, v.title, v.url,"
        " v.published FROM versions v JOIN articles a ON a.id = v.article_id"
        " ORDER BY a.version_count > 1 DESC, a.published DESC, v.version DESC LIMIT 1"
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
        "tool_version": __version__,
        "snapshots_note": note,
        "example": example[0] if example else None,
    }


def _tables(reader: ArchiveReader) -> dict[str, list[str]]:
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


def write_sums(folder: Path) -> None:
    """SHA256SUMS in ``sha256sum`` format (hash, two spaces, file name), every file but itself."""
    lines = [f"{sha256_file(p)}  {p.name}" for p in sorted(folder.iterdir()) if p.name != SUMS_NAME and p.is_file()]
    (folder / SUMS_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
