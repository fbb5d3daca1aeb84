"""What the archive tells the next crawl: known articles, aliases, listed dates, failures, walks.

The archive is the crawl's memory (no JOBDIR, no deltafetch database): read once, read-only, when
the spider starts, so a run that was killed leaves nothing behind that could mislead the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .database import ArchiveNotFoundError
from .queries import ArchiveReader


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


@dataclass
class CrawlState:
    articles: dict[str, KnownArticle] = field(default_factory=dict)  # canonical URL -> article
    aliases: dict[str, str] = field(default_factory=dict)  # alias URL -> canonical URL of its article
    listed_dates: dict[str, str] = field(default_factory=dict)  # article URL -> latest listed date
    failures: list[tuple[str, str, str | None]] = field(default_factory=list)  # (url, kind, lang)
    listed_unarchived: list[tuple[str, str]] = field(default_factory=list)  # (url, lang) listed, never archived
    walked: set[tuple[str, str]] = field(default_factory=set)  # (lang, section) walked to the end once
    attachments: set[str] = field(default_factory=set)  # attachment URLs already downloaded
    skipped: set[str] = field(default_factory=set)  # URLs known to hold no article

    def known(self, url: str) -> KnownArticle | None:
        """The archived article behind a URL or one of its aliases."""
        found = self.articles.get(url)
        if found is None and url in self.aliases:
            found = self.articles.get(self.aliases[url])
        return found


def load_crawl_state(path: Path) -> CrawlState:
    """Everything the spider needs from a previous run; an empty state for a new archive."""
    try:
        reader = ArchiveReader.open(path)
    except ArchiveNotFoundError:
        return CrawlState()
    try:
        return _read_state(reader)
    finally:
        reader.close()


def _read_state(reader: ArchiveReader) -> CrawlState:
    state = CrawlState()
    for row in reader.query(
        "SELECT id, url, lang, section, title, published, gone_at, sitemap_lastmod, etag, last_modified,"
        " last_seen_at FROM articles"
    ):
        state.articles[row["url"]] = KnownArticle(
            row["id"],
            row["lang"],
            row["section"],
            row["title"],
            row["published"],
            row["gone_at"] is not None,
            row["sitemap_lastmod"],
            row["etag"],
            row["last_modified"],
            row["last_seen_at"],
        )
    for row in reader.query(
        "SELECT u.url, a.url AS canonical FROM url_aliases u JOIN articles a ON a.id = u.article_id"
    ):
        state.aliases[row["url"]] = row["canonical"]
    for row in reader.query(
        "SELECT article_url, listed_date_raw FROM listing_sightings WHERE listed_date_raw != ''"
        " ORDER BY last_seen_at, id"
    ):
        state.listed_dates[row["article_url"]] = row["listed_date_raw"]  # later rows win: the latest sighting
    state.listed_unarchived = [
        (r["article_url"], r["lang"])
        for r in reader.query(
            "SELECT DISTINCT article_url, lang FROM listing_sightings"
            " WHERE article_url NOT IN (SELECT url FROM articles UNION SELECT url FROM url_aliases)"
        )
    ]
    state.failures = [(r["url"], r["kind"], r["lang"]) for r in reader.query("SELECT url, kind, lang FROM failures")]
    state.walked = {(r["lang"], r["section"]) for r in reader.query("SELECT lang, section FROM section_walks")}
    state.attachments = {r["url"] for r in reader.query("SELECT url FROM attachments WHERE sha256 IS NOT NULL")}
    state.skipped = {r["url"] for r in reader.query("SELECT DISTINCT url FROM fetches WHERE kind = 'other'")}
    return state
