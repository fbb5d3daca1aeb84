"""NewsSpider: listings -> articles, Bitrix pagination, sitemaps. It routes; it does not parse,
clean, store or keep books.

Pages are read by ``extraction`` (page objects), items cleaned and stored by the pipelines. The
run's memory is kept in plain classes: ``walks.ListingWalks`` (listing walks), ``sitemap_ledger``
(what the sitemaps list), ``leads.ArticleLeads`` (what listings said of each article), and the
archive's own state (``archive.state.CrawlState``). Which known articles to fetch again is
decided by ``plan``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
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
from ..extraction import extract_article, extract_listing
from ..items import (
    ArticleItem,
    AttachmentItem,
    FetchFailure,
    FetchRecord,
    GoneNotice,
    HeldPage,
    ListingEntry,
    ListingPageItem,
    NotModified,
    SectionWalked,
    SitemapItem,
    SkippedPage,
)
from ..leads import ArticleLeads
from ..pages.anchored import Hints
from ..pages.health import page_problem
from ..pages.reading import ReadingMethod
from ..pages.sitemap import SitemapError, holds_articles, parse_sitemap
from ..plan import FetchReason, is_within_recheck_window, refetch_reason, walk_continues
from ..quality import Doubt
from ..sitemap_ledger import SitemapLedger
from ..urls import ForeignUrlError, Sites, is_content_url, listing_url, path_segments
from ..walks import DEFAULT_MAX_PAGES, ListingWalks

logger = logging.getLogger(__name__)

# Scheduling priorities: retries of old failures first, then what a listing page promised,
# then attachments, then further listing pages.
PRIORITY_RETRY = 20
PRIORITY_ARTICLE = 10
PRIORITY_ATTACHMENT = 5
PRIORITY_LISTING = 0
# The message of Scrapy's RobotsTxtMiddleware when it refuses a request.
ROBOTS_FORBIDDEN = "Forbidden by robots.txt"

ListingOutput = Request | ListingPageItem | FetchFailure | SectionWalked | SkippedPage
ArticleOutput = Request | ArticleItem | GoneNotice | FetchFailure | NotModified | HeldPage


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
        self.walks = ListingWalks()
        self.sitemaps = SitemapLedger()
        self.leads = ArticleLeads()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler.settings)
        spider.state = load_crawl_state(Path(crawler.settings.get("CSTO_ARCHIVE_PATH")))
        spider.walks.walked_before = set(spider.state.walked)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.state.close, signal=signals.spider_closed)
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
        self.full: bool = settings.getbool("CSTO_FULL")
        self.recheck_days: int = settings.getint("CSTO_RECHECK_DAYS")
        max_pages = settings.getint("CSTO_MAX_LISTING_PAGES") or DEFAULT_MAX_PAGES
        self.walks = ListingWalks(full=self.full, max_pages=max_pages)

    @property
    def run_mode(self) -> str:
        """``full`` for a first crawl or ``--full``; ``incremental`` when the archive already knows the site."""
        return "full" if self.full or not self.state.walked else "incremental"

    @property
    def today(self) -> dt.date:
        return self.clock().date()

    def sections_to_walk(self, lang: str) -> list[str]:
        """Configured sections, plus sections earlier runs walked outside them (found through the
        sitemaps, or walked to make up for a dead listing page)."""
        extra = sorted(
            section
            for walked_lang, section in self.state.walked
            if walked_lang == lang and not any(section == s or section.startswith(s + "/") for s in self.sections)
        )
        return self.sections + extra

    # --- start ---------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        logger.info("Crawl mode: %s (%d articles already archived)", self.run_mode, self.state.article_count())
        for request in self.retry_requests():
            yield request
        for lang in self.langs:
            for section in self.sections_to_walk(lang):
                yield self.listing_request(lang, section, 1, start=True)
            if self.use_sitemap:
                for path in self.sitemap_paths:
                    yield self.sitemap_request(lang, self.sites.by_lang[lang].base + path)
        for request in self.recheck_requests():
            yield request

    def retry_requests(self) -> Iterator[Request]:
        """URLs an earlier run could not fetch come first, then articles a listing showed that never
        reached the archive (a run killed between reading a listing page and saving its articles)."""
        failed = {url for url, _, _ in self.state.failures}
        for url, listed_lang in self.state.listed_unarchived:
            if url not in failed and listed_lang in self.langs and self.sites.is_allowed(url):
                yield from self.article_request(url, listed_lang, "listed_unarchived", priority=PRIORITY_RETRY)
        for url, kind, lang in self.state.failures:
            if lang not in self.langs or not self.sites.is_allowed(url):
                continue
            if kind == "article":
                yield from self.article_request(url, lang, "retry", priority=PRIORITY_RETRY)
            elif kind == "attachment":
                yield from self.attachment_request(url, "", url.rsplit("/", 1)[-1], lang)

    def recheck_requests(self) -> Iterator[Request]:
        """Articles young enough to still be edited, with conditional headers."""
        if self.full or self.recheck_days <= 0:
            return
        since = self.today - dt.timedelta(days=self.recheck_days)
        for url, known in self.state.published_since(since, self.langs):
            if is_within_recheck_window(known.published, self.today, self.recheck_days):
                for request in self.article_request(url, known.lang, FetchReason.RECHECK.value):
                    self.crawler.stats.inc_value("csto/plan/recheck")
                    yield request

    # --- requests ------------------------------------------------------------------------------

    def listing_request(self, lang: str, section: str, page: int, start: bool = False, rescue: bool = False) -> Request:
        if start:
            self.walks.start((lang, section), rescue)
        self.walks.ask((lang, section), page)
        return Request(
            listing_url(self.sites.by_lang[lang].base, section, page),
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

    def article_request(self, url: str, lang: str, origin: str, priority: int = PRIORITY_ARTICLE) -> Iterator[Request]:
        """The request for an article, unless this run already asked for it (then nothing)."""
        if not self.leads.claim(url):
            return
        known = self.state.known(url) if origin == FetchReason.RECHECK.value else None
        headers = {}
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        # ``leads`` keeps articles unique; Scrapy's duplicate filter would also drop a redirect back
        # to a URL seen before (a loop) silently. Unfiltered, a loop ends at REDIRECT_MAX_TIMES
        # with an IgnoreRequest the errback records.
        yield Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            priority=priority,
            headers=headers,
            dont_filter=True,
            cb_kwargs={"lang": lang, "origin": origin},
            meta={"csto_kind": "article", "csto_lang": lang},
        )

    def attachment_request(self, url: str, article_url: str, filename: str, lang: str) -> Iterator[Request]:
        if self.leads.claim(url):
            yield Request(
                url,
                callback=self.parse_attachment,
                errback=self.on_error,
                priority=PRIORITY_ATTACHMENT,
                dont_filter=True,  # as for articles: a redirect loop must end as a recorded failure
                cb_kwargs={"article_url": article_url, "filename": filename},
                meta={"csto_kind": "attachment", "csto_lang": lang},
            )

    # --- listings ------------------------------------------------------------------------------

    def parse_listing(self, response: Response, lang: str, section: str, page: int) -> Iterator[ListingOutput]:
        fetch = self.fetch_record(response, "listing", lang)
        key = (lang, section)
        if response.status in (404, 410):
            # Page 1: no such section here. A later page: the section exists, but a page of it is gone.
            self.walks.answered(key, page, failed=page > 1)
            logger.info("No listing %s on the %s site (HTTP %d)", section, lang, response.status)
            self.crawler.stats.inc_value("csto/listing/missing_section")
            fetch.kind = "other"
            yield SkippedPage(response.url, lang, f"no such listing (HTTP {response.status})", fetch)
            return
        problem = page_problem(response, "listing")
        listing = None
        if problem is None and isinstance(response, TextResponse):
            listing = extract_listing(response.body, response.url, response.encoding)
            problem = listing.problem
        self.walks.answered(key, page, failed=listing is None or problem is not None)
        if listing is None or problem is not None:
            self.crawler.stats.inc_value("csto/listing/soft_error")
            problem = problem or "not a listing page"
            yield FetchFailure(response.url, lang, "listing", problem, 1, response.status, fetch)
            yield from self.after_failed_listing_page(lang, section, page)
            return
        entries = self.listing_entries(listing.items)
        last = self.walks.saw_pager(key, listing.last_page)
        self.walks.saw_articles(key, ("/".join(path_segments(e.article_url)[:-1]) for e in entries))
        yield ListingPageItem(lang, section, listing.page_number, last, entries, fetch, listing.method)
        known = self.state.known_many(entry.article_url for entry in entries)  # one query per page
        yield from self.listed_article_requests(entries, known, lang)
        new_here = sum(1 for entry in entries if entry.article_url not in known)
        yield from self.next_listing_pages(key, page, listing.page_number, last, new_here)

    def next_listing_pages(
        self, key: tuple[str, str], page: int, current: int, last: int, new_here: int
    ) -> Iterator[Request | SectionWalked]:
        lang, section = key
        if self.walks.walks_all(key):
            for number in self.walks.pages_to_ask(key, page, current, last):
                yield self.listing_request(lang, section, number)
            if self.walks.newly_complete(key):
                yield SectionWalked(lang, section, self.walks.last_pages[key])
            return
        if current == page and walk_continues(new_here, walk_all=False, current=current, last=last):
            yield self.listing_request(lang, section, current + 1)
        elif current == page and current < last:
            self.crawler.stats.inc_value("csto/listing/stopped_early")

    def listed_article_requests(
        self, entries: list[ListingEntry], known: dict[str, KnownArticle], lang: str
    ) -> Iterator[Request]:
        """Requests for the listed articles that need fetching (``known``: what the archive holds)."""
        for entry in entries:
            if entry.article_url in self.leads.requested:
                continue
            reason = refetch_reason(
                known.get(entry.article_url),
                full=self.full,
                listed_title=entry.title,
                today=self.today,
                recheck_days=self.recheck_days,
            )
            if reason is None:
                self.crawler.stats.inc_value("csto/plan/skipped_known")
                continue
            self.crawler.stats.inc_value(f"csto/plan/{reason.value}")
            yield from self.article_request(entry.article_url, lang, reason.value)

    def listing_entries(self, items: list[Any]) -> list[ListingEntry]:
        entries = []
        for item in items:
            try:
                url = self.sites.canonicalize(item.url)
            except ForeignUrlError:
                self.crawler.stats.inc_value("csto/listing/foreign_link")
                continue
            entry = ListingEntry(url, item.url, item.position, item.title, item.date_raw, item.element_id, item.lead)
            self.leads.listed(entry)
            entries.append(entry)
        return entries

    def after_failed_listing_page(self, lang: str, section: str, page: int) -> Iterator[Request]:
        """A dead listing page must not end the walk: continue with the next page number."""
        following = self.walks.page_after_failure((lang, section), page)
        if following is not None:
            yield self.listing_request(lang, section, following)

    # --- sitemaps ------------------------------------------------------------------------------

    def parse_sitemap(self, response: Response, lang: str) -> Iterator[Request | SitemapItem | FetchFailure]:
        fetch = self.fetch_record(response, "sitemap", lang)
        if response.status in (404, 410):
            logger.info("No sitemap at %s (HTTP %d)", response.url, response.status)
            return
        recorded = self.state.sitemap_files.get(fetch.url)
        if not self.full and recorded is not None and recorded == fetch.sha256:
            # A finished run parsed these very bytes and acted on every entry: nothing is new or
            # edited here, and the archived entries still count as listed (absence detection).
            self.crawler.stats.inc_value("csto/sitemap/unchanged")
            self.sitemaps.file_read(lang)
            yield SitemapItem(lang, {}, fetch, unchanged=True)
            return
        try:
            document = parse_sitemap(response.body)
        except SitemapError as exc:
            self.sitemaps.file_failed(lang)
            yield FetchFailure(response.url, lang, "sitemap", str(exc), 1, response.status, fetch)
            return
        if document.is_index:
            yield SitemapItem(lang, {}, fetch, is_index=True)
            for loc, _ in document.entries:
                if holds_articles(loc) and self.sites.lang_of(loc) == lang:
                    yield self.sitemap_request(lang, loc)
            return
        self.sitemaps.file_read(lang)
        entries = {url: lastmod for loc, lastmod in document.entries if (url := self.article_candidate(loc, lang))}
        yield SitemapItem(lang, entries, fetch)
        yield from self.changed_in_sitemap(entries, lang)

    def changed_in_sitemap(self, entries: dict[str, str | None], lang: str) -> Iterator[Request]:
        """Known articles whose <lastmod> moved are fetched now; the others wait for the listings
        (and, if no listing shows them, for ``on_idle``)."""
        self.sitemaps.saw(entries)
        known_articles = self.state.known_many(url for url in entries if url not in self.leads.requested)
        for url, lastmod in entries.items():
            known = known_articles.get(url)
            if url in self.leads.requested:
                continue
            if known is None or self.full:
                self.sitemaps.hold(url)
                continue
            reason = refetch_reason(
                known, full=False, sitemap_lastmod=lastmod, today=self.today, recheck_days=self.recheck_days
            )
            if reason is not None:
                self.crawler.stats.inc_value(f"csto/plan/{reason.value}")
                yield from self.article_request(url, lang, reason.value)

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
        """Languages whose sitemaps were all read (the archive pipeline marks absent articles gone)."""
        return self.sitemaps.complete(self.langs)

    # --- articles and attachments --------------------------------------------------------------

    def parse_article(self, response: Response, lang: str, origin: str) -> Iterator[ArticleOutput]:
        fetch = self.fetch_record(response, "article", lang)
        url = self.sites.canonicalize(response.url)
        if response.status == 304:
            yield NotModified(url, lang, fetch)
            return
        if response.status in (404, 410):
            yield GoneNotice(url, lang, response.status, fetch)
            return
        problem = page_problem(response, "article")
        if problem is None and isinstance(response, TextResponse):
            hints = self.leads.hints.get(url) or Hints(date_raw=self.state.listed_date(url))
            hints = dataclasses.replace(hints, lastmod=self.sitemaps.lastmod(url))
            extraction = extract_article(fetch, url, lang, response.encoding, hints)
            if extraction.item is not None:
                item = self.finish_item(extraction.item, fetch)
                yield item
                yield from self.attachment_requests(item)
                return
            if extraction.readable:
                # A whole HTML page on an article URL in which no reading finds the article: a
                # template we cannot read. Held with its snapshot, for the drift alarm and reextract.
                self.crawler.stats.inc_value("csto/article/unreadable")
                section = "/".join(path_segments(url)[:-1])
                yield HeldPage(url, lang, section, [Doubt.UNREADABLE.value], ReadingMethod.NONE.value, fetch)
                return
            problem = extraction.problem
        # Not the article (maintenance, captcha, cut short, not HTML): a failure, retried later.
        self.crawler.stats.inc_value("csto/article/soft_error")
        logger.warning("Not archiving %s: %s", url, problem)
        yield FetchFailure(url, lang, "article", problem or "not an article page", 1, fetch.status, fetch)

    def attachment_requests(self, item: ArticleItem) -> Iterator[Request]:
        if not self.fetch_attachments:
            return
        for attachment in item.attachments:
            url = attachment.url
            if not self.sites.is_allowed(url) or (not self.full and self.state.has_attachment(url)):
                continue
            yield from self.attachment_request(url, item.url, attachment.filename, item.lang)

    def finish_item(self, item: ArticleItem, fetch: FetchRecord) -> ArticleItem:
        """What only the crawl knows: the fetch, the canonical counterpart, the links seen, redirects."""
        item.fetch = fetch
        counterpart = item.counterpart_url
        item.counterpart_url = (
            self.sites.canonicalize(counterpart) if counterpart and self.sites.is_allowed(counterpart) else None
        )
        item.aliases = self.leads.aliases(item.url)
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
        exc = failure.value
        if isinstance(exc, IgnoreRequest) and ROBOTS_FORBIDDEN in str(exc):
            # The site asks us not to fetch it: a decision, not a failure to retry or to count.
            self.crawler.stats.inc_value(f"csto/{kind}/robots_forbidden")
            logger.info("Not fetching %s: forbidden by robots.txt", request.url)
            return
        status, fetch = None, None
        if isinstance(exc, HttpError):
            status = exc.response.status
            fetch = self.fetch_record(exc.response, kind, lang)
        error = f"HTTP {status}" if status is not None else f"{type(exc).__name__}: {failure.getErrorMessage()}"
        attempts = int(request.meta.get("retry_times", 0)) + 1
        self.crawler.stats.inc_value(f"csto/{kind}/failed")
        logger.warning("Giving up on %s after %d attempt(s): %s", request.url, attempts, error)
        # The failure belongs to the URL the spider asked for: after a redirect, request.url may be
        # the redirect target, on a foreign host (Location: http://elsewhere/...) or in a loop.
        redirects = request.meta.get("redirect_urls")
        url = redirects[0] if redirects else request.url
        yield FetchFailure(
            self.sites.canonicalize(url) if kind == "article" else url, lang, kind, error, attempts, status, fetch
        )
        if kind == "sitemap" and lang:
            self.sitemaps.file_failed(lang)
        if kind == "listing":
            kwargs = request.cb_kwargs
            self.walks.answered((kwargs["lang"], kwargs["section"]), kwargs["page"], failed=True)
            yield from self.after_failed_listing_page(kwargs["lang"], kwargs["section"], kwargs["page"])

    # --- idle: rescue walks, then articles only the sitemap knows ------------------------------

    def on_idle(self) -> None:
        """When the listings are done: walk what makes up for dead listing pages, then the listings
        of sections only the sitemaps revealed (so their articles get listing dates), then fetch
        what is still unrequested."""
        engine = self.crawler.engine
        rescue = self.walks.rescue_walks(self.state.sections())
        pending = self.sitemaps.unrequested(self.leads.requested)
        discovered = sorted(self.uncovered_sections(pending))
        for lang, section in rescue or discovered:
            why = "to make up for a dead listing page" if rescue else "a section found only in the sitemaps"
            logger.info("Walking %s listing %s, %s", lang, section, why)
            engine.crawl(self.listing_request(lang, section, 1, start=True, rescue=bool(rescue)))
        if rescue or discovered:
            self.crawler.stats.inc_value("csto/plan/rescue_walks" if rescue else "csto/plan/discovered_sections")
            raise DontCloseSpider
        requests = [request for url in pending for request in self.sitemap_only_request(url)]
        if requests:
            logger.info("Fetching %d article(s) found only in the sitemaps", len(requests))
            self.crawler.stats.inc_value("csto/plan/only_in_sitemap", len(requests))
            for request in requests:
                engine.crawl(request)
            raise DontCloseSpider

    def uncovered_sections(self, urls: list[str]) -> set[tuple[str, str]]:
        """(lang, section) of article URLs that no walked listing covers."""
        found = set()
        for url in urls:
            lang = self.sites.lang_of(url)
            section = "/".join(path_segments(url)[:-1])
            if lang is not None and not self.walks.covers(lang, section):
                found.add((lang, section))
        return found

    def sitemap_only_request(self, url: str) -> Iterator[Request]:
        lang = self.sites.lang_of(url)
        reason = refetch_reason(
            self.state.known(url),
            full=self.full,
            sitemap_lastmod=self.sitemaps.lastmod(url),
            today=self.today,
            recheck_days=self.recheck_days,
        )
        if lang is None or reason is None or self.state.is_skipped(url):
            self.leads.claim(url)
            return
        yield from self.article_request(url, lang, "sitemap")

    def fetch_record(self, response: Response, kind: str, lang: str | None) -> FetchRecord:
        return FetchRecord.from_response(response, kind, lang, self.clock())
