"""Sitemap XML -> child sitemaps or page URLs with their <lastmod>, and Google News fields.

Parsing goes through Scrapy's sitemap reader, which uses lxml with entity resolution and network
access switched off, so a hostile file cannot expand entities ("billion laughs") or fetch DTDs.
Bitrix writes one ``sitemap_iblock_<ID>.xml`` per information block (articles) and a
``sitemap_files.xml`` for static pages and section indexes, which hold no articles.
A Google News sitemap adds, per URL, ``<news:publication_date>`` (with its offset, as written) and
``<news:title>``: Scrapy's reader drops nested elements, so they are read in a second pass over the
same bytes with the same safe parser options (news sitemaps hold the last two days: small).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from lxml import etree
from scrapy.utils.sitemap import Sitemap

# Static files and section pages, never articles: http://127.0.0.1:8801/sitemap_files.xml
NON_ARTICLE_SITEMAP_RE = re.compile(r"sitemap_files(_\d+)?\.xml$")
NEWS_NAMESPACE = "http://www.google.com/schemas/sitemap-news/0.9"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"  # ElementTree's prefix of the sitemap namespace
NEWS = f"{{{NEWS_NAMESPACE}}}"


class SitemapError(ValueError):
    """A body that is not a sitemap (HTML error page, truncated XML, wrong root element)."""


@dataclass(frozen=True)
class NewsFields:
    """What a Google News sitemap says of one URL (https://www.google.com/schemas/sitemap-news/0.9)."""

    publication_date_raw: str | None  # 2026-02-13T17:01:00+05:00, as written
    title: str | None
    publication_name: str | None
    language: str | None  # ISO 639 as the sitemap writes it: ru, en, zh-cn


@dataclass
class SitemapDocument:
    is_index: bool
    entries: list[tuple[str, str | None]]  # (loc, lastmod raw)
    news: dict[str, NewsFields] = field(default_factory=dict)  # loc -> Google News fields

    @property
    def is_news(self) -> bool:
        return bool(self.news)


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
    news = _news_fields(body) if NEWS_NAMESPACE.encode() in body else {}
    return SitemapDocument(sitemap.type == "sitemapindex", entries, news)


def _news_fields(body: bytes) -> dict[str, NewsFields]:
    """loc -> <news:news> fields, parsed as Scrapy parses sitemaps (recovering, no entities, no network)."""
    found: dict[str, NewsFields] = {}
    events = etree.iterparse(
        io.BytesIO(body), events=("end",), tag=f"{SM}url", recover=True, resolve_entities=False,
        no_network=True, remove_comments=True, remove_pis=True, collect_ids=False,
    )  # fmt: skip
    for _, url in events:
        loc = (url.findtext(f"{SM}loc") or "").strip()
        news = url.find(f"{NEWS}news")
        if loc and news is not None:
            found[loc] = NewsFields(
                _text(news, f"{NEWS}publication_date"),
                _text(news, f"{NEWS}title"),
                _text(news, f"{NEWS}publication/{NEWS}name"),
                _text(news, f"{NEWS}publication/{NEWS}language"),
            )
        url.clear()
    return found


def _text(element: etree._Element, path: str) -> str | None:
    return " ".join((element.findtext(path) or "").split()) or None


def holds_articles(sitemap_url: str) -> bool:
    """False for Bitrix's static-files sitemap; True for information-block (article) sitemaps."""
    return NON_ARTICLE_SITEMAP_RE.search(sitemap_url) is None
