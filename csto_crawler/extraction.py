"""Page work in one place: raw bytes of a page -> an article item or a listing reading.

The spider calls ``extract_article``/``extract_listing`` for every page it fetches; the item
pipelines then clean and check the article. Pages read outside a crawl (``csto reextract`` over
stored snapshots, ``csto warc import`` over captures, ``csto extract`` over any page) go through
``read_stored_article``, which does the same: the encoding the crawl's middleware would choose,
the soft-error check, the same extraction, the pipelines' cleaning and quality checks.
``extract_page`` is that path for any page's bytes and URL, as the export's article fields.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .cleaning import normalize_dates, strip_item_boilerplate
from .dates import SITE_TIMEZONE, site_timezone, utc_now
from .encoding import choose_encoding
from .items import ArticleItem, FetchRecord
from .outcomes import Doubt, ReadingMethod
from .pages.anchored import Hints
from .pages.article import ArticlePage
from .pages.health import missing_content_reason, page_problem
from .pages.listing import ListedItem, ListingPage
from .pages.source import HTML_MIMETYPES, PageSource
from .quality import article_doubts

logger = logging.getLogger(__name__)


@dataclass
class Extraction:
    """An extracted article, or why there is none (``readable``: the page is HTML that simply
    did not read as an article, as opposed to a maintenance or captcha page)."""

    item: ArticleItem | None
    problem: str | None = None
    readable: bool = True


def extract_article(fetch: FetchRecord, url: str, lang: str, encoding: str, hints: Hints | None = None) -> Extraction:
    """Run the article page object over a fetched page (``url``: the article's canonical URL)."""
    response = PageSource(fetch.final_url, fetch.body, encoding, fetch.status)
    page = ArticlePage(response, hints)
    try:
        page.is_article()
    except RecursionError:  # a library reading a hostile tree recursively: held as unreadable, never lost
        logger.warning("Page nested too deeply to read: %s", url)
        return Extraction(None, "page nested too deeply to read", readable=True)
    if not page.is_article():
        reason = missing_content_reason(response.text, "article")
        return Extraction(None, reason, readable=reason == missing_content_reason("", "article"))
    return Extraction(page.to_item(url, lang, fetch))


@dataclass
class ListingReading:
    """The listed articles and the pager state of a listing page, or why it is not one."""

    items: list[ListedItem]
    page_number: int = 1
    last_page: int = 1
    method: ReadingMethod = ReadingMethod.NAMED
    problem: str | None = None


def extract_listing(body: bytes, page_url: str, encoding: str) -> ListingReading:
    """Run the listing page object over a listing page's bytes."""
    response = PageSource(page_url, body, encoding)
    page = ListingPage(response)
    if not page.is_listing():
        return ListingReading([], problem=missing_content_reason(response.text, "listing"), method=ReadingMethod.NONE)
    return ListingReading(page.items(), page.page_number(), page.last_page(), page.method)


def stored_response(fetch: FetchRecord) -> PageSource:
    """A stored page as the crawl saw it: its headers, and the encoding the crawl's
    EncodingRepairMiddleware would have chosen for it."""
    response = PageSource(fetch.final_url, fetch.body, headers=fetch.headers)
    encoding, _ = choose_encoding(response.body, response.encoding)
    if encoding and encoding != response.encoding:
        return PageSource(fetch.final_url, fetch.body, encoding, headers=fetch.headers)
    return response


@dataclass
class StoredReading:
    """An article read outside a crawl, cleaned and checked; or why there is none (``readable`` as in
    ``Extraction``: an HTML page that simply did not read as an article)."""

    item: ArticleItem | None
    doubts: list[Doubt] = field(default_factory=list)
    method: ReadingMethod = ReadingMethod.NONE
    problem: str | None = None
    readable: bool = True


def read_stored_article(
    fetch: FetchRecord, url: str, lang: str, hints: Hints | None, timezone: str, archived_body_chars: int = 0
) -> StoredReading:
    """What a crawl would make of this page: extraction, then the pipelines' cleaning and checks."""
    response = stored_response(fetch)
    problem = page_problem(response, "article")
    if problem is not None:
        return StoredReading(None, problem=problem, readable=False)
    extraction = extract_article(fetch, url, lang, response.encoding, hints)
    item = extraction.item
    if item is None:
        return StoredReading(None, problem=extraction.problem, readable=extraction.readable)
    item.fetch = fetch
    normalize_dates(item, site_timezone(timezone), timezone)
    strip_item_boilerplate(item)
    item.doubts = article_doubts(item, archived_body_chars)
    return StoredReading(item, item.doubts, item.reading_method)


class PageError(ValueError):
    """Bytes that cannot be read as an article page: empty, not HTML, a maintenance or captcha page."""


# <html lang="en-GB"> at the top of a page: the language of a page read outside a crawl.
HTML_LANG_RE = re.compile(rb"<html[^>]*?\slang=[\"']?([A-Za-z]{2,3})", re.I)


def extract_page(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    fetched_at: dt.datetime | None = None,
    hints: Hints | None = None,
    timezone: str = SITE_TIMEZONE,
    status: int = 200,
) -> dict[str, Any]:
    """Read one page as the crawl reads an article: the export's article fields as a dict.

    ``body``: the page's bytes as served; ``url``: its URL (links, the section, a date in the
    path); ``headers``: the response headers, if known (the charset); ``fetched_at``: when it was
    captured (dates after it are implausible; default now); ``hints``: what a listing said of it;
    ``status``: the HTTP status it was served with (an error page shows no article).
    The reading chain is the crawl's (site rules, anchored reading, generic reader), then the
    pipelines' date and boilerplate cleaning and quality checks (``doubts``: why a crawl would hold
    it back). Raises PageError for an empty page, bytes that are not HTML, a maintenance or
    captcha page.

    Example::

        from csto_crawler.extraction import extract_page
        fields = extract_page(Path("page.html").read_bytes(), "https://example.org/news/2024/story")
        print(fields["title"], fields["published"], fields["author"], fields["method"])
    """
    if not body.strip():
        raise PageError("empty page")
    lowered = {key.lower(): value for key, value in (headers or {}).items()}
    if not is_html(lowered, url, body):
        raise PageError(f"not HTML ({lowered.get('content-type') or 'no content type'})")
    lowered.setdefault("content-type", "text/html")
    fetch = FetchRecord(url, url, status, lowered, body, fetched_at or utc_now(), "article")
    m = HTML_LANG_RE.search(body[:5000])
    lang = m.group(1).decode("ascii").lower() if m else ""
    reading = read_stored_article(fetch, url, lang, hints, timezone)
    if not reading.readable:
        raise PageError(reading.problem or "not an article page")
    return article_fields(reading.item, url, lang, reading)


def is_html(headers: Mapping[str, str], url: str, body: bytes) -> bool:
    """Whether Scrapy would make an HtmlResponse of this page (headers: names in lower case).

    A page served as HTML is decided here; any other (no content type, an unknown one, a
    Content-Encoding left on) goes to Scrapy's own rules, which need Scrapy loaded.
    """
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in HTML_MIMETYPES and not headers.get("content-encoding"):
        return True
    from scrapy.http import Headers, HtmlResponse  # Scrapy's sniffing, for the unusual page
    from scrapy.responsetypes import responsetypes

    kind = responsetypes.from_args(headers=Headers(headers) if headers else None, url=url, body=body[:5000])
    return issubclass(kind, HtmlResponse)


# The export's article fields, in its order, that a page alone can tell (no archive identity).
FIELD_NAMES = (
    "url",
    "lang",
    "title",
    "subtitle",
    "author",
    "published",
    "published_raw",
    "published_source",
    "body_text",
    "signature",
    "attachments",
    "images",
    "counterpart_url",
    "method",
    "doubts",
)
# Export fields the item names otherwise (the registry's Column.attribute).
ITEM_ATTRIBUTES = {"counterpart_url": "paired_url"}


def article_fields(item: ArticleItem | None, url: str, lang: str, reading: StoredReading) -> dict[str, Any]:
    """The export's article fields of a reading (empty ones when no reader found an article)."""
    if item is None:
        empty = dict.fromkeys(FIELD_NAMES)
        return empty | {"url": url, "lang": lang, "method": reading.method, "doubts": ["unreadable"]}
    fields = {name: getattr(item, ITEM_ATTRIBUTES.get(name, name), None) for name in FIELD_NAMES}
    fields["attachments"] = [{"url": a.url, "filename": a.filename} for a in item.attachments]
    fields["method"] = item.reading_method
    return fields
