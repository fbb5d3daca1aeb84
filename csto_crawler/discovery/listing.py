"""Which links on a listing, tag or section page are article candidates, on any layout.

Learned from the page itself, never from class names:

1. A link is a candidate when its URL names one item (urlshape: a slug, a slug with an ID, an ID,
   a file) and is no dated archive page, or when links of its URL template are many and carry
   long texts (titles), or when it alone carries a title-long text below the section level.
2. Candidates are grouped into blocks: a URL's item is the widest element holding no other
   candidate URL; the item's parent (its tag path from the root) is its block.
3. The main list is the block with the best score: its size, times how many of its items show a
   date (``<time>`` or a date text) and a lead, doubled inside ``<main>``/``<article>``, cut to a
   quarter inside ``<aside>``/``<nav>``/``<footer>``/``<header>`` and for links carrying tracking
   queries ("Most read" blocks link ``?utm_source=most_read``).

A tag page's main list is its tagged articles; a home page's other blocks are candidates too:
the caller decides which it needs (sources with ``must_mention`` read them all). URLs are returned
as linked, less fragments and tracking keys: canonical.canonical_url folds copies (an accessibility
site links its ``/special/`` copies) into their article.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree

from ..htmltext import norm_ws
from ..pages.items import is_date_text
from .canonical import drop_tracking, is_tracking_key
from .feed_links import find_feed_links
from .pager import PageLink, find_next_pages
from .urlshape import Shape, is_dated_page, names_an_item, shape_of

SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head"})
# Links to files are never articles: images, documents, media.
ASSET_RE = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|pptx?|rtf|zip|rar|mp3|mp4|avi|css|js|xml|rss)$", re.I)
# A title is at least this long; menu and tag links are shorter.
TITLE_MIN_CHARS = 25
TITLE_MIN_WORDS = 4
# Links of one template that are this many, with title-long texts, are items whatever their last token.
TEMPLATE_MIN_LINKS = 3
LEAD_MIN_CHARS = 40
MAIN_TAGS = frozenset({"main", "article"})
SIDE_TAGS = frozenset({"aside", "nav", "footer", "header"})
SIDE_FACTOR = 0.25
MAIN_FACTOR = 2.0
TRACKED_FACTOR = 0.25
REGION_TAGS = SIDE_TAGS | {"main", "body", "html"}  # <article> is often one card: an item


@dataclass(frozen=True)
class Candidate:
    """A link that may lead to an article, with what the listing shows of it."""

    url: str  # absolute, no fragment, no tracking keys
    title: str  # the longest text of the links to it
    date_raw: str | None  # a date shown next to it
    template: str  # its URL shape
    block: int  # index of its block in ``ListingReading.blocks``
    in_main_list: bool


@dataclass(frozen=True)
class Block:
    """Candidates that share a parent: a list on the page."""

    path: str  # the parent's tag path from the root
    urls: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class ListingReading:
    candidates: tuple[Candidate, ...]  # document order
    blocks: tuple[Block, ...]
    next_pages: tuple[PageLink, ...]
    feeds: tuple[str, ...]

    def main(self) -> list[Candidate]:
        return [c for c in self.candidates if c.in_main_list]


@dataclass
class _Link:
    element: etree._Element
    url: str
    text: str
    tracked: bool


def read_listing(root: etree._Element, page_url: str, in_scope: Callable[[str], bool]) -> ListingReading:
    """Candidates, their blocks, the ways on (pager, next, load more) and the feeds of a page."""
    links = [link for link in _links(root, page_url) if in_scope(link.url)]
    shapes = {link.url: shape_of(link.url) for link in links}
    chosen = _candidate_urls(links, shapes, page_url)
    items = _items(links, chosen)
    blocks = _blocks(items, links)
    best = max(blocks, key=lambda b: b.score) if blocks else None
    block_of = {url: index for index, block in enumerate(blocks) for url in block.urls}
    candidates = tuple(
        Candidate(
            url,
            _title(links, url),
            _item_date(items[url]),
            shapes[url].template,
            block_of[url],
            best is not None and blocks[block_of[url]].path == best.path,
        )
        for url in dict.fromkeys(link.url for link in links if link.url in chosen)
    )
    pages = tuple(find_next_pages(root, page_url, in_scope))
    return ListingReading(candidates, tuple(blocks), pages, tuple(find_feed_links(root, page_url)))


def _links(root: etree._Element, page_url: str) -> list[_Link]:
    found: list[_Link] = []
    for element in root.iter("a"):
        href = (element.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")) or _skipped(element):
            continue
        absolute = urljoin(page_url, href).split("#", 1)[0]
        if urlsplit(absolute).scheme not in ("http", "https"):
            continue
        tracked = any(is_tracking_key(key) for key, _ in parse_qsl(urlsplit(absolute).query))
        found.append(_Link(element, drop_tracking(absolute), norm_ws(" ".join(element.itertext())), tracked))
    return found


def _skipped(element: etree._Element) -> bool:
    return any(ancestor.tag in SKIPPED_TAGS for ancestor in element.iterancestors())


def _candidate_urls(links: list[_Link], shapes: dict[str, Shape], page_url: str) -> set[str]:
    own = drop_tracking(page_url.split("#", 1)[0])
    own_path = urlsplit(own).path.rstrip("/")
    by_template: dict[str, list[_Link]] = defaultdict(list)
    for link in links:
        by_template[shapes[link.url].template].append(link)
    chosen: set[str] = set()
    for link in links:
        path = urlsplit(link.url).path.rstrip("/")
        shape = shapes[link.url]
        if link.url == own or own_path.startswith(path + "/") or path == own_path or ASSET_RE.search(path):
            continue
        if is_dated_page(shape):
            continue
        if names_an_item(shape) or _titled_template(by_template[shape.template]) or _titled(link, shape):
            chosen.add(link.url)
    return chosen


def _titled(link: _Link, shape: Shape) -> bool:
    """A link whose own text is a title, below the section level."""
    return shape.depth >= 2 and len(link.text) >= TITLE_MIN_CHARS and len(link.text.split()) >= TITLE_MIN_WORDS


def _titled_template(links: list[_Link]) -> bool:
    urls = {link.url for link in links}
    texts = [link.text for link in links if link.text]
    long_texts = [t for t in texts if len(t) >= TITLE_MIN_CHARS]
    return len(urls) >= TEMPLATE_MIN_LINKS and len(long_texts) >= len(urls) * 0.8


def _items(links: list[_Link], chosen: set[str]) -> dict[str, etree._Element]:
    """Each candidate URL's item: the widest ancestor of its first link that holds no other candidate."""
    holders: dict[etree._Element, set[str]] = defaultdict(set)
    for link in links:
        if link.url in chosen:
            for ancestor in link.element.iterancestors():
                holders[ancestor].add(link.url)
    items: dict[str, etree._Element] = {}
    for link in links:
        if link.url in chosen and link.url not in items:
            item = link.element
            for ancestor in link.element.iterancestors():
                # Never wider than a page region: the one teaser of a listing's last page and a
                # "Most read" link would otherwise both be <main> and <aside>, one block under <body>.
                if len(holders[ancestor]) > 1 or ancestor.tag in REGION_TAGS:
                    break
                item = ancestor
            items[link.url] = item
    return items


