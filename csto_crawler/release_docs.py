"""What a release says about itself: the Datasette ``metadata.json`` and the release's README.md.

Every table and column is described from docs/archive-schema.md (the one place the archive's tables
are documented; tests/test_docs.py keeps it complete), so a release never describes a table
differently from the project's own documentation. The Parquet files' columns are described from
archive/typed_tables.py, which defines them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .archive.typed_tables import TypedTable
from .archive.word_indexes import WordIndex

SCHEMA_DOC = Path(__file__).resolve().parent.parent / "docs" / "archive-schema.md"
UNDOCUMENTED = "see docs/archive-schema.md of csto-crawler"
DATABASE = "csto"  # Datasette names a database after its file: csto.sqlite

SOURCE = "Collective Security Treaty Organization (CSTO / ОДКБ) websites: en.odkb-csto.org and odkb-csto.org"
SOURCE_URL = "https://en.odkb-csto.org/"
LICENSE = (
    "Texts, images and documents are the CSTO's, archived for research and citation; check the CSTO's terms "
    "before republishing them. The archive's structure and tooling: MIT (csto-crawler)."
)

# Tables a release adds for Datasette (described here: they are not part of the archive schema).
RELEASE_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "search_words": (
        "Every word form met in a title, body or attachment text (as written, and lower-cased) with its Snowball"
        " stem: lets plain SQL (the 'search' queries) stem a query as csto search does.",
        {"word": "a word form as it occurs in the texts, or lower-cased", "stem": "its Snowball stem"},
    ),
}

RELEASE_META_KEYS = (
    "; in a release also release_id, release_created_at (UTC), release_source (the archive file's name),"
    " release_tool (csto-crawler version) and release_snapshots (included, or omitted by --no-snapshots)"
)

# Stemmed search in plain SQL: the query's words are split on spaces, each word is replaced by its stem
# (search_words), and the stems must all match (FTS5 AND of quoted stems), as with `csto search`. A word
# form the texts never use is given the longest known stem it begins with, if that stem keeps at least
# half the word and leaves at most 7 letters (безопасностями -> безопасн): what Snowball mostly does.
STEMMED_MATCH = """WITH RECURSIVE split(word, rest) AS (
  SELECT '', trim(:q) || ' '
  UNION ALL
  SELECT substr(rest, 1, instr(rest, ' ') - 1), ltrim(substr(rest, instr(rest, ' ') + 1))
  FROM split WHERE rest <> ''
),
terms AS (
  SELECT DISTINCT '"' || coalesce(
    (SELECT w.stem FROM search_words w WHERE w.word = s.word),
    (SELECT w.stem FROM search_words w
     WHERE length(w.stem) >= max(3, length(s.word) - 7, (length(s.word) + 1) / 2)
       AND substr(s.word, 1, length(w.stem)) = w.stem
     ORDER BY length(w.stem) DESC LIMIT 1),
    replace(s.word, '"', '')
  ) || '"' AS term
  FROM split s
  WHERE s.word <> ''
)
"""
MATCH_TERMS = "(SELECT coalesce(group_concat(term, ' AND '), '\"\"') FROM terms)"
SEARCH_SQL = (
    STEMMED_MATCH + "SELECT a.id, a.lang, a.section, a.published, a.title, a.url, a.gone_at\n"
    "FROM search_index JOIN articles a ON a.id = search_index.article_id\n"
    f"WHERE search_index MATCH {MATCH_TERMS}\n"
    "ORDER BY bm25(search_index, 0.0, 3.0, 1.0), a.id\nLIMIT 200"
)
SEARCH_ATTACHMENTS_SQL = (
    STEMMED_MATCH + "SELECT t.url, t.filename, a.id AS article_id, a.title AS article_title, x.status\n"
    "FROM attachment_search s JOIN attachment_texts x ON x.sha256 = s.sha256\n"
    "JOIN attachments t ON t.sha256 = x.sha256 LEFT JOIN articles a ON a.url = t.article_url\n"
    f"WHERE attachment_search MATCH {MATCH_TERMS}\n"
    "ORDER BY bm25(attachment_search, 0.0, 1.0), t.url\nLIMIT 200"
)

SEARCH_BOX_NOTE = (
    " Search box: type whole words in either language, in any form (meetings, безопасность); all must match;"
    ' a "quoted phrase" matches the words as written, and word* any word that begins so.'
)
# Canned queries that need a table's Datasette index: query -> table.
SEARCH_QUERIES = {"search": "articles", "search_attachments": "attachment_texts"}

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "search": {
        "title": "Search articles (any inflected form)",
        "description": (
            "Stemmed full-text search in titles and bodies, Russian and English, as csto search does: "
            "безопасность finds безопасности, meetings finds meeting. All words must match."
        ),
        "sql": SEARCH_SQL,
    },
    "search_attachments": {
        "title": "Search attachments' text (any inflected form)",
        "description": "Stemmed full-text search in the text extracted from attached documents.",
        "sql": SEARCH_ATTACHMENTS_SQL,
    },
    "articles_per_month": {
        "title": "Articles per month and language",
        "sql": (
            "SELECT substr(published, 1, 7) AS month, lang, count(*) AS articles FROM articles"
            " WHERE published IS NOT NULL GROUP BY month, lang ORDER BY month, lang"
        ),
    },
    "articles_per_year_section": {
        "title": "Articles per year, language and section",
        "sql": (
            "SELECT substr(published, 1, 4) AS year, lang, section, count(*) AS articles FROM articles"
            " GROUP BY year, lang, section ORDER BY year, lang, section"
        ),
    },
    "edited_articles": {
        "title": "Articles edited on the site after first archived",
        "sql": (
            "SELECT a.id, a.lang, a.published, a.title, a.version_count,"
            " (SELECT count(*) FROM versions v WHERE v.article_id = a.id AND v.change = 'site') AS site_versions"
            " FROM articles a WHERE a.version_count > 1 ORDER BY a.version_count DESC, a.id"
        ),
    },
    "removed_articles": {
        "title": "Articles the site removed (tombstones)",
        "sql": (
            "SELECT id, lang, published, title, gone_at, gone_reason, url FROM articles"
            " WHERE gone_at IS NOT NULL ORDER BY gone_at DESC, id"
        ),
    },
    "article_versions": {
        "title": "Every version of one article (for citing a version)",
        "sql": (
            "SELECT article_id, version, content_sha256, change, first_seen_at, last_seen_at, title, published, url"
            " FROM versions WHERE article_id = :id ORDER BY version"
        ),
    },
    "ru_en_pairs": {
        "title": "Russian articles and their English counterparts",
        "sql": (
            "SELECT r.id AS ru_id, r.published, r.title AS ru_title, e.id AS en_id, e.title AS en_title"
            " FROM articles r LEFT JOIN articles e ON e.url = r.counterpart_url"
            " WHERE r.lang = 'ru' ORDER BY r.published DESC, r.id"
        ),
    },
}


@dataclass
class TableDoc:
    description: str
    columns: dict[str, str] = field(default_factory=dict)


def schema_docs(path: Path = SCHEMA_DOC) -> dict[str, TableDoc]:
    """Tables and columns described in docs/archive-schema.md (empty when the file is not there)."""
    if not path.is_file():
        return {}
    docs: dict[str, TableDoc] = {}
    for block in re.split(r"^### ", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
        head, _, body = block.partition("\n")
        name = head.strip().strip("`")
        prose = [ln.strip() for ln in body.split("\n\n")[0].splitlines() if ln.strip() and not ln.startswith("|")]
        doc = TableDoc(plain(" ".join(prose)))
        for line in body.splitlines():
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if len(cells) != 2 or cells[0] in ("column", "---") or set(cells[0]) <= {"-"}:
                continue
            meaning = plain(cells[1].replace("\\|", "|"))
            for column in re.findall(r"`([^`]+)`", cells[0]):
                doc.columns[column] = meaning
        docs[name] = doc
    return docs


def plain(markdown: str) -> str:
    """Markdown cell text as plain text (Datasette shows descriptions as text)."""
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown).replace("`", "")


def describe(tables: dict[str, list[str]], docs: dict[str, TableDoc]) -> dict[str, TableDoc]:
    """A description for every table and column of the release database (``tables``: name -> columns)."""
    out: dict[str, TableDoc] = {}
    for table, columns in tables.items():
        if table in RELEASE_TABLES:
            description, meanings = RELEASE_TABLES[table]
            doc = TableDoc(description, dict(meanings))
        else:
            doc = docs.get(table) or TableDoc(UNDOCUMENTED)
        out[table] = TableDoc(doc.description, {c: doc.columns.get(c, UNDOCUMENTED) for c in columns})
    if "key" in out.get("meta", TableDoc("")).columns:
        out["meta"].columns["key"] += RELEASE_META_KEYS
    return out


def datasette_metadata(
    described: dict[str, TableDoc], release: dict[str, Any], hidden: set[str], searchable: set[str]
) -> dict[str, Any]:
    """Datasette's metadata.json: title, source, licence, every table and column, search, canned queries.

    ``searchable``: the tables with a word index (``<table>`` is searched through ``<table>_fts``,
    archive/word_indexes.py; Datasette's default search mode quotes what is typed, so ``"`` or
    ``NEAR(`` in the box is text, never an FTS syntax error).
    """
    tables: dict[str, Any] = {}
    for name, doc in described.items():
        entry: dict[str, Any] = {"description": doc.description, "columns": doc.columns}
        if name in hidden:
            entry["hidden"] = True
        if name in searchable:
            entry.update(fts_table=WordIndex(name, ()).name, fts_pk="rowid")
            entry["description"] += SEARCH_BOX_NOTE
        tables[name] = entry
    tables["articles"].update(sort_desc="published", label_column="title")
    queries = {
        name: dict(query)
        for name, query in CANNED_QUERIES.items()
        if name not in SEARCH_QUERIES or SEARCH_QUERIES[name] in searchable
    }
    return {
        "title": f"CSTO website archive, release {release['id']}",
        "description": (
            f"Every article of the CSTO's English and Russian websites with every version the archive saw, "
            f"taken by csto-crawler {release['tool_version']} on {release['created_at'][:10]} "
            f"({release['articles']} articles, {release['versions']} versions). {release['snapshots_note']}"
        ),
        "source": SOURCE,
        "source_url": SOURCE_URL,
        "license": LICENSE,
        "databases": {
            DATABASE: {"description": "The archive (one SQLite file).", "tables": tables, "queries": queries}
        },
    }


def release_readme(
    described: dict[str, TableDoc], parquet: list[tuple[str, TypedTable, int]], release: dict[str, Any]
) -> str:
    """README.md of a release: what it holds, the data dictionary, versions and tombstones, citation."""
    lines = [
        f"# CSTO website archive: release {release['id']}",
        "",
        f"Made by `csto release` (csto-crawler {release['tool_version']}) on {release['created_at']} from an archive",
        f"whose last crawl finished at {release['last_crawl'] or 'an unknown time'}: {release['articles']} articles,",
        f"{release['versions']} versions, {release['attachments']} attachments. {release['snapshots_note']}",
        "",
        f"Source: {SOURCE}. Licence: {LICENSE}",
        "",
        "## Files",
        "",
        "| file | what |",
        "|---|---|",
        "| `csto.sqlite` | the archive, one SQLite file (schema described below); `csto search`, `csto show`"
        " and `csto verify` take it with `--archive` |",
    ]
    for filename, table, count in parquet:
        lines.append(f"| `{filename}` | {table.meaning} ({count} rows; columns below) |")
    lines += [
        "| `metadata.json` | Datasette metadata: titles, descriptions of every table and column, search,"
        " canned queries |",
        "| `SHA256SUMS` | checksums of every other file: `sha256sum -c SHA256SUMS` |",
        "",
        "## Open it",
        "",
        "```sh",
        "sha256sum -c SHA256SUMS                          # every file as released",
        "datasette csto.sqlite -m metadata.json           # browse, search, query in the browser",
        "python -c \"import pandas; print(pandas.read_parquet('articles.parquet').dtypes)\"",
        "duckdb -c \"SELECT lang, count(*) FROM 'versions.parquet' GROUP BY lang\"",
        "```",
        "",
        *_search_notes(),
        "## Versions and tombstones",
        "",
        "The archive never deletes and never overwrites. Each article (`articles`, one row) has one or more",
        "`versions`: version 1 is the content first archived; a new version is stored only when the",
        "content itself changed (title, subtitle, date, body, signature, attachments), never because the",
        "page's sidebar or counters changed. `change` says who changed it: `site` (an edit on the site) or",
        "`extractor` (the same stored page read again by a newer extractor, `extractor_version`). A version's",
        "`first_seen_at` and `last_seen_at` bound when the site showed that content. `articles` holds the",
        "latest version's content. When the site removes an article (HTTP 404/410, or dropped from a",
        "sitemap that listed it), the article stays with `gone_at` and `gone_reason` set: a tombstone;",
        "`article_events` records `gone`, `revived` and `url_changed` with the run that noticed it.",
        "",
        "## How to cite an article version",
        "",
        "Cite the article ID (stable: `<lang>-<site element ID>`, it survives URL edits), the version",
        "number, the version's `content_sha256` (which proves the text cited is the text archived), the URL",
        "and when the site showed it, and this release:",
        "",
        "```",
        'CSTO, "<title>", <url>, published <published>; archived as <article id> version <n>',
        f"(content sha256 <content_sha256>, seen <first_seen_at>..<last_seen_at>), CSTO website archive release "
        f"{release['id']} (csto.sqlite sha256 {release['db_sha256'][:16]}...).",
        "```",
        "",
        *_citation_example(release),
        "`SELECT article_id, version, content_sha256, first_seen_at, last_seen_at FROM versions WHERE",
        "article_id = 'en-8573'` (or the `article_versions` query in Datasette) gives these.",
        "",
        "## Parquet files",
        "",
        "Typed columns: `published` is a date (the site's calendar date), `published_at` and every `*_at`",
        "a timestamp in UTC, counters integers, `attachments` a list of `{url, filename, sha256}` and",
        "`images` a list of URLs.",
        "",
    ]
    for filename, table, _ in parquet:
        lines += [f"### `{filename}`", "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.kind} | {c.meaning} |" for c in table.columns]
        lines.append("")
    lines += ["## Data dictionary: the tables of `csto.sqlite`", ""]
    for name, doc in described.items():
        lines += [f"### `{name}`", "", doc.description, "", "| column | meaning |", "|---|---|"]
        lines += [f"| `{c}` | {_cell(meaning)} |" for c, meaning in doc.columns.items()]
        lines.append("")
    return "\n".join(lines)


def _citation_example(release: dict[str, Any]) -> list[str]:
    v = release.get("example")
    if not v:
        return []
    return [
        "For example:",
        "",
        "```",
        f'CSTO, "{v["title"]}", {v["url"]}, published {v["published"]}; archived as {v["article_id"]} version'
        f" {v['version']} (content sha256 {v['content_sha256']}, seen {v['first_seen_at'][:10]}.."
        f"{v['last_seen_at'][:10]}), CSTO website archive release {release['id']}.",
        "```",
        "",
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _search_notes() -> list[str]:
    return [
        "## Search",
        "",
        "Whole words in either language, in any inflected form, from any tool: Datasette's search box on",
        "the `articles` table (`?_search=безопасность`, `?_search=meetings`), `sqlite-utils search csto.sqlite",
        "articles безопасность`, or `SELECT title FROM articles WHERE rowid IN (SELECT rowid FROM articles_fts",
        "WHERE articles_fts MATCH 'безопасность')`. `articles_fts` indexes the words as written (English forms",
        "through SQLite's porter stemmer) and, after each text, its Russian words' Snowball stems and every other",
        "form of them this release uses, since SQLite has no Russian stemmer; `attachment_texts_fts` does the",
        "same for attachments' text. `search_index` (used by `csto search`) holds the Snowball stems of every",
        "word; the `search` query stems the words you type (through `search_words`) and matches them there.",
        "The word indexes are keyed by `rowid`: do not `VACUUM` this file (SQLite may renumber rowids), use a copy.",
        "",
    ]
