"""Attachments' text in the archive: extracted from the stored files, kept by their sha256, searchable.

The text belongs to the bytes, so it is stored like them, content-addressed: one
``attachment_texts`` row per downloaded file (``blobs.sha256``), whatever URLs or articles link
it, with its stemmed shadow text in the ``attachment_search`` FTS5 table (the same Snowball stems
as ``search_index``). ``fill_texts`` reads every stored file that has no text yet; a crawl calls it
at its end, ``csto attachment-text`` on an existing archive, with no network. Each file is read in
a child process of its own (``attachment_text.Readers``: killed past its time and memory limits,
never retried in this process); this process alone writes, one short transaction per batch, so a
killed run keeps what it wrote and the next one carries on. A file that cannot be read is recorded
with its status (``timeout`` and ``too_large`` included) and reason, and is not read again unless
asked (``again=True``, ``csto attachment-text --again``, e.g. after a reader improves or a limit
is raised). A stop request (``stop``: a crawl's SIGTERM) ends the work within a fraction of a
second: the files being read then get no row and are read by the next run.
"""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import dataset

from ..attachment_text import DEFAULT_LIMITS, ExtractedText, Readers, ReadingLimits, TextStatus, extract_text
from ..attachment_text.worker import preload
from ..dates import to_utc_iso, utc_now
from . import blobs
from .connection import dbapi_connection, row_dicts
from .words import stem_text

logger = logging.getLogger(__name__)

# Files read per transaction (at most BATCH files, BATCH_BYTES bytes).
BATCH = 32
BATCH_BYTES = 128 * 1024 * 1024

PENDING_SQL = (
    "SELECT t.sha256, min(t.filename) AS filename, b.size FROM attachments t"
    " JOIN blobs b ON b.sha256 = t.sha256"
    " LEFT JOIN attachment_texts x ON x.sha256 = t.sha256"
    " WHERE t.sha256 IS NOT NULL {where} GROUP BY t.sha256 ORDER BY t.sha256"
)

Progress = Callable[[Counter[str]], None]
# (sha256, extracted text, stemmed shadow text) of one file.
Reading = tuple[str, ExtractedText, str]


@dataclass(frozen=True)
class _File:
    sha256: str
    filename: str
    data: bytes | None  # None: the stored bytes are damaged
    damage: str = ""


def read_and_stem(data: bytes, filename: str, limits: ReadingLimits) -> tuple[ExtractedText, str]:
    """The text of one file and its stems: the work of a reading child (stemming is CPU too)."""
    result = extract_text(data, filename, limits)
    return result, stem_text(result.text) if result.status is TextStatus.OK else ""


preload(__name__)  # the reading children start with this module (and its imports) loaded


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
    workers: int = 1,
    again: bool = False,
    progress: Progress | None = None,
    clock: Callable[[], Any] = utc_now,
    limits: ReadingLimits = DEFAULT_LIMITS,
    stop: Callable[[], bool] = lambda: False,
) -> Counter[str]:
    """Extract the text of every stored attachment file that has none (``again``: of every file).

    Returns the count of files per status. Only a problem with the archive itself raises; a bad
    file is recorded as such. ``stop`` is asked between files: when it says so, what was read is
    written and the rest is left for later.
    """
    with db:
        rows = _pending(db, again)
    counts: Counter[str] = Counter()
    readers: Readers[str] = Readers(max(1, workers), limits, read_and_stem, stop)
    for batch in _batches(rows):
        if stop():
            break
        _store(db, list(read_batch(readers, _load(db, batch))), again, to_utc_iso(clock()), counts)
        if progress:
            progress(counts)
    if stop() and sum(counts.values()) < len(rows):
        logger.warning("Attachments' text: stopped with %d file(s) left for later", len(rows) - sum(counts.values()))
    return counts


def read_batch(readers: Readers[str], files: list[_File]) -> Iterator[Reading]:
    """Each file's reading, done in the readers' children; a damaged stored file without reading."""
    names = {file.sha256: file.filename for file in files}
    for file in files:
        if file.data is None:
            damaged = ExtractedText(TextStatus.CORRUPT, "", f"stored file damaged: {file.damage}", "unknown", "csto")
            yield file.sha256, damaged, ""
    readable = ((file.sha256, file.data, file.filename) for file in files if file.data is not None)
    for sha256, result in readers.read_all(readable):
        if isinstance(result, ExtractedText):  # killed or dead: no stems
            logger.warning("Attachment %s (%s): %s", sha256[:12], names[sha256], result.reason)
            yield sha256, result, ""
        else:
            yield sha256, result[0], result[1]


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


def _store(
    db: dataset.Database,
    results: list[Reading],
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
