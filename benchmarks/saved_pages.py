"""Saved detail pages for the offline benchmarks: fetched once from a replica, replayed as responses.

A page folder holds ``NNNNN.html`` (bytes as served) and ``pages.json`` (URL, headers, gold fields).
Replaying builds a Scrapy ``HtmlResponse`` from bytes plus headers, so Scrapy's real encoding
detection runs (windows-1251 on the Russian site), exactly as in a crawl.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replica import Replica, dump_gold, save_pages
from scrapy.http import HtmlResponse, Request

from csto_crawler.items import ArticleItem, FetchRecord
from csto_crawler.pages.article import ArticlePage
from csto_crawler.pipelines import NormalizeDatesPipeline, StripBoilerplatePipeline

FETCHED_AT = dt.datetime(2026, 2, 13, 12, 0, tzinfo=dt.UTC)  # the replica's epoch-1 "today"
# Offline pages have no listing date, so no_date_line pages log "No usable date": expected here.
logging.getLogger("csto_crawler").setLevel(logging.ERROR)


@dataclass
class SavedPage:
    url: str
    lang: str
    headers: dict[str, str]
    body: bytes
    gold: dict[str, Any]

    def response(self) -> HtmlResponse:
        return HtmlResponse(url=self.url, body=self.body, headers=self.headers, status=200, request=Request(self.url))

    def fetch_record(self) -> FetchRecord:
        headers = {k.lower(): v for k, v in self.headers.items()}
        return FetchRecord(self.url, self.url, 200, headers, self.body, FETCHED_AT, "article", self.lang)

    def text(self) -> str:
        """The page as a string, decoded the way Scrapy decodes it (for extractors that want text)."""
        return self.response().text


def ensure_pages(replica_dir: Path, folder: Path, scale: int, limit: int) -> list[SavedPage]:
    """Load saved pages from ``folder``, fetching them from a fresh replica first if it holds none."""
    if not (folder / "pages.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        records = dump_gold(replica_dir, scale, folder / "gold.jsonl")
        if limit:
            records = records[:: max(1, len(records) // limit)][:limit]
        with Replica(replica_dir, scale) as replica:
            save_pages(replica, records, folder)
    meta = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    pages = [
        SavedPage(m["url"], m["lang"], m["headers"], (folder / m["file"]).read_bytes(), m)
        for m in meta
        if m["status"] == 200
    ]
    return pages[:limit] if limit else pages


def extract_item(page: SavedPage) -> ArticleItem:
    """Stage 1 (parse): response -> ArticleItem with raw fields, as the spider builds it."""
    return ArticlePage(page.response()).to_item(page.url, page.lang, page.fetch_record())


DATES = NormalizeDatesPipeline("Europe/Moscow", clock=lambda: FETCHED_AT)
STRIP = StripBoilerplatePipeline()


def clean_item(item: ArticleItem) -> ArticleItem:
    """Stage 2 (clean): the two cleaning pipelines, in crawl order."""
    return STRIP.process_item(DATES.process_item(item))


def extract_body(page: SavedPage) -> str:
    """Our extraction end to end: bytes -> clean body text."""
    item: ArticleItem = clean_item(extract_item(page))
    return item.body_text
