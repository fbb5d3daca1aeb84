"""The registry, part two: the run ledger (runs, fetches, snapshots, listings, sitemaps, failures,
attachments and their text) and the tables a release adds for Datasette."""

from __future__ import annotations

from .registry import Column, Export, Kind, Table, exported
from .tables import source_column
from .word_indexes import ATTACHMENT_WORDS

_SEEN = (
    Column("first_seen_at", "TEXT NOT NULL", "first time it was seen", kind=Kind.INSTANT),
    Column("last_seen_at", "TEXT NOT NULL", "last time it was seen", kind=Kind.INSTANT),
)

META = Table(
    "meta",
    "Facts about the file itself.",
    (
        Column("key", "TEXT PRIMARY KEY", "`created_at`, `upgraded_at`, `upgraded_by` (csto-crawler version),"
               " `schema_version`, `site_base.<lang>` (the base URL last crawled for a language; when a crawl's base"
               " differs, the stored URLs move to the new origin, with no new versions), `renumbered_articles` and"
               " `renumbering_unproven` (what schema 7 did to versions an import had renumbered)"),
        Column("value", "TEXT NOT NULL", "text value"),
    ),
)  # fmt: skip

CRAWL_RUNS = Table(
    "crawl_runs",
    "One row per run: a crawl, a re-extraction or a WARC import, from its start to the exit code it ended with.",
    (
        Column("id", "INTEGER PRIMARY KEY", "run number"),
        Column("started_at", "TEXT NOT NULL", "when the run started", kind=Kind.INSTANT),
        Column("finished_at", "TEXT", "when it ended (NULL: killed, or still running)", kind=Kind.INSTANT),
        Column("finish_reason", "TEXT", "how it ended: Scrapy's reason for a crawl (`finished`, `shutdown`,"
               " `archive_error`, ...), `finished` or `failed` for the others"),
        Column("mode", "TEXT", "`full` (first crawl or `--full`), `incremental`, `reextract` (`csto reextract`, no"
               " network), or `warc-import` (`csto warc import`: captures read from WARC/ARC files)"),
        Column("arguments", "TEXT", "JSON: sites, languages, flags and `-s` overrides of the run", kind=Kind.JSON),
        Column("crawler_version", "TEXT NOT NULL", "csto-crawler version that ran"),
        Column("host", "TEXT", "machine name"),
        Column("pid", "INTEGER", "process ID", kind=Kind.INTEGER),
        Column("counts", "TEXT", "JSON: per language and section, what the run's writes did (`new`, `changed`,"
               " `unchanged`, `revived`, `gone`, `held`, `failed`), updated after every batch so that a killed run"
               " leaves its progress; a `reextract` or `warc-import` run adds its own counters under its mode's"
               " name (`{\"warc-import\": {\"skipped HTTP 404\": 3, ...}}`)", kind=Kind.JSON),
        Column("health", "TEXT", "JSON: extraction health per language and section: pages read by each method"
               " (`named`, `anchored`, `generic`, `none`), with each doubt's count, and `drift`: the sections past"
               " `CSTO_MAX_DOUBTFUL_SHARE`", kind=Kind.JSON, added=4),
        Column("exit_code", "INTEGER", "the exit code the run ended with: 0 success, 3 could not go on (stopped"
               " early), 4 too many failures, 8 extraction drift, 130 interrupted (Ctrl-C, SIGTERM); NULL while"
               " running or when killed", kind=Kind.INTEGER, added=7),
        Column("pages_fetched", "INTEGER", "pages the run took in: fetched from the sites (crawl), read from WARC"
               " files (import) or read again from stored snapshots (reextract)", kind=Kind.INTEGER, added=7),
        Column("pages_archived", "INTEGER", "article pages written as a version or confirmed unchanged",
               kind=Kind.INTEGER, added=7),
        Column("pages_held", "INTEGER", "article pages held back as doubtful", kind=Kind.INTEGER, added=7),
        Column("failures", "INTEGER", "URLs that failed in the run", kind=Kind.INTEGER, added=7),
        Column("duration_s", "REAL", "seconds from start to end", kind=Kind.REAL, added=7),
    ),
)  # fmt: skip

