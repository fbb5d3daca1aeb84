"""The run's memory of each discovered source: the pages asked for, the articles asked for and read,
which links are articles (learned), the endless-space budget, and whether its sitemaps were all read.

One ``SourceBooks`` per source that is walked by discovery (docs/decisions/0010-discovery.md); the
spider's discovery routing (``spiders/discovering.py``) keeps it, the archive never sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from .discovery.canonical import canonical_url
from .discovery.copies import accessibility_prefix
from .discovery.learner import PageKind, UrlShapeLearner
from .discovery.traps import TrapBudget, trap_space
from .discovery.urlshape import DATE_RE
from .sources import Source

# Listing pages a source's walk may ask for in one run, over all its listings: a site whose every
# page links dozens of others (tags, static pages) must not turn a run into a crawl of the web site.
DEFAULT_MAX_SOURCE_PAGES = 2_000
# A start listing (a tag page) is walked to its end in every run while it has fewer than this many
# pages per start page: a walk that reaches the end shows which archived articles it no longer lists
# (asked for again: a 404 or 410 is their tombstone), for a few requests (the agency's CSTO tags: 3 and 4 pages).
# Longer listings stop at the first page that brings nothing new, as the CSTO's walk does.
SMALL_LISTING_PAGES = 5


@dataclass
class SourceBooks:
    """Bookkeeping of one source in one run."""

    source: Source
    full: bool = False
    max_pages: int = DEFAULT_MAX_SOURCE_PAGES
    learner: UrlShapeLearner = field(default_factory=UrlShapeLearner)
    traps: TrapBudget = field(init=False)
    pages: set[str] = field(default_factory=set)  # listing, feed and sitemap URLs asked for
    articles: set[str] = field(default_factory=set)  # article URLs asked for (canonical)
    done: set[str] = field(default_factory=set)  # canonical URLs of articles read in this run
    sitemaps_asked: bool = False
    sitemap_pending: set[str] = field(default_factory=set)
    sitemap_failed: bool = False
    sitemap_read: bool = False
    sitemap_langs: set[str] = field(default_factory=set)  # the labels its sitemap files are kept under
    refused_pages: int = 0
    entrances: set[str] = field(default_factory=set)  # pages above an endless space, counted in it
    listed: set[str] = field(default_factory=set)  # what the run's listings showed (start listings, if any)
    walk_pending: set[str] = field(default_factory=set)  # start listing pages asked, unanswered
    walk_pages: int = 0  # start listing pages asked for
    walk_incomplete: bool = False  # a start listing stopped early, failed, or is no listing
    absence_checked: bool = False

    def __post_init__(self) -> None:
        self.traps = TrapBudget(self.source.max_trap_requests)

    def learn_copies(self, root: etree._Element, page_url: str) -> Source:
        """The source, its accessibility copies' path prefix added once a page names it
        (discovery/copies.py): from then on such copies fold into their pages unasked."""
        prefix = accessibility_prefix(root, page_url)
        if prefix is not None and prefix not in self.source.variant_prefixes:
            self.source = replace(self.source, variant_prefixes=(*self.source.variant_prefixes, prefix))
        return self.source

    @property
    def discovers_everything(self) -> bool:
        """No start pages: every article the site shows is a candidate (its filter decides what
        is kept); with start pages, only what they list (a tag page's articles)."""
        return not self.source.start

    def claim_page(self, url: str) -> bool:
        """Book a listing, feed or sitemap page; False when asked for already, over the run's
        budget of pages, or in an endless space whose budget is spent."""
        if url in self.pages or url in self.articles:
            return False
        if len(self.pages) >= self.max_pages:
            self.refused_pages += 1
            return False
        space = trap_space(url)
        if space is not None:
            self._charge_entrance(url, space)
        if not self.traps.admit(url):
            return False
        self.pages.add(url)
        return True

    def _charge_entrance(self, url: str, space: str) -> None:
        """The page above a space's first dated page (``/ru/archive/`` above ``/ru/archive/2026-02-10/``),
        when it was fetched, counts as a request into the space."""
        parts = urlsplit(url)
        segments = parts.path.rstrip("/").split("/")
        while segments and not DATE_RE.match(segments[-1]):
            segments.pop()
        entrance = urlunsplit((parts.scheme, parts.netloc, "/".join(segments[:-1]) + "/", "", ""))
        if segments and entrance in self.pages and entrance not in self.entrances:
            self.entrances.add(entrance)
            self.traps.admitted[space.split("/", 1)[0]] += 1

    def claim_article(self, url: str) -> bool:
        if url in self.articles:
            return False
        self.articles.add(url)
        return True

    def read(self, url: str, is_article: bool) -> None:
        """What a fetched page turned out to be, for the learner."""
        self.learner.confirm(url, PageKind.ARTICLE if is_article else PageKind.UNKNOWN)
        if is_article:
            self.done.add(url)

    def read_since(self, before: int, url: str) -> bool:
        """A page was read as an article: more than ``before`` articles are read, or its URL was,
        now or earlier in this run (an old URL form that redirects to an article the source's
        filter turned away: never walked as a listing, tests/portal_site.py)."""
        return len(self.done) > before or canonical_url(url, self.source) in self.done

    def is_article(self, url: str) -> bool:
        return self.learner.classify(url).kind is PageKind.ARTICLE

    # --- start listings ---------------------------------------------------------------------------

    def walk_asked(self, url: str) -> None:
        self.walk_pending.add(url)
        self.walk_pages += 1

    def walk_answered(self, url: str, complete: bool = True) -> None:
        """A page of the start walk was read (``complete``: it ended the walk or led on); other pages
        (sitemaps, explored pages) say nothing of the walk."""
        if url not in self.walk_pending:
            return
        self.walk_pending.discard(url)
        self.walk_incomplete |= not complete

    @property
    def walk_is_small(self) -> bool:
        return self.walk_pages < SMALL_LISTING_PAGES * max(1, len(self.source.start))

    @property
    def walk_complete(self) -> bool:
        """What the run's listings no longer show may be gone: with start pages, when every start
        listing was read to its end, none failing; without, when a full run explored the site from
        its home, read listings, and lost no listing to a failure or to the page budget (endless
        spaces hold no article of their own). Asked for again, a 404 or 410 is the tombstone."""
        if self.discovers_everything:
            return self.full and bool(self.listed) and not self.walk_incomplete and not self.refused_pages
        return bool(self.walk_pages) and not self.walk_incomplete and not self.walk_pending

    # --- sitemaps --------------------------------------------------------------------------------

    def sitemap_asked(self, url: str) -> None:
        self.sitemaps_asked = True
        self.sitemap_pending.add(url)

    def sitemap_answered(self, url: str, failed: bool = False, label: str | None = None) -> None:
        self.sitemap_pending.discard(url)
        self.sitemap_failed |= failed
        self.sitemap_read |= not failed
        if label:
            self.sitemap_langs.add(label)

    @property
    def sitemaps_complete(self) -> bool:
        """Every sitemap file of the source read in this run, none failed: absence means removal."""
        return self.sitemap_read and not self.sitemap_failed and not self.sitemap_pending
