"""Lists of news items and Bitrix pagers found by structure, whatever their class names.

A news item, on any template, is a block that links to one article and shows its date: the rows
of a listing, the sidebar of newest news on a detail page, a "related news" block. Items are
found bottom-up: from each link to an article-like URL, the widest ancestor that links to no other
article is that article's item; items that share a parent form a list. A pager is the set of
links to the same listing with ``?PAGEN_1=N``; the page it shows as current is the number it does
not link.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree

from ..dates import DateParseError, find_date_in_text, parse_site_date
from ..htmltext import norm_ws
from ..urls import FILE_SEGMENT_RE, NON_CONTENT_PREFIXES
from . import common_ancestor
from .lines import is_hidden

# Link targets that are never articles: scripts, anchors, mail, phone.
NON_PAGE_HREF_PREFIXES = ("#", "javascript:", "mailto:", "tel:", "data:")
# "Read more" links under a lead are not titles (en and ru, Bitrix's own "Подробнее").
READ_MORE_LABELS = frozenset({"read more", "more", "more...", "подробнее", "читать далее", "далее", "→", "»"})
# A list needs at least this many items: one linked block is not a list.
MIN_LIST_ITEMS = 2
PAGEN_KEY = "PAGEN_1"
# A date with a short label around it is still the item's date; a lead that mentions a date is longer.
LABELLED_DATE_MAX_CHARS = 60
INTEGER_RE = re.compile(r"^\d{1,6}$")
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "title"})


@dataclass
class NewsItem:
    """One item of a list: the element, the article it links to, its title, date and lead."""

    element: etree._Element
    url: str  # absolute, as linked
    title: str
    date_raw: str | None
    lead: str
    element_id: str | None = None


@dataclass
class ItemList:
    """Items sharing a parent element, in document order."""

    parent: etree._Element
    items: list[NewsItem]

    @property
    def dated_share(self) -> float:
        return sum(1 for item in self.items if item.date_raw) / max(1, len(self.items))


def is_date_text(text: str) -> bool:
    """A whole string that is one site date ("14.09.2022", "05/08/2020 08:00:00", "13 November 2023")."""
    text = norm_ws(text)
    if not text or len(text) > 40 or not any(ch.isdigit() for ch in text):
        return False
    try:
        parse_site_date(text)
    except DateParseError:
        return False
    return True


def article_like(url: str, base_url: str) -> bool:
    """A link that may lead to an article: same host, a path of two or more segments, not a file,
    asset, search page, pager or calendar link."""
    parts, base = urlsplit(url), urlsplit(base_url)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != base.netloc.lower():
        return False
    if parts.path.startswith(NON_CONTENT_PREFIXES) or FILE_SEGMENT_RE.search(parts.path):
        return False
    query = dict(parse_qsl(parts.query))
    if PAGEN_KEY in query or any(key.startswith("arrFilter") for key in query) or query.get("print") == "Y":
        return False
    return len([s for s in parts.path.split("/") if s]) >= 2


def _page_links(root: etree._Element, base_url: str) -> list[tuple[etree._Element, str]]:
    links = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.lower().startswith(NON_PAGE_HREF_PREFIXES):
            continue
        links.append((link, urljoin(base_url, href)))
    return links


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def _is_above(path: str, own_path: str) -> bool:
    """Is ``path`` the page's own path or a section above it (whole segments: ``/news/a`` is not above
    ``/news/a1/``)?"""
    return own_path.startswith(path.rstrip("/") + "/") or path.rstrip("/") == own_path.rstrip("/")


def find_item_lists(root: etree._Element, base_url: str, page_url: str | None = None) -> list[ItemList]:
    """Every list of news items on the page, largest first."""
    own = _without_fragment(page_url or base_url)
    own_path = urlsplit(own).path
    targets: dict[etree._Element, set[str]] = defaultdict(set)
    article_links: list[tuple[etree._Element, str]] = []
    for link, url in _page_links(root, base_url):
        url = _without_fragment(url)
        if url == own or not article_like(url, base_url) or _is_above(urlsplit(url).path, own_path):
            continue  # the page itself, or its section and the sections above it (breadcrumbs, back links)
        article_links.append((link, url))
        for ancestor in link.iterancestors():
            targets[ancestor].add(url)
    items: dict[etree._Element, str] = {}
    for link, url in article_links:
        item = link
        for ancestor in link.iterancestors():
            if len(targets[ancestor]) > 1 or ancestor.tag in ("body", "html"):
                break
            item = ancestor
        items.setdefault(item, url)
    by_parent: dict[etree._Element, list[etree._Element]] = defaultdict(list)
    for item in items:
        parent = item.getparent()
        if parent is not None and not is_hidden(item):
            by_parent[parent].append(item)
    lists = [
        ItemList(parent, [read_item(element, items[element], base_url) for element in members])
        for parent, members in by_parent.items()
        if len(members) >= MIN_LIST_ITEMS
    ]
    return sorted(lists, key=lambda found: -len(found.items))


def _texts(element: etree._Element) -> list[tuple[str, etree._Element, bool]]:
    """(text, element holding it, inside a link) for every visible text node of ``element``."""
    out: list[tuple[str, etree._Element, bool]] = []

    def walk(node: etree._Element, in_link: bool) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag and tag not in SKIPPED_TAGS and not is_hidden(node):
            linked = in_link or (tag == "a" and node.get("href") is not None)
            if node.text and node.text.strip():
                out.append((node.text, node, linked))
            for child in node:
                walk(child, linked)
                if child.tail and child.tail.strip():
                    out.append((child.tail, node, linked))

    walk(element, False)
    return out


def read_item(element: etree._Element, url: str, base_url: str) -> NewsItem:
    """Title (the first link text to the article that is not "read more"), date (a text that is
    one date, a ``<time>``, or the date just outside the item) and lead (the rest)."""
    title = ""
    for link in element.iter("a"):
        text = norm_ws(" ".join(link.itertext()))
        href = _without_fragment(urljoin(base_url, (link.get("href") or "").strip()))
        if text and href == url and text.casefold() not in READ_MORE_LABELS:
            title = text
            break
    date_raw = _item_date(element)
    lead_parts = []
    for text, _, linked in _texts(element):
        clean = norm_ws(text)
        if linked or clean == date_raw or clean.casefold() in READ_MORE_LABELS:
            continue
        lead_parts.append(clean)
    lead = norm_ws(" ".join(lead_parts))
    return NewsItem(element, url, title, date_raw, lead)


def _labelled_date(element: etree._Element) -> str | None:
    """A date with a short label, not linked: "Published: 14.09.2022", "14.09.2022 | Press service"."""
    for text, _, linked in _texts(element):
        if not linked and len(norm_ws(text)) <= LABELLED_DATE_MAX_CHARS and (found := find_date_in_text(text)):
            return found
    return None


def _item_date(element: etree._Element) -> str | None:
    for time in element.iter("time"):
        text = norm_ws(" ".join(time.itertext()))
        if is_date_text(text):
            return text
        stamp = (time.get("datetime") or "").strip()
        if is_date_text(stamp):
            return stamp
    for text, _, _ in _texts(element):
        if is_date_text(text):
            return norm_ws(text)
    labelled = _labelled_date(element)
    if labelled:
        return labelled
    # Items whose date stands just before or after them, outside their element
    # (<dt>date</dt><dd><a>title</a></dd>, or a flat list "date <a>title</a><br>").
    for neighbour in (element.getprevious(), element.getnext()):
        if neighbour is not None and isinstance(neighbour.tag, str) and neighbour.tag != "a":
            text = norm_ws(" ".join(neighbour.itertext()))
            if is_date_text(text):
                return text
    previous = element.getprevious()
    before = (
        previous.tail
        if previous is not None
        else (element.getparent().text if element.getparent() is not None else None)
    )
    if before and is_date_text(before):
        return norm_ws(before)
    if element.tail and is_date_text(element.tail):
        return norm_ws(element.tail)
    return None


# --- pager ----------------------------------------------------------------------------------------


@dataclass
class Pager:
    """What a listing's pager shows: the current page and the highest page it links to."""

    current: int
    last: int


