"""NewsSpider: listings -> articles, Bitrix pagination, sitemaps; it routes, it does not parse or store.

A first crawl walks every configured section listing to its last page. Later crawls are
incremental: the archive (read once at start) says what is known, each listing is walked newest
first only while its pages bring new articles, and known articles are fetched again only for a
reason (plan.refetch_reason): a changed title or sitemap <lastmod>, an earlier failure, or youth.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ..archive.state import CrawlState, KnownArticle, load_crawl_state
from ..dates import utc_now
from ..extraction import ExtractionJob, Extractor, ListingExtraction, ListingJob
from ..items import (
    ArticleItem,
    AttachmentItem,
    FetchFailure,
    FetchRecord,
    GoneNotice,
    ListingEntry,
    ListingPageItem,
    NotModified,
    SectionWalked,
    SitemapItem,
    SkippedPage,
)
from ..pages.health import truncation
from ..pages.listing import ListedItem
from ..pages.sitemap import SitemapError, holds_articles, parse_sitemap
from ..plan import FetchReason, is_within_recheck_window, refetch_reason, walk_continues
from ..urls import ForeignUrlError, Sites, is_content_url, listing_url, path_segments
from ..workers import workers_enabled

logger = logging.getLogger(__name__)

# Scheduling priorities: retries of old failures first, then what a listing page promised,
# then attachments, then further listing pages.
PRIORITY_RETRY = 20
PRIORITY_ARTICLE = 10
PRIORITY_ATTACHMENT = 5
PRIORITY_LISTING = 0

# The message of Scrapy's RobotsTxtMiddleware when it refuses a request.
ROBOTS_FORBIDDEN = "Forbidden by robots.txt"

# Content types an article or listing page may be served with.
HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})

ArticleOutput = Request | ArticleItem | GoneNotice | FetchFailure | SkippedPage | NotModified


class NewsSpider(Spider):
    """Walks every configured section listing of each language site and archives every article.

    Arguments come from settings (``CSTO_SITES``, ``CSTO_LANGS``, ``CSTO_SECTIONS``, ...), so the same
    spider crawls the live sites or a local replica.
    """

    name = "news"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock: Callable[[], dt.datetime] = utc_now
        self.state = CrawlState()
        self.extractor = Extractor(0)
        self.listed: dict[str, str] = {}  # canonical article URL -> listed date seen in this run
        self.links: dict[str, set[str]] = defaultdict(set)  # canonical URL -> other links to it
        self.requested: set[str] = set()
        self.sitemap_urls: dict[str, str | None] = {}  # canonical article URL -> <lastmod>
        self.sitemap_failed: set[str] = set()  # languages with a sitemap that could not be read
        self.sitemap_read: set[str] = set()  # languages with at least one article sitemap read
        self.last_pages: dict[tuple[str, str], int] = {}  # the highest last page a pager showed
        self.listing_requested: dict[tuple[str, str], int] = {}  # highest listing page requested
        self.listing_pending: dict[tuple[str, str], set[int]] = defaultdict(set)  # requested, unanswered
        self.walk_failed: set[tuple[str, str]] = set()
        self.walks_recorded: set[tuple[str, str]] = set()  # full walks completed (SectionWalked sent)
        self.walked_sections: set[tuple[str, str]] = set()  # listings this run started to walk (coverage)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler.settings)
        spider.state = load_crawl_state(Path(crawler.settings.get("CSTO_ARCHIVE_PATH")))
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    def on_closed(self) -> None:
        self.extractor.close()
        self.state.close()

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
        self.full: bool = settings.getbool("CSTO_FULL")
        self.recheck_days: int = settings.getint("CSTO_RECHECK_DAYS")
        self.extractor = Extractor(1 if workers_enabled(settings) else 0, settings.get("CSTO_SITE_TIMEZONE"))

    @property
    def run_mode(self) -> str:
        """``full`` for a first crawl or ``--full``; ``incremental`` when the archive already knows the site."""
        return "full" if self.full or not self.state.walked else "incremental"

    def walks_all_pages(self, lang: str, section: str) -> bool:
        return self.full or (lang, section) not in self.state.walked

    def sections_to_walk(self, lang: str) -> list[str]:
        """Configured sections, plus sections earlier runs discovered through the sitemaps."""
        extra = sorted(
            section
            for walked_lang, section in self.state.walked
            if walked_lang == lang
            and section not in self.sections
            and not any(section.startswith(s + "/") for s in self.sections)
        )
        return self.sections + extra

    @property
    def today(self) -> dt.date:
        return self.clock().date()

    # --- start ---------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        logger.info("Crawl mode: %s (%d articles already archived)", self.run_mode, self.state.article_count())
        for request in self.retry_requests():
            yield request
        for lang in self.langs:
            site = self.sites.by_lang[lang]
            for section in self.sections_to_walk(lang):
                self.walked_sections.add((lang, section))
                yield self.listing_request(lang, section, 1)
            if self.use_sitemap:
                for path in self.sitemap_paths:
                    yield self.sitemap_request(lang, site.base + path)
        for request in self.recheck_requests():
            yield request

    def retry_requests(self) -> Iterator[Request]:
        """URLs an earlier run could not fetch come first, then articles a listing showed that never
        reached the archive (a run killed between reading a listing page and saving its articles)."""
        failed = {url for url, _, _ in self.state.failures}
        for url, listed_lang in self.state.listed_unarchived:
            if url not in failed and listed_lang in self.langs and self.sites.is_allowed(url):
                yield self.article_request(url, listed_lang, "listed_unarchived", priority=PRIORITY_RETRY)
        for url, kind, lang in self.state.failures:
            if lang not in self.langs or not self.sites.is_allowed(url):
                continue
            if kind == "article":
                yield self.article_request(url, lang, "retry", priority=PRIORITY_RETRY)
            elif kind == "attachment":
                yield self.attachment_request(url, "", url.rsplit("/", 1)[-1], lang)

    def recheck_requests(self) -> Iterator[Request]:
        """Articles young enough to still be edited, with conditional headers."""
        if self.full or self.recheck_days <= 0:
            return
        since = self.today - dt.timedelta(days=self.recheck_days)
        for url, known in self.state.published_since(since, self.langs):
            if url not in self.requested and is_within_recheck_window(known.published, self.today, self.recheck_days):
                self.crawler.stats.inc_value("csto/plan/recheck")
                yield self.article_request(url, known.lang, FetchReason.RECHECK.value)

    def listing_request(self, lang: str, section: str, page: int) -> Request:
        key = (lang, section)
        self.listing_requested[key] = max(self.listing_requested.get(key, 0), page)
        self.listing_pending[key].add(page)
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

    def article_request(self, url: str, lang: str, origin: str, priority: int = PRIORITY_ARTICLE) -> Request:
        self.requested.add(url)
        headers = {}
        known = self.state.known(url) if origin == FetchReason.RECHECK.value else None
        if known is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        return Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            priority=priority,
            headers=headers,
            # ``requested`` already keeps articles unique; Scrapy's duplicate filter would also drop
            # a redirect back to a URL seen before (a redirect loop), silently: no article, no failure.
            # Unfiltered, a loop ends at REDIRECT_MAX_TIMES with an IgnoreRequest the errback records.
            dont_filter=True,
            cb_kwargs={"lang": lang, "origin": origin},
            meta={"csto_kind": "article", "csto_lang": lang},
        )

    def attachment_request(self, url: str, article_url: str, filename: str, lang: str) -> Request:
        self.requested.add(url)
        return Request(
            url,
            callback=self.parse_attachment,
            errback=self.on_error,
            priority=PRIORITY_ATTACHMENT,
            dont_filter=True,  # as for articles: a redirect loop must end as a recorded failure
            cb_kwargs={"article_url": article_url, "filename": filename},
            meta={"csto_kind": "attachment", "csto_lang": lang},
        )

    # --- listings ------------------------------------------------------------------------------

    async def parse_listing(
        self, response: Response, lang: str, section: str, page: int
    ) -> AsyncIterator[Request | ListingPageItem | FetchFailure | SectionWalked | SkippedPage]:
        fetch = self.fetch_record(response, "listing", lang)
        key = (lang, section)
        if response.status in (404, 410):
            yield self.missing_listing(response, lang, section, page, fetch)
            return
        listing, problem = await self.read_listing(response)
        self.listing_answered(lang, section, page, failed=listing is None)
        if listing is None:
            self.crawler.stats.inc_value("csto/listing/soft_error")
            yield FetchFailure(response.url, lang, "listing", problem, 1, response.status, fetch)
            for next_page in self.skip_failed_listing_page(lang, section, page):
                yield next_page
            return
        entries = self.listing_entries(listing.items)
        current, last = listing.page_number, listing.last_page
        self.last_pages[key] = max(self.last_pages.get(key, 0), last)
        yield ListingPageItem(lang, section, current, last, entries, fetch)
        new_here = 0
        known = self.state.known_many(entry.article_url for entry in entries)  # one query per page
        for entry in entries:
            archived = known.get(entry.article_url)
            new_here += archived is None
            request = self.listed_article_request(entry, lang, archived)
            if request is not None:
                yield request
        if self.walks_all_pages(lang, section):
            for output in self.walk_all_pages(lang, section, page, current, last):
                yield output
        elif current == page and walk_continues(new_here, walk_all=False, current=current, last=last):
            yield self.listing_request(lang, section, current + 1)
        elif current == page and current < last:
            self.crawler.stats.inc_value("csto/listing/stopped_early")
            logger.debug("Stopping %s %s at page %d: nothing new", lang, section, current)

    def missing_listing(
        self, response: Response, lang: str, section: str, page: int, fetch: FetchRecord
    ) -> SkippedPage:
        """A listing URL that answers 404/410: no such section on this site, or a page of it gone."""
        # Page 1: no such section here. A later page: the section exists, but a page of it is gone.
        self.listing_answered(lang, section, page, failed=page > 1)
        logger.info("No listing %s on the %s site (HTTP %d)", section, lang, response.status)
        self.crawler.stats.inc_value("csto/listing/missing_section")
        fetch.kind = "other"
        return SkippedPage(response.url, lang, f"no such listing (HTTP {response.status})", fetch)

    async def read_listing(self, response: Response) -> tuple[ListingExtraction | None, str]:
        """The listing page object's reading of a 200 answer (in the extraction worker when there is
        one), or None and why the page cannot be used."""
        problem = page_problem(response, "listing")
        if problem is not None or not isinstance(response, TextResponse):
            return None, problem or "not a listing page"
        listing = await self.extractor.listing(ListingJob(response.body, response.url, response.encoding))
        if listing.problem is not None:
            return None, listing.problem
        return listing, ""

    def listing_answered(self, lang: str, section: str, page: int, failed: bool) -> None:
        """A listing page asked for has been answered; a failed one leaves its walk incomplete."""
        self.listing_pending[(lang, section)].discard(page)
        if failed:
            self.walk_failed.add((lang, section))

    def walk_all_pages(
        self, lang: str, section: str, page: int, current: int, last: int
    ) -> Iterator[Request | SectionWalked]:
        """A full walk asks for every page the pager shows at once, not one after the other.

        The pages are independent (``?PAGEN_1=N``), and a chain of one listing page per round trip
        was what fed a fast crawl its articles: the downloader sat mostly idle (benchmarks/README.md).
        A pager that shows only a window of pages is followed as far as each page shows. The
        section counts as walked once every page asked for has been read and none failed.

        The pages are claimed all at once, before the first is handed over: Scrapy consumes a
        callback's output lazily, and meanwhile other listing pages of the section are read and
        walked. Claimed one by one, those walks asked for the same pages again (123,000 duplicate
        requests in a walk of 1,331 pages), and a duplicate made after its page had been read put
        the page back among the pending ones, so the section was never recorded as walked and every
        later run walked it again.
        """
        key = (lang, section)
        if current == page:  # not Bitrix's answer to a page past the end (it serves the last page)
            first = self.listing_requested.get(key, page) + 1
            yield from [self.listing_request(lang, section, number) for number in range(first, last + 1)]
        if not self.listing_pending[key] and key not in self.walk_failed and key not in self.walks_recorded:
            self.walks_recorded.add(key)
            yield SectionWalked(lang, section, self.last_pages[key])

    def listed_article_request(self, entry: ListingEntry, lang: str, archived: KnownArticle | None) -> Request | None:
        """The request for a listed article (``archived``: what the archive holds of it), if it needs one."""
        if entry.article_url in self.requested:
            return None
        reason = refetch_reason(
            archived,
            full=self.full,
            failed_before=False,
            listed_title=entry.title,
            today=self.today,
            recheck_days=self.recheck_days,
        )
        if reason is None:
            self.crawler.stats.inc_value("csto/plan/skipped_known")
            return None
        self.crawler.stats.inc_value(f"csto/plan/{reason.value}")
        return self.article_request(entry.article_url, lang, reason.value)

    def listing_entries(self, items: list[ListedItem]) -> list[ListingEntry]:
        entries = []
        for item in items:
            try:
                url = self.sites.canonicalize(item.url)
            except ForeignUrlError:
                self.crawler.stats.inc_value("csto/listing/foreign_link")
                continue
            entries.append(ListingEntry(url, item.url, item.position, item.title, item.date_raw, item.element_id))
            if item.url != url:
                self.links[url].add(item.url)
            if item.date_raw:
                self.listed.setdefault(url, item.date_raw)
        return entries

    def skip_failed_listing_page(self, lang: str, section: str, page: int) -> Iterator[Request]:
        """A dead listing page must not end the walk: continue with the next page number.

        When the first page dies, no pager has told how many pages there are: page 2 is tried once
        (a section without one answers 404, or Bitrix serves its last page, and the walk ends there).
        """
        key = (lang, section)
        last = self.last_pages.get(key)
        if page + 1 <= self.listing_requested.get(key, 0):
            return  # a full walk already asked for it
        if (last is not None and page < last) or (last is None and page == 1):
            yield self.listing_request(lang, section, page + 1)

    # --- sitemaps ------------------------------------------------------------------------------

    def parse_sitemap(self, response: Response, lang: str) -> Iterator[Request | SitemapItem | FetchFailure]:
        fetch = self.fetch_record(response, "sitemap", lang)
        if response.status in (404, 410):
            logger.info("No sitemap at %s (HTTP %d)", response.url, response.status)
            return
        if self.is_unchanged_sitemap(fetch):
            # A finished run parsed these very bytes and acted on every entry: nothing is new or
            # edited here, and the archived entries still count as listed (absence detection).
            self.crawler.stats.inc_value("csto/sitemap/unchanged")
            self.sitemap_read.add(lang)
            yield SitemapItem(lang, {}, fetch, unchanged=True)
            return
        try:
            document = parse_sitemap(response.body)
        except SitemapError as exc:
            self.sitemap_failed.add(lang)
            yield FetchFailure(response.url, lang, "sitemap", str(exc), 1, response.status, fetch)
            return
        if document.is_index:
            yield SitemapItem(lang, {}, fetch, is_index=True)
            for loc, _ in document.entries:
                if holds_articles(loc) and self.sites.lang_of(loc) == lang:
                    yield self.sitemap_request(lang, loc)
            return
        self.sitemap_read.add(lang)
        entries: dict[str, str | None] = {}
        for loc, lastmod in document.entries:
            url = self.article_candidate(loc, lang)
            if url is not None:
                entries[url] = lastmod
        yield SitemapItem(lang, entries, fetch)
        yield from self.changed_in_sitemap(entries, lang)

    def is_unchanged_sitemap(self, fetch: FetchRecord) -> bool:
        """Bytes a finished run parsed from this URL (only article files are recorded, not indexes)."""
        recorded = self.state.sitemap_files.get(fetch.url)
        return not self.full and recorded is not None and recorded == fetch.sha256

    def changed_in_sitemap(self, entries: dict[str, str | None], lang: str) -> Iterator[Request]:
        """Known articles whose <lastmod> moved are fetched now; the others wait for the listings
        (and, if no listing shows them, for ``on_idle``)."""
        known_articles = self.state.known_many(url for url in entries if url not in self.requested)
        for url, lastmod in entries.items():
            if url in self.requested:
                continue
            known = known_articles.get(url)
            if known is None or self.full:
                self.sitemap_urls[url] = lastmod  # fetched in on_idle unless a listing leads to it
                continue
            reason = refetch_reason(
                known, full=False, sitemap_lastmod=lastmod, today=self.today, recheck_days=self.recheck_days
            )
            if reason is not None:
                self.crawler.stats.inc_value(f"csto/plan/{reason.value}")
                yield self.article_request(url, lang, reason.value)

    def article_candidate(self, url: str, lang: str) -> str | None:
        """Canonical URL if ``url`` may be an article of the ``lang`` site, else None."""
        if self.sites.lang_of(url) != lang or not is_content_url(url):
            return None
        canonical = self.sites.canonicalize(url)
        segments = path_segments(canonical)
        if len(segments) < 2 or "/".join(segments) in self.sections:
            return None  # the home page or a listing node
        return canonical

    def sitemaps_complete(self) -> list[str]:
        """Languages whose sitemaps were all read: only then may absence from them mean removal."""
        return [lang for lang in self.langs if lang in self.sitemap_read and lang not in self.sitemap_failed]

    # --- articles and attachments --------------------------------------------------------------

    async def parse_article(self, response: Response, lang: str, origin: str) -> AsyncIterator[ArticleOutput]:
        fetch = self.fetch_record(response, "article", lang)
        url = self.sites.canonicalize(response.url)
        if response.status == 304:
            yield NotModified(url, lang, fetch)
            return
        if response.status in (404, 410):
            yield GoneNotice(url, lang, response.status, fetch)
            return
        problem = page_problem(response, "article")
        if problem is not None or not isinstance(response, TextResponse):
            yield self.not_an_article(url, lang, origin, problem or "not an article page", fetch)
            return
        listed = self.listed.get(url) or self.state.listed_date(url)
        job = ExtractionJob(response.body, response.url, url, response.encoding, lang, listed, fetch.fetched_at)
        extraction = await self.extractor.extract(job)
        if extraction.item is None:
            yield self.not_an_article(url, lang, origin, extraction.problem or "not an article page", fetch)
            return
        item = self.finish_item(extraction.item, fetch)
        yield item
        for request in self.attachment_requests(item):
            yield request

    def not_an_article(
        self, url: str, lang: str, origin: str, problem: str, fetch: FetchRecord
    ) -> FetchFailure | SkippedPage:
        """A failure to retry later, except for a page a sitemap listed that simply holds no article."""
        if origin == "sitemap" and problem == "not an article page" and self.state.known(url) is None:
            # Sitemaps may list section pages too; remember the URL so it is not fetched again.
            self.crawler.stats.inc_value("csto/article/not_an_article")
            fetch.kind = "other"
            return SkippedPage(url, lang, problem, fetch)
        self.crawler.stats.inc_value("csto/article/soft_error")
        logger.warning("Not archiving %s: %s", url, problem)
        return FetchFailure(url, lang, "article", problem, 1, fetch.status, fetch)

    def attachment_requests(self, item: ArticleItem) -> Iterator[Request]:
        if not self.fetch_attachments:
            return
        for attachment in item.attachments:
            url = attachment.url
            if url in self.requested or not self.sites.is_allowed(url):
                continue
            if not self.full and self.state.has_attachment(url):
                continue
            yield self.attachment_request(url, item.url, attachment.filename, item.lang)

    def finish_item(self, item: ArticleItem, fetch: FetchRecord) -> ArticleItem:
        """What only the crawl knows: the fetch, the canonical counterpart, the links seen, redirects."""
        item.fetch = fetch
        counterpart = item.counterpart_url
        item.counterpart_url = (
            self.sites.canonicalize(counterpart) if counterpart and self.sites.is_allowed(counterpart) else None
        )
        item.aliases = sorted(self.links.get(item.url, ()))
        requested = self.sites.canonicalize(fetch.url)
        if requested != item.url:
            item.requested_url = requested
        return item

    def parse_attachment(
        self, response: Response, article_url: str, filename: str
    ) -> Iterator[AttachmentItem | FetchFailure]:
        lang = response.meta.get("csto_lang")
        fetch = self.fetch_record(response, "attachment", lang)
        if response.status != 200:
            yield FetchFailure(response.url, lang, "attachment", f"HTTP {response.status}", 1, response.status, fetch)
            return
        yield AttachmentItem(response.url, article_url, filename, fetch)

    # --- errors --------------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[FetchFailure | Request]:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("csto_kind", "other")
        lang = request.meta.get("csto_lang")
        attempts = int(request.meta.get("retry_times", 0)) + 1
        status = None
        fetch = None
        exc = failure.value
        if isinstance(exc, IgnoreRequest) and ROBOTS_FORBIDDEN in str(exc):
            # The site asks us not to fetch it: a decision, not a failure to retry or to count.
            self.crawler.stats.inc_value(f"csto/{kind}/robots_forbidden")
            logger.info("Not fetching %s: forbidden by robots.txt", request.url)
            return
        if isinstance(exc, HttpError):
            status = exc.response.status
            fetch = self.fetch_record(exc.response, kind, lang)
            error = f"HTTP {status}"
        else:
            error = f"{type(exc).__name__}: {failure.getErrorMessage()}"
        self.crawler.stats.inc_value(f"csto/{kind}/failed")
        logger.warning("Giving up on %s after %d attempt(s): %s", request.url, attempts, error)
        # The failure belongs to the URL the spider asked for: after a redirect, request.url may be
        # the redirect target, on a foreign host (Location: http://elsewhere/...) or in a loop.
        redirects = request.meta.get("redirect_urls")
        url = redirects[0] if redirects else request.url
        if kind == "article":
            url = self.sites.canonicalize(url)
        yield FetchFailure(url, lang, kind, error, attempts, status, fetch)
        if kind == "sitemap" and lang:
            self.sitemap_failed.add(lang)
        if kind == "listing":
            kwargs = request.cb_kwargs
            self.listing_answered(kwargs["lang"], kwargs["section"], kwargs["page"], failed=True)
            yield from self.skip_failed_listing_page(kwargs["lang"], kwargs["section"], kwargs["page"])

    # --- idle: articles only the sitemap knows ------------------------------------------------

    def on_idle(self) -> None:
        """When the listings are done: first walk the listings of sections only the sitemaps
        revealed (so their articles get listing dates), then fetch what is still unrequested."""
        pending = [url for url in self.sitemap_urls if url not in self.requested]
        if not pending:
            return
        discovered = self.uncovered_sections(pending)
        if discovered:
            for lang, section in sorted(discovered):
                logger.info("Walking %s listing %s, a section found only in the sitemaps", lang, section)
                self.walked_sections.add((lang, section))
                self.crawler.engine.crawl(self.listing_request(lang, section, 1))
            self.crawler.stats.inc_value("csto/plan/discovered_sections", len(discovered))
            raise DontCloseSpider
        requests = [r for r in (self.sitemap_only_request(url) for url in pending) if r is not None]
        if not requests:
            return
        logger.info("Fetching %d article(s) found only in the sitemaps", len(requests))
        self.crawler.stats.inc_value("csto/plan/only_in_sitemap", len(requests))
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def uncovered_sections(self, urls: list[str]) -> set[tuple[str, str]]:
        """(lang, section) of article URLs that no walked listing covers."""
        found = set()
        for url in urls:
            lang = self.sites.lang_of(url)
            section = "/".join(path_segments(url)[:-1])
            if lang is not None and not self.is_covered(lang, section):
                found.add((lang, section))
        return found

    def is_covered(self, lang: str, section: str) -> bool:
        return any(
            section == walked or section.startswith(walked + "/")
            for walked_lang, walked in self.walked_sections
            if walked_lang == lang
        )

    def sitemap_only_request(self, url: str) -> Request | None:
        self.requested.add(url)
        lang = self.sites.lang_of(url)
        reason = refetch_reason(
            self.state.known(url),
            full=self.full,
            sitemap_lastmod=self.sitemap_urls[url],
            today=self.today,
            recheck_days=self.recheck_days,
        )
        if lang is None or reason is None or self.state.is_skipped(url):
            return None
        return self.article_request(url, lang, "sitemap")

    # --- provenance ----------------------------------------------------------------------------

    def fetch_record(self, response: Response, kind: str, lang: str | None) -> FetchRecord:
        redirects = response.request.meta.get("redirect_urls") if response.request else None
        requested = redirects[0] if redirects else response.url
        headers = {
            key.decode("latin-1").lower(): b", ".join(values).decode("latin-1")
            for key, values in response.headers.items()
        }
        return FetchRecord(requested, response.url, response.status, headers, response.body, self.clock(), kind, lang)


def page_problem(response: Response, expected: str) -> str | None:
    """Why a 200 response for an article or listing URL cannot be used, before parsing it.

    The declared type counts, not only Scrapy's response class: for a type it has no class for
    (application/pdf, application/octet-stream) Scrapy sniffs the body and makes HTML-looking bytes
    an HtmlResponse anyway.
    """
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    declared = content_type.split(";", 1)[0].strip().lower()
    if not isinstance(response, TextResponse) or (declared and declared not in HTML_CONTENT_TYPES):
        return f"not HTML ({content_type or 'no content type'}) where an {expected} was expected"
    return truncation(response.body)
