"""Full-text search in both languages: FTS5 over stemmed shadow text, snippets from the original.

``search_index`` holds the Snowball stems of every article's title and body (words.py), so any
inflected form finds the others in both languages; a query is read by search_query.py (words, OR,
-word, phrases) into a MATCH expression of quoted stems, so nothing typed is FTS syntax or SQL.
(The words-as-written indexes that other tools use are word_indexes.py.)

Attachment files are searched the same way (``attachment_search``, filled from their extracted
text, see attachment_texts.py): an article matches through a file it links, and each hit says
where it matched, in the article or in which attachment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dataset

from ..htmltext import norm_ws
from .connection import dbapi_connection
from .filters import RowFilter, clauses
from .search_query import fts_query
from .words import WORD_RE, stem, stem_text

# bm25 weights of the indexed columns (article_id is unindexed): a title hit counts 3x a body hit.
TITLE_WEIGHT, BODY_WEIGHT = 3.0, 1.0
# An attachment hit ranks like a body hit (bm25 already discounts long documents).
ATTACHMENT_WEIGHT = 1.0
SNIPPET_WORDS = 24
LONG_TEXT_WINDOW = 1_000  # characters either side of the first hit that long_snippet looks at


def index_article(db: dataset.Database, article_id: str, title: str, body: str, replace: bool = True) -> None:
    """(Re)index one article inside the caller's transaction.

    ``replace=False`` for an article that cannot be in the index yet (just inserted): article_id is
    an UNINDEXED column, so the DELETE scans the whole index, and doing that for every new article
    made a first crawl quadratic in the archive's size.
    Runs on the sqlite3 connection itself (the same transaction), as ArchiveWriter._exec does.
    """
    connection = dbapi_connection(db)
    if replace:
        connection.execute("DELETE FROM search_index WHERE article_id = :id", {"id": article_id})
    connection.execute(
        "INSERT INTO search_index (article_id, title, body) VALUES (:id, :title, :body)",
        {"id": article_id, "title": stem_text(title), "body": stem_text(body)},
    )


def reindex_all(db: dataset.Database) -> None:
    """Index every archived article (migration backfill and ``csto reindex``)."""
    db.query("DELETE FROM search_index")
    rows = [dict(r) for r in db.query("SELECT id, title, body_text FROM articles")]
    for row in rows:
        index_article(db, row["id"], row["title"], row["body_text"], replace=False)


@dataclass(frozen=True)
class SearchFilter:
    lang: str | None = None
    section: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 20
    offset: int = 0
    sources: tuple[str, ...] = ()


# Articles matched in their title and body, and through the attachment files they link; the
# attachment's file is named in ``sha256`` (NULL for a match in the article itself).
HITS_SQL = (
    # The matching files first; then the articles that link them, as attachments.LINKS_SQL says:
    # the one a file was fetched for, and those whose attachment list holds its URL (instr() first,
    # so that only the lists that can hold it are parsed).
    "WITH files AS (SELECT t.url, t.article_url, attachment_search.sha256 AS sha256,"  # noqa: S608  (constants)
    f" bm25(attachment_search, 0.0, {ATTACHMENT_WEIGHT}) AS score"
    " FROM attachment_search JOIN attachments t ON t.sha256 = attachment_search.sha256"
    " WHERE attachment_search MATCH :match),"
    " linked AS (SELECT a.id AS article_id, f.score, f.sha256 FROM files f"
    " JOIN articles a ON a.url = f.article_url AND a.vacated_by IS NULL"
    " UNION SELECT a.id, f.score, f.sha256 FROM files f JOIN articles a ON instr(a.attachments, f.url) > 0"
    " JOIN json_each(a.attachments) j ON json_extract(j.value, '$.url') = f.url),"
    " hits AS ("
    f" SELECT article_id, bm25(search_index, 0.0, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score, NULL AS sha256"
    " FROM search_index WHERE search_index MATCH :match"
    " UNION ALL SELECT article_id, score, sha256 FROM linked)"
)


def search(db: dataset.Database, query: str, flt: SearchFilter) -> list[dict[str, Any]]:
    """Ranked matching articles (``flt.limit`` of them after the first ``flt.offset``), each with a
    snippet around the first matching word and ``found_in``: the article itself and/or which of
    its attachment files matched (every query word in the one text), each with its snippet."""
    match, stems = fts_query(query)
    clauses, params = _where(flt)
    params.update(match=match, limit=flt.limit, offset=flt.offset)
    # Fixed clauses and constant weights; every value is a bound parameter.
    sql = (
        f"{HITS_SQL} SELECT a.id, a.url, a.lang, a.section, a.title, a.published, a.body_text, a.gone_at,"  # noqa: S608
        " min(h.score) AS score, max(h.sha256 IS NULL) AS in_article, group_concat(DISTINCT h.sha256) AS files"
        f" FROM hits h JOIN articles a ON a.id = h.article_id WHERE {' AND '.join(clauses)}"
        " GROUP BY a.id ORDER BY score, a.id LIMIT :limit OFFSET :offset"
    )
    rows = [dict(r) for r in db.query(sql, **params)]
    wanted = set(stems)
    for row in rows:
        body = row.pop("body_text") or ""
        found_in: list[dict[str, Any]] = []
        if row.pop("in_article"):
            found_in.append({"in": "article", "snippet": snippet(body, wanted)})
        found_in.extend(_attachment_hits(db, row["url"], (row.pop("files") or "").split(","), wanted))
        row["found_in"] = found_in
        row["snippet"] = found_in[0]["snippet"] if found_in else ""
    return rows


def _attachment_hits(
    db: dataset.Database, article_url: str, hashes: list[str], stems: set[str]
) -> list[dict[str, Any]]:
    """Where in its attachments an article matched: file URL, name, sha256 and a snippet each."""
    hits = []
    for sha256 in sorted(h for h in hashes if h):
        rows = [
            dict(r)
            for r in db.query(
                "SELECT t.url, t.filename, x.text FROM attachments t JOIN attachment_texts x ON x.sha256 = t.sha256"
                " WHERE t.sha256 = :sha ORDER BY t.article_url = :article DESC, t.url LIMIT 1",
                sha=sha256,
                article=article_url,
            )
        ]
        if rows:
            row = rows[0]
            hits.append(
                {
                    "in": "attachment",
                    "url": row["url"],
                    "filename": row["filename"],
                    "sha256": sha256,
                    "snippet": long_snippet(row["text"] or "", stems),
                }
            )
    return hits


def count_matches(db: dataset.Database, query: str, flt: SearchFilter) -> int:
    """How many articles match ``query`` (in themselves or in an attachment) and the filter."""
    match, _ = fts_query(query)
    clauses, params = _where(flt)
    params["match"] = match
    sql = (
        f"{HITS_SQL} SELECT count(DISTINCT a.id) AS n FROM hits h JOIN articles a ON a.id = h.article_id"  # noqa: S608
        f" WHERE {' AND '.join(clauses)}"
    )
    return int(next(iter(db.query(sql, **params)))["n"])


def _where(flt: SearchFilter) -> tuple[list[str], dict[str, Any]]:
    """The WHERE clauses on the article ``a`` and their bound parameters (the archive's one builder)."""
    sections = (flt.section,) if flt.section else ()
    found, params = clauses(RowFilter(flt.lang, flt.since, flt.until, sections=sections, sources=flt.sources))
    return ["1 = 1", *found], params


def snippet(text: str, stems: set[str], width: int = SNIPPET_WORDS) -> str:
    """About ``width`` words of ``text`` around the first word whose stem matches, hits in [brackets]."""
    words = norm_ws(text).split(" ")
    hits = [i for i, w in enumerate(words) if any(stem(m) in stems for m in WORD_RE.findall(w))]
    if not words or not words[0]:
        return ""
    first = hits[0] if hits else 0
    start = max(0, first - width // 3)
    window = words[start : start + width]
    marked = [f"[{w}]" if (start + i) in hits else w for i, w in enumerate(window)]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + width < len(words) else ""
    return prefix + " ".join(marked) + suffix


def long_snippet(text: str, stems: set[str], width: int = SNIPPET_WORDS) -> str:
    """``snippet`` for a text that may be book-length: only the stretch around the first hit is split."""
    if len(text) <= 4 * LONG_TEXT_WINDOW:
        return snippet(text, stems, width)
    first = next((m.start() for m in WORD_RE.finditer(text) if stem(m.group()) in stems), 0)
    start = max(0, first - LONG_TEXT_WINDOW)
    window = text[start : first + LONG_TEXT_WINDOW]
    if start:  # drop the word cut in half
        window = window.split(" ", 1)[-1]
    cut = snippet(window, stems, width)
    prefix = "… " if start and not cut.startswith("…") else ""
    return prefix + cut
