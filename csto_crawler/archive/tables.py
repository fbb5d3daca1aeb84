"""The registry, part one: articles and their history (versions, events, aliases, held pages, search indexes).

Each column is declared here once (registry.py says what the fields mean); the research exports
(``ARTICLE_EXPORT``, ``VERSION_EXPORT``) are built from the columns marked ``export``.
"""

from __future__ import annotations

import dataclasses

from ..outcomes import Doubt
from .registry import Column, Export, Fill, Kind, Table, exported
from .word_indexes import ARTICLE_WORDS

# Schema 8 (issue 22): sources other than the CSTO; rows per article or per URL name their source.
SOURCES_SCHEMA = 8


def source_column(meaning: str, fill: Fill = Fill.WRITER, export: bool = False) -> Column:
    """The ``source`` column of a row that belongs to one source (rows older than schema 8: the CSTO's)."""
    return Column("source", "TEXT NOT NULL DEFAULT 'csto'", meaning, fill=fill, export=export, added=SOURCES_SCHEMA)


# The clean fields an article and each of its versions hold (the item's attributes of these names).
# Which of them make a new version when they change: content.py (the fingerprint).
_CONTENT = (
    Column("title", "TEXT NOT NULL", "clean title (without the date the site appends to its repeated title line)",
           fill=Fill.CONTENT, export=True),
    Column("subtitle", "TEXT", "subtitle line, if any", fill=Fill.CONTENT, export=True),
    Column("author", "TEXT", "the byline (author or agency) when the page names one, else NULL",
           fill=Fill.CONTENT, export=True, added=7),
    Column("published", "TEXT", "publication date or datetime as the site shows it (see conventions): a calendar"
           " date, never shifted to UTC, in Parquet and PostgreSQL", kind=Kind.DATE, fill=Fill.CONTENT, export=True),
    Column("published_at", None, "publication instant in UTC when the site gives a time, else NULL",
           kind=Kind.INSTANT, export=True, expr="CASE WHEN instr({t}.published, 'T') THEN {t}.published END"),
    Column("published_raw", "TEXT", "the date string as the site wrote it (`14.09.2022`, `05/08/2020 08:00:00`)",
           fill=Fill.CONTENT, export=True),
    Column("published_source", "TEXT", "where the date came from: `detail` (head line), `detail_body` (date glued to"
           " the first words), `listing`, `attachments` (attachments line)", fill=Fill.CONTENT, export=True),
    Column("published_tz", "TEXT", "timezone assumed for a value with a time (`Europe/Moscow`); NULL for a bare date",
           fill=Fill.CONTENT),
    Column("date_flags", "TEXT NOT NULL DEFAULT '[]'", "JSON list of date candidates rejected (unparseable, before"
           " 1992-05-15 or after the fetch) or disagreeing", kind=Kind.STRING_LIST, fill=Fill.CONTENT, added=2),
    Column("body_text", "TEXT NOT NULL", "clean body: paragraphs separated by one blank line, no boilerplate",
           fill=Fill.CONTENT, export=True),
    Column("body_html", "TEXT NOT NULL", "cleaned body HTML (basic structure, links and images absolute)",
           fill=Fill.CONTENT, site_url=True),
    Column("signature", "TEXT", "press-secretary signature lines, joined by newlines", fill=Fill.CONTENT, export=True),
    Column("attachments", "TEXT NOT NULL", "JSON list of `{url, filename}` (in exports each also has the file's"
           " `sha256`, its text's `text_status` and the `text`)", kind=Kind.ATTACHMENT_LIST, fill=Fill.CONTENT,
           export=True, site_url=True),
    Column("images", "TEXT NOT NULL", "JSON list of image URLs (detail picture and body images)",
           kind=Kind.STRING_LIST, fill=Fill.CONTENT, export=True, site_url=True),
)  # fmt: skip

