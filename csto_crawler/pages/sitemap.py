"""Sitemap XML -> child sitemaps or page URLs with their <lastmod>.

Parsing goes through Scrapy's sitemap reader, which uses lxml with entity resolution and network
access switched off, so a hostile file cannot expand entities ("billion laughs") or fetch DTDs.
Bitrix writes one ``sitemap_iblock_<ID>.xml`` per information block (articles) and a
``sitemap_files.xml`` for static pages and section indexes, which hold no articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrapy.utils.sitemap import Sitemap

# Static files and section pages, never articles: http://127.0.0.1:8801/sitemap_files.xml
NON_ARTICLE_SITEMAP_RE = re.compile(r"sitemap_files(_\d+)?\.xml$")


class SitemapError(ValueError):
    """A body that is not a sitemap (HTML error page, truncated XML, wrong root element)."""


@dataclass
class SitemapDocument:
    is_index: bool
    entries: list[tuple[str, str | None]]  # (loc, lastmod raw)


def parse_sitemap(body: bytes) -> SitemapDocument:
    """Parse a sitemap or sitemap index; raises SitemapError when the body is not one."""
    try:
        sitemap = Sitemap(body)
    except Exception as exc:
        raise SitemapError(f"unparseable sitemap: {exc}") from exc
    if sitemap.type not in ("urlset", "sitemapindex"):
        raise SitemapError(f"not a sitemap (root element {sitemap.type!r})")
    entries = []
    for entry in sitemap:
        loc = (entry.get("loc") or "").strip()
        if loc:
            lastmod = entry.get("lastmod")
            entries.append((loc, lastmod.strip() if isinstance(lastmod, str) else None))
    return SitemapDocument(sitemap.type == "sitemapindex", entries)


def holds_articles(sitemap_url: str) -> bool:
    """False for Bitrix's static-files sitemap; True for information-block (article) sitemaps."""
    return NON_ARTICLE_SITEMAP_RE.search(sitemap_url) is None
