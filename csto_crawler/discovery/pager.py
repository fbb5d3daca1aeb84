"""The ways on from a listing page, on any layout: ``rel=next``, numbered pagers (``?page=N``,
``?PAGEN_1=N``, ``/page/N/``), "next" links, "Load more" links (their ``href``) and, when a button
has no page behind it, the JSON URL in its data attributes. Found by labels and URL arithmetic,
never by class names.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree

from ..htmltext import norm_ws
from .canonical import drop_tracking

# Link texts that lead to the next (older) page; compared case-folded, without arrows.
NEXT_LABELS = frozenset(
    {"next", "next page", "older", "older posts", "older entries", "older news", "more news", "следующая",
     "следующая страница", "след.", "след", "вперед", "вперёд", "дальше", "ранее", "более ранние", "предыдущие новости",
     "наступная", "келесі", "kelesi"}
)  # fmt: skip
# "Load more" buttons: the link's href is the next page; a data attribute may hold the JSON behind it.
LOAD_MORE_LABELS = frozenset(
    {"load more", "show more", "view more", "see more", "показать еще", "показать ещё", "загрузить еще",
     "загрузить ещё", "еще новости", "ещё новости", "больше новостей", "паказаць яшчэ", "тағы"}
)  # fmt: skip
ARROWS_RE = re.compile(r"^[\s»›→>…]+|[\s»›→>…]+$")
ONLY_ARROW_RE = re.compile(r"^[»›→>]{1,2}$")
# A page number shown as link text: 1-9999 (a pager never shows more).
PAGE_NUMBER_RE = re.compile(r"^\d{1,4}$")
URLISH_RE = re.compile(r"^(https?://|/)[^\s<>\"']*$")


class PageKind(enum.StrEnum):
    REL_NEXT = "rel-next"
    NUMBERED = "numbered"
    NEXT_LABEL = "next-label"
    LOAD_MORE = "load-more"
    API = "api"  # JSON behind a "Load more" button (discovery/loadmore.py reads it)


@dataclass(frozen=True)
class PageLink:
    url: str
    kind: PageKind


@dataclass(frozen=True)
class Pager:
    """A numbered pager: the current page, the highest page it shows, and how page N is addressed."""

    current: int
    last: int
    next_url: str | None


def find_next_pages(root: etree._Element, page_url: str, in_scope: Callable[[str], bool]) -> list[PageLink]:
    """Every way on from the page, best first, each URL once, only URLs in scope."""
    found: list[PageLink] = []
    for element in root.iter("link", "a"):
        if "next" in (element.get("rel") or "").lower().split() and element.get("href"):
            found.append(PageLink(urljoin(page_url, element.get("href", "").strip()), PageKind.REL_NEXT))
    pager = read_numbered_pager(root, page_url)
    if pager and pager.next_url:
        found.append(PageLink(pager.next_url, PageKind.NUMBERED))
    found.extend(_labelled(root, page_url))
    kept: dict[str, PageLink] = {}
    for link in found:
        url = drop_tracking(link.url)
        if url != drop_tracking(page_url) and in_scope(url) and url not in kept:
            kept[url] = PageLink(url, link.kind)
    return list(kept.values())


def _labelled(root: etree._Element, page_url: str) -> list[PageLink]:
    found: list[PageLink] = []
    for element in root.iter("a", "button"):
        label = ARROWS_RE.sub("", norm_ws(" ".join(element.itertext())).casefold())
        is_next = label in NEXT_LABELS or (not label and ONLY_ARROW_RE.match(norm_ws(" ".join(element.itertext()))))
        is_more = label in LOAD_MORE_LABELS
        if not (is_next or is_more):
            continue
        href = (element.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:")):
            found.append(PageLink(urljoin(page_url, href), PageKind.NEXT_LABEL if is_next else PageKind.LOAD_MORE))
        if is_more:
            found.extend(PageLink(urljoin(page_url, v), PageKind.API) for v in _data_urls(element))
    return found


def _data_urls(element: etree._Element) -> list[str]:
    """URL-like values of the button's data-* attributes (data-api, data-url, data-next, data-href...)."""
    return [
        value.strip()
        for name, value in element.attrib.items()
        if name.startswith("data-") and URLISH_RE.match(value.strip())
    ]


def read_numbered_pager(root: etree._Element, page_url: str) -> Pager | None:
    """The page's numbered pager: links whose text N equals a number the URL carries where the page's
    URL carries its own number (or nothing, for page 1)."""
    numbered: dict[int, str] = {}
    addressing: set[str] = set()
    for link in root.iter("a"):
        text = norm_ws(" ".join(link.itertext()))
        href = (link.get("href") or "").strip()
        if PAGE_NUMBER_RE.match(text) and href:
            url = urljoin(page_url, href)
            where = page_number_slot(url, int(text), page_url)
            if where is not None:
                numbered.setdefault(int(text), url)
                addressing.add(where)
    if not numbered or len(addressing) > 1:
        return None
    current = _current_page(page_url, addressing.pop())
    last = max([*numbered, current])
    return Pager(current, last, numbered.get(current + 1))


def page_number_slot(url: str, number: int, page_url: str) -> str | None:
    """Where ``url`` carries ``number`` as the page's address differs from it: a query key
    (``q:page``) or a path segment (``p:3``); None when the URLs differ otherwise."""
    link, page = urlsplit(url), urlsplit(page_url)
    if link.netloc.lower() != page.netloc.lower():
        return None
    link_query, page_query = dict(parse_qsl(link.query)), dict(parse_qsl(page.query))
    for key, value in link_query.items():
        if value == str(number) and _without(link_query, key) == _without(page_query, key) and link.path == page.path:
            return f"q:{key}"
    link_parts, page_parts = link.path.rstrip("/").split("/"), page.path.rstrip("/").split("/")
    if link_query != page_query:
        return None
    for index, segment in enumerate(link_parts):
        if segment == str(number) and _path_matches(link_parts, index, page_parts):
            return f"p:{index}"
    return None


def _without(query: dict[str, str], key: str) -> dict[str, str]:
    return {k: v for k, v in query.items() if k != key}


def _path_matches(link_parts: list[str], index: int, page_parts: list[str]) -> bool:
    """The link is the page's path with a number at ``index`` (``/page/N`` appended for page 1)."""
    if len(page_parts) == len(link_parts):
        return page_parts[:index] == link_parts[:index] and page_parts[index + 1 :] == link_parts[index + 1 :]
    trimmed = link_parts[:index] + link_parts[index + 1 :]
    if trimmed and trimmed[-1] in ("page", "p", "stranitsa", "pagen"):
        trimmed = trimmed[:-1]
    return trimmed == page_parts


def _current_page(page_url: str, slot: str) -> int:
    kind, _, where = slot.partition(":")
    parts = urlsplit(page_url)
    if kind == "q":
        value = dict(parse_qsl(parts.query)).get(where, "1")
    else:
        segments = parts.path.rstrip("/").split("/")
        index = int(where)
        value = segments[index] if index < len(segments) else "1"
    return int(value) if value.isdigit() else 1
