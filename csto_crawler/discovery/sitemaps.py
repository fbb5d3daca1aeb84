"""Sitemaps of any source: where they are (robots.txt, else ``/sitemap.xml``), which child sitemap
of an index to read first (news sitemaps, then the newest), and the entries that belong to a source.

Parsing is pages/sitemap.py (Scrapy's safe reader plus Google News fields); this module decides
only order and scope, over parsed documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from scrapy.utils.sitemap import sitemap_urls_from_robots

from ..pages.sitemap import NewsFields, SitemapDocument
from ..sources.model import Source

# The sitemap a site without robots.txt Sitemap lines most often has (sitemaps.org's example).
FALLBACK_SITEMAP_PATH = "/sitemap.xml"
# A child sitemap of an index that holds the last days' news: news-sitemap.xml, sitemap_news.xml,
# sitemap-news-1.xml, /news/sitemap.xml
NEWS_SITEMAP_RE = re.compile(r"(^|[/_.-])news([/_.-]|$)", re.I)


@dataclass(frozen=True)
class SitemapEntry:
    """One page a sitemap lists, with its language under the source."""

    url: str
    lastmod_raw: str | None
    lang: str | None
    news: NewsFields | None


def sitemap_urls(robots_body: bytes | None, origin: str) -> list[str]:
    """Sitemaps robots.txt names (in its order), else the fallback ``/sitemap.xml`` of the origin."""
    found = list(dict.fromkeys(sitemap_urls_from_robots(robots_body, origin))) if robots_body else []
    return found or [urljoin(origin, FALLBACK_SITEMAP_PATH)]


def children_in_reading_order(document: SitemapDocument) -> list[str]:
    """An index's child sitemaps: news sitemaps first, then by ``<lastmod>`` newest first (ISO dates
    sort as strings; children without one last), index order otherwise."""
    ranked = sorted(
        enumerate(document.entries),
        key=lambda pair: (
            not NEWS_SITEMAP_RE.search(urlsplit(pair[1][0]).path),
            pair[1][1] is None,
            _descending(pair[1][1] or ""),
            pair[0],
        ),
    )
    return [loc for _, (loc, _) in ranked]


def _descending(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text[:10])  # the date part: offsets would sort times wrongly


def source_entries(document: SitemapDocument, source: Source) -> list[SitemapEntry]:
    """The URL set's pages on the source's hosts, with their language (None: the host's, no language's)."""
    entries = []
    for loc, lastmod in document.entries:
        if source.owns(loc):
            language = source.language_of(loc)
            entries.append(SitemapEntry(loc, lastmod, language.code if language else None, document.news.get(loc)))
    return entries
