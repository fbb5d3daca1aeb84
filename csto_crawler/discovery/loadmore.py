"""The JSON behind a "Load more" button, of any shape: its items' URLs and titles, and the next page.

The items are the largest list of objects that carry a URL (under ``url``, ``link``, ``href``,
``permalink``...); the next page is a URL under a key that says "next" (``next``, ``next_url``,
``next_api``, ``links.next``...), or a next page number applied to the request's own page key,
unless a ``has_more``-like flag says there is none; without any of these, an offset key moved past
the items shown (``?offset=8&limit=8`` -> ``?offset=16&limit=8``) until the answer's total. Some
sites answer with rendered HTML inside the JSON (``{"html": "<div>…"}``): that HTML is handed back
for the listing reader.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

URL_KEYS = ("url", "link", "href", "permalink", "canonical_url", "canonical", "share_url", "web_url", "path", "uri")
TITLE_KEYS = ("title", "headline", "name", "caption")
MORE_KEYS = ("has_more", "hasmore", "more", "has_next", "hasnext", "has_next_page", "hasnextpage")
PAGE_KEYS = ("page", "p", "pagen_1", "offset_page")
# Keys that count items skipped rather than pages (``/api/news?offset=8&limit=8``), the page size
# beside them, and the answer's count of all items (``{"items": [...], "total": 40}``).
OFFSET_KEYS = ("offset", "start", "skip", "from")
LIMIT_KEYS = ("limit", "count", "size", "per_page", "perpage", "pagesize", "page_size", "rows", "take")
TOTAL_KEYS = ("total", "total_count", "totalcount", "total_items", "totalitems", "count_all", "found")
URLISH_RE = re.compile(r"^(https?://|/)[^\s<>\"']+$")
HTML_RE = re.compile(r"<a\s[^>]*href=", re.I)
MAX_DEPTH = 4


class JsonListingError(ValueError):
    """A body that is not JSON (an HTML error page, a truncated answer)."""


@dataclass(frozen=True)
class JsonItem:
    url: str
    title: str | None


@dataclass(frozen=True)
class JsonListing:
    items: tuple[JsonItem, ...]
    next_url: str | None
    html: tuple[str, ...]  # rendered HTML fragments inside the JSON, for the listing reader


def read_json_listing(body: bytes, url: str) -> JsonListing:
    """Items, next page and HTML fragments of a "Load more" answer fetched from ``url``."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JsonListingError(f"not JSON: {url}: {exc}") from exc
    items = tuple(
        JsonItem(urljoin(url, item_url), title) for item_url, title in max(_item_lists(data, 0), key=len, default=[])
    )
    fragments = tuple(_html_fragments(data, 0))
    more = _flag(data)
    next_url = None if more is False else _next_url(data, url, 0)
    if next_url is None and more is True:
        next_url = _next_page_number(url)
    if next_url is None and more is None and items:
        next_url = _next_offset(url, len(items), _total(data))
    return JsonListing(items, next_url, fragments)


def _next_offset(url: str, shown: int, total: int | None) -> str | None:
    """The next page of an offset-addressed answer that names none: the offset moved past the
    items shown, unless they were fewer than the page size or the total is reached."""
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    offset_key = next((k for k, v in query if k.lower() in OFFSET_KEYS and v.isdigit()), None)
    if offset_key is None:
        return None
    values = dict(query)
    limit = next((int(v) for k, v in query if k.lower() in LIMIT_KEYS and v.isdigit()), None)
    following = int(values[offset_key]) + shown
    if (limit is not None and shown < limit) or (total is not None and following >= total):
        return None
    return _with_page(url, following, offset_key)


def _total(data: Any) -> int | None:
    for key, value in _pairs(data, 0):
        if key.lower() in TOTAL_KEYS and isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def _item_lists(data: Any, depth: int) -> list[list[tuple[str, str | None]]]:
    found: list[list[tuple[str, str | None]]] = []
    if depth > MAX_DEPTH:
        return found
    if isinstance(data, list):
        items = [_item(entry) for entry in data if isinstance(entry, dict)]
        linked = [item for item in items if item is not None]
        if linked:
            found.append(linked)
        for entry in data:
            found.extend(_item_lists(entry, depth + 1))
    elif isinstance(data, dict):
        for value in data.values():
            found.extend(_item_lists(value, depth + 1))
    return found


def _item(entry: dict[str, Any]) -> tuple[str, str | None] | None:
    lowered = {str(k).lower(): v for k, v in entry.items()}
    for key in URL_KEYS:
        value = lowered.get(key)
        if isinstance(value, str) and URLISH_RE.match(value.strip()):
            title = next((lowered[k] for k in TITLE_KEYS if isinstance(lowered.get(k), str)), None)
            return value.strip(), " ".join(title.split()) if title else None
    return None


def _flag(data: Any) -> bool | None:
    for key, value in _pairs(data, 0):
        if key.lower() in MORE_KEYS and isinstance(value, bool):
            return value
    return None


def _next_url(data: Any, url: str, depth: int) -> str | None:
    for key, value in _pairs(data, depth):
        if "next" in key.lower() and isinstance(value, str) and URLISH_RE.match(value.strip()):
            return urljoin(url, value.strip())
    for key, value in _pairs(data, depth):
        if "next" in key.lower() and isinstance(value, int) and not isinstance(value, bool):
            return _with_page(url, value)
    return None


def _pairs(data: Any, depth: int) -> list[tuple[str, Any]]:
    """Key-value pairs of the top-level object and of nested objects (not of item lists), shallow first."""
    if not isinstance(data, dict) or depth > MAX_DEPTH:
        return []
    pairs = [(str(k), v) for k, v in data.items()]
    for value in data.values():
        pairs.extend(_pairs(value, depth + 1))
    return pairs


def _next_page_number(url: str) -> str | None:
    query = dict(parse_qsl(urlsplit(url).query))
    for key, value in query.items():
        if key.lower() in PAGE_KEYS and value.isdigit():
            return _with_page(url, int(value) + 1, key)
    return None


def _with_page(url: str, number: int, key: str | None = None) -> str | None:
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    key = key or next((k for k, _ in pairs if k.lower() in PAGE_KEYS), None)
    if key is None:
        return None
    replaced = [(k, str(number) if k == key else v) for k, v in pairs]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(replaced), ""))


def _html_fragments(data: Any, depth: int) -> list[str]:
    if depth > MAX_DEPTH:
        return []
    if isinstance(data, str):
        return [data] if HTML_RE.search(data) else []
    values = data.values() if isinstance(data, dict) else data if isinstance(data, list) else []
    return [fragment for value in values for fragment in _html_fragments(value, depth + 1)]