# An element ID names one article of a source's language (schema 8 added the source to the key).
ARTICLE_ELEMENT_INDEX = (
    "CREATE UNIQUE INDEX ux_articles_element ON articles(source, lang, element_id) WHERE element_id IS NOT NULL"
)

ARTICLES = Table(
    "articles",
    "One row per article: its identity, its current content (that of its latest version in time), and its life"
    " on the site.",
    (
        Column("id", "TEXT PRIMARY KEY", "stable article ID: the CSTO's `en-8573` (its Bitrix element ID) or"
               " `en-u<digest>`; another source's `<source>-<lang>-<its own ID>` (`agency-ru-e3a91d`) or"
               " `<source>-<lang>-u<digest of the canonical path and query>`", export=True),
        source_column("the source it belongs to (`sources.name`): `csto` for the CSTO's sites", Fill.ITEM, True),
        Column("url", "TEXT NOT NULL", "canonical URL (site base, normalised path with trailing slash, no tracking"
               " query); unique among the articles whose URL is not vacated", fill=Fill.ITEM, export=True,
               site_url=True),
        Column("vacated_by", "TEXT", "the Bitrix element ID is an article's identity: when the site gives this"
               " article's URL to another element (it renumbers duplicate slugs), the ID of the article that holds"
               " the URL now; NULL while the URL is this article's. The article keeps its row and URL until it is"
               " met at a new URL (a `url_changed` event records both moves)", export=True, added=7),
        Column("lang", "TEXT NOT NULL", "language code: `en` or `ru` for the CSTO, any ISO 639-1 code for other"
               " sources", fill=Fill.ITEM, export=True),
        Column("section", "TEXT NOT NULL", "URL path without the slug (`news/news_odkb`)", fill=Fill.ITEM,
               export=True),
        Column("slug", "TEXT NOT NULL", "last path segment (Bitrix code)", fill=Fill.ITEM),
        Column("element_id", "TEXT", "Bitrix element ID shown by the page (`bx_..._8573`)", fill=Fill.ITEM,
               keep=True),
        *_CONTENT,
        Column("counterpart_url", "TEXT", "the same article on the other language site (from the language switch)",
               fill=Fill.ITEM, export=True, site_url=True, keep=True, attribute="paired_url"),
        Column("counterpart_id", None, "ID of that article when it is archived", export=True,
               expr="(SELECT c.id FROM articles c WHERE c.url = {t}.counterpart_url AND c.vacated_by IS NULL)"),
        Column("content_sha256", "TEXT NOT NULL", "content fingerprint of the current version"),
        Column("current_version", "INTEGER", "the number of the version whose content the row holds: the latest in"
               " time (not always the highest number: an older capture imported later gets the next number)",
               kind=Kind.INTEGER, export=True, added=7),
        Column("version_count", "INTEGER NOT NULL", "number of versions (they are numbered 1 to version_count)",
               kind=Kind.INTEGER, export=True),
        Column("first_seen_at", "TEXT NOT NULL", "first time the content was fetched (UTC); a 304 answer counts",
               kind=Kind.INSTANT, export=True),
        Column("last_seen_at", "TEXT NOT NULL", "last time the content was fetched (UTC); a 304 answer counts",
               kind=Kind.INSTANT, export=True),
        Column("first_run_id", "INTEGER", "the run of the first fetch", kind=Kind.INTEGER),
        Column("last_run_id", "INTEGER", "the run of the last fetch", kind=Kind.INTEGER),
        Column("last_fetch_id", "INTEGER REFERENCES fetches(id)", "`fetches.id` of the last fetch", kind=Kind.INTEGER),
        Column("gone_at", "TEXT", "when the site was found to have removed the article (404/410, dropped from a"
               " sitemap file that listed it when all of the language's sitemaps were read, or from a complete"
               " listing walk); NULL while live. Data is never deleted", kind=Kind.INSTANT, export=True),
        Column("gone_reason", "TEXT", "`HTTP 404`, `HTTP 410`, `absent from sitemap` or `absent from a complete walk"
               " of <section>`", export=True),
        Column("sitemap_lastmod", "TEXT", "the sitemap's `<lastmod>` when the article was last fetched (edit"
               " detection)"),
        Column("etag", "TEXT", "validator of the last response, sent back in conditional requests"),
        Column("last_modified", "TEXT", "validator of the last response, sent back in conditional requests"),
    ),
    indexes=(
        "CREATE UNIQUE INDEX ux_articles_url ON articles(url) WHERE vacated_by IS NULL",
        ARTICLE_ELEMENT_INDEX,
        "CREATE INDEX ix_articles_published ON articles(lang, published)",
        "CREATE INDEX ix_articles_last_run ON articles(last_run_id)",
    ),
)  # fmt: skip