BLOBS = Table(
    "blobs",
    "Raw bytes (HTML snapshots, sitemaps, attachments), content-addressed.",
    (
        Column("sha256", "TEXT PRIMARY KEY", "sha256 of the raw bytes (primary key: identical bytes are stored once)"),
        Column("size", "INTEGER NOT NULL", "raw size in bytes", kind=Kind.INTEGER),
        Column("codec", "TEXT NOT NULL", "`zstd` (level 3) or `raw` (tiny bodies)"),
        Column("data", "BLOB NOT NULL", "the stored (compressed) bytes; `csto verify` decompresses and re-hashes them",
               kind=Kind.BLOB),
        Column("created_at", "TEXT NOT NULL", "when these bytes were first stored", kind=Kind.INSTANT),
    ),
)  # fmt: skip

FETCHES = Table(
    "fetches",
    "Provenance of every HTTP response the crawler used, and of every capture imported from a WARC file"
    " (`csto warc import`; `source` and `warc_record_id` name the file and the record).",
    (
        Column("id", "INTEGER PRIMARY KEY", "fetch number"),
        Column("run_id", "INTEGER REFERENCES crawl_runs(id)", "the run (`crawl_runs.id`)", kind=Kind.INTEGER),
        Column("url", "TEXT NOT NULL", "URL requested"),
        Column("final_url", "TEXT NOT NULL", "URL that answered, after redirects"),
        Column("kind", "TEXT NOT NULL", "`article`, `listing`, `sitemap`, `attachment`, or `other` (a page that holds"
               " no article)"),
        Column("lang", "TEXT", "site language"),
        Column("status", "INTEGER NOT NULL", "HTTP status", kind=Kind.INTEGER),
        Column("fetched_at", "TEXT NOT NULL", "when the response was received (for a capture: its WARC date)",
               kind=Kind.INSTANT),
        Column("headers", "TEXT", "JSON of selected response headers (content-type, content-length, last-modified,"
               " etag, date, server, location, retry-after, x-powered-cms)", kind=Kind.JSON),
        Column("sha256", "TEXT REFERENCES blobs(sha256)", "raw body bytes (`blobs.sha256`)"),
        Column("size", "INTEGER NOT NULL", "raw body size", kind=Kind.INTEGER),
        Column("crawler_version", "TEXT NOT NULL", "csto-crawler version that fetched it (for an imported capture:"
               " the version that imported it)"),
        Column("source", "TEXT", "NULL for the crawl's own fetches; for a capture imported by `csto warc import`, the"
               " name of the WARC or ARC file it came from", added=5),
        Column("warc_record_id", "TEXT", "the imported record's `WARC-Record-ID` (ARC records, which have none, get"
               " `<urn:csto:capture:...>` from the URL, date and payload); importing a record already here adds"
               " nothing", added=5),
    ),
    indexes=(
        "CREATE INDEX ix_fetches_url ON fetches(url)",
        "CREATE INDEX ix_fetches_run ON fetches(run_id)",
        "CREATE INDEX ix_fetches_warc_record ON fetches(warc_record_id) WHERE warc_record_id IS NOT NULL",
    ),
)  # fmt: skip

