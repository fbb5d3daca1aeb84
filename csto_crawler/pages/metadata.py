"""What any news page says about itself outside its text: headline, dates, author, lead, site name.

Sources, each a named selector: JSON-LD (schema.org ``NewsArticle``/``Article``/``BlogPosting``:
``headline``, ``datePublished``, ``author``, ``description``), Open Graph and article meta tags
(``og:title``, ``article:published_time``, ``author``), ``<time datetime>``, the document ``<title>``
and the article's URL (``/2019/11/18/``). The generic reader (``pages.generic``) weighs them against
the page's text; none of them names a site.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from ..dates import DateParseError, find_date_in_text, parse_site_date
from ..htmltext import norm_ws
from ..items import DateCandidate
from . import compiled_css

JSON_LD_CSS = "script[type='application/ld+json']"
# schema.org types that describe the article itself (not the site, a breadcrumb or an image).
ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "webpage", "report"}
)
# ... of which these say the page is an article (a "WebPage" may be a home or section page).
NEWS_TYPES = ARTICLE_TYPES - {"webpage"}
# Meta tags for the published time, best first (Open Graph article, Dublin Core, Parsely, sailthru).
DATE_META_NAMES = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "pubdate",
    "publishdate",
    "parsely-pub-date",
    "sailthru.date",
    "date",
)
AUTHOR_META_NAMES = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl")
TITLE_META_NAMES = ("og:title", "twitter:title")
DESCRIPTION_META_NAMES = ("og:description", "description", "twitter:description")
SITE_META_NAMES = ("og:site_name", "application-name")
# A date in an article's path: /2019/11/18/slug, /2019-11-18/slug.
URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|$)")
# "By Jane Doe", "By Jane Doe · 7 April 2021", "Автор: Иван Петров": bylines read from text, at most
# five words of name.
# ... the name, then nothing, a separator, or the date the same line shows ("Автор: Иван Петров 31.12.2025, 19:30")
BYLINE_RE = re.compile(
    r"^(?:by|автор[:]?|текст[:]?)\s+(?P<name>[^\d,|•·]{3,60}?)\s*(?:(?:[,|•·]|\s[—–]\s|(?<=\s)(?=\d)).*)?$", re.I
)
# An author given as a profile URL rather than a name.
URL_LIKE_RE = re.compile(r"^https?://|^www\.", re.I)

JSON_LD = compiled_css(JSON_LD_CSS)
META = etree.XPath("//meta[@content]")
TIMES = etree.XPath("//time[@datetime]")
DOCUMENT_TITLE = etree.XPath("//title")


@dataclass
class PageMetadata:
    """What the page's head and structured data say, each list best first."""

    titles: list[str] = field(default_factory=list)  # JSON-LD headline, og:title, twitter:title
    document_title: str = ""
    dates: list[DateCandidate] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)
    article_typed: bool = False  # og:type "article" or a JSON-LD article type: the page says it is one


def read_metadata(root: etree._Element, url: str) -> PageMetadata:
    """Everything the page says about itself outside its visible text."""
    found = PageMetadata()
    for entry in _json_ld_articles(root):
        found.article_typed = found.article_typed or _type_names(entry) & NEWS_TYPES != set()
        _add(found.titles, _text_of(entry.get("headline") or entry.get("name")))
        _add_date(found.dates, _text_of(entry.get("datePublished")), "metadata")
        for name in _people(entry.get("author")):
            _add(found.authors, name)
        _add(found.descriptions, _text_of(entry.get("description")))
    meta = _meta_tags(root)
    found.article_typed = found.article_typed or meta.get("og:type", "").lower() == "article"
    for name in TITLE_META_NAMES:
        _add(found.titles, meta.get(name))
    for name in DATE_META_NAMES:
        _add_date(found.dates, meta.get(name), "metadata")
    for element in TIMES(root):
        _add_date(found.dates, element.get("datetime"), "time")
    for name in AUTHOR_META_NAMES:
        _add(found.authors, meta.get(name))
    for name in DESCRIPTION_META_NAMES:
        _add(found.descriptions, meta.get(name))
    for name in SITE_META_NAMES:
        _add(found.site_names, meta.get(name))
    titles = DOCUMENT_TITLE(root)
    found.document_title = norm_ws("".join(titles[0].itertext())) if titles else ""
    url_date = date_in_url(url)
    if url_date:
        found.dates.append(DateCandidate(url_date, "url"))
    found.authors = [a for a in found.authors if not URL_LIKE_RE.match(a)]
    return found


def date_in_url(url: str) -> str | None:
    """'https://x/2019/11/18/slug' -> '2019-11-18' (ISO, so the date table reads it)."""
    m = URL_DATE_RE.search(urlsplit(url).path)
    return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None


def byline_name(text: str) -> str | None:
    """The name in a byline line ("By Jane Doe", "Автор: Иван Петров"), or None."""
    m = BYLINE_RE.match(norm_ws(text))
    if m is None:
        return None
    name = m["name"].strip()
    return name if 1 <= len(name.split()) <= 5 else None


def _add(values: list[str], value: str | None) -> None:
    text = norm_ws(value or "")
    if text and text not in values:
        values.append(text)


def _add_date(dates: list[DateCandidate], value: str | None, source: str) -> None:
    """A stated date, or the date inside it ("01:38:07 PM IST Nov 20, 2019" -> "Nov 20, 2019")."""
    text = norm_ws(value or "")
    try:
        parse_site_date(text)
    except DateParseError:
        text = find_date_in_text(text) or text  # left as it is: the date table flags it
    if text and all(d.raw != text for d in dates):
        dates.append(DateCandidate(text, source))


def _meta_tags(root: etree._Element) -> dict[str, str]:
    """name/property/itemprop (lower case) -> content; the first of each name wins."""
    tags: dict[str, str] = {}
    for element in META(root):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        tags.setdefault(key.strip().lower(), str(element.get("content")))
    return tags


def _json_ld_articles(root: etree._Element) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of an article type, in page order (``@graph`` lists included)."""
    for script in JSON_LD(root):
        try:
            data = json.loads(script.text or "", strict=False)  # raw line breaks inside strings are common
        except (ValueError, RecursionError):  # broken or absurdly nested JSON: not metadata we can use
            continue
        stack: list[Any] = [data]
        while stack:
            value = stack.pop(0)
            if isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, dict):
                if _is_article(value):
                    yield value
                stack.extend(v for k, v in value.items() if k in ("@graph", "mainEntity", "mainEntityOfPage"))


def _type_names(value: dict[str, Any]) -> set[str]:
    kinds = value.get("@type")
    return {name.lower() for name in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(name, str)}


def _is_article(value: dict[str, Any]) -> bool:
    return bool(_type_names(value) & ARTICLE_TYPES)


def _text_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    return None


def _people(value: Any) -> Iterator[str]:
    """Names in a schema.org author value: a string, a Person, or a list of either."""
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, str):
            yield entry
        elif (
            isinstance(entry, dict) and isinstance(entry.get("name"), str) and "organization" not in _type_names(entry)
        ):
            yield entry["name"]  # a Person; an Organization as "author" is the publisher, not a byline