# The column naming the same article on the other language site, for the queries that pair them.
PAIRED_WITH = ARTICLES["counterpart_url"]

VERSIONS = Table(
    "versions",
    "Every content of every article the archive saw. A version, once written, keeps its number and its content"
    " for good: cite it as article ID + version number + `content_sha256`. Read the versions in time order"
    " (`ORDER BY first_seen_at, version`), not by number.",
    (
        Column("id", "INTEGER PRIMARY KEY", "row number"),
        Column("article_id", "TEXT NOT NULL REFERENCES articles(id)", "`articles.id`", export=True),
        Column("version", "INTEGER NOT NULL", "the version's number, its citation key: 1, 2, ... in the order the"
               " archive learnt of them; never changes. A capture imported later that is older than what the"
               " archive held gets the next number and its place in time from its dates", kind=Kind.INTEGER,
               export=True),
        Column("content_sha256", "TEXT NOT NULL", "content fingerprint of this version", export=True),
        Column("url", "TEXT NOT NULL", "canonical URL under which this version was fetched", fill=Fill.ITEM,
               export=True),
        # A version is what was seen: its URLs never move with the site (origins.py moves articles' only).
        *(dataclasses.replace(c, site_url=False) for c in _CONTENT),
        Column("first_seen_at", "TEXT NOT NULL", "first fetch showing this content (UTC): its place in time",
               kind=Kind.INSTANT, export=True),
        Column("last_seen_at", "TEXT NOT NULL", "last fetch showing this content (UTC)", kind=Kind.INSTANT,
               export=True),
        Column("first_run_id", "INTEGER", "run that saw it first", kind=Kind.INTEGER),
        Column("last_run_id", "INTEGER", "run that saw it last", kind=Kind.INTEGER),
        Column("fetch_id", "INTEGER REFERENCES fetches(id)", "the fetch whose reading the fields hold (an older"
               " capture with the same content moves `first_seen_at` back, not `fetch_id`)", kind=Kind.INTEGER),
        Column("snapshot_sha256", "TEXT REFERENCES blobs(sha256)", "raw bytes of that fetch (`blobs.sha256`)",
               export=True),
        Column("change", "TEXT NOT NULL DEFAULT 'site'", "`site` (the site's content changed, or an older capture"
               " showed other content) or `extractor` (the same snapshot read again by a newer extractor, `csto"
               " reextract`)", export=True, added=4),
        Column("extractor_version", "TEXT", "version of the extractor that read this version"
               " (`csto_crawler.EXTRACTOR_VERSION`)", export=True, added=4),
        Column("reading_method", "TEXT", "how the page was read: `named` (the site's selectors), `anchored` (the"
               " markup-independent reading), `generic` (the generic reader for any news page); NULL for versions"
               " written before schema 7", fill=Fill.ITEM,
               export=True, added=7),
    ),
    constraints=("UNIQUE (article_id, version)",),
)  # fmt: skip