LISTING_SIGHTINGS = Table(
    "listing_sightings",
    "The coverage ledger: every time a listing page showed an article.",
    (
        Column("id", "INTEGER PRIMARY KEY", "row number"),
        Column("article_url", "TEXT NOT NULL", "canonical URL of the listed article", site_url=True),
        Column("linked_url", "TEXT NOT NULL", "the link as the listing wrote it", site_url=True),
        Column("listing_url", "TEXT NOT NULL", "the listing page URL", site_url=True),
        Column("lang", "TEXT NOT NULL", "site language"),
        Column("section", "TEXT NOT NULL", "the walked section (a `sections` entry of the section-walked source)"),
        Column("page", "INTEGER NOT NULL", "page number", kind=Kind.INTEGER),
        Column("position", "INTEGER NOT NULL", "position on the page (1-based)", kind=Kind.INTEGER),
        Column("listed_date_raw", "TEXT NOT NULL", "date the listing showed ('' when none)"),
        Column("listed_title", "TEXT NOT NULL", "title the listing showed"),
        Column("listed_lead", "TEXT", "lead (teaser) the listing showed ('' or NULL when none); the newest"
               " sighting's", added=4),
        Column("first_seen_at", "TEXT NOT NULL", "first sighting with these exact values", kind=Kind.INSTANT),
        Column("last_seen_at", "TEXT NOT NULL", "last sighting with these exact values", kind=Kind.INSTANT),
        Column("first_run_id", "INTEGER", "run of the first sighting", kind=Kind.INTEGER),
        Column("last_run_id", "INTEGER", "run of the last sighting", kind=Kind.INTEGER),
    ),
    constraints=("UNIQUE (article_url, listing_url, page, position, listed_date_raw, listed_title)",),
    indexes=("CREATE INDEX ix_sightings_article ON listing_sightings(article_url)",),
)  # fmt: skip

SITEMAP_ENTRIES = Table(
    "sitemap_entries",
    "Article URLs listed in the sites' sitemaps.",
    (
        Column("url", "TEXT PRIMARY KEY", "canonical article URL", site_url=True),
        Column("lang", "TEXT NOT NULL", "site language"),
        Column("lastmod", "TEXT", "`<lastmod>` as written in the sitemap"),
        Column("first_seen_at", "TEXT NOT NULL", "first time a sitemap listed it", kind=Kind.INSTANT),
        Column("last_seen_at", "TEXT NOT NULL", "last time a sitemap listed it", kind=Kind.INSTANT),
        Column("last_run_id", "INTEGER", "the last run that read it in a sitemap file", kind=Kind.INTEGER),
        Column("sitemap_url", "TEXT", "the sitemap file that listed it (NULL for entries recorded before schema 3,"
               " and for entries known only from an imported capture older than the archive's reading of the"
               " file)", site_url=True, added=3),
    ),
    indexes=("CREATE INDEX ix_sitemap_entries_file ON sitemap_entries(sitemap_url, last_run_id)",),
    notes="An entry counts as listed by a run when its file was read or confirmed unchanged in that run"
    " (`sitemap_files.confirmed_run_id`) and the entry was in the file when it was last read"
    " (`last_run_id = sitemap_files.parsed_run_id`).",
)  # fmt: skip

SITEMAP_FILES = Table(
    "sitemap_files",
    "Each sitemap file that lists articles, as last read. A later run that gets the same bytes (same `sha256`) from"
    " a file last read by a run that finished normally does not parse it again: its entries are the same, so only"
    " `confirmed_run_id` moves. This keeps an incremental run's cost independent of the archive's size.",
    (
        Column("url", "TEXT PRIMARY KEY", "URL of the sitemap file", site_url=True),
        Column("lang", "TEXT NOT NULL", "site language"),
        Column("sha256", "TEXT NOT NULL", "sha256 of the bytes last parsed"),
        Column("entry_count", "INTEGER NOT NULL", "article entries it held then", kind=Kind.INTEGER),
        Column("parsed_at", "TEXT NOT NULL", "when it was last parsed (UTC)", kind=Kind.INSTANT),
        Column("parsed_run_id", "INTEGER", "the run that last parsed it", kind=Kind.INTEGER),
        Column("confirmed_run_id", "INTEGER", "the last run that read it, parsed or found unchanged",
               kind=Kind.INTEGER),
        Column("index_lastmod", "TEXT", "the `<lastmod>` the sitemap index gave for the file when it was last parsed;"
               " while the index shows the same value, an incremental run does not fetch the file again (`--full`"
               " does)", added=5),
    ),
    added=3,
)  # fmt: skip

SECTION_WALKS = Table(
    "section_walks",
    "Sections whose listing was walked from page 1 to the last page without a failed page; only these are walked"
    " incrementally afterwards.",
    (
        Column("lang", "TEXT NOT NULL", "site language"),
        Column("section", "TEXT NOT NULL", "a `sections` entry of the section-walked source"),
        Column("last_page", "INTEGER NOT NULL", "number of listing pages at that walk", kind=Kind.INTEGER),
        Column("completed_at", "TEXT NOT NULL", "when the walk completed", kind=Kind.INSTANT),
        Column("run_id", "INTEGER", "run of the walk", kind=Kind.INTEGER),
    ),
    constraints=("PRIMARY KEY (lang, section)",),
)

