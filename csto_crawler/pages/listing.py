"""Listing page (Bitrix news.list) -> listed articles, page number, last page.

Items: ``div.news-item`` (stock templates: ``p.news-item``) with a ``span.news-date-time`` date,
a title link and a lead. Pager: ``div.modern-page-navigation`` with page links ``?PAGEN_1=N``;
an out-of-range ``PAGEN_1`` shows the last page again, so the pager, not the URL, says where we are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from parsel import Selector
from scrapy.http import TextResponse

from ..htmltext import norm_ws
from . import page_selector

ITEM_CSS = ".news-list .news-item, .news-list p.news-item"
ITEM_ID_RE = re.compile(r"^bx_\w+?_(\d+)$")  # bx_3218110189_22946 -> 22946
# The title link holds the title in <b>; the picture link before it points at the same article.
ITEM_TITLE_LINK_CSS = "a.news-item__title, a:has(b)"
ITEM_ANY_LINK_CSS = "a[href]"
ITEM_DATE_CSS = ".news-date-time::text"
PAGER_CSS = ".modern-page-navigation"
PAGER_CURRENT_CSS = ".modern-page-current::text"
PAGER_LINKS_CSS = "a[href]"


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
        self.sel: Selector = page_selector(response)

    def is_listing(self) -> bool:
        return bool(self.sel.css(".news-list"))

    def items(self) -> list[ListedItem]:
        out: list[ListedItem] = []
        for position, node in enumerate(self.sel.css(ITEM_CSS), start=1):
            link = node.css(ITEM_TITLE_LINK_CSS)[:1] or node.css(ITEM_ANY_LINK_CSS)[:1]
            href = link.attrib.get("href") if link else None
            if not href:
                continue
            title = norm_ws(" ".join(link.css("::text").getall()))
            date = norm_ws(node.css(ITEM_DATE_CSS).get() or "") or None
            m = ITEM_ID_RE.match(node.attrib.get("id", ""))
            out.append(ListedItem(self.response.urljoin(href), title, date, position, m.group(1) if m else None))
        return out

    def _page_numbers(self) -> list[int]:
        numbers = []
        for href in self.sel.css(PAGER_CSS).css(PAGER_LINKS_CSS).xpath("@href").getall():
            numbers.append(_pagen(self.response.urljoin(href)))
        return numbers

    def page_number(self) -> int:
        """The page the pager marks as current (1 when there is no pager)."""
        current = self.sel.css(PAGER_CSS).css(PAGER_CURRENT_CSS).get()
        if current and current.strip().isdigit():
            return int(current.strip())
        return 1

    def last_page(self) -> int:
        """The highest page number the pager links to (or the current page if higher)."""
        return max([self.page_number(), *self._page_numbers()])


def _pagen(url: str) -> int:
    """The ``PAGEN_1`` of a pager link; the bare section URL is page 1."""
    value = dict(parse_qsl(urlsplit(url).query)).get("PAGEN_1", "1")
    return int(value) if value.isdigit() else 1
