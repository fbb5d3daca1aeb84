"""The walk of a source found by discovery, not by a site's rules: its start pages (tag pages,
sections, feeds, sitemaps, else its home), the ways on from each listing (numbered pagers, next and
"Load more" links, the JSON behind a button), its feeds and robots.txt sitemaps, and which links are
articles (``discovery.learner``). It builds the requests and reads the pages that are not articles;
``source_articles`` reads the articles. docs/decisions/0010-discovery.md describes the modules used.

What a source's walk asks for:

- **start pages** first (and a home page when it names none), then what they lead to;
- with start pages, only the articles they list (a tag page's main list) and the pages after them;
  without, every article candidate of every listing-like page reached from the home, with the
  endless-space budget (``Source.max_trap_requests``), plus every feed the pages declare;
- its **sitemaps** (robots.txt ``Sitemap:`` lines, else ``/sitemap.xml``): they tell edits
  (``<lastmod>``) and removals (absence from files all read in the run) of archived articles, and,
  for a source without start pages, articles to fetch;
- incremental runs stop a listing at the first page that brings no new article, and fetch again
  what changed (listed title, sitemap ``<lastmod>``) or is young (``plan.refetch_reason``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse

from ..archive.state import CrawlState
from ..discovery.canonical import canonical_url
from ..discovery.feeds import FeedError, parse_feed
from ..discovery.listing import ASSET_RE, read_listing
from ..discovery.loadmore import JsonListingError, read_json_listing
from ..discovery.pager import PageKind as WayOn
from ..discovery.sitemaps import children_in_reading_order, source_entries
from ..discovery.urlshape import shape_of
from ..items import FetchFailure, FetchRecord, SitemapConfirmed, SitemapItem, SkippedPage
from ..pages import page_root
from ..pages.sitemap import SitemapError, parse_sitemap
from ..plan import FetchReason, is_within_recheck_window, refetch_reason
from ..source_books import SourceBooks
from ..sources import Source
from ..sources.languages import LANGUAGE_SPELLINGS
from .asking import PRIORITY_ARTICLE, PRIORITY_LISTING, conditional_headers
from .listed import listed_articles, page_links

logger = logging.getLogger(__name__)

# Discovery pages that are not listings of the walk: feeds and sitemaps, read before the listings.
PRIORITY_FEED = 2
# A body opens with one of these when it is a sitemap, a feed, JSON.
SITEMAP_MARKS = (b"<urlset", b"<sitemapindex")
FEED_MARKS = (b"<rss", b"<feed", b"<rdf:rdf")
HEAD_BYTES = 2048
# Ways on from a listing page that are pages of it; the JSON behind a button only when none is.
PAGE_WAYS = (WayOn.REL_NEXT, WayOn.NUMBERED, WayOn.NEXT_LABEL, WayOn.LOAD_MORE)
EVERY_LANGUAGE = sorted(set(LANGUAGE_SPELLINGS.values()))


class Role:
    """Why a discovery page was asked for (a request's ``role``)."""

    START = "start"  # a start page (or the home): its main list, its pages
    MORE = "more"  # a further page of a listing
    EXPLORE = "explore"  # a listing-like page reached from another (sources without start pages)
    FEED = "feed"
    SITEMAP = "sitemap"


@dataclass
class SourcePolicy:
    full: bool
    today: dt.date
    recheck_days: int


@dataclass
class Discovering:
    """Requests and page reading of the sources walked by discovery, over their books."""

    books: dict[str, SourceBooks]
    state: CrawlState
    policy: SourcePolicy
    page_callback: Callable[..., Any]
    article_callback: Callable[..., Any]
    errback: Callable[..., Any]
    count: Callable[[str, int], None]
    clock: Callable[[], dt.datetime]

    # --- requests -----------------------------------------------------------------------------

    def page(
        self, book: SourceBooks, url: str, role: str, priority: int = PRIORITY_LISTING, index_lastmod: str | None = None
    ) -> Iterator[Request]:
        """A discovery page of the source, unless asked for already or refused by its budgets
        (``index_lastmod``: what the sitemap index said of a child sitemap, kept with it)."""
        if not book.source.owns(url) or not book.claim_page(url):
            return
        meta = self.meta(book.source, "sitemap" if role == Role.SITEMAP else "listing", url)
        if role == Role.SITEMAP:
            book.sitemap_asked(url)
            meta["csto_index_lastmod"] = index_lastmod
        elif role in (Role.START, Role.MORE) and not book.discovers_everything:
            book.walk_asked(url)
        yield Request(
            url,
            callback=self.page_callback,
            errback=self.errback,
            priority=priority,
            cb_kwargs={"source": book.source.name, "role": role},
            meta=meta,
        )

    def article(self, book: SourceBooks, url: str, reason: str, priority: int = PRIORITY_ARTICLE) -> Iterator[Request]:
        if not book.claim_article(url):
            return
        known = self.state.known(url) if reason == FetchReason.RECHECK.value else None
        headers = conditional_headers(known)
        self.count(f"csto/source/{reason}", 1)
        yield Request(
            url,
            callback=self.article_callback,
            errback=self.errback,
            priority=priority,
            headers=headers,
            dont_filter=True,  # as for the CSTO's articles: a redirect loop ends as a recorded failure
            cb_kwargs={"source": book.source.name},
            meta=self.meta(book.source, "article", url),
        )

    def meta(self, source: Source, kind: str, url: str) -> dict[str, Any]:
        """As ``Asking.meta``: the download slot is the host and port (politeness per host)."""
        language = source.language_of(url)
        return {
            "csto_kind": kind,
            "csto_lang": language.code if language else None,
            "csto_source": source.name,
            "download_slot": urlsplit(url).netloc.lower(),
        }

    def first_requests(self, book: SourceBooks) -> Iterator[Request]:
        """Start pages (or the home), then the young articles to check again."""
        for url, kind, _ in self.state.failures:
            if book.source.owns(url) and kind == "article":
                yield from self.article(book, url, FetchReason.FAILED_BEFORE.value)
        for url in book.source.start_urls:
            yield from self.page(book, url, Role.START)
        yield from self.rechecks(book)

    def sitemaps(self, book: SourceBooks, urls: list[str]) -> Iterator[Request]:
        """The sitemaps robots.txt names (or ``/sitemap.xml``), once per run."""
        if book.sitemaps_asked:
            return
        for url in urls or [urljoin(book.source.home, "/sitemap.xml")]:
            yield from self.page(book, url, Role.SITEMAP, priority=PRIORITY_FEED)

    def robots_sitemaps(self, robots_url: str, named: list[str]) -> Iterator[Request]:
        """The sitemaps a source's robots.txt names (its own only), else its /sitemap.xml."""
        for book in self.books.values():
            if book.source.owns(robots_url):
                yield from self.sitemaps(book, [url for url in named if book.source.owns(url)])

    def rechecks(self, book: SourceBooks) -> Iterator[Request]:
        """The source's archived articles young enough to still be edited, with conditional headers."""
        policy = self.policy
        if policy.full or policy.recheck_days <= 0:
            return
        since = policy.today - dt.timedelta(days=policy.recheck_days)
        langs = [lang.code for lang in book.source.languages] or EVERY_LANGUAGE
        for url, known in self.state.published_since(since, langs):
            if book.source.owns(url) and is_within_recheck_window(known.published, policy.today, policy.recheck_days):
                yield from self.article(book, url, FetchReason.RECHECK.value)

    def absent(self, book: SourceBooks) -> Iterator[Request]:
        """After a complete walk (``SourceBooks.walk_complete``): the archived articles it no longer
        shows, asked for again once (a 404 or 410 is their tombstone; a live page is read as any other)."""
        if book.absence_checked or not book.walk_complete:
            return
        book.absence_checked = True
        langs = [lang.code for lang in book.source.languages] or EVERY_LANGUAGE
        for url, _ in self.state.published_since(dt.date.min, langs):
            if book.source.owns(url) and url not in book.listed and url not in book.done:
                self.count("csto/source/absent_from_listing", 1)
                yield from self.article(book, url, "absent_from_listing")

    def wanted(self, book: SourceBooks, url: str, listed_title: str | None = None, lastmod: str | None = None) -> bool:
        """Does this article need fetching in this run (``plan.refetch_reason``)? An article its
        filter turned away before is not fetched again, except by ``--full``."""
        if url in book.articles:
            return False
        known = self.state.known(url)
        if known is None and not self.policy.full and self.state.is_skipped(url):
            self.count("csto/source/skipped_before", 1)
            book.articles.add(url)
            return False
        reason = refetch_reason(
            known,
            full=self.policy.full,
            listed_title=listed_title,
            sitemap_lastmod=lastmod,
            today=self.policy.today,
            recheck_days=self.policy.recheck_days,
        )
        return reason is not None

    def is_new(self, book: SourceBooks, url: str) -> bool:
        """Never archived, never turned away by the source's filter, not yet asked for in this run:
        what keeps an incremental listing walk going."""
        return url not in book.articles and self.state.known(url) is None and not self.state.is_skipped(url)

    def fetch_if_wanted(self, book: SourceBooks, url: str, **seen: str | None) -> Iterator[Request]:
        if self.wanted(book, url, **seen):
            known = self.state.known(url)
            yield from self.article(book, url, FetchReason.NEW.value if known is None else "changed")

    # --- pages --------------------------------------------------------------------------------

    def read_page(self, response: Response, source: str, role: str) -> Iterator[Any]:
        """Any discovery page: a sitemap, a feed, the JSON behind a button, or an HTML listing."""
        book = self.books[source]
        kind = "sitemap" if role == Role.SITEMAP else "listing"
        fetch = FetchRecord.from_response(response, kind, response.meta.get("csto_lang"), self.clock())
        head = response.body[:HEAD_BYTES].lstrip().lower()
        if role in (Role.START, Role.MORE) and any(mark in head for mark in SITEMAP_MARKS + FEED_MARKS):
            book.walk_answered(fetch.url, complete=False)  # a feed or sitemap lists only some articles
        if response.status in (404, 410):
            book.sitemap_answered(fetch.url)
            book.walk_answered(fetch.url, complete=False)
            yield SkippedPage(response.url, fetch.lang, f"HTTP {response.status}", fetch, source=source)
        elif any(mark in head for mark in SITEMAP_MARKS):
            yield from self.read_sitemap(book, response, fetch)
        elif any(mark in head for mark in FEED_MARKS):
            yield from self.read_feed(book, response, fetch, role)
        elif head.startswith((b"{", b"[")):
            yield from self.read_json(book, response, fetch)
        elif isinstance(response, TextResponse):
            yield from self.read_listing_page(book, response, fetch, role)
        else:
            yield SkippedPage(response.url, fetch.lang, "neither a listing, a feed nor a sitemap", fetch, source=source)

    def read_listing_page(
        self, book: SourceBooks, response: TextResponse, fetch: FetchRecord, role: str
    ) -> Iterator[Any]:
        root = page_root(response)
        source = book.learn_copies(root, response.url)
        reading = read_listing(root, response.url, source.owns)
        everything = book.discovers_everything
        candidates = reading.candidates if everything else reading.main()
        yield SkippedPage(response.url, fetch.lang, "listing page", fetch, source=source.name)
        new_here, onward = 0, []
        for url, (title, article) in listed_articles(candidates, source, book.is_article).items():
            if everything and not article:
                onward.append(url)
                continue
            new_here += self.is_new(book, url)
            yield from self.fetch_if_wanted(book, url, listed_title=title)
        if everything:
            for feed in reading.feeds:
                yield from self.page(book, canonical_url(feed, source), Role.FEED, priority=PRIORITY_FEED)
            for url in [*onward, *(canonical_url(link, source) for link in page_links(root, response.url))]:
                yield from self.explore(book, url, role, bool(new_here))
        book.listed.update(canonical_url(candidate.url, source) for candidate in candidates)
        ways = [way for way in reading.next_pages if way.kind in PAGE_WAYS]
        ways = ways or [way for way in reading.next_pages if way.kind is WayOn.API]
        goes_on = bool(candidates and ways)
        if goes_on and (self.policy.full or new_here or (book.walk_is_small and not everything)):
            yield from self.page(book, canonical_url(ways[0].url, source), Role.MORE)
        elif goes_on:
            self.count("csto/source/stopped_early", 1)
        book.walk_answered(fetch.url, complete=not goes_on or self.policy.full or bool(new_here) or book.walk_is_small)

    def explore(self, book: SourceBooks, url: str, role: str, brought_new: bool = True) -> Iterator[Request]:
        """A listing-like page reached from another: walked by a source without start pages, from any
        page in a full run, in an incremental one from its start pages when they showed something new."""
        if not (self.policy.full or (role == Role.START and brought_new)) or ASSET_RE.search(urlsplit(url).path):
            return
        if url.endswith(".xml") or book.is_article(url) or (shape_of(url).depth == 0 and url != book.source.home):
            return
        yield from self.page(book, url, Role.EXPLORE)

    def read_json(self, book: SourceBooks, response: Response, fetch: FetchRecord) -> Iterator[Any]:
        """The JSON behind a "Load more" button: its items, the next page while it brings items unseen in the run."""
        source = book.source
        yield SkippedPage(response.url, fetch.lang, "listing page (JSON)", fetch, source=source.name)
        try:
            listing = read_json_listing(response.body, response.url)
        except JsonListingError as exc:
            yield FetchFailure(response.url, fetch.lang, "listing", str(exc), 1, response.status, fetch, source.name)
            return
        new_here = unseen = 0
        for item in listing.items:
            url = canonical_url(item.url, source)
            if source.owns(url):
                new_here += self.is_new(book, url)
                unseen += url not in book.listed
                book.listed.add(url)
                yield from self.fetch_if_wanted(book, url, listed_title=item.title)
        goes_on = bool(unseen and listing.next_url)
        if goes_on and listing.next_url and (self.policy.full or new_here or book.walk_is_small):
            yield from self.page(book, listing.next_url, Role.MORE)
        book.walk_answered(fetch.url, complete=not goes_on or self.policy.full or bool(new_here) or book.walk_is_small)

    def read_feed(self, book: SourceBooks, response: Response, fetch: FetchRecord, role: str) -> Iterator[Any]:
        source = book.source
        yield SkippedPage(response.url, fetch.lang, "feed", fetch, source=source.name)
        try:
            feed = parse_feed(
                response.body, response.url, (response.headers.get("Content-Type") or b"").decode("latin-1")
            )
        except FeedError as exc:
            yield FetchFailure(response.url, fetch.lang, "listing", str(exc), 1, response.status, fetch, source.name)
            return
        for entry in feed.entries:
            url = canonical_url(entry.url, source)
            if source.owns(url):
                edited = entry.updated_raw if entry.updated_raw != entry.published_raw else None
                yield from self.fetch_if_wanted(book, url, listed_title=entry.title, lastmod=edited)
        if feed.next_url and self.policy.full:
            yield from self.page(book, canonical_url(feed.next_url, source), Role.FEED, priority=PRIORITY_FEED)

    def read_sitemap(self, book: SourceBooks, response: Response, fetch: FetchRecord) -> Iterator[Any]:
        """A sitemap or index of the source; its files are kept under one label (``label``) so that
        absence from files all read in the run marks the source's archived articles gone."""
        url, label = fetch.url, self.label(book)  # a urlset file's own languages decide below
        index_lastmod = response.meta.get("csto_index_lastmod")
        if not self.policy.full and self.state.sitemap_files.get(url) == fetch.sha256:
            self.count("csto/sitemap/unchanged", 1)
            book.sitemap_answered(url, label=label)
            yield SitemapItem(label, {}, fetch, unchanged=True, index_lastmod=index_lastmod)
            return
        try:
            document = parse_sitemap(response.body)
        except SitemapError as exc:
            book.sitemap_answered(url, failed=True)
            yield FetchFailure(url, fetch.lang, "sitemap", str(exc), 1, response.status, fetch, book.source.name)
            return
        if document.is_index:
            yield SitemapItem(label, {}, fetch, is_index=True)
            yield from self.sitemap_children(book, document.entries, children_in_reading_order(document), label)
            book.sitemap_answered(url)
            return
        entries = {
            canonical_url(entry.url, book.source): entry.lastmod_raw
            for entry in source_entries(document, book.source)
            if entry.news is not None or book.is_article(canonical_url(entry.url, book.source))
        }
        label = self.entries_label(book, entries) or label
        book.sitemap_answered(url, label=label)
        yield SitemapItem(label, entries, fetch, index_lastmod=index_lastmod)
        for article_url, lastmod in entries.items():
            if book.discovers_everything or self.state.known(article_url) is not None:
                yield from self.fetch_if_wanted(book, article_url, lastmod=lastmod)

    def sitemap_children(
        self, book: SourceBooks, entries: list[tuple[str, str | None]], order: list[str], label: str
    ) -> Iterator[Any]:
        lastmods = dict(entries)
        for loc in order:
            lastmod = lastmods.get(loc)
            if lastmod and not self.policy.full and self.state.sitemap_lastmods.get(loc) == lastmod:
                self.count("csto/sitemap/unchanged_in_index", 1)
                yield SitemapConfirmed(label, loc)
            else:
                yield from self.page(book, loc, Role.SITEMAP, PRIORITY_FEED, lastmod)

    def entries_label(self, book: SourceBooks, entries: dict[str, str | None]) -> str | None:
        """The language most of a sitemap file's entries are in (URLs that name none, WordPress's: their
        articles'): the file is kept under it, its dropped entries judged with the source's articles of it."""
        languages = Counter(language.code for url in entries if (language := book.source.language_of(url)))
        languages = languages or Counter(known.lang for known in self.state.known_many(entries).values())
        return languages.most_common(1)[0][0] if languages else None

    def failed(self, request: Request, book: SourceBooks, item: FetchFailure | None) -> Iterator[FetchFailure]:
        """A request that failed for good: a sitemap left unread, a start walk left incomplete."""
        redirects = request.meta.get("redirect_urls")
        asked = redirects[0] if redirects else request.url
        if request.meta.get("csto_kind") == "sitemap":
            book.sitemap_answered(asked, failed=item is not None)
        elif book.discovers_everything and request.meta.get("csto_kind") == "listing":
            book.walk_incomplete = True  # an explored listing lost: the exploration is no complete walk
        else:
            book.walk_answered(asked, complete=False)
        if item is not None:
            item.source = book.source.name
            yield item

    def label(self, book: SourceBooks) -> str:
        """The language the source's sitemap files are kept under: its first declared language,
        else the language its start pages (or home) name, else its name."""
        if book.source.languages:
            return book.source.languages[0].code
        for url in book.source.start_urls:
            language = book.source.language_of(url)
            if language is not None:
                return language.code
        return book.source.name