EVENTS = Table(
    "article_events",
    "Changes in an article's life.",
    (
        Column("id", "INTEGER PRIMARY KEY", "row number"),
        Column("article_id", "TEXT NOT NULL REFERENCES articles(id)", "`articles.id`"),
        Column("event", "TEXT NOT NULL", "`gone`, `revived`, `url_changed`, or `versions_renumbered` (schema 7 gave"
               " back the numbers an import had moved; `detail` lists the old and new numbers)"),
        Column("at", "TEXT NOT NULL", "when it was noticed", kind=Kind.INSTANT),
        Column("run_id", "INTEGER", "the run that noticed it", kind=Kind.INTEGER),
        Column("detail", "TEXT", "reason (`HTTP 404`, `absent from sitemap`), or `old URL -> new URL`"),
    ),
    indexes=("CREATE INDEX ix_events_article ON article_events(article_id)",),
    added=2,
)  # fmt: skip

ALIASES = Table(
    "url_aliases",
    "Other URLs seen for an article: links with `?bxajaxid=`/`?sphrase_id=` or without the trailing slash,"
    " redirect sources, former canonical URLs after a slug edit.",
    (
        Column("url", "TEXT PRIMARY KEY", "the alias URL", site_url=True),
        Column("article_id", "TEXT NOT NULL REFERENCES articles(id)", "`articles.id`"),
        Column("first_seen_at", "TEXT NOT NULL", "when it was first seen", kind=Kind.INSTANT),
        Column("last_seen_at", "TEXT NOT NULL", "when it was last seen", kind=Kind.INSTANT),
    ),
    indexes=("CREATE INDEX ix_aliases_article ON url_aliases(article_id)",),
    added=2,
)

# The doubts an article page can be held for (``no_items`` is a listing page's).
_PAGE_DOUBTS = ", ".join(f"`{doubt}`" for doubt in Doubt if doubt is not Doubt.NO_ITEMS)

HELD_PAGES = Table(
    "held_pages",
    "Article pages fetched but not read confidently (the drift alarm's doubtful pages), or standing in for the"
    " article (a notice in the site's layout: another text than the archived one, the same short body on"
    " several articles of a run): their snapshot is kept,"
    " but no version is written from them, so they never overwrite good content. `csto health` lists them;"
    " `csto reextract` reads them again and, when today's extractor reads them, writes their version and"
    " removes the row.",
    (
        Column("url", "TEXT PRIMARY KEY", "the page URL", site_url=True),
        source_column("the source of the page (`sources.name`)"),
        Column("lang", "TEXT NOT NULL", "site language"),
        Column("section", "TEXT NOT NULL", "section it was found in"),
        Column("title", "TEXT", "the title read, if any"),
        Column("doubts", "TEXT NOT NULL", f"JSON list of why: {_PAGE_DOUBTS} (csto_crawler/outcomes.py says what"
               " each means)", kind=Kind.STRING_LIST),
        Column("method", "TEXT NOT NULL", "how the page was read: `named`, `anchored`, `generic` or `none`"),
        Column("fetch_id", "INTEGER REFERENCES fetches(id)", "the fetch holding the snapshot (`fetches.id`)",
               kind=Kind.INTEGER),
        Column("extractor_version", "TEXT NOT NULL", "extractor that doubted it"),
        Column("first_held_at", "TEXT NOT NULL", "first time it was held", kind=Kind.INSTANT),
        Column("last_held_at", "TEXT NOT NULL", "last time it was held", kind=Kind.INSTANT),
        Column("run_id", "INTEGER", "the run that last held it", kind=Kind.INTEGER),
    ),
    added=4,
)  # fmt: skip

