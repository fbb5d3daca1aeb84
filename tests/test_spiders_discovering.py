"""The walk of a source found by discovery (csto_crawler/spiders/discovering.py), without a crawl."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from scrapy import Request
from scrapy.http import TextResponse

from csto_crawler.archive.state import CrawlState, KnownArticle
from csto_crawler.source_books import SourceBooks
from csto_crawler.sources import Source
from csto_crawler.spiders.discovering import Discovering, Role, SourcePolicy

PORTAL = Source(name="mfa", home="https://mfa.example/", start=("https://mfa.example/News/?tag=csto",))
API = "https://mfa.example/api/news?offset={}&limit=2"


def discovering(state: CrawlState | None = None) -> Discovering:
    def ignore(*args: Any, **kwargs: Any) -> None:
        return None

    return Discovering(
        books={PORTAL.name: SourceBooks(PORTAL, full=True)},
        state=state or CrawlState(),
        policy=SourcePolicy(full=True, today=dt.date(2026, 2, 13), recheck_days=14),
        page_callback=ignore,
        article_callback=ignore,
        errback=ignore,
        count=ignore,
        clock=lambda: dt.datetime(2026, 2, 13, 12, 0, tzinfo=dt.UTC),
    )


def json_page(offset: int, ids: list[int]) -> TextResponse:
    url = API.format(offset)
    items = [{"url": f"/News/Detail?id={ident}", "title": f"Meeting No. {ident}"} for ident in ids]
    body = json.dumps({"items": items, "total": 100}).encode()
    request = Request(url, meta={"csto_kind": "listing", "csto_lang": "en", "csto_source": PORTAL.name})
    return TextResponse(url, body=body, encoding="utf-8", headers={"Content-Type": "application/json"}, request=request)


def pages_asked(outputs: list[Any]) -> list[str]:
    return [o.url for o in outputs if isinstance(o, Request) and o.meta.get("csto_kind") == "listing"]


def test_an_offset_json_listing_leads_on_while_it_brings_items_not_seen_in_the_run() -> None:
    walk = discovering()
    first = list(walk.read_page(json_page(2, [812, 814]), PORTAL.name, Role.MORE))
    assert pages_asked(first) == [API.format(4)]
    # An endpoint that ignores its offset answers the same items again: the walk ends there.
    again = list(walk.read_page(json_page(4, [812, 814]), PORTAL.name, Role.MORE))
    assert pages_asked(again) == []


class ArchivedInRussian(CrawlState):
    """An archive that holds every URL asked about, in Russian."""

    def known_many(self, urls: Any) -> dict[str, KnownArticle]:
        return {url: KnownArticle(url, "ru", "", "", None, False, None, None, None) for url in urls}


def test_a_sitemap_of_urls_without_a_language_is_kept_under_their_articles_language() -> None:
    wordpress = Source(name="vestnik", home="https://v.example/", start=("https://v.example/tag/odkb/",))
    entries: dict[str, str | None] = {"https://v.example/2023/11/13/odkb-provela-ucheniya-v-minske/": None}
    book = SourceBooks(wordpress)
    # Kept under "ru", absence from it marks the source's Russian articles gone; nothing archived, no label.
    assert discovering(ArchivedInRussian()).entries_label(book, entries) == "ru"
    assert discovering().entries_label(book, entries) is None
