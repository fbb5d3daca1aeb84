"""NewsSpider: listings -> articles, Bitrix pagination, sitemaps. It routes responses; it does not
parse (``extraction``), clean or store (pipelines), keep books (``walks``, ``sitemap_ledger``,
``leads``) or build requests and decide what to fetch again (``asking``, ``plan``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from ..archive.state import CrawlState, load_crawl_state
from ..crawl_stats import SITEMAPS_COMPLETE
from ..dates import utc_now
from ..discovery.canonical import canonical_url
from ..extraction import extract_article, extract_listing
from ..items import (
    ArticleItem,
    AttachmentItem,
    FetchFailure,
    FetchRecord,
    GoneNotice,
    HeldPage,
    ListingPageItem,
    NotModified,
    SectionWalked,
    SitemapConfirmed,
    SitemapItem,
    SkippedPage,
)
from ..leads import ArticleLeads
from ..outcomes import Doubt, ReadingMethod, RunMode
from ..pages.anchored import Hints
from ..pages.health import page_problem
from ..pages.sitemap import SitemapError, parse_sitemap
from ..preflight import CrawlRefusedError, check_configuration, crawled_langs
from ..run_sources import discovered, run_sources, section_sites, section_walked
from ..sitemap_ledger import SitemapLedger
from ..source_books import SourceBooks
from ..urls import article_candidate, section_of_article
from ..walks import DEFAULT_MAX_PAGES, ListingWalks
from .asking import Asking, Callbacks, Policy, interleave
from .discovering import Discovering, Role, SourcePolicy
from .failures import failure_item
from .listed import says_article
from .source_articles import SourceArticles
from .walked import of_walked_source

logger = logging.getLogger(__name__)

ListingOutput = Request | ListingPageItem | FetchFailure | SectionWalked | SkippedPage
ArticleOutput = Request | ArticleItem | GoneNotice | FetchFailure | NotModified | HeldPage


class NewsSpider(Spider):
    """Archives every article of the run's sources: one walked by its sections and sitemaps (its
    ``walk`` says so), the others by discovery. Everything comes from settings (``CSTO_SOURCES``,
    else the default source's ``CSTO_SITES``, ``CSTO_SECTIONS``; ``CSTO_LANGS``, ...)."""

    name = "news"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock: Callable[[], dt.datetime] = utc_now
        self.state = CrawlState()
        self.walks = ListingWalks()
        self.sitemaps = SitemapLedger()
        self.leads = ArticleLeads()
        self.books: dict[str, SourceBooks] = {}
        self.section_source: str | None = None  # the name of the source walked by its sections

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        try:
            check_configuration(crawler.settings)
        except CrawlRefusedError:
            # Refused: the archive pipeline, which opens before any request, says why in one line
            # and closes the spider before a run begins (preflight.py); nothing is read meanwhile.
            return spider
        spider.configure(crawler.settings)
        spider.state = load_crawl_state(Path(crawler.settings.get("CSTO_ARCHIVE_PATH")))
        spider.walks.walked_before = set(spider.state.walked)
        spider.sitemaps.on_change = spider.publish_sitemaps_complete
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_robots, signal=signals.robots_parsed)
        crawler.signals.connect(spider.state.close, signal=signals.spider_closed)
        return spider

    def configure(self, settings: BaseSettings) -> None:
        """Read the run's sources and CSTO_* settings (apart from from_crawler: tests configure directly)."""
        sources = run_sources(settings)
        walked = section_walked(sources)
        self.section_source = walked.name if walked is not None else None
        self.sites = section_sites(walked)
        self.langs: list[str] = crawled_langs(settings, walked) if walked is not None else []
        self.sections: list[str] = list(walked.sections) if walked is not None else []
        self.use_sitemap: bool = settings.getbool("CSTO_USE_SITEMAP")
        self.sitemap_paths: list[str] = list(walked.sitemaps) if walked is not None else []
        self.sitemaps.max_files = settings.getint("CSTO_MAX_SITEMAP_FILES", self.sitemaps.max_files)
        self.fetch_attachments: bool = settings.getbool("CSTO_FETCH_ATTACHMENTS")
        self.full: bool = settings.getbool("CSTO_FULL")
        self.recheck_days: int = settings.getint("CSTO_RECHECK_DAYS")
        self.walk_all_without_sitemaps: bool = settings.getbool("CSTO_WALK_ALL_WITHOUT_SITEMAPS")
        max_pages = settings.getint("CSTO_MAX_LISTING_PAGES") or DEFAULT_MAX_PAGES
        self.walks = ListingWalks(full=self.full, max_pages=max_pages)
        self.books = {source.name: SourceBooks(source, self.full) for source in discovered(sources)}
        self.obeys_robots = settings.getbool("ROBOTSTXT_OBEY")

    @property
    def asking(self) -> Asking:
        """The request builder over the run's current books (tests replace ``state`` and ``walks``)."""
        on = Callbacks(
            self.parse_listing, self.parse_sitemap, self.parse_article, self.parse_attachment, self.on_error, self.count
        )
        policy = Policy(self.langs, self.full, self.today, self.recheck_days)
        return Asking(self.sites, self.walks, self.leads, self.sitemaps, self.state, policy, on)

    @property
    def discovering(self) -> Discovering:
        """The requests and page reading of the sources walked by discovery."""
        policy = SourcePolicy(self.full, self.today, self.recheck_days)
        return Discovering(
            self.books, self.state, policy, self.parse_source_page, self.parse_source_article, self.on_error,
            self.count, self.clock,
        )  # fmt: skip

    def count(self, key: str, increment: int = 1) -> None:
        self.crawler.stats.inc_value(key, increment)

    @property
    def run_mode(self) -> RunMode:
        """``full`` for a first crawl or ``--full``; ``incremental`` when the archive already knows the site."""
        return RunMode.of_crawl(self.full, bool(self.state.walked))

    @property
    def today(self) -> dt.date:
        return self.clock().date()

    # --- start ---------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        logger.info("Crawl mode: %s (%d articles already archived)", self.run_mode, self.state.article_count())
        for request in self.asking.retries():
            yield request
        # The sites take turns: Scrapy pulls start requests only while its downloader has room,
        # so one site's whole list first would keep the other waiting behind it.
        sitemaps = self.sitemap_paths if self.use_sitemap else []
        firsts = [self.asking.first_requests(lang, self.sections, sitemaps) for lang in self.langs]
        discovering = self.discovering
        firsts += [discovering.first_requests(book) for book in self.books.values()]
        for request in interleave(firsts):
            yield request
        for book in self.books.values():
            # Without robots.txt (ROBOTSTXT_OBEY off) no Sitemap: lines: the usual /sitemap.xml.
            for request in [] if self.obeys_robots else discovering.sitemaps(book, []):
                yield request
        for request in self.asking.rechecks():
            yield request

    # --- listings ------------------------------------------------------------------------------

    @of_walked_source
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
            yield from self.asking.after_failed_page(lang, section, page)
            return
        entries, foreign = self.leads.entries(listing.items, self.sites)
        if foreign:
            self.crawler.stats.inc_value("csto/listing/foreign_link", foreign)
        last = self.walks.saw_pager(key, listing.last_page)
        self.walks.saw_articles(key, page, (entry.article_url for entry in entries))
        yield ListingPageItem(lang, section, listing.page_number, last, entries, fetch, listing.method)
        known = self.state.known_many(entry.article_url for entry in entries)  # one query per page
        yield from self.asking.listed(entries, known, lang)
        new_here = sum(1 for entry in entries if entry.article_url not in known)
        yield from self.asking.next_listing_pages(key, page, listing.page_number, last, new_here)

    # --- sitemaps ------------------------------------------------------------------------------

    @of_walked_source
    def parse_sitemap(
        self, response: Response, lang: str, index_lastmod: str | None = None
    ) -> Iterator[Request | SitemapItem | SitemapConfirmed | FetchFailure]:
        fetch = self.fetch_record(response, "sitemap", lang)
        if response.status in (404, 410):
            logger.info("No sitemap at %s (HTTP %d)", response.url, response.status)
            self.sitemaps.file_missing(lang, response.url)
            return
        recorded = self.state.sitemap_files.get(fetch.url)
        if not self.full and recorded is not None and recorded == fetch.sha256:
            # A finished run parsed these very bytes and acted on every entry: nothing is new or
            # edited here, and the archived entries still count as listed (absence detection).
            self.crawler.stats.inc_value("csto/sitemap/unchanged")
            self.sitemaps.file_read(lang)
            yield SitemapItem(lang, {}, fetch, unchanged=True, index_lastmod=index_lastmod)
            return
        try:
            document = parse_sitemap(response.body)
        except SitemapError as exc:
            self.sitemaps.file_failed(lang)
            yield FetchFailure(response.url, lang, "sitemap", str(exc), 1, response.status, fetch)
            return
        if document.is_index:
            yield SitemapItem(lang, {}, fetch, is_index=True)
            yield from self.asking.sitemap_files(document.entries, lang)
            return
        self.sitemaps.file_read(lang)
        entries = {
            url: lastmod
            for loc, lastmod in document.entries
            if (url := article_candidate(self.sites, loc, lang, self.sections))
        }
        yield SitemapItem(lang, entries, fetch, index_lastmod=index_lastmod)
        yield from self.asking.sitemap_changes(entries, lang)

    def sitemaps_complete(self) -> list[str]:
        """Languages whose sitemaps were all read (the archive pipeline marks absent articles gone)."""
        return self.sitemaps.complete(self.langs)

    def publish_sitemaps_complete(self) -> None:
        """Tell the pipelines (crawl stats) which [source, lang] pairs had their sitemaps all read."""
        complete = [[self.section_source, lang] for lang in self.sitemaps_complete()] if self.section_source else []
        complete += [
            [name, lang] for name, book in self.books.items() if book.sitemaps_complete for lang in book.sitemap_langs
        ]
        self.crawler.stats.set_value(SITEMAPS_COMPLETE, sorted(complete))

    # --- sources walked by discovery -------------------------------------------------------------

    def parse_source_page(self, response: Response, source: str, role: str) -> Iterator[Any]:
        """A start page, listing, feed, sitemap or JSON page of a source walked by discovery; a page
        reached as a listing that says it is an article (og:type, JSON-LD) and reads as one is one."""
        if role == Role.EXPLORE and says_article(response):
            before = len(self.books[source].done)
            outputs = list(self.parse_source_article(response, source))
            if any(isinstance(o, ArticleItem) for o in outputs) or self.books[source].read_since(before, response.url):
                self.count("csto/source/explored_article")
                yield from outputs
                return
        yield from self.discovering.read_page(response, source, role)
        if role == Role.SITEMAP:
            self.publish_sitemaps_complete()

    def parse_source_article(self, response: Response, source: str) -> Iterator[Any]:
        yield from SourceArticles(self.books, self.state, self.clock, self.count).read(response, source)

    def on_robots(self, robotparser: Any, request: Request) -> None:
        """robots.txt of a source's host was read (Scrapy's robots middleware): ask for the
        sitemaps it names (Protego's ``sitemaps``), else the usual /sitemap.xml."""
        named = [str(url) for url in getattr(getattr(robotparser, "rp", None), "sitemaps", [])]
        for sitemap in self.discovering.robots_sitemaps(request.url, named):
            self.crawler.engine.crawl(sitemap)

    # --- articles and attachments --------------------------------------------------------------

    @of_walked_source
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
                item = self.leads.finish(extraction.item, fetch, self.sites)
                known = self.state.known(item.url)
                item.archived_body_chars = known.body_chars if known is not None else 0
                yield item
                yield from self.asking.attachments(item, self.fetch_attachments)
                return
            if extraction.readable:
                # A whole HTML page on an article URL in which no reading finds the article: a
                # template we cannot read. Held with its snapshot, for the drift alarm and reextract.
                self.crawler.stats.inc_value("csto/article/unreadable")
                section = section_of_article(url)
                yield HeldPage(url, lang, section, [Doubt.UNREADABLE], ReadingMethod.NONE, fetch)
                return
            problem = extraction.problem
        # Not the article (maintenance, captcha, cut short, not HTML): a failure, retried later.
        self.crawler.stats.inc_value("csto/article/soft_error")
        logger.warning("Not archiving %s: %s", url, problem)
        yield FetchFailure(url, lang, "article", problem or "not an article page", 1, fetch.status, fetch)

    @of_walked_source
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
        if request.meta.get("csto_source") in self.books:
            yield from self.on_source_error(failure, self.books[request.meta["csto_source"]])
            return
        yield from self.on_walk_error(failure)

    @of_walked_source
    def on_walk_error(self, failure: Failure) -> Iterator[FetchFailure | Request]:
        """A request of the section walk that failed for good (its walks and sitemaps learn it)."""
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("csto_kind", "other")
        item = failure_item(failure, self.sites.canonicalize, self.fetch_record)
        self.crawler.stats.inc_value(f"csto/{kind}/{'failed' if item else 'robots_forbidden'}")
        if item is None:
            return
        yield item
        if kind == "sitemap" and item.lang:
            self.sitemaps.file_failed(item.lang)
        if kind == "listing":
            lang, section, page = (request.cb_kwargs[k] for k in ("lang", "section", "page"))
            self.walks.answered((lang, section), page, failed=True)
            yield from self.asking.after_failed_page(lang, section, page)

    def on_source_error(self, failure: Failure, book: SourceBooks) -> Iterator[FetchFailure]:
        """A request of a source walked by discovery that failed for good (its books learn it)."""
        item = failure_item(failure, lambda url: canonical_url(url, book.source), self.fetch_record)
        kind = failure.request.meta.get("csto_kind", "other")  # type: ignore[attr-defined]
        self.crawler.stats.inc_value(f"csto/{kind}/{'failed' if item else 'robots_forbidden'}")
        yield from self.discovering.failed(failure.request, book, item)  # type: ignore[attr-defined]
        self.publish_sitemaps_complete()

    # --- idle: rescue walks, then articles only the sitemap knows ------------------------------

    def on_idle(self) -> None:
        """When the listings are done: ask again for what complete source walks no longer list, walk
        what makes up for dead listing pages, then the sections only the sitemaps revealed (their
        articles get listing dates), then the rest of walks that stopped early where the sitemaps
        were not all read (deletions are still seen), then fetch what is still unrequested."""
        self.publish_sitemaps_complete()
        self.go_on_with([request for book in self.books.values() for request in self.discovering.absent(book)])
        rescue = self.walks.rescue_walks(self.state.sections())
        pending = self.sitemaps.unrequested(self.leads.requested)
        discovered = sorted(self.walks.uncovered((self.sites.lang_of(url), section_of_article(url)) for url in pending))
        walks = []
        for lang, section in rescue or discovered:
            why = "to make up for a dead listing page" if rescue else "a section found only in the sitemaps"
            logger.info("Walking %s listing %s, %s", lang, section, why)
            walks.append(self.asking.listing(lang, section, 1, start=True, rescue=bool(rescue)))
        if rescue or discovered:
            self.crawler.stats.inc_value("csto/plan/rescue_walks" if rescue else "csto/plan/discovered_sections")
        self.go_on_with(walks)
        self.go_on_with(list(self.asking.whole_walks(self.use_sitemap)) if self.walk_all_without_sitemaps else [])
        requests = [request for url in pending for request in self.asking.sitemap_only(url)]
        if requests:
            logger.info("Fetching %d article(s) found only in the sitemaps", len(requests))
            self.crawler.stats.inc_value("csto/plan/only_in_sitemap", len(requests))
        self.go_on_with(requests)

    def go_on_with(self, requests: list[Request]) -> None:
        """Hand ``requests`` to the engine; while there are any, the spider stays open."""
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def fetch_record(self, response: Response, kind: str, lang: str | None) -> FetchRecord:
        return FetchRecord.from_response(response, kind, lang, self.clock())
