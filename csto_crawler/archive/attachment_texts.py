"""Attachments' text in the archive: extracted from the stored files, kept by their sha256, searchable.

The text belongs to the bytes, so it is stored like them, content-addressed: one
``attachment_texts`` row per downloaded file (``blobs.sha256``), whatever URLs or articles link
it, with its stemmed shadow text in the ``attachment_search`` FTS5 table (the same Snowball stems
as ``search_index``). ``fill_texts`` reads every stored file that has no text yet; a crawl calls it
at its end, ``csto attachment-text`` on an existing archive, with no network. Reading is CPU-bound,
so big batches go to the run's process pool (work_pool.py); this process alone writes, one short
transaction per batch, so a killed run keeps what it wrote and the
next one carries on. A file that cannot be read is recorded with its status and reason, and is
not read again unless asked (``again=True``, e.g. after a reader improves).
"""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import dataset

from ..attachment_text import ExtractedText, TextStatus, extract_text
from ..dates import to_utc_iso, utc_now
from ..work_pool import WorkPool
from . import blobs
from .database import dbapi_connection, row_dicts
from .search import stem_text

logger = logging.getLogger(__name__)

# Files read per transaction (at most BATCH files, BATCH_BYTES bytes); a pool is started only when
# at least POOL_MIN_FILES files wait.
BATCH = 32
BATCH_BYTES = 128 * 1024 * 1024
POOL_MIN_FILES = 24

PENDING_SQL = (
    "SELECT t.sha256, min(t.filename) AS filename, b.size FROM attachments t"
    " JOIN blobs b ON b.sha256 = t.sha256"
    " LEFT JOIN attachment_texts x ON x.sha256 = t.sha256"
    " WHERE t.sha256 IS NOT NULL {where} GROUP BY t.sha256 ORDER BY t.sha256"
)

Progress = Callable[[Counter[str]], None]


@dataclass(frozen=True)
class _File:
    sha256: str
    filename: str
    data: bytes | None  # None: the stored bytes are damaged
    damage: str = ""


def read_file(file: _File) -> tuple[str, ExtractedText, str]:
    """(sha256, extracted text, stemmed shadow text) of one file: the work a pool process does."""
    if file.data is None:
        result = ExtractedText(TextStatus.CORRUPT, "", f"stored file damaged: {file.damage}", "unknown", "csto")
    else:
        result = extract_text(file.data, file.filename)
    return file.sha256, result, stem_text(result.text) if result.status is TextStatus.OK else ""


def _pending(db: dataset.Database, again: bool) -> list[dict[str, Any]]:
    sql = PENDING_SQL.format(where="" if again else "AND x.sha256 IS NULL")
    return row_dicts(dbapi_connection(db).execute(sql))


def _load(db: dataset.Database, rows: list[dict[str, Any]]) -> list[_File]:
    files = []
    with db:
        connection = dbapi_connection(db)
        for row in rows:
            try:
                data = blobs.load(connection, row["sha256"], check=True)
            except blobs.BlobError as exc:
                files.append(_File(row["sha256"], row["filename"], None, str(exc)))
                continue
            if data is not None:  # else removed since the list was made
                files.append(_File(row["sha256"], row["filename"], data))
    return files


