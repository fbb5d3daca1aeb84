"""Canonical URLs: one article has one URL, whatever link, host alias or tracking query led to it."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query keys that address content on a Bitrix site; every other key (bxajaxid, sphrase_id, utm_*,
# clear_cache, print, back_url_admin, ...) is noise that makes duplicate URLs of the same page.
SIGNIFICANT_QUERY_KEYS = frozenset({"PAGEN_1", "ELEMENT_ID", "SECTION_ID"})

# Characters kept literally in a canonical path; everything else is percent-encoded (UTF-8),
# so "del ODKB" and "del%20ODKB" give the same URL.
PATH_SAFE = "/:@!$&'()*+,;=-._~"

# A last path segment with one of these extensions names a file, not a Bitrix section or element,
# and keeps its slash-less form: /upload/iblock/393/39357fa0b754c4c5529e0bcf4d007437.docx
FILE_SEGMENT_RE = re.compile(r"\.(php|html?|xml|txt|docx?|pdf|xlsx?|pptx?|rtf|zip|rar|jpe?g|png|gif|svg)$", re.I)

# Paths that are never articles or listings: template assets, search, login, uploads.
NON_CONTENT_PREFIXES = ("/bitrix/", "/search/", "/auth/", "/personal/", "/upload/", "/include/")


# Sites.site_for remembers this many (scheme, netloc) pairs; links to other hosts are few, but bounded.
MAX_NETLOCS_REMEMBERED = 4096
# Canonical forms remembered per Sites: an article URL is canonicalised when listed, requested,
# answered and archived, usually within a few thousand other URLs.
CANONICAL_CACHE_SIZE = 8192


class ForeignUrlError(ValueError):
    """A URL that belongs to none of the configured sites."""


@dataclass(frozen=True)
class Site:
    """One language version of the site: its language code and canonical base URL.

    The parts of ``base`` are computed once: ``Sites.site_for`` reads them for every URL a crawl
    meets (tens of thousands of sitemap entries in an incremental run).
    """

    lang: str
    base: str  # scheme://host[:port], no trailing slash

    @functools.cached_property
    def scheme(self) -> str:
        return urlsplit(self.base).scheme

    @functools.cached_property
    def netloc(self) -> str:
        return urlsplit(self.base).netloc.lower()

    @functools.cached_property
    def host(self) -> str:
        return (urlsplit(self.base).hostname or "").lower()

    @functools.cached_property
    def port(self) -> int | None:
        return urlsplit(self.base).port


class Sites:
    """The configured language sites; maps any URL on them (or their aliases) to its canonical form."""

    def __init__(self, bases: Mapping[str, str], *, required: bool = True) -> None:
        """``required=False`` admits no site at all (a run that walks no source by sections)."""
        if required and not bases:
            raise ValueError("at least one site must be configured")
        self.by_lang: dict[str, Site] = {}
        for lang, base in bases.items():
            parts = urlsplit(base.strip())
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"site base URL for {lang!r} must be http(s)://host[:port], got {base!r}")
            self.by_lang[lang] = Site(lang, f"{parts.scheme}://{parts.netloc.lower()}")
        # (host without www., explicit port) -> site, the first configured winning as in a scan.
        self._by_address: dict[tuple[str, int | None], Site] = {}
        for site in self.by_lang.values():
            self._by_address.setdefault((site.host.removeprefix("www."), _site_port(site)), site)
        # (scheme, netloc) -> site or None: a crawl meets a handful of netlocs in tens of thousands
        # of URLs, and parsing host and port out of each netloc again was most of site_for's time.
        self._by_netloc: dict[tuple[str, str], Site | None] = {}
        self._canonical = functools.lru_cache(maxsize=CANONICAL_CACHE_SIZE)(self._canonicalize)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.by_lang.values())

    @property
    def langs(self) -> list[str]:
        return list(self.by_lang)

    def site_for(self, url: str) -> Site | None:
        """The site a URL belongs to: same host (ignoring ``www.``), same port, http or https."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key in self._by_netloc:
            return self._by_netloc[key]
        if parts.scheme not in ("http", "https"):
            return None
        host = (parts.hostname or "").lower()
        site = self._by_address.get((host.removeprefix("www."), _port(parts)))
        if len(self._by_netloc) < MAX_NETLOCS_REMEMBERED:
            self._by_netloc[key] = site
        return site

    def lang_of(self, url: str) -> str | None:
        site = self.site_for(url)
        return site.lang if site else None

    def is_allowed(self, url: str) -> bool:
        return self.site_for(url) is not None

    def canonicalize(self, url: str) -> str:
        """Canonical form: the site's scheme and host, normalised path with a trailing slash,
        only significant query keys (sorted), no fragment.

        Raises ForeignUrlError for a URL on another host.
        """
        return self._canonical(url)

    def _canonicalize(self, url: str) -> str:
        site = self.site_for(url)
        if site is None:
            raise ForeignUrlError(f"not on a configured site: {url}")
        parts = urlsplit(url)
        return urlunsplit((site.scheme, site.netloc, canonical_path(parts.path), canonical_query(parts.query), ""))


