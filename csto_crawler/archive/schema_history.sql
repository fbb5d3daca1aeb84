-- The archive's schemas 1 to 6 as they were released: frozen DDL, never edited.
-- migrations.py runs the statements of each schema an older archive lacks (and the work SQL
-- cannot do); a new archive is created from the registry instead (schema.py), and
-- tests/test_archive_schema.py checks that both give the same tables. One statement per ';'.

-- schema 1: Step 1: the foundation (articles with versions, raw snapshots, fetch provenance, listing ledger).
CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        finish_reason TEXT,
        mode TEXT,
        arguments TEXT,
        crawler_version TEXT NOT NULL,
        host TEXT,
        pid INTEGER,
        counts TEXT
    );
CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        codec TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at TEXT NOT NULL
    );
CREATE TABLE fetches (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES crawl_runs(id),
        url TEXT NOT NULL,
        final_url TEXT NOT NULL,
        kind TEXT NOT NULL,
        lang TEXT,
        status INTEGER NOT NULL,
        fetched_at TEXT NOT NULL,
        headers TEXT,
        sha256 TEXT REFERENCES blobs(sha256),
        size INTEGER NOT NULL,
        crawler_version TEXT NOT NULL
    );
CREATE INDEX ix_fetches_url ON fetches(url);
CREATE INDEX ix_fetches_run ON fetches(run_id);
CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        lang TEXT NOT NULL,
        section TEXT NOT NULL,
        slug TEXT NOT NULL,
        element_id TEXT,
        title TEXT NOT NULL,
        subtitle TEXT,
        published TEXT,
        published_raw TEXT,
        published_source TEXT,
        published_tz TEXT,
        body_text TEXT NOT NULL,
        body_html TEXT NOT NULL,
        signature TEXT,
        attachments TEXT NOT NULL,
        images TEXT NOT NULL,
        counterpart_url TEXT,
        content_sha256 TEXT NOT NULL,
        version_count INTEGER NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        first_run_id INTEGER,
        last_run_id INTEGER,
        last_fetch_id INTEGER REFERENCES fetches(id),
        gone_at TEXT,
        gone_reason TEXT,
        sitemap_lastmod TEXT,
        etag TEXT,
        last_modified TEXT
    );
CREATE UNIQUE INDEX ux_articles_element ON articles(lang, element_id) WHERE element_id IS NOT NULL;
CREATE INDEX ix_articles_published ON articles(lang, published);
CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id),
        version INTEGER NOT NULL,
        content_sha256 TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        subtitle TEXT,
        published TEXT,
        published_raw TEXT,
        published_source TEXT,
        published_tz TEXT,
        body_text TEXT NOT NULL,
        body_html TEXT NOT NULL,
        signature TEXT,
        attachments TEXT NOT NULL,
        images TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        first_run_id INTEGER,
        last_run_id INTEGER,
        fetch_id INTEGER REFERENCES fetches(id),
        snapshot_sha256 TEXT REFERENCES blobs(sha256),
        UNIQUE (article_id, version)
    );
CREATE TABLE listing_sightings (
        id INTEGER PRIMARY KEY,
        article_url TEXT NOT NULL,
        linked_url TEXT NOT NULL,
        listing_url TEXT NOT NULL,
        lang TEXT NOT NULL,
        section TEXT NOT NULL,
        page INTEGER NOT NULL,
        position INTEGER NOT NULL,
        listed_date_raw TEXT NOT NULL,
        listed_title TEXT NOT NULL,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        first_run_id INTEGER,
        last_run_id INTEGER,
        UNIQUE (article_url, listing_url, page, position, listed_date_raw, listed_title)
    );
CREATE INDEX ix_sightings_article ON listing_sightings(article_url);
CREATE TABLE failures (
        url TEXT PRIMARY KEY,
        lang TEXT,
        kind TEXT NOT NULL,
        error TEXT NOT NULL,
        status INTEGER,
        attempts INTEGER NOT NULL,
        first_failed_at TEXT NOT NULL,
        last_failed_at TEXT NOT NULL,
        last_run_id INTEGER
    );
CREATE TABLE attachments (
        url TEXT PRIMARY KEY,
        article_url TEXT NOT NULL,
        filename TEXT NOT NULL,
        sha256 TEXT REFERENCES blobs(sha256),
        size INTEGER,
        content_type TEXT,
        first_seen_at TEXT NOT NULL,
        last_fetched_at TEXT NOT NULL
    );
CREATE TABLE sitemap_entries (
        url TEXT PRIMARY KEY,
        lang TEXT NOT NULL,
        lastmod TEXT,
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        last_run_id INTEGER
    );
CREATE TABLE section_walks (
        lang TEXT NOT NULL,
        section TEXT NOT NULL,
        last_page INTEGER NOT NULL,
        completed_at TEXT NOT NULL,
        run_id INTEGER,
        PRIMARY KEY (lang, section)
    );

-- schema 2: Step 2: archive of record (URL aliases, gone/revived events, date flags, full-text search).
CREATE TABLE url_aliases (
        url TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id),
        first_seen_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL
    );
CREATE INDEX ix_aliases_article ON url_aliases(article_id);
CREATE TABLE article_events (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id),
        event TEXT NOT NULL,
        at TEXT NOT NULL,
        run_id INTEGER,
        detail TEXT
    );
