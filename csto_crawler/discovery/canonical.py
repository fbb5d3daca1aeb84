"""One article, one URL, for any source: tracking queries dropped, copies (AMP, accessibility,
print) folded into the article they copy, the page's own ``<link rel=canonical>`` trusted when it
is sane, and every other URL that led to the article kept as an alias.

Pure functions over URLs and lxml trees; a source's ``query_keys``, ``trailing_slash`` and
``variant_prefixes`` tune them. The CSTO's sites keep urls.Sites, whose rules these reproduce for
its source (tests/test_discovery_canonical.py compares them).
"""

from __future__ import annotations

import enum
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

from ..sources.languages import language_code
from ..sources.model import Source
from ..urls import FILE_SEGMENT_RE, PATH_SAFE
from .urlshape import ITEM_TOKENS, shape_of

# Query keys that only say where a reader came from: ?utm_source=most_read, ?fbclid=..., ?yclid=...
TRACKING_KEYS = frozenset(
    {"fbclid", "gclid", "dclid", "yclid", "msclkid", "igshid", "_openstat", "mc_cid", "mc_eid", "from", "ref"}
    | {"ref_src", "spm", "share", "utm", "_ga", "_gl", "rss", "bxajaxid", "sphrase_id", "clear_cache"}
)
TRACKING_PREFIXES = ("utm_", "pk_", "ga_", "hsa_", "oly_")
# A page-number key whose value 1 is the bare listing: ?page=1, ?PAGEN_1=1, ?paged=1
PAGE_ONE_KEY_RE = re.compile(r"^(page|paged|pg|PAGEN_\d+)$", re.I)
# A directory's index file is the directory: /news/index.php is /news/
INDEX_FILE_RE = re.compile(r"/index\.(php|html?)$", re.I)
TRUE_VALUES = frozenset({"", "y", "1", "true", "yes", "on"})


class Variant(enum.StrEnum):
    """A copy of an article at another URL, rendering the same text."""

    AMP = "amp"  # /ru/amp/news/x-e3a91d, en.inform.kz/amp/x_a3780271/, …_a3837269/amp, ?amp=1
    SPECIAL = "special"  # accessibility version: /special/ru/news-rayon-ru/view/x-13566, ?special=Y
    PRINT = "print"  # ?print=Y, /print/


# Path segments that mark a copy, where they stand (first, after a language, or last) -> kind.
VARIANT_SEGMENTS = {
    "amp": Variant.AMP,
    "special": Variant.SPECIAL,
    "special-version": Variant.SPECIAL,
    "version-special": Variant.SPECIAL,
    "spec": Variant.SPECIAL,
    "print": Variant.PRINT,
}
# Segments that mark a copy at the end of the path too (a last "special" could be an article's slug).
TRAILING_VARIANT_SEGMENTS = {"amp": Variant.AMP, "print": Variant.PRINT}
VARIANT_QUERY_KEYS = {
    "amp": Variant.AMP,
    "special": Variant.SPECIAL,
    "special_version": Variant.SPECIAL,
    "specialversion": Variant.SPECIAL,
    # switches named for sight or access: ?blind=1, ?vision=1, ?lowvision=Y, ?accessibility=on
    "blind": Variant.SPECIAL,
    "vision": Variant.SPECIAL,
    "lowvision": Variant.SPECIAL,
    "accessibility": Variant.SPECIAL,
    "print": Variant.PRINT,
}
# ?version=special, ?outputType=amp; accessibility switches named for sight: ?version=vision (Joomla
# district sites, tests/joomla_site.py), ?version=blind, ?mode=special
VARIANT_QUERY_VALUES = {
    ("version", "special"): Variant.SPECIAL,
    ("version", "vision"): Variant.SPECIAL,
    ("version", "blind"): Variant.SPECIAL,
    ("version", "impaired"): Variant.SPECIAL,
    ("mode", "special"): Variant.SPECIAL,
    ("outputtype", "amp"): Variant.AMP,
}
# Query keys that only choose how a copy is rendered, dropped with the key that marks it: Joomla's
# print link ``?tmpl=component&print=1&layout=default`` (tests/joomla_site.py) copies the bare article.
RENDERING_KEYS = frozenset({"tmpl", "layout", "template", "format"})