FAILURES = Table(
    "failures",
    "URLs that could not be fetched or used, retried first by the next run; a row disappears when its URL is"
    " fetched successfully (by a fetch no older than the failure).",
    (
        Column("url", "TEXT PRIMARY KEY", "the URL", site_url=True),
        source_column("the source whose crawl failed on it (`sources.name`)"),
        Column("lang", "TEXT", "site language"),
        Column("kind", "TEXT NOT NULL", "`article`, `listing`, `sitemap` or `attachment`"),
        Column("error", "TEXT NOT NULL", "last error (`HTTP 500`, `ResponseDataLossError: ...`, `maintenance page`,"
               " ...)"),
        Column("status", "INTEGER", "last HTTP status, if any", kind=Kind.INTEGER),
        Column("attempts", "INTEGER NOT NULL", "attempts over all runs", kind=Kind.INTEGER),
        Column("first_failed_at", "TEXT NOT NULL", "first failure", kind=Kind.INSTANT),
        Column("last_failed_at", "TEXT NOT NULL", "last failure", kind=Kind.INSTANT),
        Column("last_run_id", "INTEGER", "run of the last failure", kind=Kind.INTEGER),
    ),
)  # fmt: skip

ATTACHMENTS = Table(
    "attachments",
    "Attachment files, downloaded once (bytes in `blobs`).",
    (
        Column("url", "TEXT PRIMARY KEY", "attachment URL", export=True, site_url=True),
        Column("article_url", "TEXT NOT NULL", "article that links it", export=True, site_url=True),
        Column("filename", "TEXT NOT NULL", "file name from the URL", export=True),
        Column("sha256", "TEXT REFERENCES blobs(sha256)", "file bytes (`blobs.sha256`)", export=True),
        Column("size", "INTEGER", "file size in bytes", kind=Kind.INTEGER, export=True),
        Column("content_type", "TEXT", "served content type", export=True),
        Column("first_seen_at", "TEXT NOT NULL", "first download (UTC)", kind=Kind.INSTANT, export=True),
        Column("last_fetched_at", "TEXT NOT NULL", "last download (UTC); the newest download's bytes are kept",
               kind=Kind.INSTANT, export=True),
    ),
    indexes=("CREATE INDEX ix_attachments_sha256 ON attachments(sha256)",),
    notes="The articles an attachment belongs to are those whose current content lists its URL"
    " (`articles.attachments`), and the one it was downloaded for (`article_url`).",
)  # fmt: skip

ATTACHMENT_TEXTS = Table(
    "attachment_texts",
    "The text of each downloaded file, content-addressed like its bytes: one row per `blobs.sha256`, whatever"
    " attachment URLs hold those bytes. Filled at the end of every crawl for each file without text, and by `csto"
    " attachment-text` (no network). The text is what a reader of the document sees: paragraphs one blank line"
    " apart (a PDF: one paragraph per page, its lines kept; a table or sheet: a line per row, cells tab-separated).",
    (
        Column("sha256", "TEXT PRIMARY KEY REFERENCES blobs(sha256)", "the file's bytes (`blobs.sha256`,"
               " `attachments.sha256`)"),
        Column("status", "TEXT NOT NULL", "`ok` (text extracted), `empty` (read, but no text: a scan without a text"
               " layer, an empty document), `encrypted` (needs a password), `corrupt` (not a readable file of its"
               " format, or the stored bytes damaged), `too_large` (over a size, XML element, nesting or memory"
               " limit), `timeout` (its reading process was killed at `CSTO_ATTACHMENT_SECONDS`), `crashed` (its"
               " reading process died), `unsupported` (no reader for the format: `.doc`, images, ...). Files with any"
               " status but `ok` are read again only by `csto attachment-text --again`", export=True),
        Column("reason", "TEXT", "why there is no text (`PDF needs a password to open`, `PdfStreamError: ...`), or a"
               " note on text cut short (`first 2000 of 2412 pages read`); NULL when there is nothing to say",
               export=True),
        Column("format", "TEXT NOT NULL", "format told by the bytes: `docx`, `pdf`, `rtf`, `xlsx`, `xls`, `odt`, `ods`,"
               " `odp`, `odf`, `text`, `doc`, `encrypted-office`, `ole`, `zip`, `empty`, `unknown`", export=True),
        Column("text", "TEXT NOT NULL", "the extracted text ('' unless `status` is `ok`)", export=True),
        Column("chars", "INTEGER NOT NULL", "length of `text` in characters", kind=Kind.INTEGER, export=True),
        Column("extractor", "TEXT NOT NULL", "the reader and its version (`python-docx 1.2.0`, `pypdf 5.1.0`,"
               " `striprtf 0.0.35`, `openpyxl 3.1.5`)", export=True),
        Column("extracted_at", "TEXT NOT NULL", "when the text was extracted", kind=Kind.INSTANT, export=True),
    ),
    added=5,
)  # fmt: skip

