"""Typed research tables: articles, versions and attachments as rows of Python values.

``csto export`` writes text (JSONL, CSV and Parquet with identical string columns); a release's
Parquet files and the PostgreSQL export need real types instead: ``published`` as a calendar date,
``published_at`` and every ``*_at`` as a UTC instant, counters as integers, attachments and images
as lists. One description of the three tables serves both, so a column has the same name and type
in Parquet and in PostgreSQL.

``published`` keeps the site's calendar date (never shifted to UTC); ``published_at`` is the
instant when the site gave a time (``2020-05-08T08:00:00+03:00`` -> 05:00 UTC), else null.
When the archive has the ``attachment_texts`` table (attachments' text, keyed by sha256), its
columns are joined to each attachment row (see ``attachment_text_columns``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .queries import ArchiveReader, ExportFilter

# Column kinds: how a value is typed in Parquet (pyarrow) and PostgreSQL (SQLAlchemy).
TEXT, INTEGER, DATE, INSTANT, ATTACHMENT_LIST, STRING_LIST, REAL = (
    "text",
    "integer",
    "date",
    "instant",
    "attachment_list",
    "string_list",
    "real",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    meaning: str
    source: str = ""  # the column it comes from, when not the same name (attachment_texts)


@dataclass(frozen=True)
class TypedTable:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    meaning: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


_PUBLISHED = (
    Column("published", DATE, "publication date as the site shows it (its own calendar, never shifted to UTC)"),
    Column("published_at", INSTANT, "publication instant in UTC when the site gives a time, else null"),
    Column("published_raw", TEXT, "the date string as the site wrote it (14.09.2022, 05/08/2020 08:00:00)"),
    Column("published_source", TEXT, "where the date came from: detail, detail_body, listing, attachments"),
)
_CONTENT = (
    Column("title", TEXT, "clean title"),
    Column("subtitle", TEXT, "subtitle line, if any"),
    *_PUBLISHED,
    Column("body_text", TEXT, "clean body: paragraphs separated by one blank line"),
    Column("signature", TEXT, "press-secretary signature lines, joined by newlines"),
    Column("attachments", ATTACHMENT_LIST, "attached files: list of {url, filename, sha256}"),
    Column("images", STRING_LIST, "image URLs (detail picture and body images)"),
)

ARTICLES = TypedTable(
    "articles",
    ("id",),
    (
        Column("id", TEXT, "stable article ID: <lang>-<Bitrix element ID> (en-8573)"),
        Column("url", TEXT, "canonical URL"),
        Column("lang", TEXT, "en or ru"),
        Column("section", TEXT, "URL path without the slug (news/news_odkb)"),
        *_CONTENT,
        Column("counterpart_url", TEXT, "the same article on the other language site"),
        Column("counterpart_id", TEXT, "ID of that article when it is archived"),
        Column("version_count", INTEGER, "number of versions"),
        Column("first_seen_at", INSTANT, "first time the content was fetched (UTC)"),
        Column("last_seen_at", INSTANT, "last time the content was fetched (UTC)"),
        Column("gone_at", INSTANT, "when the site was found to have removed it (UTC); null while live"),
        Column("gone_reason", TEXT, "HTTP 404, HTTP 410 or absent from sitemap"),
    ),
    "one row per article: its latest content and its life on the site",
)

VERSIONS = TypedTable(
    "versions",
    ("article_id", "version"),
    (
        Column("article_id", TEXT, "the article's ID (articles.id)"),
        Column("version", INTEGER, "1, 2, ... in order of first sighting"),
        Column("url", TEXT, "canonical URL under which this version was fetched"),
        Column("lang", TEXT, "en or ru"),
        Column("section", TEXT, "the article's section"),
        *_CONTENT,
        Column("content_sha256", TEXT, "content fingerprint of this version"),
        Column("change", TEXT, "site (the site's content changed) or extractor (a newer extractor read it again)"),
        Column("extractor_version", TEXT, "extractor that read this version"),
        Column("snapshot_sha256", TEXT, "sha256 of the raw page bytes this version was read from"),
        Column("first_seen_at", INSTANT, "first fetch showing this content (UTC)"),
        Column("last_seen_at", INSTANT, "last fetch showing this content (UTC)"),
        Column("gone_at", INSTANT, "when the site removed the article (UTC); null while live"),
    ),
    "one row per distinct content of every article, oldest first",
)

ATTACHMENTS = TypedTable(
    "attachments",
    ("url",),
    (
        Column("url", TEXT, "attachment URL"),
        Column("article_id", TEXT, "the article that links it (articles.id), when archived"),
        Column("article_url", TEXT, "URL of that article"),
        Column("lang", TEXT, "the article's language"),
        Column("filename", TEXT, "file name from the URL"),
        Column("sha256", TEXT, "sha256 of the file's bytes"),
        Column("size", INTEGER, "file size in bytes"),
        Column("content_type", TEXT, "served content type"),
        Column("first_seen_at", INSTANT, "first download (UTC)"),
        Column("last_fetched_at", INSTANT, "last download (UTC)"),
    ),
    "attachment files linked from articles (one row per URL)",
)

TABLES = (ARTICLES, VERSIONS, ATTACHMENTS)
EVERYTHING = ExportFilter()  # no filter: every row
BATCH_ARTICLES = 500  # articles read per query

# The attachments' text table (issue 15, item 1), keyed by the file's sha256: joined when present.
ATTACHMENT_TEXTS = "attachment_texts"


def _where(flt: ExportFilter, lang: str, published: str) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    if flt.lang:
        clauses.append(f"{lang} = :lang")
        params["lang"] = flt.lang
    if flt.since:
        clauses.append(f"substr({published}, 1, 10) >= :since")
        params["since"] = flt.since
    if flt.until:
        clauses.append(f"substr({published}, 1, 10) <= :until")
        params["until"] = flt.until
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def attachment_text_columns(reader: ArchiveReader) -> list[Column]:
    """The columns of ``attachment_texts`` (other than its key, sha256) when the archive has it.

    ``text`` keeps its name; the others are prefixed ``text_`` (``text_status``, ``text_reason``), so
    that they read as facts about the text, not about the file.
    """
    info = reader.query(f"SELECT name, type FROM pragma_table_info('{ATTACHMENT_TEXTS}')")  # noqa: S608 - constant
    columns = []
    for row in info:
        name, declared = str(row["name"]), str(row["type"] or "").upper()
        if name == "sha256":
            continue
        kind = INTEGER if "INT" in declared else REAL if declared in ("REAL", "FLOAT", "DOUBLE") else TEXT
        if name.endswith("_at") and kind == TEXT:
            kind = INSTANT
        out = name if name.startswith("text") else f"text_{name}"
        meaning = f"attachment_texts.{name}: the file's extracted text or its reading (see the archive schema)"
        columns.append(Column(out, kind, meaning, source=name))
    return columns


def attachments_table(reader: ArchiveReader) -> TypedTable:
    """ATTACHMENTS, plus the attachments' text columns when the archive has them."""
    extra = attachment_text_columns(reader)
    if not extra:
        return ATTACHMENTS
    meaning = ATTACHMENTS.meaning + ", with the text extracted from the file"
    return TypedTable(ATTACHMENTS.name, ATTACHMENTS.key, ATTACHMENTS.columns + tuple(extra), meaning)