@dataclass(frozen=True)
class VariantCopy:
    """A URL recognised as a copy: the kind, and the URL of the article it copies (a guess until fetched)."""

    kind: Variant
    article_url: str


def drop_tracking(url: str) -> str:
    """The URL without its fragment and tracking query keys; nothing else changes."""
    parts = urlsplit(url)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_key(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), ""))


def is_tracking_key(key: str) -> bool:
    low = key.lower()
    return low in TRACKING_KEYS or low.startswith(TRACKING_PREFIXES)


def variant_copy(url: str, source: Source | None = None) -> VariantCopy | None:
    """The copy a URL is (AMP, accessibility, print) and the article URL it stands for, or None."""
    parts = urlsplit(url)
    segments = parts.path.split("/")[1:]  # keeps the trailing "" of a slash-ended path
    kind, segments = _strip_variant_segments(segments, parts.path, source)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = []
    by_query = None
    for key, value in pairs:
        found = _variant_query(key, value)
        if found is None:
            kept.append((key, value))
        by_query = by_query or found
    kind = kind or by_query
    if kind is None:
        return None
    if by_query is not None:
        kept = [(key, value) for key, value in kept if key.lower() not in RENDERING_KEYS]
    path = "/" + "/".join(segments)
    return VariantCopy(kind, urlunsplit((parts.scheme, parts.netloc, re.sub(r"/{2,}", "/", path), urlencode(kept), "")))


def _strip_variant_segments(segments: list[str], path: str, source: Source | None) -> tuple[Variant | None, list[str]]:
    for prefix in source.variant_prefixes if source else ():
        if path.startswith(prefix):
            kind = Variant.PRINT if "print" in prefix.lower() else Variant.SPECIAL
            return kind, path[len(prefix) :].split("/")
    words = [s.lower() for s in segments]
    positions = [0, 1] if len(words) > 1 and language_code(words[0]) else [0]
    for index in positions:
        if index < len(words) and words[index] in VARIANT_SEGMENTS and len([w for w in words if w]) > index + 1:
            return VARIANT_SEGMENTS[words[index]], segments[:index] + segments[index + 1 :]
    last = len(words) - 1 if words and words[-1] else len(words) - 2
    if last >= 1 and words[last] in TRAILING_VARIANT_SEGMENTS and _names_an_item("/".join(segments[:last])):
        return TRAILING_VARIANT_SEGMENTS[words[last]], segments[:last] + segments[last + 1 :]
    if words and words[-1].endswith(".amp") and len(words[-1]) > 4:
        return Variant.AMP, [*segments[:-1], segments[-1][:-4]]
    return None, segments


def _names_an_item(path: str) -> bool:
    """What stands before a trailing ``print``/``amp`` names the article (``/slug/print/``,
    ``…_a3837269/amp``); an MVC action beside its section does not (``/News/Print?id=812``: its
    article is ``/News/Detail?id=812``, not ``/News?id=812``; tests/portal_site.py)."""
    return shape_of("/" + path).last in ITEM_TOKENS


def _variant_query(key: str, value: str) -> Variant | None:
    low_key, low_value = key.lower(), value.lower()
    if low_key in VARIANT_QUERY_KEYS and low_value in TRUE_VALUES:
        return VARIANT_QUERY_KEYS[low_key]
    return VARIANT_QUERY_VALUES.get((low_key, low_value))


def canonical_url(url: str, source: Source) -> str:
    """The one URL of the page a link leads to: the article a copy copies, the language's own
    scheme and host (mirrors, ``www.``, http/https folded), a normalised path, no tracking."""
    copy = variant_copy(url, source)
    parts = urlsplit(copy.article_url if copy else url)
    origin = _language_origin(urlunsplit(parts), source)
    path = _normal_path(parts.path, source.trailing_slash)
    return urlunsplit((origin[0], origin[1], path, _normal_query(parts.query, source.query_keys), ""))


