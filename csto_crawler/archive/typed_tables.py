"""Research rows: articles, versions and attachments as the registry's exports define them, as text or typed.

One definition per table (``ARTICLE_EXPORT``, ``VERSION_EXPORT``, ``ATTACHMENT_EXPORT`` in the
registry) gives the same columns, with the same names, to ``csto export`` (JSONL, CSV, Parquet), the
release's Parquet files and PostgreSQL. ``research_rows`` reads them (articles in batches, so memory
stays flat) with each attachment's file sha256, text status and text; ``text_row`` renders a row as the
archive writes it (ISO dates and timestamps, lists), for JSONL and CSV; ``typed_row`` with types, for
Parquet and PostgreSQL: ``published`` as the site's calendar date (never shifted to UTC),
``published_at`` and every ``*_at`` as a UTC instant, counters as integers, lists as lists.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from .attachment_texts import with_texts
from .filters import RowFilter, where
from .ledger_tables import ATTACHMENT_EXPORT
from .queries import ArchiveReader
from .registry import Export, Kind
from .tables import ARTICLE_EXPORT, VERSION_EXPORT

EXPORTS = (ARTICLE_EXPORT, VERSION_EXPORT, ATTACHMENT_EXPORT)
EVERYTHING = RowFilter()  # no filter: every row
BATCH_ARTICLES = 500  # articles read per query
# The fields of each attachment in an article's ``attachments`` list, in every format.
ATTACHMENT_FIELDS = ("url", "filename", "sha256", "text_status", "text")


def research_rows(reader: ArchiveReader, export: Export, flt: RowFilter = EVERYTHING) -> Iterator[dict[str, Any]]:
    """The export's rows for the articles the filter selects (on the article's language and date)."""
    if export is ATTACHMENT_EXPORT:
        clause, params = where(flt)
        yield from reader.query(f"{export.select()}{clause} ORDER BY {export.order}", **params)
        return
    hashes = reader.attachment_hashes()
    yield from with_texts(reader.db, _with_hashes(_by_article(reader, export, flt), hashes))


def typed_rows(reader: ArchiveReader, export: Export, flt: RowFilter = EVERYTHING) -> Iterator[dict[str, Any]]:
    """``research_rows`` typed (``typed_row``): what Parquet and PostgreSQL take."""
    for row in research_rows(reader, export, flt):
        yield typed_row(row, export)


def _by_article(reader: ArchiveReader, export: Export, flt: RowFilter) -> Iterator[dict[str, Any]]:
    """Rows for ``BATCH_ARTICLES`` articles per query, in article ID order: each query is a short read."""
    clause, params = where(flt)
    ids = [r["id"] for r in reader.query(f"SELECT a.id FROM articles a{clause} ORDER BY a.id", **params)]  # noqa: S608
    key = next(f.expr for f in export.fields if f.name == export.key[0])
    for start in range(0, len(ids), BATCH_ARTICLES):
        chunk = ids[start : start + BATCH_ARTICLES]
        marks = ", ".join(f":a{i}" for i in range(len(chunk)))
        sql = f"{export.select()} WHERE {key} IN ({marks}) ORDER BY {export.order}"
        for row in reader.query(sql, **{f"a{i}": value for i, value in enumerate(chunk)}):
            for field in export.fields:
                if field.kind in (Kind.ATTACHMENT_LIST, Kind.STRING_LIST):
                    row[field.name] = _json_list(row[field.name])
            yield row


def _with_hashes(rows: Iterator[dict[str, Any]], hashes: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Each attachment with the sha256 of the file downloaded for its URL."""
    for row in rows:
        for attachment in row.get("attachments") or []:
            attachment["sha256"] = hashes.get(attachment.get("url", ""))
        yield row


def text_row(row: dict[str, Any], export: Export) -> dict[str, Any]:
    """The row as the archive writes it (JSONL, CSV): text, ISO dates and UTC timestamps, lists."""
    out: dict[str, Any] = {}
    for field in export.fields:
        value = row.get(field.name)
        if field.kind is Kind.INSTANT and value is not None:
            moment = instant(value)
            value = moment.isoformat() if moment is not None else value
        elif field.kind is Kind.ATTACHMENT_LIST:
            value = [{name: a.get(name) for name in ATTACHMENT_FIELDS} for a in value or []]
        out[field.name] = value
    return out


def typed_row(row: dict[str, Any], export: Export) -> dict[str, Any]:
    """The row with Python types (Parquet, PostgreSQL); see the module's docstring."""
    out: dict[str, Any] = {}
    for field in export.fields:
        value = row.get(field.name)
        if field.kind is Kind.DATE:
            value = published_date(value)
        elif field.kind is Kind.INSTANT:
            value = instant(value)
        elif field.kind is Kind.ATTACHMENT_LIST:
            value = [{name: a.get(name) for name in ATTACHMENT_FIELDS} for a in value or []]
        elif field.kind is Kind.STRING_LIST:
            value = [str(v) for v in value or []]
        elif field.kind is Kind.INTEGER:
            value = None if value is None else int(value)
        elif field.kind is Kind.REAL:
            value = None if value is None else float(value)
        out[field.name] = value
    return out


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return list(value or [])


def published_date(value: str | None) -> dt.date | None:
    """The site's calendar date of ``published`` (``2022-09-14`` or ``2020-05-08T08:00:00+03:00``)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def instant(value: str | None) -> dt.datetime | None:
    """An archive timestamp (ISO 8601 with offset) as an aware UTC datetime."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:  # the archive writes offsets; a value without one is taken as UTC
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def arrow_schema(export: Export) -> Any:
    """The pyarrow schema of an export, each field described (pyarrow imported here: only Parquet pays for it)."""
    import pyarrow as pa

    attachment = pa.struct([(name, pa.string()) for name in ATTACHMENT_FIELDS])
    types = {
        Kind.TEXT: pa.string(),
        Kind.JSON: pa.string(),
        Kind.INTEGER: pa.int64(),
        Kind.REAL: pa.float64(),
        Kind.DATE: pa.date32(),
        Kind.INSTANT: pa.timestamp("us", tz="UTC"),
        Kind.ATTACHMENT_LIST: pa.list_(attachment),
        Kind.STRING_LIST: pa.list_(pa.string()),
    }
    fields = [pa.field(f.name, types[f.kind], metadata={"description": f.meaning}) for f in export.fields]
    return pa.schema(fields)