def _blocks(items: dict[str, etree._Element], links: list[_Link]) -> list[Block]:
    tracked = {link.url for link in links if link.tracked}
    grouped: dict[str, list[str]] = defaultdict(list)
    for url, item in items.items():
        parent = item.getparent()
        grouped[_tag_path(parent if parent is not None else item)].append(url)
    blocks = []
    for path, urls in grouped.items():
        dated = sum(1 for url in urls if _item_date(items[url])) / len(urls)
        leads = sum(1 for url in urls if _has_lead(items[url])) / len(urls)
        score = len(urls) * (1 + dated + leads) * _place_factor(path)
        if sum(1 for url in urls if url in tracked) > len(urls) / 2:
            score *= TRACKED_FACTOR
        blocks.append(Block(path, tuple(urls), score))
    return blocks


def _tag_path(element: etree._Element) -> str:
    tags = [str(a.tag) for a in element.iterancestors()][::-1]
    return "/".join([*tags, str(element.tag)])


def _place_factor(path: str) -> float:
    tags = set(path.split("/"))
    if tags & SIDE_TAGS:
        return SIDE_FACTOR
    return MAIN_FACTOR if tags & MAIN_TAGS else 1.0


def _title(links: list[_Link], url: str) -> str:
    return max((link.text for link in links if link.url == url), key=len, default="")


def _texts(item: etree._Element) -> list[tuple[str, bool]]:
    """(text, inside a link) of every text node of an item."""
    out: list[tuple[str, bool]] = []
    for node in item.iter():
        if not isinstance(node.tag, str) or node.tag in SKIPPED_TAGS:
            continue
        in_link = node.tag == "a" or any(a.tag == "a" for a in node.iterancestors())
        if node.text and node.text.strip():
            out.append((norm_ws(node.text), in_link))
        if node is not item and node.tail and node.tail.strip():
            parent_in_link = any(a.tag == "a" for a in node.iterancestors())
            out.append((norm_ws(node.tail), parent_in_link))
    return out


def _item_date(item: etree._Element) -> str | None:
    for time in item.iter("time"):
        stamp = (time.get("datetime") or "").strip()
        if stamp:
            return stamp
    for text, _ in _texts(item):
        if is_date_text(text):
            return text
    return None


def _has_lead(item: etree._Element) -> bool:
    return any(len(text) >= LEAD_MIN_CHARS and not in_link for text, in_link in _texts(item))