def _language_origin(url: str, source: Source) -> tuple[str, str]:
    """(scheme, netloc) of the language base or mirror the URL lies under: mirrors move to the base."""
    language = source.language_of(url)
    parts = urlsplit(url)
    if language is None:
        return parts.scheme, parts.netloc.lower()
    base = urlsplit(language.base)
    return base.scheme, base.netloc


def _normal_path(path: str, trailing_slash: bool | None) -> str:
    decoded = unquote(path or "/")
    normal = re.sub(r"/{2,}", "/", posixpath.normpath("/" + decoded.lstrip("/")))
    is_directory = decoded.endswith("/")
    if INDEX_FILE_RE.search(normal):
        normal, is_directory = INDEX_FILE_RE.sub("", normal) or "/", True
    slash = is_directory if trailing_slash is None else trailing_slash
    if normal != "/" and slash and not FILE_SEGMENT_RE.search(normal):
        normal += "/"
    return quote(normal, safe=PATH_SAFE)


def _normal_query(query: str, keys: tuple[str, ...] | None) -> str:
    if not query:
        return ""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not is_tracking_key(k)]
    if keys is not None:
        pairs = [(k, v) for k, v in pairs if k in keys]
    pairs = [(k, v) for k, v in pairs if not (PAGE_ONE_KEY_RE.match(k) and v == "1")]
    return urlencode(sorted(pairs))


@dataclass(frozen=True)
class DeclaredLinks:
    """What a page's head says of its own URL."""

    canonical: str | None
    amphtml: str | None
    og_url: str | None


def declared_links(root: etree._Element, page_url: str) -> DeclaredLinks:
    """``<link rel=canonical>``, ``<link rel=amphtml>`` and ``og:url``, absolute (first of each)."""
    found: dict[str, str] = {}
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        for rel in ("canonical", "amphtml"):
            if rel in rels and href and rel not in found:
                found[rel] = urljoin(page_url, href)
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url" and meta.get("content"):
            found.setdefault("og", urljoin(page_url, meta.get("content", "").strip()))
    return DeclaredLinks(found.get("canonical"), found.get("amphtml"), found.get("og"))


@dataclass(frozen=True)
class Resolved:
    """An article's canonical URL, the other URLs that lead to it, and whether the page said so."""

    url: str
    aliases: tuple[str, ...]
    declared: bool  # the page's rel=canonical was trusted


def resolve(source: Source, requested: Iterable[str], final: str, declared: DeclaredLinks | None = None) -> Resolved:
    """The canonical URL of a fetched article: its trusted ``rel=canonical``, else the final URL
    after redirects, made canonical. ``requested`` are the URLs asked for on the way (the link,
    each redirect hop); they and the page's AMP copy become aliases."""
    fallback = canonical_url(final, source)
    chosen = declared.canonical if declared and declared.canonical else None
    trusted = chosen is not None and trusts_canonical(source, final, chosen)
    url = canonical_url(chosen, source) if trusted and chosen else fallback
    others = [*requested, final, *([declared.amphtml] if declared and declared.amphtml else [])]
    aliases: list[str] = []
    for other in others:
        for form in (drop_tracking(other), canonical_url(other, source)):
            if form != url and form not in aliases and source.owns(form):
                aliases.append(form)
    return Resolved(url, tuple(aliases), trusted)


def trusts_canonical(source: Source, page_url: str, declared: str) -> bool:
    """A declared canonical is believed unless it leaves the source, points at a language's home
    or a section above the page (templates that give every page the same canonical), or is a copy."""
    if not source.owns(declared) or variant_copy(declared, source) is not None:
        return False
    path = urlsplit(declared).path.rstrip("/")
    page_path = urlsplit(page_url).path.rstrip("/")
    language = source.language_of(declared)
    home_paths = {"", urlsplit(language.base).path.rstrip("/") if language else ""}
    if path in home_paths and page_path not in home_paths:
        return False
    return not (page_path.startswith(path + "/") and path != page_path)
