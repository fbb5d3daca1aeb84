"""Stable article IDs per source: the source's own ID when its URL carries one, else a digest.

``agency-ru-e3a91d`` (the 6 hex ID of ``/ru/news/sostoyalas-…-e3a91d``) survives a slug edit, which
redirects to a new slug with the same ID; ``osipovichi-ru-13566``; the CSTO keeps ``en-8573`` from
the page's Bitrix element ID and ``en-u<10 hex>`` from its URL path (archive/article_ids.py: one
definition of the digest). The digest covers the canonical path and query, never the host, so
moving a source to https, ``www.`` or another origin changes no ID.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from ..archive.article_ids import article_id as scoped_article_id
from .model import Source

# The ID shapes URLs carry, tried in order on the last path segment; each with a real example.
URL_ID_SHAPES: tuple[re.Pattern[str], ...] = (
    # Kazinform 2012-2022: en.inform.kz/news/csto-defense-ministers-…-in-late-april_a3780271/
    re.compile(r"_(a\d{5,})$"),
    # BelTA: eng.belta.by/politics/view/csto-secretary-general-…-156789-2023/ (ID, then the year)
    re.compile(r"[-_](\d{5,})-(?:19|20)\d\d$"),
    # Belarusian district sites: osipovichi.gov.by/special/ru/news-rayon-ru/view/zhitel-…-13566
    re.compile(r"[-_](\d{5,})$"),
    # qazinform.com/news/csto-collective-security-council-to-hold-next-session-in-moscow-4d721a
    re.compile(r"[-_]((?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,12})$"),
    # DLE and other Russian CMSs: /news/123456-sammit-odkb.html
    re.compile(r"^(\d{5,})[-_][^/]*[a-z]"),
    # A bare ID segment: /news/123456/, /article/4d721a9f3c/
    re.compile(r"^(\d{5,}|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,32})$"),
)
# Query keys that carry an item's ID: Bitrix ?ELEMENT_ID=23953, ?id=, ?news_id=, WordPress ?p=.
ID_QUERY_KEYS = ("ELEMENT_ID", "element_id", "news_id", "newsid", "article_id", "id", "p")
ID_VALUE_RE = re.compile(r"^\d{3,}$")
FILE_EXT_RE = re.compile(r"\.(html?|php|aspx?|shtml)$", re.I)


def url_native_id(source: Source, url: str) -> str | None:
    """The ID the source's URL carries, by the source's ``id_pattern`` or the built-in shapes."""
    if not source.url_ids:
        return None
    if source.id_pattern is not None:
        found = source.id_pattern.search(unquote(urlsplit(url).path) + _query_suffix(url))
        return found.group(1) if found else None
    return builtin_native_id(url)


def builtin_native_id(url: str) -> str | None:
    """The ID in the last path segment (``URL_ID_SHAPES``), else in an ID query key."""
    parts = urlsplit(url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if segments:
        last = FILE_EXT_RE.sub("", segments[-1].lower())
        if last == "amp" and len(segments) > 1:  # Kazinform's …_a3837269/amp copy
            last = segments[-2].lower()
        for shape in URL_ID_SHAPES:
            found = shape.search(last)
            if found:
                return found.group(1)
    query = dict(parse_qsl(parts.query))
    for key in ID_QUERY_KEYS:
        if ID_VALUE_RE.match(query.get(key, "")):
            return query[key]
    return None


def article_id(source: Source, lang: str, canonical_url: str, page_id: str | None = None) -> str:
    """The article's citable ID: ``<scope>-<own ID>`` where ``page_id`` (an ID the page or its
    listing carries, as the CSTO's Bitrix element ID) or the URL gives one, else ``<scope>-u<digest>``."""
    native = page_id or url_native_id(source, canonical_url)
    return scoped_article_id(source.id_scope(lang), native, canonical_url)


def _query_suffix(url: str) -> str:
    query = urlsplit(url).query
    return f"?{query}" if query else ""
