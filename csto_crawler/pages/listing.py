"""Listing page (Bitrix news.list) -> listed articles, page number, last page.

Named selectors first (the site template: ``div.news-item`` with a ``span.news-date-time`` date,
a title link and a lead; pager ``div.modern-page-navigation``), then structure (``pages.items``):
the largest list of dated items linking below this listing, and the links to this listing with
``?PAGEN_1=N``. An out-of-range ``PAGEN_1`` shows the last page again, so the pager, not the
URL, says where we are.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..htmltext import norm_ws
from ..urls import is_under_section
from . import compiled_css, page_root, search_scope
from .items import ItemList, NewsItem, Pager, find_item_lists, pagen, read_item, read_pager
from .reading import ReadingMethod
from .source import PageResponse, base_url

LIST_CSS = ".news-list"
ITEM_CSS = ".news-list .news-item, .news-list p.news-item"
ITEM_ID_RE = re.compile(r"^bx_\w+?_(\d+)$")  # bx_3218110189_22946 -> 22946
# The title link holds the title in <b>; the picture link before it points at the same article.
ITEM_TITLE_LINK_CSS = "a.news-item__title, a:has(b)"
ITEM_ANY_LINK_CSS = "a[href]"
ITEM_DATE_CSS = ".news-date-time"
ITEM_LEAD_CSS = ".news-item__lead"
PAGER_CSS = ".modern-page-navigation"
PAGER_CURRENT_CSS = ".modern-page-navigation .modern-page-current"
PAGER_LINKS_CSS = ".modern-page-navigation a[href]"

LIST = compiled_css(LIST_CSS)
PAGER = compiled_css(PAGER_CSS)
ITEMS = compiled_css(ITEM_CSS)
ITEM_TITLE_LINK = compiled_css(ITEM_TITLE_LINK_CSS)
ITEM_ANY_LINK = compiled_css(ITEM_ANY_LINK_CSS)
ITEM_DATE = compiled_css(ITEM_DATE_CSS)
ITEM_LEAD = compiled_css(ITEM_LEAD_CSS)
PAGER_CURRENT = compiled_css(PAGER_CURRENT_CSS)
PAGER_LINKS = compiled_css(PAGER_LINKS_CSS)


@dataclass
class ListedItem:
    url: str  # absolute, as linked (not yet canonical)
    title: str
    date_raw: str | None
    position: int
    element_id: str | None
    lead: str = ""


class ListingPage:
    """Extracts the listed articles and the pager state of one listing page."""

    def __init__(self, response: PageResponse) -> None:
        self.response = response
        self.root: etree._Element = page_root(response)
        self._base_url = base_url(response)
        self._lists = LIST(self.root)

    def _url(self, href: str) -> str:
        return urljoin(self._base_url, href)  # response.urljoin, without looking the base up per link

    def is_listing(self) -> bool:
        """The template's list, items of this listing, or a pager through it: a listing page (even an
        empty one)."""
        return bool(self._lists) or bool(self.items()) or self._pager is not None

    @property
    def method(self) -> ReadingMethod:
        if self._named_items:
            return ReadingMethod.NAMED
        return ReadingMethod.ANCHORED if self.items() else ReadingMethod.NONE

    def items(self) -> list[ListedItem]:
        return self._named_items or self._structural_items

    @functools.cached_property
    def _named_items(self) -> list[ListedItem]:
        out: list[ListedItem] = []
        for position, node in enumerate(ITEMS(search_scope(self._lists, self.root)), start=1):
            links = ITEM_TITLE_LINK(node) or ITEM_ANY_LINK(node)
            href = links[0].get("href") if links else None
            if not href:
                continue
            title = norm_ws(" ".join(links[0].itertext()))
            dates = ITEM_DATE(node)
            date = norm_ws(" ".join(dates[0].itertext())) if dates else ""
            leads = ITEM_LEAD(node)
            # The stock template writes the lead as bare text after the title: the item's other text.
            lead = norm_ws(" ".join(leads[0].itertext())) if leads else read_item(node, "", self._base_url).lead
            m = ITEM_ID_RE.match(node.get("id", ""))
            out.append(ListedItem(self._url(href), title, date or None, position, m.group(1) if m else None, lead))
        return out

    @functools.cached_property
    def _structural_items(self) -> list[ListedItem]:
        """The largest list whose items link below this listing's section; its pager breaks ties."""
        section = urlsplit(self.response.url).path.strip("/")
        lists = [
            ItemList(found.parent, [item for item in found.items if is_under_section(item.url, section)])
            for found in find_item_lists(self.root, self._base_url, self.response.url)
        ]
        lists = [found for found in lists if len(found.items) >= 1 and found.dated_share > 0]
        if not lists:
            return []
        best = max(lists, key=lambda found: (len(found.items), found.dated_share))
        return [_listed(item, position) for position, item in enumerate(best.items, start=1)]

    @functools.cached_property
    def _pager(self) -> Pager | None:
        named = PAGER(self.root)
        if named:
            scope = search_scope(named, self.root)
            current = PAGER_CURRENT(scope)
            text = "".join(current[0].itertext()).strip() if current else ""
            numbers = [pagen(self._url(link.get("href", ""))) or 1 for link in PAGER_LINKS(scope)]
            page = int(text) if text.isdigit() else 1
            return Pager(page, max([page, *numbers]))
        return read_pager(self.root, self._base_url, self.response.url)

    def page_number(self) -> int:
        """The page the pager marks as current (1 when there is no pager)."""
        return self._pager.current if self._pager else 1

    def last_page(self) -> int:
        """The highest page number the pager links to (or the current page if higher)."""
        return self._pager.last if self._pager else 1


def _listed(item: NewsItem, position: int) -> ListedItem:
    element_id = None
    for element in (item.element, *item.element.iter()):
        m = ITEM_ID_RE.match(element.get("id", "") if isinstance(element.tag, str) else "")
        if m:
            element_id = m.group(1)
            break
    return ListedItem(item.url, item.title, item.date_raw, position, element_id, item.lead)
