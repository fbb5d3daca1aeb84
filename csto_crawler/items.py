"""Items the spider yields and the pipelines clean and archive (plain dataclasses)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .outcomes import Doubt, ReadingMethod, VersionChange
from .sources.csto import DEFAULT_SOURCE_NAME

if TYPE_CHECKING:
    from scrapy.http import Response


@dataclass
class FetchRecord:
    """Provenance of one HTTP response: what was asked, what came back, when."""

    url: str  # the URL requested (before redirects)
    final_url: str  # the URL that answered (after redirects)
    status: int
    headers: dict[str, str]  # selected response headers (see SNAPSHOT_HEADERS)
    body: bytes  # raw bytes as served (after content-encoding is undone)
    fetched_at: dt.datetime  # aware, UTC
    kind: str  # article | listing | sitemap | attachment | other
    lang: str | None = None
    stored_id: int | None = None  # ``fetches.id`` when read back from the archive (``csto reextract``)
    # A capture imported from a WARC/ARC file (``csto warc import``): the file's name and the
    # record's WARC-Record-ID; None for the crawl's own fetches.
    source: str | None = None
    warc_record_id: str | None = None
    # (body, its sha256): the spider, the snapshot blob and the version row all ask for it.
    _digest: tuple[bytes, str] | None = field(default=None, init=False, repr=False, compare=False)
    # ``body`` as the blob store keeps it (codec, bytes), when a worker process compressed it already.
    encoded: tuple[str, bytes] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_response(cls, response: Response, kind: str, lang: str | None, fetched_at: dt.datetime) -> FetchRecord:
        """Provenance of a Scrapy response; ``url`` is the URL first asked for, before redirects."""
        redirects = response.request.meta.get("redirect_urls") if response.request else None
        headers = {
            key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
            for key, values in response.headers.items()
        }
        url = redirects[0] if redirects else response.url
        return cls(url, response.url, response.status, headers, response.body, fetched_at, kind, lang)

    @property
    def sha256(self) -> str:
        """sha256 of ``body``, computed once (again only if ``body`` is replaced)."""
        if self._digest is None or self._digest[0] is not self.body:
            self._digest = (self.body, hashlib.sha256(self.body).hexdigest())
        return self._digest[1]


@dataclass
class DateCandidate:
    """A date string found somewhere, and where: detail | detail_body | listing | attachments | sitemap."""

    raw: str
    source: str


@dataclass
class AttachmentLink:
    url: str
    filename: str


@dataclass
class ArticleItem:
    """One fetched article page: extracted fields, then cleaned by the pipelines."""

    url: str  # canonical
    lang: str
    section: str
    slug: str
    title: str
    fetch: FetchRecord
    element_id: str | None = None  # Bitrix element ID (bx_<hash>_<ID>), stable across slug edits
    subtitle: str | None = None
    author: str | None = None  # the byline, where the page names one (the generic reader reads it)
    date_candidates: list[DateCandidate] = field(default_factory=list)
    body_paragraphs: list[str] = field(default_factory=list)
    body_html: str = ""
    signature_lines: list[str] = field(default_factory=list)
    attachments: list[AttachmentLink] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    paired_url: str | None = None  # the same article on the other language site (the language switch)
    requested_url: str | None = None  # the canonical URL requested, when a redirect led elsewhere
    aliases: list[str] = field(default_factory=list)  # other URLs seen for this article (links, redirects)
    # Filled by the pipelines:
    published: str | None = None  # ISO date, or ISO datetime with offset
    published_raw: str | None = None
    published_source: str | None = None
    published_tz: str | None = None  # set only when the value carries a time
    date_flags: list[str] = field(default_factory=list)  # rejected candidates, with the reason
    body_text: str = ""
    signature: str | None = None
    # How the page was read and what the listing said of it, for the quality checks
    # (quality.article_doubts); doubts found there hold the page back from the archive.
    reading_method: ReadingMethod = ReadingMethod.NAMED
    title_repeated: bool = False  # the page shows its title again in its head line
    listed_title: str | None = None
    listed_lead: str | None = None
    # The length of the body the archive held for this article when the spider met it (0 when new):
    # a new body far shorter is a broken page (quality.article_doubts), not an edit.
    archived_body_chars: int = 0
    doubts: list[Doubt] = field(default_factory=list)
    # A new version is a change on the site, or (csto reextract) a change in what our extractor reads.
    version_change: VersionChange = VersionChange.SITE
    source: str = DEFAULT_SOURCE_NAME  # the name of the source (sources.model.Source) it belongs to


@dataclass
class HeldPage:
    """An article page whose extraction is doubtful: its snapshot is kept, no version is written.

    ``csto health`` lists held pages; ``csto reextract`` reads them again with a newer extractor.
    """

    url: str  # canonical
    lang: str
    section: str
    doubts: list[Doubt]
    method: ReadingMethod  # how the page was read
    fetch: FetchRecord
    title: str | None = None
    # The body read, when there was one: the run's memory of short bodies counts held pages too.
    body_text: str = ""
    source: str = DEFAULT_SOURCE_NAME

    @classmethod
    def of(cls, item: ArticleItem, doubts: list[Doubt]) -> HeldPage:
        """An article page held back with ``doubts``."""
        method, body = item.reading_method, item.body_text
        return cls(item.url, item.lang, item.section, doubts, method, item.fetch, item.title, body, item.source)


@dataclass
class ListingEntry:
    """One article as a listing page shows it (the coverage ledger records every sighting)."""

    article_url: str  # canonical
    linked_url: str  # the link as the listing wrote it (may carry ?bxajaxid=, lack the slash)
    position: int  # 1-based on the page
    title: str
    date_raw: str | None
    element_id: str | None = None
    lead: str = ""


@dataclass
class ListingPageItem:
    """A fetched listing page and the articles it lists."""

    lang: str
    section: str
    page: int
    last_page: int
    entries: list[ListingEntry]
    fetch: FetchRecord
    method: ReadingMethod = ReadingMethod.NAMED  # how the page was read


@dataclass
class SitemapItem:
    """A fetched sitemap file; ``entries`` maps canonical article URL -> raw <lastmod> (or None).

    ``unchanged``: the file's bytes are those a finished run already parsed, so it was not parsed
    again (``entries`` is empty) and its archived entries still stand.
    """

    lang: str
    entries: dict[str, str | None]
    fetch: FetchRecord
    is_index: bool = False
    unchanged: bool = False
    index_lastmod: str | None = None  # the <lastmod> the sitemap index gave for this file


@dataclass
class SitemapConfirmed:
    """A sitemap file not fetched again: the index shows the <lastmod> it had when a finished run
    parsed it, so its archived entries still stand (as for unchanged bytes)."""

    lang: str
    url: str


@dataclass
class FetchFailure:
    """A URL that could not be fetched or parsed after every retry."""

    url: str
    lang: str | None
    kind: str  # article | listing | sitemap | attachment
    error: str
    attempts: int
    status: int | None = None
    fetch: FetchRecord | None = None
    source: str = DEFAULT_SOURCE_NAME


@dataclass
class GoneNotice:
    """An article URL that answered 404 or 410: the site has removed it."""

    url: str
    lang: str
    status: int
    fetch: FetchRecord
    source: str = DEFAULT_SOURCE_NAME


@dataclass
class NotModified:
    """A conditional request answered 304: the archived version is still current."""

    url: str
    lang: str
    fetch: FetchRecord
    source: str = DEFAULT_SOURCE_NAME


@dataclass
class AttachmentItem:
    """A downloaded attachment file."""

    url: str
    article_url: str
    filename: str
    fetch: FetchRecord


@dataclass
class SkippedPage:
    """A fetched page that holds no article (e.g. a section page listed in a sitemap)."""

    url: str
    lang: str | None
    reason: str
    fetch: FetchRecord
    source: str = DEFAULT_SOURCE_NAME


@dataclass
class SectionWalked:
    """A section listing walked from page 1 to its last page without a failed page."""

    lang: str
    section: str
    last_page: int
