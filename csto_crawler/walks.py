"""The run's memory of its listing walks: pages asked for, answered and failed, last pages, rescues.

A walk goes through one section's listing (``?PAGEN_1=N``) of one language. A first crawl (or
``--full``) walks every page; later runs walk newest first while pages bring new articles
(``plan.walk_continues``). A walk that read every page it asked for, none failing, is complete
and recorded in the archive. A walk with a page that kept failing is rescued: the listings that
show the same articles another way (the parent section, the subsections its articles came from)
are walked in full, so one dead page hides nothing the site still shows. When a language's
sitemaps could not all be read, the walks that stopped early are widened to their last page, so
that absence from a complete walk still shows what the site deleted (``widen``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .urls import section_of_article

logger = logging.getLogger(__name__)

Key = tuple[str, str]  # (language, section)
# The furthest page a walk asks for unless CSTO_MAX_LISTING_PAGES says otherwise.
DEFAULT_MAX_PAGES = 10_000
# A full walk asks this many pages ahead of the furthest page that listed new articles: pages are
# asked for progressively, and a pager that claims more pages than the site holds (pages past the
# end repeat what was listed, or list nothing) costs at most this many requests more.
WALK_AHEAD = 10


def parent_section(section: str) -> str | None:
    """``news/news_odkb`` -> ``news``; a top-level section has none."""
    return section.rsplit("/", 1)[0] if "/" in section else None


@dataclass
class ListingWalks:
    """Bookkeeping of every listing walk in one run."""

    walked_before: set[Key] = field(default_factory=set)  # walks an earlier run completed
    full: bool = False
    max_pages: int = DEFAULT_MAX_PAGES  # the furthest page any walk asks for (a pager may claim millions)
    started: set[Key] = field(default_factory=set)
    requested: dict[Key, int] = field(default_factory=dict)  # highest page asked for
    pending: dict[Key, set[int]] = field(default_factory=lambda: defaultdict(set))  # asked, unanswered
    failed: set[Key] = field(default_factory=set)
    recorded: set[Key] = field(default_factory=set)  # complete walks already reported
    last_pages: dict[Key, int] = field(default_factory=dict)  # highest last page a pager showed
    rescues: set[Key] = field(default_factory=set)  # walks started to make up for a failed one
    rescued: set[Key] = field(default_factory=set)  # failed walks whose rescue has started
    sections_seen: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))
    listed: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))  # article URLs a walk listed
    frontier: dict[Key, int] = field(default_factory=dict)  # furthest page that listed a new article
    stale: dict[Key, set[int]] = field(default_factory=lambda: defaultdict(set))  # pages listing nothing new
    stopped: set[Key] = field(default_factory=set)  # walks that stopped before the pager's last page
    widened: set[Key] = field(default_factory=set)  # early-stopped walks continued to their last page

    def start(self, key: Key, rescue: bool = False) -> None:
        self.started.add(key)
        if rescue:
            self.rescues.add(key)

    def walks_all(self, key: Key) -> bool:
        """Every page of this walk, or only while pages bring new articles?"""
        return self.full or key not in self.walked_before or key in self.rescues or key in self.widened

    def ask(self, key: Key, page: int) -> None:
        self.requested[key] = max(self.requested.get(key, 0), page)
        self.pending[key].add(page)

    def answered(self, key: Key, page: int, failed: bool) -> None:
        """A page asked for has been answered; a failed one leaves the walk incomplete."""
        self.pending[key].discard(page)
        if failed:
            self.failed.add(key)

    def saw_pager(self, key: Key, last: int) -> int:
        """Record the last page a pager shows; returns it, capped at ``max_pages``."""
        if last > self.max_pages:
            if self.last_pages.get(key) != self.max_pages:
                logger.warning("Listing %s %s claims %d pages; walking the first %d", *key, last, self.max_pages)
            last = self.max_pages
        self.last_pages[key] = max(self.last_pages.get(key, 0), last)
        return last

    def saw_articles(self, key: Key, page: int, urls: Iterable[str]) -> None:
        """The articles a page of this walk listed: their sections (subsections of a parent
        listing), and whether the page listed any the walk had not seen (else it is stale)."""
        urls = set(urls)
        self.sections_seen[key].update(section_of_article(url) for url in urls)
        if urls - self.listed[key]:
            self.listed[key] |= urls
            self.frontier[key] = max(self.frontier.get(key, 0), page)
        else:
            self.stale[key].add(page)

    def pages_to_ask(self, key: Key, page: int, current: int, last: int) -> list[int]:
        """The pages a full walk asks for after reading ``page``: up to ``WALK_AHEAD`` pages past
        the furthest page that listed new articles, never beyond the pager's last page.

        The pages are independent (``?PAGEN_1=N``) and claimed when asked for, so no page is asked
        for twice, whatever order the answers come in. Bitrix answers a page past the end with its
        last page (``current != page``): that answer asks for nothing more.
        """
        if current != page:
            return []
        frontier = page if page not in self.stale[key] else self.frontier.get(key, 1)
        frontier = max(frontier, self.frontier.get(key, 0))
        upper = min(last, self.max_pages, frontier + WALK_AHEAD)
        first = self.requested.get(key, page) + 1
        if upper < last and first > upper and key not in self.stopped and not self.pending[key]:
            self.stopped.add(key)
            logger.warning(
                "Listing %s %s: the pages after page %d listed no article not already listed; stopped"
                " walking at page %d (its pager goes to %d)",
                *key,
                frontier,
                upper,
                last,
            )
        pages = list(range(first, upper + 1))
        for number in pages:
            self.ask(key, number)
        return pages

    def newly_complete(self, key: Key) -> bool:
        """True once, when every page asked for has been read and none failed."""
        if self.pending[key] or key in self.failed or key in self.recorded:
            return False
        self.recorded.add(key)
        return True

    def page_after_failure(self, key: Key, page: int) -> int | None:
        """The page to ask for after a dead one, so a dead page does not end the walk.

        When the first page dies no pager has told how many pages there are: page 2 is tried once
        (a section without one answers 404, or Bitrix serves its last page, and the walk ends there).
        """
        last = self.last_pages.get(key)
        if page + 1 <= self.requested.get(key, 0):
            return None  # a full walk already asked for it
        if (last is not None and page < last) or (last is None and page == 1):
            return page + 1
        return None

    def stopped_early(self, lang: str) -> list[Key]:
        """This run's walks of ``lang`` that stopped before their pager's last page while pages
        brought nothing new: neither failed (rescue walks make up for those) nor complete, and
        with a pager read (a section without a listing has none)."""
        return sorted(
            key
            for key in self.started
            if key[0] == lang
            and not self.walks_all(key)
            and key not in self.failed
            and key not in self.recorded
            and self.requested.get(key, 0) < self.last_pages.get(key, 0)
        )

    def widen(self, key: Key) -> list[int]:
        """Continue a walk that stopped early to its last page: from now on it walks every page
        (``walks_all``); returns the pages to ask for now, at most ``WALK_AHEAD`` past the furthest
        page read (the answers ask for the rest, as in a full walk)."""
        self.widened.add(key)
        first = self.requested.get(key, 0) + 1
        upper = min(self.last_pages.get(key, 0), self.max_pages, first - 1 + WALK_AHEAD)
        return list(range(first, upper + 1))

    def covers(self, lang: str, section: str) -> bool:
        """Is ``section`` (or a section above it) among the walks started in this run?"""
        return any(
            section == walked or section.startswith(walked + "/")
            for walked_lang, walked in self.started
            if walked_lang == lang
        )

    def uncovered(self, located: Iterable[tuple[str | None, str]]) -> set[Key]:
        """The (lang, section) pairs, of articles found outside the listings, that no walk covers."""
        return {(lang, section) for lang, section in located if lang is not None and not self.covers(lang, section)}

    def rescue_walks(self, known_sections: dict[str, set[str]]) -> list[Key]:
        """Walks that make up for failed ones: for each failed walk (once), its parent section and
        the subsections its articles came from (this run's listings and ``known_sections``, the
        archive's sections per language), unless already walked in this run."""
        found: list[Key] = []
        for lang, section in sorted(self.failed - self.rescued):
            self.rescued.add((lang, section))
            below = {
                s
                for s in self.sections_seen[(lang, section)] | known_sections.get(lang, set())
                if s.startswith(section + "/")
            }
            parent = parent_section(section)
            for candidate in sorted(below | ({parent} if parent else set())):
                key = (lang, candidate)
                if key not in self.started and key not in found:
                    found.append(key)
        return found


def sections_to_walk(configured: list[str], walked: Iterable[Key], lang: str) -> list[str]:
    """Configured sections, plus sections earlier runs walked outside them (found through the
    sitemaps, or walked to make up for a dead listing page)."""
    extra = sorted(
        section
        for walked_lang, section in walked
        if walked_lang == lang and not any(section == s or section.startswith(s + "/") for s in configured)
    )
    return configured + extra
