"""What the archive tells the next crawl: known articles, aliases, listed dates, failures, walks.

The archive is the crawl's memory (no JOBDIR, no deltafetch database). A run asks it about the
URLs it meets, one at a time, instead of loading a row per archived article at start: an
incremental run that fetches a hundred pages then costs the same for an archive of a thousand
articles or of forty thousand. Answers describe the archive as it was when the run started
(articles first archived by this run are not "known"), so a listing walk decides the same way
whatever order its pages arrive in. The few small sets every run needs (failures, walked
sections, listed-but-unarchived URLs, unchanged sitemap files) are read once at start.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..outcomes import RunMode
from ..pages.anchored import Hints
from .database import ArchiveNotFoundError, dbapi_connection
from .queries import ArchiveReader

# How many URLs one IN (...) lookup asks about (SQLite allows 32,766 parameters).
LOOKUP_CHUNK = 500

KNOWN_COLUMNS = (
    "a.id, a.url, a.lang, a.section, a.title, a.published, a.gone_at, a.sitemap_lastmod, a.etag,"
    " a.last_modified, a.last_seen_at, length(a.body_text)"
)
# Articles archived before this run (bound to CrawlState.last_run); this run's own are not "known".
AS_OF_START = " AND coalesce(a.first_run_id, 0) <= ?"
# The article that holds a URL (an article whose URL another took keeps it, vacated).
LIVE = " AND a.vacated_by IS NULL"


@dataclass(frozen=True)
class KnownArticle:
    id: str
    lang: str
    section: str
    title: str
    published: str | None
    gone: bool
    sitemap_lastmod: str | None
    etag: str | None
    last_modified: str | None
    last_seen_at: str | None = None  # when the content was last fetched (UTC ISO)
    body_chars: int = 0  # length of the archived body: a new one far shorter is doubtful


def _known(row: tuple[Any, ...]) -> KnownArticle:
    """A KnownArticle from a row of KNOWN_COLUMNS."""
    aid, _url, lang, section, title, published, gone_at, lastmod, etag, modified, seen, chars = row
    return KnownArticle(
        aid, lang, section, title, published, gone_at is not None, lastmod, etag, modified, seen, int(chars or 0)
    )


@dataclass
class CrawlState:
    """The archive as the crawl sees it; without a database (a new archive) it knows nothing."""

    failures: list[tuple[str, str, str | None]] = field(default_factory=list)  # (url, kind, lang)
    listed_unarchived: list[tuple[str, str]] = field(default_factory=list)  # (url, lang) listed, never archived
    walked: set[tuple[str, str]] = field(default_factory=set)  # (lang, section) walked to the end once
    sitemap_files: dict[str, str] = field(default_factory=dict)  # sitemap URL -> sha256 a finished run parsed
    sitemap_lastmods: dict[str, str] = field(default_factory=dict)  # sitemap URL -> the index's <lastmod> then
    last_run: int = 0  # the newest run before this one: later rows are this run's own
    connection: sqlite3.Connection | None = field(default=None, repr=False, compare=False)
    reader: ArchiveReader | None = field(default=None, repr=False, compare=False)

    # --- per-URL questions ----------------------------------------------------------------------

    def known(self, url: str) -> KnownArticle | None:
        """The archived article behind a URL or one of its aliases."""
        if self.connection is None:
            return None
        row = self.connection.execute(
            f"SELECT {KNOWN_COLUMNS} FROM articles a WHERE a.url = ?{LIVE}{AS_OF_START}",  # noqa: S608  constants only
            (url, self.last_run),
        ).fetchone()
        if row is None:
            row = self.connection.execute(
                f"SELECT {KNOWN_COLUMNS} FROM url_aliases u JOIN articles a ON a.id = u.article_id"  # noqa: S608
                f" WHERE u.url = ?{AS_OF_START}",
                (url, self.last_run),
            ).fetchone()
        return None if row is None else _known(row)

    def known_many(self, urls: Iterable[str]) -> dict[str, KnownArticle]:
        """``known`` for many URLs at once (a sitemap file lists a whole section)."""
        found: dict[str, KnownArticle] = {}
        if self.connection is None:
            return found
        pending = list(urls)
        for start in range(0, len(pending), LOOKUP_CHUNK):
            chunk = pending[start : start + LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            for row in self.connection.execute(
                # Only constants and "?" placeholders are interpolated.
                f"SELECT {KNOWN_COLUMNS} FROM articles a WHERE a.url IN ({marks}){LIVE}{AS_OF_START}",  # noqa: S608
                (*chunk, self.last_run),
            ):
                found[row[1]] = _known(row)
            missing = [url for url in chunk if url not in found]
            if not missing:
                continue
            marks = ",".join("?" * len(missing))
            for row in self.connection.execute(
                f"SELECT u.url, {KNOWN_COLUMNS} FROM url_aliases u JOIN articles a ON a.id = u.article_id"  # noqa: S608
                f" WHERE u.url IN ({marks}){AS_OF_START}",
                (*missing, self.last_run),
            ):
                found[row[0]] = _known(row[1:])
        return found

    def listed_date(self, url: str) -> str | None:
        """The date the listing showed for the article when it was last seen there."""
        if self.connection is None:
            return None
        row = self.connection.execute(
            "SELECT listed_date_raw FROM listing_sightings WHERE article_url = ? AND listed_date_raw != ''"
            " ORDER BY last_seen_at DESC, id DESC LIMIT 1",
            (url,),
        ).fetchone()
        return None if row is None else str(row[0])

    def has_attachment(self, url: str) -> bool:
        """Was this attachment already downloaded?"""
        return self._exists("SELECT 1 FROM attachments WHERE url = ? AND sha256 IS NOT NULL", url)

    def is_skipped(self, url: str) -> bool:
        """Is this URL known to hold no article (a section page a sitemap lists)?"""
        return self._exists("SELECT 1 FROM fetches WHERE url = ? AND kind = 'other' LIMIT 1", url)

    def _exists(self, sql: str, url: str) -> bool:
        return self.connection is not None and self.connection.execute(sql, (url,)).fetchone() is not None

    # --- whole-archive questions ----------------------------------------------------------------

    def sections(self) -> dict[str, set[str]]:
        """The sections the archive's articles come from, per language (a few dozen rows)."""
        if self.connection is None:
            return {}
        found: dict[str, set[str]] = {}
        for lang, section in self.connection.execute("SELECT DISTINCT lang, section FROM articles"):
            found.setdefault(str(lang), set()).add(str(section))
        return found

    def article_count(self) -> int:
        """Articles in the archive (for the log; counted on an index, not the large rows)."""
        if self.connection is None:
            return 0
        return int(self.connection.execute("SELECT count(*) FROM articles").fetchone()[0])

    def published_since(self, day: dt.date, langs: Iterable[str]) -> list[tuple[str, KnownArticle]]:
        """Live articles published on or after ``day``, newest first (the recheck window)."""
        if self.connection is None:
            return []
        found = []
        for lang in langs:
            rows = self.connection.execute(
                f"SELECT {KNOWN_COLUMNS} FROM articles a WHERE a.lang = ? AND a.published >= ?"  # noqa: S608
                f" AND a.gone_at IS NULL{LIVE}{AS_OF_START} ORDER BY a.published DESC",
                (lang, day.isoformat(), self.last_run),
            )
            found += [(str(row[1]), _known(row)) for row in rows]
        return found

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
        self.reader = self.connection = None


