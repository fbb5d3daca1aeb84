"""Listing page (Bitrix news.list) -> listed articles, page number, last page.

Items: ``div.news-item`` (stock templates: ``p.news-item``) with a ``span.news-date-time`` date,
a title link and a lead. Pager: ``div.modern-page-navigation`` with page links ``?PAGEN_1=N``;
an out-of-range ``PAGEN_1`` shows the last page again, so the pager, not the URL, says where we are.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml import etree
from scrapy.http import TextResponse
from scrapy.utils.response import get_base_url

from ..htmltext import norm_ws
from . import compiled_css, page_root, search_scope

LIST_CSS = ".news-list"
ITEM_CSS = ".news-list .news-item, .news-list p.news-item"
ITEM_ID_RE = re.compile(r"^bx_\w+?_(\d+)$")  # bx_3218110189_22946 -> 22946
# The title link holds the title in <b>; the picture link before it points at the same article.
ITEM_TITLE_LINK_CSS = "a.news-item__title, a:has(b)"
ITEM_ANY_LINK_CSS = "a[href]"
ITEM_DATE_CSS = ".news-date-time"
PAGER_CSS = ".modern-page-navigation"
PAGER_CURRENT_CSS = ".modern-page-navigation .modern-page-current"
PAGER_LINKS_CSS = ".modern-page-navigation a[href]"


LIST = compiled_css(LIST_CSS)
PAGER = compiled_css(PAGER_CSS)
ITEMS = compiled_css(ITEM_CSS)
ITEM_TITLE_LINK = compiled_css(ITEM_TITLE_LINK_CSS)
ITEM_ANY_LINK = compiled_css(ITEM_ANY_LINK_CSS)
ITEM_DATE = compiled_css(ITEM_DATE_CSS)
PAGER_CURRENT = compiled_css(PAGER_CURRENT_CSS)
PAGER_LINKS = compiled_css(PAGER_LINKS_CSS)


@dataclass
class ListedItem:
    url: str  # absolute, as linked (not yet canonical)
    title: str
    date_raw: str | None
    position: int
    element_id: str | None


class ListingPage:
    """Extracts the listed articles and the pager state of one listing page."""

    def __init__(self, response: TextResponse) -> None:
        self.response = response
        self.root: etree._Element = page_root(response)
        self._base_url = get_base_url(response)
        self._lists = LIST(self.root)

    def _url(self, href: str) -> str:
        return urljoin(self._base_url, href)  # response.urljoin, without looking the base up per link

    def is_listing(self) -> bool:
        return bool(self._lists)

    def items(self) -> list[ListedItem]:
        out: list[ListedItem] = []
        for position, node in enumerate(ITEMS(search_scope(self._lists, self.root)), start=1):
            links = ITEM_TITLE_LINK(node) or ITEM_ANY_LINK(node)
            href = links[0].get("href") if links else None
            if not href:
                continue
            title = norm_ws(" ".join(links[0].itertext()))
            dates = ITEM_DATE(node)
            date = norm_ws(" ".join(dates[0].itertext())) if dates else ""
            m = ITEM_ID_RE.match(node.get("id", ""))
            out.append(ListedItem(self._url(href), title, date or None, position, m.group(1) if m else None))
        return out

    @functools.cached_property
    def _pager(self) -> etree._Element:
        return search_scope(PAGER(self.root), self.root)

    def _page_numbers(self) -> list[int]:
        return [_pagen(self._url(link.get("href", ""))) for link in PAGER_LINKS(self._pager)]

    @functools.cached_property
    def _page_number(self) -> int:
        current = PAGER_CURRENT(self._pager)
        text = "".join(current[0].itertext()).strip() if current else ""
        return int(text) if text.isdigit() else 1

    def page_number(self) -> int:
        """The page the pager marks as current (1 when there is no pager)."""
        return self._page_number

    def last_page(self) -> int:
        """The highest page number the pager links to (or the current page if higher)."""
        return max([self.page_number(), *self._page_numbers()])


def _pagen(url: str) -> int:
    """The ``PAGEN_1`` of a pager link; the bare section URL is page 1."""
    value = dict(parse_qsl(urlsplit(url).query)).get("PAGEN_1", "1")
    return int(value) if value.isdigit() else 1
