"""What a discovery page shows of itself: the title each listed article's own link gives, its links,
and whether it says it is an article."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Response, TextResponse

from ..discovery.canonical import canonical_url
from ..pages import page_root
from ..pages.metadata import read_metadata
from ..sources import Source


def says_article(response: Response) -> bool:
    """An HTML page that states it is an article (og:type "article", a JSON-LD article type)."""
    if response.status != 200 or not isinstance(response, TextResponse):
        return False
    return read_metadata(page_root(response), response.url).article_typed


def listed_titles(candidates: Any, source: Source) -> dict[str, str | None]:
    """Canonical URL -> the title its own link shows (not a copy's: an item's "accessibility
    version" link folds into the same article, tests/district_site.py), in page order."""
    found: dict[str, str | None] = {}
    for candidate in candidates:
        url = canonical_url(candidate.url, source)
        if candidate.url == url or url not in found:
            found[url] = candidate.title or found.get(url)
    return found


def page_links(root: Any, page_url: str) -> Iterator[str]:
    for element in root.iter("a"):
        href = (element.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            yield urljoin(page_url, href).split("#", 1)[0]
