"""Full-text search in both languages: FTS5 over stemmed shadow text, snippets from the original.

SQLite's FTS5 tokenizers stem English at best (porter) and Russian not at all, so every word is
stemmed here with Snowball (Russian for Cyrillic words, English for Latin ones, whatever the
article's language: English pages quote Russian datelines) and the index holds the stems.
``безопасность`` and ``безопасности`` both become ``безопасн``; ``meetings`` and ``meeting`` ``meet``.
A query is reduced to its words' stems, each quoted, so FTS syntax characters and SQL in a query
are plain text. The one syntax a query has is a quoted phrase (``"collective security"``, also
“…” or «…»): its words must stand next to each other, in that order, which FTS5 checks on the
stems as a phrase query.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import dataset
import snowballstemmer

from ..htmltext import norm_ws
from .database import dbapi_connection

WORD_RE = re.compile(r"\w+", re.UNICODE)
# A quoted phrase: "...", “...” or «...»; an unpaired quote is plain text.
PHRASE_RE = re.compile(r'"([^"]*)"|“([^”]*)”|«([^»]*)»')
CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
# bm25 weights of the indexed columns (article_id is unindexed): a title hit counts 3x a body hit.
TITLE_WEIGHT, BODY_WEIGHT = 3.0, 1.0
SNIPPET_WORDS = 24
MAX_QUERY_WORDS = 32

_STEMMERS = {"ru": snowballstemmer.stemmer("russian"), "en": snowballstemmer.stemmer("english")}


class SearchQueryError(ValueError):
    """A query with nothing searchable in it."""


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem of one lower-cased word (Russian stemmer for Cyrillic, English otherwise)."""
    lower = word.lower().replace("ё", "е")
    stemmer = _STEMMERS["ru" if CYRILLIC_RE.search(lower) else "en"]
    return str(stemmer.stemWord(lower))


def stem_text(text: str) -> str:
    """The shadow text the index stores: the stems of all words, space separated."""
    return " ".join(map(stem, WORD_RE.findall(norm_ws(text or ""))))


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


def fts_query(query: str) -> tuple[str, list[str]]:
    """User query -> (FTS5 MATCH expression of quoted stems and phrases, the stems).

    Every word must match; the words of a quoted phrase must also be adjacent and in order.
    """
    text = norm_ws(query)  # as the archive's text: no soft hyphens, NFC
    quoted = ["".join(g for g in m.groups() if g) for m in PHRASE_RE.finditer(text)]
    phrases = [[stem(w) for w in WORD_RE.findall(phrase)] for phrase in quoted]
    words = WORD_RE.findall(PHRASE_RE.sub(" ", text))
    count = len(words) + sum(map(len, phrases))
    if not count:
        raise SearchQueryError(f"nothing to search for in {query!r}: give at least one word")
    if count > MAX_QUERY_WORDS:
        raise SearchQueryError(f"too many words in the query ({count} > {MAX_QUERY_WORDS})")
    # Quoted strings are literal tokens for FTS5 (several tokens in one string: a phrase); stems
    # are \w+ so they never contain a quote.
    terms = [" ".join(phrase) for phrase in phrases if phrase] + [stem(w) for w in words]
    stems = list(dict.fromkeys(s for term in terms for s in term.split(" ")))
    return " AND ".join(f'"{t}"' for t in dict.fromkeys(terms)), stems


@dataclass(frozen=True)
class SearchFilter:
    lang: str | None = None
    section: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 20
    offset: int = 0


def search(db: dataset.Database, query: str, flt: SearchFilter) -> list[dict[str, Any]]:
    """Ranked matches (``flt.limit`` of them after the first ``flt.offset``) with a snippet around
    the first matching word."""
    match, stems = fts_query(query)
    clauses, params = _where(match, flt)
    params.update(limit=flt.limit, offset=flt.offset)
    # Fixed clauses and constant weights; every value is a bound parameter.
    sql = (
        "SELECT a.id, a.url, a.lang, a.section, a.title, a.published, a.body_text, a.gone_at,"  # noqa: S608
        f" bm25(search_index, 0.0, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score"
        " FROM search_index JOIN articles a ON a.id = search_index.article_id"
        f" WHERE {' AND '.join(clauses)} ORDER BY score, a.id LIMIT :limit OFFSET :offset"
    )
    rows = [dict(r) for r in db.query(sql, **params)]
    for row in rows:
        row["snippet"] = snippet(row.pop("body_text") or "", set(stems))
    return rows


def count_matches(db: dataset.Database, query: str, flt: SearchFilter) -> int:
    """How many articles match ``query`` and the filter (limit and offset aside)."""
    match, _ = fts_query(query)
    clauses, params = _where(match, flt)
    sql = (
        "SELECT count(*) AS n FROM search_index JOIN articles a ON a.id = search_index.article_id"  # noqa: S608
        f" WHERE {' AND '.join(clauses)}"
    )
    return int(next(iter(db.query(sql, **params)))["n"])


def _where(match: str, flt: SearchFilter) -> tuple[list[str], dict[str, Any]]:
    """The WHERE clauses (fixed text) and their bound parameters for a MATCH expression and filter."""
    clauses = ["search_index MATCH :match"]
    params: dict[str, Any] = {"match": match}
    if flt.lang:
        clauses.append("a.lang = :lang")
        params["lang"] = flt.lang
    if flt.section:
        clauses.append("(a.section = :section OR a.section LIKE :section_prefix ESCAPE '\\')")
        params["section"] = flt.section.strip("/")
        params["section_prefix"] = _escape_like(flt.section.strip("/")) + "/%"
    if flt.since:
        clauses.append("substr(a.published, 1, 10) >= :since")
        params["since"] = flt.since
    if flt.until:
        clauses.append("substr(a.published, 1, 10) <= :until")
        params["until"] = flt.until
    return clauses, params


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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