def _port(parts) -> int | None:  # type: ignore[no-untyped-def]
    """Explicit port of a URL, or None when it is the scheme's default (so http and https alias)."""
    port = parts.port
    if port in (None, 80, 443):
        return None
    return int(port)


def _site_port(site: Site) -> int | None:
    return None if site.port in (None, 80, 443) else site.port


def canonical_path(path: str) -> str:
    """Percent-encoding normalised, dot segments and empty segments removed, trailing slash forced
    (except for file names such as ``.docx``); ``index.php`` is the directory itself."""
    decoded = unquote(path or "/")
    normal = posixpath.normpath("/" + decoded.lstrip("/"))
    normal = re.sub(r"/{2,}", "/", normal)
    if normal.endswith("/index.php"):
        normal = normal[: -len("index.php")]
    if normal != "/" and not FILE_SEGMENT_RE.search(normal) and not normal.endswith("/"):
        normal += "/"
    return quote(normal, safe=PATH_SAFE)


def canonical_query(query: str) -> str:
    """Only content-addressing keys, sorted; ``PAGEN_1=1`` is the bare listing URL."""
    if not query:
        return ""  # most URLs (every sitemap entry) have none: skip parsing
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=False) if k in SIGNIFICANT_QUERY_KEYS]
    kept = [(k, v) for k, v in kept if not (k == "PAGEN_1" and v == "1")]
    return urlencode(sorted(kept))


def path_segments(url: str) -> list[str]:
    """Decoded, non-empty path segments: ``/news/news_odkb/slug/`` -> ['news', 'news_odkb', 'slug']."""
    return [unquote(s) for s in urlsplit(url).path.split("/") if s]


def section_and_slug(url: str) -> tuple[str, str]:
    """An article URL's section (all but the last segment) and slug (the last segment)."""
    segments = path_segments(url)
    if len(segments) < 2:
        raise ValueError(f"not an article URL (needs a section and a slug): {url}")
    return "/".join(segments[:-1]), segments[-1]


def is_content_url(url: str) -> bool:
    """True for a URL that may hold an article: not an asset, search, login, upload or print view."""
    parts = urlsplit(url)
    if parts.path.startswith(NON_CONTENT_PREFIXES):
        return False
    query = dict(parse_qsl(parts.query))
    return query.get("print") != "Y" and not any(k.startswith("arrFilter") for k in query)


def is_under_section(url: str, section: str) -> bool:
    """True when the URL's path lies strictly below the listing section ``section``."""
    segments = path_segments(url)
    sec = [s for s in section.split("/") if s]
    return len(segments) > len(sec) and segments[: len(sec)] == sec


def listing_url(base: str, section: str, page: int = 1) -> str:
    """URL of page ``page`` of a section listing (Bitrix pagination ``?PAGEN_1=N``)."""
    url = f"{base}/{section.strip('/')}/"
    return url if page <= 1 else f"{url}?PAGEN_1={page}"


def section_of_article(url: str) -> str:
    """The section an article URL sits in: its path without the last segment."""
    return "/".join(path_segments(url)[:-1])


def article_candidate(sites: Sites, url: str, lang: str, sections: list[str]) -> str | None:
    """Canonical URL if ``url`` may be an article of the ``lang`` site (not the home page, not a
    listing node of ``sections``, not an asset), else None."""
    if sites.lang_of(url) != lang or not is_content_url(url):
        return None
    canonical = sites.canonicalize(url)
    segments = path_segments(canonical)
    if len(segments) < 2 or "/".join(segments) in sections:
        return None
    return canonical
