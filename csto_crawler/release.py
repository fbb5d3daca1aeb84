"""``csto release DIR``: an immutable, citable release of the archive for researchers.

The release is built in a temporary folder beside DIR and renamed into place at the end, so DIR
either holds a complete release or does not exist:

- ``csto.sqlite``: a consistent copy taken while a crawl may write (archive/release_copy.py).
  ``--no-snapshots`` deletes the raw page snapshots (HTML pages, listings, sitemaps; attachment
  files stay) and records ``release_snapshots = omitted`` in ``meta``, which ``csto verify``
  honours. Its word indexes gain every Russian word form, for Datasette's search box, sqlite-utils
  and plain SQL, and it gains ``search_words`` (archive/release_search.py says why).
- ``articles.parquet``, ``versions.parquet``, ``attachments.parquet``: the registry's exports,
  typed (archive/typed_tables.py), as ``csto export --format parquet`` writes them.
- ``metadata.json`` (Datasette), ``README.md`` (data dictionary, versions, citation; both from the
  registry and the package's templates, release_docs.py) and ``SHA256SUMS`` (``sha256sum -c``
  format). Every file is made read-only.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .archive.backup import sha256_file
from .archive.database import check_archive
from .archive.export import write_parquet
from .archive.queries import ArchiveReader
from .archive.registry import Export
from .archive.release_copy import Progress, copy_archive, prepare_copy, release_facts, release_tables
from .archive.typed_tables import EXPORTS, arrow_schema, typed_rows
from .archive.word_indexes import WORD_INDEXES
from .dates import utc_now
from .release_docs import datasette_metadata, describe, release_readme

DB_NAME = "csto.sqlite"
SUMS_NAME = "SHA256SUMS"


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


def _write_companions(
    db_path: Path, work: Path, meta: dict[str, str], summary: ReleaseSummary, searchable: set[str], say: Progress
) -> None:
    """Parquet files, metadata.json, README.md and SHA256SUMS, all read from the copy itself."""
    reader = ArchiveReader.open(db_path)
    try:
        parquet: list[tuple[str, Export, int]] = []
        for export in EXPORTS:
            filename = f"{export.name}.parquet"
            say(f"writing {filename}")
            count = write_parquet(typed_rows(reader, export), export.names, str(work / filename), arrow_schema(export))
            parquet.append((filename, export, count))
            summary.rows[filename] = count
        facts = release_facts(reader, meta, __version__)
        tables = release_tables(reader)
    finally:
        reader.close()
    facts["db_sha256"] = sha256_file(db_path)
    described = describe(tables)
    hidden = {index.name for index in WORD_INDEXES}
    metadata = datasette_metadata(described, facts, hidden, searchable)
    (work / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (work / "README.md").write_text(release_readme(described, parquet, facts), encoding="utf-8")
    write_sums(work)


def write_sums(folder: Path) -> None:
    """SHA256SUMS in ``sha256sum`` format (hash, two spaces, file name), every file but itself."""
    lines = [f"{sha256_file(p)}  {p.name}" for p in sorted(folder.iterdir()) if p.name != SUMS_NAME and p.is_file()]
    (folder / SUMS_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