def pagen(url: str) -> int | None:
    """The ``PAGEN_1`` of a URL (None when it has none)."""
    value = dict(parse_qsl(urlsplit(url).query)).get(PAGEN_KEY)
    return int(value) if value is not None and value.isdigit() else None


def read_pager(root: etree._Element, base_url: str, page_url: str) -> Pager | None:
    """The pager of a listing page, found by its ``?PAGEN_1=N`` links to the same listing, or None.

    The current page is the number the pager shows without a link (Bitrix marks it with a span,
    other templates with <b>, <strong> or plain text); a pager that links every page, the current
    one included, is read from the requested ``PAGEN_1``.
    """
    path = urlsplit(page_url).path
    requested = pagen(page_url) or 1
    linked: dict[etree._Element, int] = {}
    for link, url in _page_links(root, base_url):
        parts = urlsplit(url)
        number = pagen(url)
        if number is not None and parts.path == path:
            linked[link] = number
    if not linked:
        return None
    container = common_ancestor(list(linked))
    for link, url in _page_links(container, base_url):
        parts = urlsplit(url)
        if link not in linked and parts.path == path and not parts.query:
            linked[link] = 1  # the bare listing URL is page 1
    numbers = set(linked.values())
    unlinked = _unlinked_numbers(container, max(numbers) + 1)
    if len(unlinked) == 1:
        current = unlinked[0]
    elif requested in unlinked:
        current = requested
    elif unlinked:
        current = max(unlinked)
    else:
        current = requested if requested <= max(numbers) else max(numbers)
    return Pager(current, max([*numbers, current]))


def _unlinked_numbers(container: etree._Element, highest: int) -> list[int]:
    """Whole-number texts in the pager that are not links, up to ``highest`` (the count line's
    "1 - 10 of 150" sits outside the links' common ancestor, or exceeds the pages linked)."""
    found: list[int] = []
    for text, _, linked in _texts(container):
        for token in re.split(r"[\s|]+", text.strip()):
            if not linked and INTEGER_RE.match(token) and 1 <= int(token) <= highest and int(token) not in found:
                found.append(int(token))
    return found