SOURCES = Table(
    "sources",
    "The outlets the archive keeps (issue 22): the CSTO's sites (`csto`, in every archive) and those added with"
    " `csto sources add`. A source is data: `config` holds its table as a sources file writes it"
    " (docs/cli.md, examples/kazinform.toml). A source removed while it had articles keeps its row, marked"
    " `removed_at`: its articles stay, and say where they came from.",
    (
        Column("name", "TEXT PRIMARY KEY", "the source's name (`csto`, `kazinform`): `articles.source`"),
        Column("config", "TEXT NOT NULL", "JSON: the source's table (home, languages, start pages, must_mention,"
               " ...; the keys of a sources file)", kind=Kind.JSON),
        Column("added_at", "TEXT NOT NULL", "when it was added (a new archive: when it was created)",
               kind=Kind.INSTANT),
        Column("changed_at", "TEXT", "when `csto sources add --replace` last changed it", kind=Kind.INSTANT),
        Column("removed_at", "TEXT", "when `csto sources remove --force` took it out of the crawls (its articles"
               " stay); NULL while crawled", kind=Kind.INSTANT),
    ),
    added=SOURCES_SCHEMA,
)  # fmt: skip

SEARCH_INDEX = Table(
    "search_index",
    "FTS5 table (with its shadow tables `search_index_*`) of stemmed shadow text: every word of the title and body"
    " reduced to its Snowball stem (Russian stemmer for Cyrillic words, English otherwise); `csto search` matches"
    " it, so any inflected form finds the others in both languages. Snippets come from `articles.body_text`."
    " (Other tools use `articles_fts`.)",
    (
        Column("article_id", "UNINDEXED", "`articles.id` (not indexed)"),
        Column("title", "", "stems of the title"),
        Column("body", "", "stems of the body"),
    ),
    fts="tokenize = 'unicode61 remove_diacritics 2'",
    added=2,
)

ARTICLES_FTS = ARTICLE_WORDS.registered(
    "FTS5 index (with its shadow tables `articles_fts_*`) of the words of every article's title and body as"
    " written, for the tools that query SQLite as it is: Datasette's search box, `sqlite-utils search csto.sqlite"
    " articles WORDS`, a plain `MATCH`. External content (`content=[articles]`), keyed by `articles.rowid`, kept"
    " in step by the triggers `articles_fts_ai`, `articles_fts_ad` and `articles_fts_au` whatever writes the"
    " table (as `sqlite-utils enable-fts --create-triggers` makes them); `INSERT INTO articles_fts (articles_fts)"
    " VALUES ('rebuild')` remakes it. Its tokenizer (below, with porter): English word forms match each other"
    " (`meetings` finds `meeting`); Russian words match as written (SQLite has no Russian stemmer; `csto search`"
    " uses the stems in `search_index`). In a release (`csto release`) each text is followed by its Russian"
    " words' Snowball stems and every other form of them the release uses, so any form finds the others, and the"
    " triggers are gone (a release is read-only). Example: `SELECT id, title FROM articles WHERE rowid IN (SELECT"
    " rowid FROM articles_fts WHERE articles_fts MATCH 'meetings')`.",
    ("the title's words (reads give `articles.title`)", "the body's words (reads give `articles.body_text`)"),
    added=6,
)

# --- the research tables (csto export, the release's Parquet files, PostgreSQL) ----------------------

ARTICLE_EXPORT = Export(
    "articles",
    "one row per article: its current content and its life on the site",
    ("id",),
    "FROM articles a",
    "a.id",
    tuple(exported(ARTICLES, "a")),
)

# A version row names its article's language, section and removal.
_VERSION_KEY = ("article_id", "version", "url")
VERSION_EXPORT = Export(
    "versions",
    "one row per version of every article, in time order within each article",
    ("article_id", "version"),
    "FROM versions v JOIN articles a ON a.id = v.article_id",
    "v.article_id, v.first_seen_at, v.version",
    (
        *exported(VERSIONS, "v", _VERSION_KEY),
        *exported(ARTICLES, "a", ("source", "lang", "section")),
        *exported(VERSIONS, "v", [c.name for c in VERSIONS.columns if c.export and c.name not in _VERSION_KEY]),
        *exported(ARTICLES, "a", ("gone_at",)),
    ),
)
