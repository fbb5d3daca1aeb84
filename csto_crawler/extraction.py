"""Page work in one place: raw bytes of a page -> an article item or a listing reading.

The spider calls ``extract_article``/``extract_listing`` for every page it fetches; the item
pipelines then clean and check the article. Pages read outside a crawl (``csto reextract`` over
stored snapshots, ``csto warc import`` over captures) go through ``read_stored_article``, which
does the same: the encoding the crawl's middleware would choose, the soft-error check, the same
extraction, the pipelines' cleaning and quality checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.http import HtmlResponse

from .cleaning import normalize_dates, strip_item_boilerplate
from .dates import site_timezone
from .encoding import choose_encoding
from .items import ArticleItem, FetchRecord
from .outcomes import Doubt, ReadingMethod
from .pages.anchored import Hints
from .pages.article import ArticlePage
from .pages.health import missing_content_reason, page_problem
from .pages.listing import ListedItem, ListingPage
from .quality import article_doubts


@dataclass
class Extraction:
    """An extracted article, or why there is none (``readable``: the page is HTML that simply
    did not read as an article, as opposed to a maintenance or captcha page)."""

    item: ArticleItem | None
    problem: str | None = None
    readable: bool = True


def extract_article(fetch: FetchRecord, url: str, lang: str, encoding: str, hints: Hints | None = None) -> Extraction:
    """Run the article page object over a fetched page (``url``: the article's canonical URL)."""
    response = HtmlResponse(url=fetch.final_url, body=fetch.body, encoding=encoding)
    page = ArticlePage(response, hints)
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
    response = HtmlResponse(url=page_url, body=body, encoding=encoding)
    page = ListingPage(response)
    if not page.is_listing():
        return ListingReading([], problem=missing_content_reason(response.text, "listing"), method=ReadingMethod.NONE)
    return ListingReading(page.items(), page.page_number(), page.last_page(), page.method)


def stored_response(fetch: FetchRecord) -> HtmlResponse:
    """A stored page as the crawl saw it: its headers, and the encoding the crawl's
    EncodingRepairMiddleware would have chosen for it."""
    response = HtmlResponse(url=fetch.final_url, body=fetch.body, headers=fetch.headers)
    encoding, _ = choose_encoding(response.body, response.encoding)
    return response.replace(encoding=encoding) if encoding and encoding != response.encoding else response


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
