"""The requests of one run, built in one place: each article and attachment asked for once, every
listing page booked in its walk, conditional headers for rechecks."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scrapy import Request

from ..archive.state import CrawlState, KnownArticle
from ..items import ArticleItem, ListingEntry, SectionWalked, SitemapConfirmed
from ..leads import ArticleLeads
from ..pages.items import pagen
from ..pages.sitemap import holds_articles
from ..plan import FetchReason, is_within_recheck_window, refetch_reason, walk_continues
from ..sitemap_ledger import SitemapLedger
from ..urls import Sites, listing_url, path_segments
from ..walks import ListingWalks, sections_to_walk

logger = logging.getLogger(__name__)

# Scheduling priorities: retries of old failures first, then what a listing page promised,
# then attachments, then further listing pages.
PRIORITY_RETRY = 20
PRIORITY_ARTICLE = 10
PRIORITY_ATTACHMENT = 5
PRIORITY_LISTING = 0


def interleave(iterators: list[Iterator[Request]]) -> Iterator[Request]:
    """One request from each iterator in turn, until all are exhausted."""
    for batch in itertools.zip_longest(*iterators):
        yield from (request for request in batch if request is not None)


@dataclass
class Callbacks:
    """Where the spider wants each kind of response."""

    listing: Callable[..., Any]
    sitemap: Callable[..., Any]
    article: Callable[..., Any]
    attachment: Callable[..., Any]
    error: Callable[..., Any]
    count: Callable[[str, int], None]  # a stats counter: (key, increment)


@dataclass
class Policy:
    """What the run fetches again: everything (``full``), or what changed and what is young."""

    langs: list[str]
    full: bool
    today: dt.date
    recheck_days: int


@dataclass
class Asking:
    """Builds the spider's requests from the run's books (walks, leads, sitemaps) and the archive's
    state, and decides with ``plan`` which known articles to fetch again."""

    sites: Sites
    walks: ListingWalks
    leads: ArticleLeads
    sitemaps: SitemapLedger
    state: CrawlState
    policy: Policy
    on: Callbacks

    def meta(self, kind: str, lang: str, url: str) -> dict[str, Any]:
        """What the callbacks and middlewares need to know of a request. The download slot is the
        site's host and port, set here because the scheduler's DownloaderAwarePriorityQueue reads
        it before any downloader middleware runs (by hostname alone, two sites on one host would
        share a slot)."""
        site = self.sites.site_for(url)
        meta: dict[str, Any] = {"csto_kind": kind, "csto_lang": lang}
        if site is not None:
            meta["download_slot"] = site.netloc
        return meta

    def listing(self, lang: str, section: str, page: int, start: bool = False, rescue: bool = False) -> Request:
        if start:
            self.walks.start((lang, section), rescue)
        self.walks.ask((lang, section), page)
        url = listing_url(self.sites.by_lang[lang].base, section, page)
        return Request(
            url,
            callback=self.on.listing,
            errback=self.on.error,
            priority=PRIORITY_LISTING,
            cb_kwargs={"lang": lang, "section": section, "page": page},
            meta=self.meta("listing", lang, url),
        )

    def sitemap(self, lang: str, url: str, index_lastmod: str | None = None) -> Request:
        return Request(
            url,
            callback=self.on.sitemap,
            errback=self.on.error,
            priority=PRIORITY_LISTING,
            cb_kwargs={"lang": lang, "index_lastmod": index_lastmod},
            meta=self.meta("sitemap", lang, url),
        )

    def article(self, url: str, lang: str, origin: str, priority: int = PRIORITY_ARTICLE) -> Iterator[Request]:
        """The request for an article, unless this run already asked for it (then nothing)."""
        if not self.leads.claim(url):
            return
        known = self.state.known(url) if origin == FetchReason.RECHECK.value else None
        headers = conditional_headers(known)
        # ``leads`` keeps articles unique; Scrapy's duplicate filter would also drop a redirect back
        # to a URL seen before (a loop) silently. Unfiltered, a loop ends at REDIRECT_MAX_TIMES
        # with an IgnoreRequest the errback records.
        yield Request(
            url,
            callback=self.on.article,
            errback=self.on.error,
            priority=priority,
            headers=headers,
            dont_filter=True,
            cb_kwargs={"lang": lang, "origin": origin},
            meta=self.meta("article", lang, url),
        )

    def attachment(self, url: str, article_url: str, filename: str, lang: str) -> Iterator[Request]:
        if self.leads.claim(url):
            yield Request(
                url,
                callback=self.on.attachment,
                errback=self.on.error,
                priority=PRIORITY_ATTACHMENT,
                dont_filter=True,  # as for articles: a redirect loop must end as a recorded failure
                cb_kwargs={"article_url": article_url, "filename": filename},
                meta=self.meta("attachment", lang, url),
            )

    def first_requests(self, lang: str, sections: list[str], sitemap_paths: list[str]) -> Iterator[Request]:
        """Page 1 of every section listing of a site (earlier runs' extra sections too), then its sitemaps."""
        for section in sections_to_walk(sections, self.state.walked, lang):
            yield self.listing(lang, section, 1, start=True)
        for path in sitemap_paths:
            url = self.sites.by_lang[lang].base + path
            self.sitemaps.roots.add(url)
            yield self.sitemap(lang, url)

    # --- which articles ---------------------------------------------------------------------------

    def retries(self) -> Iterator[Request]:
        """URLs an earlier run could not fetch come first, then articles a listing showed that never
        reached the archive (a run killed between reading a listing page and saving its articles)."""
        langs = self.policy.langs
        failed = {url for url, _, _ in self.state.failures}
        for url, listed_lang in self.state.listed_unarchived:
            if url not in failed and listed_lang in langs and self.sites.is_allowed(url):
                yield from self.article(url, listed_lang, "listed_unarchived", priority=PRIORITY_RETRY)
        for url, kind, lang in self.state.failures:
            if lang not in langs or not self.sites.is_allowed(url):
                continue
            if kind == "article":
                yield from self.article(url, lang, "retry", priority=PRIORITY_RETRY)
            elif kind == "attachment":
                yield from self.attachment(url, "", url.rsplit("/", 1)[-1], lang)
            elif kind == "listing":
                # Retried like any other failure; read again, it leaves the failures.
                yield self.listing(lang, "/".join(path_segments(url)), pagen(url) or 1)

    def rechecks(self) -> Iterator[Request]:
        """Articles young enough to still be edited, with conditional headers."""
        policy = self.policy
        if policy.full or policy.recheck_days <= 0:
            return
        since = policy.today - dt.timedelta(days=policy.recheck_days)
        for url, known in self.state.published_since(since, policy.langs):
            # Another source's articles share the languages; they are its walk's to check again.
            if self.sites.is_allowed(url) and is_within_recheck_window(
                known.published, policy.today, policy.recheck_days
            ):
                for request in self.article(url, known.lang, FetchReason.RECHECK.value):
                    self.on.count("csto/plan/recheck", 1)
                    yield request

    def listed(self, entries: list[ListingEntry], known: dict[str, KnownArticle], lang: str) -> Iterator[Request]:
        """The listed articles that need fetching (``known``: what the archive holds of them)."""
        for entry in entries:
            if entry.article_url in self.leads.requested:
                continue
            reason = refetch_reason(
                known.get(entry.article_url),
                full=self.policy.full,
                listed_title=entry.title,
                today=self.policy.today,
                recheck_days=self.policy.recheck_days,
            )
            self.on.count(f"csto/plan/{reason.value if reason else 'skipped_known'}", 1)
            if reason is not None:
                yield from self.article(entry.article_url, lang, reason.value)

    def sitemap_changes(self, entries: dict[str, str | None], lang: str) -> Iterator[Request]:
        """Known articles whose <lastmod> moved are fetched now; the others wait for the listings
        (and, if no listing shows them, for the spider's idle time)."""
        self.sitemaps.saw(entries)
        requested = self.leads.requested
        known_articles = self.state.known_many(url for url in entries if url not in requested)
        for url, lastmod in entries.items():
            known = known_articles.get(url)
            if url in requested:
                continue
            if known is None or self.policy.full:
                self.sitemaps.hold(url)
                continue
            reason = refetch_reason(
                known,
                full=False,
                sitemap_lastmod=lastmod,
                today=self.policy.today,
                recheck_days=self.policy.recheck_days,
            )
            if reason is not None:
                self.on.count(f"csto/plan/{reason.value}", 1)
                yield from self.article(url, lang, reason.value)

    def sitemap_only(self, url: str) -> Iterator[Request]:
        """An article only the sitemaps showed, when it needs fetching (else it is marked asked)."""
        lang = self.sites.lang_of(url)
        reason = refetch_reason(
            self.state.known(url),
            full=self.policy.full,
            sitemap_lastmod=self.sitemaps.lastmod(url),
            today=self.policy.today,
            recheck_days=self.policy.recheck_days,
        )
        if lang is None or reason is None or self.state.is_skipped(url):
            self.leads.claim(url)
            return
        yield from self.article(url, lang, "sitemap")

    # --- listing walks and files ---------------------------------------------------------------

    def next_listing_pages(
        self, key: tuple[str, str], page: int, current: int, last: int, new_here: int
    ) -> Iterator[Request | SectionWalked]:
        """After a listing page: the pages a full walk still needs, or the next page while an
        incremental walk still finds new articles."""
        lang, section = key
        if self.walks.walks_all(key):
            for number in self.walks.pages_to_ask(key, page, current, last):
                yield self.listing(lang, section, number)
            if self.walks.newly_complete(key):
                yield SectionWalked(lang, section, self.walks.last_pages[key])
            return
        if current == page and walk_continues(new_here, walk_all=False, current=current, last=last):
            yield self.listing(lang, section, current + 1)
        elif current == page and current < last:
            self.on.count("csto/listing/stopped_early", 1)
        elif current == page and self.walks.newly_complete(key):
            # New articles led this walk to the last page: it read every page, as a full walk does.
            yield SectionWalked(lang, section, self.walks.last_pages[key])

    def whole_walks(self, sitemaps_on: bool) -> Iterator[Request]:
        """The rest of the walks that stopped early, for each language whose sitemaps were not all
        read: without them, only a complete walk shows which articles the site deleted."""
        for lang in self.sitemaps.unread(self.policy.langs):
            keys = self.walks.stopped_early(lang)
            if not keys:
                continue
            logger.warning(
                "The %s sitemaps were not all read (%s): walking %d listing(s) to their last page so"
                " that deleted articles are still seen",
                lang,
                self.sitemaps.why_incomplete(lang, sitemaps_on),
                len(keys),
            )
            self.on.count("csto/plan/whole_walks", len(keys))
            for key in keys:
                for page in self.walks.widen(key):
                    yield self.listing(lang, key[1], page)

    def after_failed_page(self, lang: str, section: str, page: int) -> Iterator[Request]:
        """A dead listing page must not end the walk: continue with the next page number."""
        following = self.walks.page_after_failure((lang, section), page)
        if following is not None:
            yield self.listing(lang, section, following)

    def sitemap_files(self, entries: list[tuple[str, str | None]], lang: str) -> Iterator[Request | SitemapConfirmed]:
        """The files of a sitemap index that may list articles of this language; a file whose
        <lastmod> in the index is the one it had when a finished run parsed it is not fetched
        again (each request costs a second of politeness on the live site), only confirmed; at most
        CSTO_MAX_SITEMAP_FILES files per language are fetched in a run (``SitemapLedger.may_fetch``)."""
        for loc, lastmod in entries:
            if not holds_articles(loc) or self.sites.lang_of(loc) != lang:
                continue
            if lastmod and not self.policy.full and self.state.sitemap_lastmods.get(loc) == lastmod:
                self.sitemaps.file_read(lang)
                self.on.count("csto/sitemap/unchanged_in_index", 1)
                yield SitemapConfirmed(lang, loc)
            elif self.sitemaps.may_fetch(lang, loc):
                yield self.sitemap(lang, loc, lastmod)
            else:
                self.on.count("csto/sitemap/over_cap", 1)

    def attachments(self, item: ArticleItem, enabled: bool) -> Iterator[Request]:
        """An article's attachments on our sites, unless archived already (``--full`` fetches all)."""
        if not enabled:
            return
        for attachment in item.attachments:
            url = attachment.url
            if not self.sites.is_allowed(url) or (not self.policy.full and self.state.has_attachment(url)):
                continue
            yield from self.attachment(url, item.url, attachment.filename, item.lang)


def conditional_headers(known: KnownArticle | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from what the archive kept of the article's last answer."""
    headers = {}
    if known is not None and known.etag:
        headers["If-None-Match"] = known.etag
    if known is not None and known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers
