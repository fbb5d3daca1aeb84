"""Page work in one place: raw bytes of a page -> an article item or a listing reading.

The spider calls these for every page it fetches, and ``csto reextract`` for every stored snapshot,
so a crawl and a re-extraction read pages the same way. Cleaning (dates, boilerplate) is not done
here: the item pipelines do it, for crawled and re-extracted items alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.http import HtmlResponse

from .items import ArticleItem, FetchRecord
from .pages.anchored import Hints
from .pages.article import ArticlePage
from .pages.health import missing_content_reason
from .pages.listing import ListedItem, ListingPage


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
    method: str = "named"
    problem: str | None = None


def extract_listing(body: bytes, page_url: str, encoding: str) -> ListingReading:
    """Run the listing page object over a listing page's bytes."""
    response = HtmlResponse(url=page_url, body=body, encoding=encoding)
    page = ListingPage(response)
    if not page.is_listing():
        return ListingReading([], problem=missing_content_reason(response.text, "listing"), method="none")
    return ListingReading(page.items(), page.page_number(), page.last_page(), page.method.value)