def iter_articles(reader: ArchiveReader, flt: ExportFilter = EVERYTHING) -> Iterator[dict[str, Any]]:
    """One row per article (its latest content), removed articles included."""
    select = (
        "SELECT a.id, a.url, a.lang, a.section, a.title, a.subtitle, a.published, a.published_raw,"
        " a.published_source, a.body_text, a.signature, a.attachments, a.images, a.counterpart_url,"
        " (SELECT c.id FROM articles c WHERE c.url = a.counterpart_url) AS counterpart_id,"
        " a.version_count, a.first_seen_at, a.last_seen_at, a.gone_at, a.gone_reason FROM articles a"
    )
    yield from _by_article(reader, flt, select, "a.id", ARTICLES)


def iter_versions(reader: ArchiveReader, flt: ExportFilter = EVERYTHING) -> Iterator[dict[str, Any]]:
    """Every version of the articles the filter selects (on the article's language and latest date)."""
    select = (
        "SELECT v.article_id, v.version, v.url, a.lang, a.section, v.title, v.subtitle, v.published,"
        " v.published_raw, v.published_source, v.body_text, v.signature, v.attachments, v.images,"
        " v.content_sha256, v.change, v.extractor_version, v.snapshot_sha256, v.first_seen_at,"
        " v.last_seen_at, a.gone_at FROM versions v JOIN articles a ON a.id = v.article_id"
    )
    yield from _by_article(reader, flt, select, "v.article_id", VERSIONS)