def fill_texts(
    db: dataset.Database,
    pool: WorkPool | None = None,
    again: bool = False,
    progress: Progress | None = None,
    clock: Callable[[], Any] = utc_now,
) -> Counter[str]:
    """Extract the text of every stored attachment file that has none (``again``: of every file).

    Returns the count of files per status. Only a problem with the archive itself raises; a bad
    file is recorded as such.
    """
    with db:
        rows = _pending(db, again)
    counts: Counter[str] = Counter()
    if not rows:
        return counts
    if pool is not None and (not pool.parallel or len(rows) < POOL_MIN_FILES):
        pool = None
    for batch in _batches(rows):
        results, broken = _read_all(pool, _load(db, batch))
        _store(db, results, again, to_utc_iso(clock()), counts)
        if pool is not None and broken:
            pool.restart()
            pool = None
        if progress:
            progress(counts)
    return counts


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """At most BATCH files and BATCH_BYTES bytes at a time (a single larger file goes alone)."""
    batch: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        if batch and (len(batch) >= BATCH or size + row["size"] > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(row)
        size += row["size"]
    if batch:
        yield batch


def _read_all(pool: WorkPool | None, files: list[_File]) -> tuple[list[tuple[str, ExtractedText, str]], bool]:
    """(a batch's readings, whether the pool broke). In this process when there is no pool, or when
    a worker died (a file that exhausts memory kills its worker, and the pool with it)."""
    if pool is not None:
        try:
            return list(pool.map(read_file, files)), False
        except BrokenProcessPool as exc:
            logger.warning("Attachment reader process died (%s); reading on in this process", exc)
            return [read_file(file) for file in files], True
    return [read_file(file) for file in files], False


def _store(
    db: dataset.Database,
    results: list[tuple[str, ExtractedText, str]],
    again: bool,
    now: str,
    counts: Counter[str],
) -> None:
    """Write one batch in one transaction. Without ``again`` a file another process has just
    recorded is left as it is (so its shadow text is never indexed twice)."""
    conflict = (
        "ON CONFLICT (sha256) DO UPDATE SET status = excluded.status, reason = excluded.reason,"
        " format = excluded.format, text = excluded.text, chars = excluded.chars,"
        " extractor = excluded.extractor, extracted_at = excluded.extracted_at"
        if again
        else "ON CONFLICT (sha256) DO NOTHING"
    )
    with db:
        connection = dbapi_connection(db)
        for sha256, result, stems in results:
            cursor = connection.execute(
                "INSERT INTO attachment_texts (sha256, status, reason, format, text, chars, extractor, extracted_at)"  # noqa: S608
                f" VALUES (:sha, :status, :reason, :format, :text, :chars, :extractor, :now) {conflict}",
                {
                    "sha": sha256,
                    "status": result.status.value,
                    "reason": result.reason,
                    "format": result.format,
                    "text": result.text,
                    "chars": len(result.text),
                    "extractor": result.extractor,
                    "now": now,
                },
            )
            if cursor.rowcount == 0:
                continue  # recorded meanwhile by another process
            counts[result.status.value] += 1
            if result.status is not TextStatus.OK:
                logger.info("No text from attachment %s: %s (%s)", sha256[:12], result.status.value, result.reason)
            if again:
                connection.execute("DELETE FROM attachment_search WHERE sha256 = ?", (sha256,))
            if stems:
                connection.execute("INSERT INTO attachment_search (sha256, body) VALUES (?, ?)", (sha256, stems))


# --- reading ---------------------------------------------------------------------------------------


def texts_of(db: dataset.Database, hashes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """sha256 -> its ``attachment_texts`` row (status, reason, format, text, chars, ...)."""
    wanted = sorted(set(h for h in hashes if h))
    found: dict[str, dict[str, Any]] = {}
    with db:
        connection = dbapi_connection(db)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            cursor = connection.execute(f"SELECT * FROM attachment_texts WHERE sha256 IN ({marks})", chunk)  # noqa: S608
            found.update((row["sha256"], row) for row in row_dicts(cursor))
    return found


# Attachment texts an export keeps at hand (a few MB): the files of the last few hundred articles.
TEXTS_KEPT = 256


def with_texts(db: dataset.Database, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Add ``text`` and ``text_status`` to each attachment of each row (after their ``sha256``).

    Versions of an article repeat its files: the texts recently read are kept (at most
    ``TEXTS_KEPT``), so each is read once, not once per row."""
    kept: OrderedDict[str, dict[str, Any] | None] = OrderedDict()
    for row in rows:
        attachments = row.get("attachments") or []
        wanted = {a.get("sha256") or "" for a in attachments} - kept.keys() - {""}
        if wanted:
            read = texts_of(db, wanted)
            kept.update((sha, read.get(sha)) for sha in wanted)
            while len(kept) > TEXTS_KEPT:
                kept.popitem(last=False)
        texts = {sha: kept.get(sha) for sha in (a.get("sha256") or "" for a in attachments)}
        for attachment in attachments:
            found = texts.get(attachment.get("sha256") or "")
            attachment["text"] = found["text"] if found and found["status"] == TextStatus.OK else None
            attachment["text_status"] = found["status"] if found else None
        yield row


def describe(db: dataset.Database, attachments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An article's attachments ({url, filename}) with their file's sha256, text status, reason and text."""
    urls = [a["url"] for a in attachments]
    hashes: dict[str, str] = {}
    if urls:
        with db:
            marks = ",".join("?" * len(urls))
            cursor = dbapi_connection(db).execute(
                f"SELECT url, sha256 FROM attachments WHERE sha256 IS NOT NULL AND url IN ({marks})",  # noqa: S608
                urls,
            )
            hashes = dict(cursor.fetchall())
    texts = texts_of(db, hashes.values())
    described = []
    for attachment in attachments:
        sha256 = hashes.get(attachment["url"])
        found = texts.get(sha256 or "")
        described.append(
            {
                **attachment,
                "sha256": sha256,
                "text_status": found["status"] if found else None,
                "text_reason": found["reason"] if found else None,
                "text": found["text"] if found and found["status"] == TextStatus.OK else None,
            }
        )
    return described