def load_crawl_state(path: Path) -> CrawlState:
    """The archive's state for a new run; an empty state (and no file created) for a new archive.

    The state keeps a read-only connection open for its per-URL questions: close it when the run
    ends. Each question is its own short read, so no snapshot is held while the crawl writes.
    """
    try:
        reader = ArchiveReader.open(path)
    except ArchiveNotFoundError:
        return CrawlState()
    try:
        state = _read_state(reader)
    except BaseException:
        reader.close()
        raise
    state.reader = reader
    state.connection = dbapi_connection(reader.db)
    return state


def _read_state(reader: ArchiveReader) -> CrawlState:
    state = CrawlState()
    last = reader.query("SELECT coalesce(max(id), 0) AS id FROM crawl_runs")
    state.last_run = int(last[0]["id"])
    state.listed_unarchived = [
        (r["article_url"], r["lang"])
        for r in reader.query(
            "SELECT DISTINCT s.article_url, s.lang FROM listing_sightings s"
            " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.url = s.article_url)"
            " AND NOT EXISTS (SELECT 1 FROM url_aliases u WHERE u.url = s.article_url)"
        )
    ]
    state.failures = [(r["url"], r["kind"], r["lang"]) for r in reader.query("SELECT url, kind, lang FROM failures")]
    state.walked = {(r["lang"], r["section"]) for r in reader.query("SELECT lang, section FROM section_walks")}
    # Only files parsed by a run that finished normally: that run acted on every entry (fetched
    # it or recorded a failure), so the same bytes need no second reading.
    parsed = reader.query(
        "SELECT f.url, f.sha256, f.index_lastmod FROM sitemap_files f JOIN crawl_runs r ON r.id = f.parsed_run_id"
        # An import records sitemap files without fetching their articles: it acted on no entry.
        " WHERE r.finish_reason = 'finished' AND r.mode != :imports",
        imports=RunMode.WARC_IMPORT.value,
    )
    state.sitemap_files = {r["url"]: r["sha256"] for r in parsed}
    state.sitemap_lastmods = {r["url"]: r["index_lastmod"] for r in parsed if r["index_lastmod"]}
    return state


HINTS_SQL = (
    "SELECT listed_title, listed_date_raw, listed_lead FROM listing_sightings WHERE article_url = :url"
    " ORDER BY first_seen_at <= :at DESC, CASE WHEN first_seen_at <= :at THEN last_seen_at END DESC,"
    " first_seen_at LIMIT 1"
)


def listing_hints(connection: sqlite3.Connection, url: str, at: dt.datetime | None = None) -> Hints:
    """What the listings showed of the article (around ``at``, a capture's date; by default the
    latest showing), and the sitemap's lastmod: the hints a page is read with outside a crawl."""
    when = at.isoformat() if at is not None else "9999-12-31"
    listed = connection.execute(HINTS_SQL, {"url": url, "at": when}).fetchone()
    title, date_raw, lead = listed if listed else (None, "", None)
    if not date_raw:
        dated = connection.execute(
            "SELECT listed_date_raw FROM listing_sightings WHERE article_url = ? AND listed_date_raw != ''"
            " ORDER BY last_seen_at DESC LIMIT 1",
            (url,),
        ).fetchone()
        date_raw = dated[0] if dated else ""
    lastmod = connection.execute("SELECT lastmod FROM sitemap_entries WHERE url = ?", (url,)).fetchone()
    return Hints(title or None, date_raw or "", lead or None, None, lastmod[0] if lastmod else None)