def _by_article(
    reader: ArchiveReader, flt: ExportFilter, select: str, key: str, table: TypedTable
) -> Iterator[dict[str, Any]]:
    """Rows of ``select`` for ``BATCH_ARTICLES`` articles per query, in article ID order: memory stays flat
    (a whole archive's bodies are never held at once) and each query is a short read."""
    where, params = _where(flt, "a.lang", "a.published")
    hashes = reader.attachment_hashes()
    ids = [r["id"] for r in reader.query(f"SELECT a.id FROM articles a{where} ORDER BY a.id", **params)]  # noqa: S608
    for start in range(0, len(ids), BATCH_ARTICLES):
        chunk = ids[start : start + BATCH_ARTICLES]
        marks = ", ".join(f":a{i}" for i in range(len(chunk)))
        sql = f"{select} WHERE {key} IN ({marks}) ORDER BY {key}{', v.version' if key.startswith('v.') else ''}"
        for row in reader.query(sql, **{f"a{i}": value for i, value in enumerate(chunk)}):
            yield typed_row(row, table, hashes)


def iter_attachments(reader: ArchiveReader, flt: ExportFilter = EVERYTHING) -> Iterator[dict[str, Any]]:
    table = attachments_table(reader)
    where, params = _where(flt, "a.lang", "a.published")
    extra = [c for c in table.columns if c.source]
    joined = f" LEFT JOIN {ATTACHMENT_TEXTS} x ON x.sha256 = t.sha256" if extra else ""
    # Column names come from SQLite's own table_info, quoted as identifiers.
    text_select = "".join(f', x."{c.source}" AS "{c.name}"' for c in extra)
    sql = (
        "SELECT t.url, a.id AS article_id, t.article_url, a.lang, t.filename, t.sha256, t.size,"  # noqa: S608
        f" t.content_type, t.first_seen_at, t.last_fetched_at{text_select}"
        f" FROM attachments t LEFT JOIN articles a ON a.url = t.article_url{joined}{where} ORDER BY t.url"
    )
    for row in reader.query(sql, **params):
        yield typed_row(row, table, {})


def typed_row(row: dict[str, Any], table: TypedTable, hashes: dict[str, str]) -> dict[str, Any]:
    """A raw archive row -> the table's columns with Python types (see the module's docstring)."""
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.name == "published_at":
            out["published_at"] = published_instant(row.get("published"))
            continue
        value = row.get(column.name)
        if column.kind == DATE:
            out[column.name] = published_date(value)
        elif column.kind == INSTANT:
            out[column.name] = instant(value)
        elif column.kind == ATTACHMENT_LIST:
            out[column.name] = [
                {"url": a.get("url"), "filename": a.get("filename"), "sha256": hashes.get(a.get("url", ""))}
                for a in _json_list(value)
            ]
        elif column.kind == STRING_LIST:
            out[column.name] = [str(v) for v in _json_list(value)]
        elif column.kind == INTEGER:
            out[column.name] = None if value is None else int(value)
        elif column.kind == REAL:
            out[column.name] = None if value is None else float(value)
        else:
            out[column.name] = value
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


def published_instant(value: str | None) -> dt.datetime | None:
    """The UTC instant of a ``published`` value that has a time and an offset; None for a bare date."""
    if not value or "T" not in value:
        return None
    return instant(value)


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


def arrow_schema(table: TypedTable) -> Any:
    """The pyarrow schema of a typed table (pyarrow imported here, as in the Parquet export)."""
    import pyarrow as pa

    attachment = pa.struct([("url", pa.string()), ("filename", pa.string()), ("sha256", pa.string())])
    types = {
        TEXT: pa.string(),
        INTEGER: pa.int64(),
        REAL: pa.float64(),
        DATE: pa.date32(),
        INSTANT: pa.timestamp("us", tz="UTC"),
        ATTACHMENT_LIST: pa.list_(attachment),
        STRING_LIST: pa.list_(pa.string()),
    }
    return pa.schema([pa.field(c.name, types[c.kind], metadata={"description": c.meaning}) for c in table.columns])
