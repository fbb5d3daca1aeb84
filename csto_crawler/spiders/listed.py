"""What a discovery page shows of itself: the title each listed article's own link gives, its links,
and whether it says it is an article."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
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


# A list vouches for a link its URL says nothing of (``/news/sport/turnir/``, a one-word Bitrix
# symbolic code beside ``/news/sport/{slug}/`` ones, tests/bitrix_district_site.py) when at least
# this many of its other links, and this share of them, are articles.
KIN_MIN_ARTICLES = 3
KIN_MIN_SHARE = 0.75
KIN_TITLE_CHARS = 25  # the link's own text is a title, not "All news" or a rubric's name


def listed_articles(
    candidates: Any, source: Source, is_article: Callable[[str], bool]
) -> dict[str, tuple[str | None, bool]]:
    """Canonical URL -> (its title as listed_titles gives it, whether it is an article): by the
    learner, or because most links of its list are articles and its own text is a title."""
    titles = listed_titles(candidates, source)
    known = {url: is_article(url) for url in titles}
    by_block: defaultdict[int, set[str]] = defaultdict(set)
    for candidate in candidates:
        by_block[candidate.block].add(canonical_url(candidate.url, source))
    vouched: set[str] = set()
    for urls in by_block.values():
        articles = sum(known.get(url, False) for url in urls)
        if articles >= KIN_MIN_ARTICLES and articles >= KIN_MIN_SHARE * len(urls):
            vouched.update(url for url in urls if len(titles.get(url) or "") >= KIN_TITLE_CHARS)
    return {url: (title, known[url] or url in vouched) for url, title in titles.items()}


def page_links(root: Any, page_url: str) -> Iterator[str]:
    for element in root.iter("a"):
        href = (element.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            yield urljoin(page_url, href).split("#", 1)[0]
