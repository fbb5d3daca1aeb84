"""NewsSpider: listings -> articles, Bitrix pagination, sitemaps for gaps; it routes, it does not parse."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ..dates import utc_now
from ..items import (
    ArticleItem,
    AttachmentItem,
    DateCandidate,
    FetchFailure,
    FetchRecord,
    GoneNotice,
    ListingEntry,
    ListingPageItem,
    SitemapItem,
    SkippedPage,
)
from ..pages.article import ArticlePage
from ..pages.listing import ListingPage
from ..pages.sitemap import SitemapError, holds_articles, parse_sitemap
from ..urls import ForeignUrlError, Sites, is_content_url, listing_url, path_segments, section_and_slug

logger = logging.getLogger(__name__)

# Scheduling priorities: finish what a listing page promised before walking further.
PRIORITY_ARTICLE = 10
PRIORITY_ATTACHMENT = 5
PRIORITY_LISTING = 0


class NewsSpider(Spider):
    """Walks every configured section listing of each language site and archives every article.

    Arguments come from settings (``CSTO_SITES``, ``CSTO_LANGS``, ``CSTO_SECTIONS``, ...), so the same
    spider crawls the live sites or a local replica.
    """

    name = "news"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock: Callable[[], dt.datetime] = utc_now
        self.listed: dict[str, str] = {}  # canonical article URL -> listed date (first sighting)
        self.requested: set[str] = set()
        self.sitemap_urls: dict[str, str | None] = {}  # canonical article URL -> <lastmod>
        self.last_pages: dict[tuple[str, str], int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler.settings)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    def configure(self, settings: BaseSettings) -> None:
        """Read the CSTO_* settings (kept apart from from_crawler so tests can configure directly)."""
        self.sites = Sites(settings.getdict("CSTO_SITES"))
        langs = settings.getlist("CSTO_LANGS") or self.sites.langs
        unknown = [lang for lang in langs if lang not in self.sites.by_lang]
        if unknown:
            raise ValueError(f"CSTO_LANGS names languages without a site: {', '.join(unknown)}")
        self.langs: list[str] = langs
        self.sections: list[str] = [s.strip("/") for s in settings.getlist("CSTO_SECTIONS")]
        self.use_sitemap: bool = settings.getbool("CSTO_USE_SITEMAP")
        self.sitemap_paths: list[str] = settings.getlist("CSTO_SITEMAP_PATHS")
        self.fetch_attachments: bool = settings.getbool("CSTO_FETCH_ATTACHMENTS")

    # --- start ---------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for lang in self.langs:
            site = self.sites.by_lang[lang]
            for section in self.sections:
                yield self.listing_request(lang, section, 1)
            if self.use_sitemap:
                for path in self.sitemap_paths:
                    yield self.sitemap_request(lang, site.base + path)

    def listing_request(self, lang: str, section: str, page: int) -> Request:
        url = listing_url(self.sites.by_lang[lang].base, section, page)
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.on_error,
            priority=PRIORITY_LISTING,
            cb_kwargs={"lang": lang, "section": section, "page": page},
            meta={"csto_kind": "listing", "csto_lang": lang},
        )

    def sitemap_request(self, lang: str, url: str) -> Request:
        return Request(
            url,
            callback=self.parse_sitemap,
            errback=self.on_error,
            priority=PRIORITY_LISTING,
            cb_kwargs={"lang": lang},
            meta={"csto_kind": "sitemap", "csto_lang": lang},
        )

    def article_request(self, url: str, lang: str, origin: str) -> Request:
        self.requested.add(url)
        return Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            priority=PRIORITY_ARTICLE,
            cb_kwargs={"lang": lang, "origin": origin},
            meta={"csto_kind": "article", "csto_lang": lang},
        )

    # --- callbacks -----------------------------------------------------------------------------

    def parse_listing(
        self, response: Response, lang: str, section: str, page: int
    ) -> Iterator[Request | ListingPageItem | FetchFailure]:
        fetch = self.fetch_record(response, "listing", lang)
        if response.status in (404, 410):
            logger.info("No listing %s on the %s site (HTTP %d)", section, lang, response.status)
            self.crawler.stats.inc_value("csto/listing/missing_section")
            return
        listing = ListingPage(response) if isinstance(response, TextResponse) else None
        if listing is None or not listing.is_listing():
            yield FetchFailure(response.url, lang, "listing", "not a listing page", 1, response.status, fetch)
            return
        entries = self.listing_entries(listing)
        current, last = listing.page_number(), listing.last_page()
        self.last_pages[(lang, section)] = last
        yield ListingPageItem(lang, section, current, last, entries, fetch)
        for entry in entries:
            if entry.article_url not in self.requested:
                yield self.article_request(entry.article_url, lang, "listing")
        if current == page and current < last:
            yield self.listing_request(lang, section, current + 1)

    def listing_entries(self, listing: ListingPage) -> list[ListingEntry]:
        entries = []
        for item in listing.items():
            try:
                url = self.sites.canonicalize(item.url)
            except ForeignUrlError:
                self.crawler.stats.inc_value("csto/listing/foreign_link")
                continue
            entries.append(ListingEntry(url, item.url, item.position, item.title, item.date_raw, item.element_id))
            if item.date_raw:
                self.listed.setdefault(url, item.date_raw)
        return entries

    def parse_sitemap(self, response: Response, lang: str) -> Iterator[Request | SitemapItem | FetchFailure]:
        fetch = self.fetch_record(response, "sitemap", lang)
        if response.status in (404, 410):
            logger.info("No sitemap at %s (HTTP %d)", response.url, response.status)
            return
        try:
            document = parse_sitemap(response.body)
        except SitemapError as exc:
            yield FetchFailure(response.url, lang, "sitemap", str(exc), 1, response.status, fetch)
            return
        if document.is_index:
            yield SitemapItem(lang, {}, fetch, is_index=True)
            for loc, _ in document.entries:
                if holds_articles(loc) and self.sites.lang_of(loc) == lang:
                    yield self.sitemap_request(lang, loc)
            return
        entries: dict[str, str | None] = {}
        for loc, lastmod in document.entries:
            url = self.article_candidate(loc, lang)
            if url is not None:
                entries[url] = lastmod
        self.sitemap_urls.update(entries)
        yield SitemapItem(lang, entries, fetch)

    def article_candidate(self, url: str, lang: str) -> str | None:
        """Canonical URL if ``url`` may be an article of the ``lang`` site, else None."""
        if self.sites.lang_of(url) != lang or not is_content_url(url):
            return None
        canonical = self.sites.canonicalize(url)
        segments = path_segments(canonical)
        if len(segments) < 2 or "/".join(segments) in self.sections:
            return None  # the home page or a listing node
        return canonical

    def parse_article(
        self, response: Response, lang: str, origin: str
    ) -> Iterator[Request | ArticleItem | GoneNotice | FetchFailure | SkippedPage]:
        fetch = self.fetch_record(response, "article", lang)
        url = self.sites.canonicalize(response.url)
        if response.status in (404, 410):
            yield GoneNotice(url, lang, response.status, fetch)
            return
        page = ArticlePage(response) if isinstance(response, TextResponse) else None
        if page is None or not page.is_article():
            if origin == "sitemap":
                # Sitemaps may list section pages too; remember the URL so it is not fetched again.
                self.crawler.stats.inc_value("csto/article/not_an_article")
                fetch.kind = "other"
                yield SkippedPage(url, lang, "not an article page", fetch)
            else:
                yield FetchFailure(url, lang, "article", "not an article page", 1, response.status, fetch)
            return
        item = self.article_item(page, url, lang, fetch)
        requested = self.sites.canonicalize(fetch.url)
        if requested != url:
            item.requested_url = requested
        yield item
        if self.fetch_attachments:
            for attachment in item.attachments:
                if attachment.url not in self.requested and self.sites.is_allowed(attachment.url):
                    self.requested.add(attachment.url)
                    yield Request(
                        attachment.url,
                        callback=self.parse_attachment,
                        errback=self.on_error,
                        priority=PRIORITY_ATTACHMENT,
                        cb_kwargs={"article_url": url, "filename": attachment.filename},
                        meta={"csto_kind": "attachment", "csto_lang": lang},
                    )

    def article_item(self, page: ArticlePage, url: str, lang: str, fetch: FetchRecord) -> ArticleItem:
        section, slug = section_and_slug(url)
        candidates = page.date_candidates()
        listed = self.listed.get(url)
        if listed:
            # The listing date comes right after the page's own dates; it carries the time on
            # en /authorized_organs/ lists ("05/08/2020 08:00:00").
            position = next((i for i, c in enumerate(candidates) if c.source == "attachments"), len(candidates))
            candidates.insert(position, DateCandidate(listed, "listing"))
        counterpart = page.counterpart_url()
        return ArticleItem(
            url=url,
            lang=lang,
            section=section,
            slug=slug,
            title=page.title(),
            fetch=fetch,
            element_id=page.element_id(),
            subtitle=page.subtitle(),
            date_candidates=candidates,
            body_paragraphs=page.body_paragraphs(),
            body_html=page.body_html(),
            signature_lines=page.signature_lines(),
            attachments=page.attachments(),
            images=page.images(),
            counterpart_url=self.sites.canonicalize(counterpart)
            if counterpart and self.sites.is_allowed(counterpart)
            else None,
        )

    def parse_attachment(
        self, response: Response, article_url: str, filename: str
    ) -> Iterator[AttachmentItem | FetchFailure]:
        lang = response.meta.get("csto_lang")
        fetch = self.fetch_record(response, "attachment", lang)
        if response.status != 200:
            yield FetchFailure(response.url, lang, "attachment", f"HTTP {response.status}", 1, response.status, fetch)
            return
        yield AttachmentItem(response.url, article_url, filename, fetch)

    def on_error(self, failure: Failure) -> Iterator[FetchFailure | Request]:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("csto_kind", "other")
        lang = request.meta.get("csto_lang")
        attempts = int(request.meta.get("retry_times", 0)) + 1
        status = None
        fetch = None
        exc = failure.value
        if isinstance(exc, HttpError):
            status = exc.response.status
            fetch = self.fetch_record(exc.response, kind, lang)
            error = f"HTTP {status}"
        else:
            error = f"{type(exc).__name__}: {failure.getErrorMessage()}"
        self.crawler.stats.inc_value(f"csto/{kind}/failed")
        logger.warning("Giving up on %s after %d attempt(s): %s", request.url, attempts, error)
        yield FetchFailure(request.url, lang, kind, error, attempts, status, fetch)
        if kind == "listing":
            yield from self.skip_failed_listing_page(request)

    def skip_failed_listing_page(self, request: Request) -> Iterator[Request]:
        """A dead listing page must not end the walk: continue with the next page number."""
        kwargs = request.cb_kwargs
        lang, section, page = kwargs["lang"], kwargs["section"], kwargs["page"]
        if page < self.last_pages.get((lang, section), 0):
            yield self.listing_request(lang, section, page + 1)

    # --- idle: articles only the sitemap knows ------------------------------------------------

    def on_idle(self) -> None:
        pending = [url for url in self.sitemap_urls if url not in self.requested]
        if not pending:
            return
        logger.info("Fetching %d article(s) found only in the sitemaps", len(pending))
        self.crawler.stats.inc_value("csto/sitemap/only_in_sitemap", len(pending))
        for url in pending:
            lang = self.sites.lang_of(url)
            if lang is not None:
                self.crawler.engine.crawl(self.article_request(url, lang, "sitemap"))
        raise DontCloseSpider

    # --- provenance ----------------------------------------------------------------------------

    def fetch_record(self, response: Response, kind: str, lang: str | None) -> FetchRecord:
        redirects = response.request.meta.get("redirect_urls") if response.request else None
        requested = redirects[0] if redirects else response.url
        headers = {
            key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
            for key, values in response.headers.items()
        }
        return FetchRecord(requested, response.url, response.status, headers, response.body, self.clock(), kind, lang)