ATTACHMENT_SEARCH = Table(
    "attachment_search",
    "FTS5 table (with its shadow tables `attachment_search_*`) of the stemmed shadow text of every file whose text"
    " was extracted (`attachment_texts.status = 'ok'`), stemmed as `search_index`. `csto search` matches articles"
    " through it (via the attachments they link); snippets come from `attachment_texts.text`.",
    (
        Column("sha256", "UNINDEXED", "`attachment_texts.sha256` (not indexed)"),
        Column("body", "", "stems of the text"),
    ),
    fts="tokenize = 'unicode61 remove_diacritics 2'",
    added=5,
)

ATTACHMENT_TEXTS_FTS = ATTACHMENT_WORDS.registered(
    "FTS5 index of the words of every attachment's extracted text as written, like `articles_fts` (external"
    " content `content=[attachment_texts]`, keyed by `attachment_texts.rowid`, triggers `attachment_texts_fts_ai`,"
    " `_ad`, `_au`; in a release, every Russian form as for `articles_fts`).",
    ("the text's words (reads give `attachment_texts.text`)",),
    added=6,
)

# --- what a release adds (release_search.py makes it) -----------------------------------

RELEASE_TABLES = (
    Table(
        "search_words",
        "Every word form met in a title, body or attachment text (as written, and lower-cased) with its Snowball"
        " stem: lets plain SQL (the 'search' queries) stem a query as csto search does.",
        (
            Column("word", "TEXT PRIMARY KEY", "a word form as it occurs in the texts, or lower-cased"),
            Column("stem", "TEXT NOT NULL", "its Snowball stem"),
        ),
        release_only=True,
    ),
)

# The text columns an attachment row carries: ``text`` as it is, the others prefixed ``text_``.
_TEXT_FIELDS = tuple(
    Column(
        c.name if c.name.startswith("text") else f"text_{c.name}", None, f"the file's text: {c.meaning}", c.kind,
        export=True, expr=f"x.{c.name}",
    )
    for c in ATTACHMENT_TEXTS.columns
    if c.export
)  # fmt: skip

ATTACHMENT_EXPORT = Export(
    "attachments",
    "attachment files linked from articles (one row per URL), with the text extracted from the file",
    ("url",),
    "FROM attachments t LEFT JOIN articles a ON a.url = t.article_url AND a.vacated_by IS NULL"
    " LEFT JOIN attachment_texts x ON x.sha256 = t.sha256",
    "t.url",
    (
        *exported(ATTACHMENTS, "t", ("url",)),
        Column("article_id", None, "the article that links it (`articles.id`), when archived", export=True,
               expr="a.id"),
        *exported(ATTACHMENTS, "t", ("article_url",)),
        Column("source", None, "the article's source (`articles.source`)", export=True, expr="a.source"),
        Column("lang", None, "the article's language", export=True, expr="a.lang"),
        *exported(ATTACHMENTS, "t", [c.name for c in ATTACHMENTS.columns if c.export][2:]),
        *_TEXT_FIELDS,
    ),
)  # fmt: skip
