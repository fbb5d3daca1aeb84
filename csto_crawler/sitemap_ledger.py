"""The run's memory of the sitemaps: the article URLs they list (with <lastmod>), per language
whether every sitemap file was read, which alone lets absence from them mean removal, and how many
child sitemaps a run may fetch per language (``CSTO_MAX_SITEMAP_FILES``: an index of 50,000 files
would take 21 hours at the polite delay)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)
DEFAULT_MAX_FILES = 1_000


@dataclass
class SitemapLedger:
    """Sitemap bookkeeping of one run."""

    lastmods: dict[str, str | None] = field(default_factory=dict)  # article URL -> <lastmod>
    waiting: list[str] = field(default_factory=list)  # articles only a sitemap showed, fetched at idle
    read: set[str] = field(default_factory=set)  # languages with at least one article sitemap read
    failed: set[str] = field(default_factory=set)  # languages with a sitemap file that could not be read
    roots: set[str] = field(default_factory=set)  # the configured sitemap URLs (a 404 there: no sitemap)
    missing: set[str] = field(default_factory=set)  # languages with a file an index lists that answered 404
    max_files: int = DEFAULT_MAX_FILES  # child sitemaps fetched per language and run
    fetched: Counter[str] = field(default_factory=Counter)  # child sitemaps asked for, per language
    skipped: Counter[str] = field(default_factory=Counter)  # child sitemaps left for later runs
    # Told whenever a file was read or failed (the spider publishes ``complete`` for the pipelines).
    on_change: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def file_read(self, lang: str) -> None:
        self.read.add(lang)
        if self.on_change is not None:
            self.on_change()

    def file_failed(self, lang: str) -> None:
        self.failed.add(lang)
        if self.on_change is not None:
            self.on_change()

    def file_missing(self, lang: str, url: str) -> None:
        """A sitemap answered 404/410: at a configured path the site has none there; listed by an
        index, a file of the language went unread (its articles' absence stays unproven this run)."""
        if url not in self.roots:
            self.missing.add(lang)

    def may_fetch(self, lang: str, url: str) -> bool:
        """Whether this run may still fetch a child sitemap of ``lang``. Past the cap the language's
        sitemaps are not all read, so absence from them means nothing this run; one warning says so."""
        if self.fetched[lang] < self.max_files:
            self.fetched[lang] += 1
            return True
        if not self.skipped[lang]:
            logger.warning(
                "%s sitemap index lists more than CSTO_MAX_SITEMAP_FILES=%d files to fetch; the rest "
                "(from %s) wait for later runs",
                lang,
                self.max_files,
                url,
            )
            self.file_failed(lang)  # not all read: absence from them means nothing this run
        self.skipped[lang] += 1
        return False

    def saw(self, entries: dict[str, str | None]) -> None:
        self.lastmods.update(entries)

    def hold(self, url: str) -> None:
        """An article only a sitemap has shown so far: fetched when the listings are done, unless a
        listing leads to it first."""
        self.waiting.append(url)

    def unrequested(self, requested: set[str]) -> list[str]:
        return [url for url in dict.fromkeys(self.waiting) if url not in requested]

    def lastmod(self, url: str) -> str | None:
        return self.lastmods.get(url)

    def why_incomplete(self, lang: str, enabled: bool) -> str:
        """Why the sitemaps of ``lang`` were not all read in this run, in words for the log."""
        if not enabled:
            return "sitemaps are off in this run"
        if lang in self.missing:
            return "a sitemap file its index lists answered 404"
        if lang in self.failed:
            return "a sitemap file failed, or more than CSTO_MAX_SITEMAP_FILES were listed"
        return "no sitemap was found"

    def unread(self, langs: Iterable[str]) -> list[str]:
        """Languages with a sitemap file not read in this run (none found, failed, capped, missing):
        absence from their sitemaps cannot show every deletion."""
        complete = self.complete(langs)
        return [lang for lang in langs if lang not in complete or lang in self.missing]

    def complete(self, langs: Iterable[str]) -> list[str]:
        """Languages whose sitemaps were all read: only then may absence from them mean removal."""
        return [lang for lang in langs if lang in self.read and lang not in self.failed]