CREATE INDEX ix_events_article ON article_events(article_id);
ALTER TABLE articles ADD COLUMN date_flags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE versions ADD COLUMN date_flags TEXT NOT NULL DEFAULT '[]';
CREATE INDEX ix_articles_last_run ON articles(last_run_id);
CREATE VIRTUAL TABLE search_index USING fts5(
        article_id UNINDEXED,
        title,
        body,
        tokenize = 'unicode61 remove_diacritics 2'
    );

-- schema 3: Step 3: incremental runs that do not grow with the archive. A sitemap file whose bytes have not changed since a run that finished is not parsed again; its entries still count as listed.
CREATE TABLE sitemap_files (
        url TEXT PRIMARY KEY,
        lang TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        entry_count INTEGER NOT NULL,
        parsed_at TEXT NOT NULL,
        parsed_run_id INTEGER,
        confirmed_run_id INTEGER
    );
ALTER TABLE sitemap_entries ADD COLUMN sitemap_url TEXT;
CREATE INDEX ix_sitemap_entries_file ON sitemap_entries(sitemap_url, last_run_id);

-- schema 4: Step 4: extraction that survives markup changes. Pages whose extraction is doubtful are held (snapshot kept, no version); versions say whether the site or our extractor changed; each run keeps its extraction health; the archive remembers the site bases its URLs were stored under.
CREATE TABLE held_pages (
        url TEXT PRIMARY KEY,
        lang TEXT NOT NULL,
        section TEXT NOT NULL,
        title TEXT,
        doubts TEXT NOT NULL,
        method TEXT NOT NULL,
        fetch_id INTEGER REFERENCES fetches(id),
        extractor_version TEXT NOT NULL,
        first_held_at TEXT NOT NULL,
        last_held_at TEXT NOT NULL,
        run_id INTEGER
    );
ALTER TABLE versions ADD COLUMN change TEXT NOT NULL DEFAULT 'site';
ALTER TABLE versions ADD COLUMN extractor_version TEXT;
ALTER TABLE crawl_runs ADD COLUMN health TEXT;
ALTER TABLE listing_sightings ADD COLUMN listed_lead TEXT;

-- schema 5: Version 5 (unreleased; each feature adds its statements in its own block below).
CREATE TABLE attachment_texts (
        sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),
        status TEXT NOT NULL,
        reason TEXT,
        format TEXT NOT NULL,
        text TEXT NOT NULL,
        chars INTEGER NOT NULL,
        extractor TEXT NOT NULL,
        extracted_at TEXT NOT NULL
    );
CREATE VIRTUAL TABLE attachment_search USING fts5(
        sha256 UNINDEXED,
        body,
        tokenize = 'unicode61 remove_diacritics 2'
    );
CREATE INDEX ix_attachments_sha256 ON attachments(sha256);
ALTER TABLE fetches ADD COLUMN source TEXT;
ALTER TABLE fetches ADD COLUMN warc_record_id TEXT;
CREATE INDEX ix_fetches_warc_record ON fetches(warc_record_id) WHERE warc_record_id IS NOT NULL;
ALTER TABLE sitemap_files ADD COLUMN index_lastmod TEXT;

-- schema 6: Step 6: full-text search from every tool (issue 25). Datasette's search box, sqlite-utils and a plain MATCH find whole words in the words-as-written indexes (archive/word_indexes.py), kept in step by triggers and filled from what the archive holds; search_index keeps the stems csto search uses.
CREATE VIRTUAL TABLE articles_fts USING fts5(title, body_text, content=[articles], tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN INSERT INTO articles_fts (rowid, title, body_text) VALUES (new.rowid, new.title, new.body_text); END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN INSERT INTO articles_fts (articles_fts, rowid, title, body_text) VALUES ('delete', old.rowid, old.title, old.body_text); END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, body_text ON articles WHEN old.title IS NOT new.title OR old.body_text IS NOT new.body_text BEGIN INSERT INTO articles_fts (articles_fts, rowid, title, body_text) VALUES ('delete', old.rowid, old.title, old.body_text); INSERT INTO articles_fts (rowid, title, body_text) VALUES (new.rowid, new.title, new.body_text); END;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE attachment_texts_fts USING fts5(text, content=[attachment_texts], tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER attachment_texts_fts_ai AFTER INSERT ON attachment_texts BEGIN INSERT INTO attachment_texts_fts (rowid, text) VALUES (new.rowid, new.text); END;
CREATE TRIGGER attachment_texts_fts_ad AFTER DELETE ON attachment_texts BEGIN INSERT INTO attachment_texts_fts (attachment_texts_fts, rowid, text) VALUES ('delete', old.rowid, old.text); END;
CREATE TRIGGER attachment_texts_fts_au AFTER UPDATE OF text ON attachment_texts WHEN old.text IS NOT new.text BEGIN INSERT INTO attachment_texts_fts (attachment_texts_fts, rowid, text) VALUES ('delete', old.rowid, old.text); INSERT INTO attachment_texts_fts (rowid, text) VALUES (new.rowid, new.text); END;
INSERT INTO attachment_texts_fts (attachment_texts_fts) VALUES ('rebuild');
