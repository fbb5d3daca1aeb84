"""Replay saved fixture cases: a case folder's bytes and headers become a Scrapy response.

A case folder (``tests/fixtures/<kind>/<case>/``, written only by ``tests/fixtures/regenerate.py``) holds
``response.html`` or ``response.xml`` (bytes as served), ``response.json`` (url, status, headers),
``expected.json`` and, for articles, ``expected_text.txt``. Responses are built from bytes plus headers,
so Scrapy's real encoding detection runs (windows-1251 on the Russian site).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse, Request

from csto_crawler.items import ArticleItem, FetchRecord
from csto_crawler.pages.anchored import Hints
from csto_crawler.pages.article import ArticlePage
from csto_crawler.pipelines import NormalizeDatesPipeline, StripBoilerplatePipeline
from csto_crawler.urls import Sites

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
KINDS = ("article", "listing", "not_article", "sitemap")
BODY_FILES = ("response.html", "response.xml")
# The replica's epoch-1 "today" (2026-02-13), the day the pages show as current; dates on the saved
# pages are judged against it, never against the real clock.
FETCHED_AT = dt.datetime(2026, 2, 13, 12, 0, tzinfo=dt.UTC)
SITE_TIMEZONE = "Europe/Moscow"


@dataclass(frozen=True)
class Case:
    """One fixture folder."""

    kind: str
    name: str
    folder: Path

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.name}"

    def meta(self) -> dict[str, Any]:
        return _read_json(self.folder / "response.json")

    def expected(self) -> dict[str, Any]:
        return _read_json(self.folder / "expected.json")

    def expected_text(self) -> str:
        """The clean body text; the file ends with one newline that is not part of the text."""
        return (self.folder / "expected_text.txt").read_text(encoding="utf-8").removesuffix("\n")

    def body(self) -> bytes:
        for name in BODY_FILES:
            path = self.folder / name
            if path.exists():
                return path.read_bytes()
        raise FileNotFoundError(f"{self.folder} has none of {', '.join(BODY_FILES)}")

    @property
    def url(self) -> str:
        return str(self.meta()["url"])

    @property
    def lang(self) -> str:
        return str(self.expected()["lang"])

    def response(self) -> HtmlResponse:
        meta = self.meta()
        return HtmlResponse(
            url=meta["url"],
            body=self.body(),
            headers=meta["headers"],
            status=meta["status"],
            request=Request(meta["url"]),
        )


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def cases(*kinds: str) -> list[Case]:
    """Every case folder of the given kinds, sorted by name."""
    found = []
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"unknown fixture kind {kind!r}")
        found += [Case(kind, p.name, p) for p in sorted((FIXTURES_DIR / kind).iterdir()) if p.is_dir()]
    return found


def case_params(*kinds: str, where: Any = None) -> list[Any]:
    """Cases as pytest parameters with readable ids; ``where(case)`` filters them."""
    selected = [c for c in cases(*kinds) if where is None or where(c)]
    return [pytest.param(c, id=c.id) for c in selected]


def case_named(kind: str, name: str) -> Case:
    """One case by folder name, for tests about a specific page."""
    folder = FIXTURES_DIR / kind / name
    if not folder.is_dir():
        raise FileNotFoundError(f"no fixture case {kind}/{name}")
    return Case(kind, name, folder)


def fixture_sites() -> Sites:
    """The site bases the fixtures were saved from (one per language), read from the saved URLs."""
    bases: dict[str, str] = {}
    for case in cases("article", "listing", "not_article"):
        parts = urlsplit(case.url)
        bases.setdefault(case.lang, f"{parts.scheme}://{parts.netloc}")
    return Sites(bases)


def fetch_record(case: Case) -> FetchRecord:
    meta = case.meta()
    headers = {k.lower(): v for k, v in meta["headers"].items()}
    return FetchRecord(case.url, case.url, meta["status"], headers, case.body(), FETCHED_AT, "article", case.lang)


def build_article_item(case: Case, listed_date: str | None = None) -> ArticleItem:
    """The item the spider builds for this page (ArticlePage.to_item), before the cleaning pipelines."""
    return ArticlePage(case.response(), Hints(date_raw=listed_date)).to_item(case.url, case.lang, fetch_record(case))


def cleaned_article_item(case: Case, listed_date: str | None = None) -> ArticleItem:
    """The article item after the two cleaning pipelines, as the archive receives it."""
    item = build_article_item(case, listed_date)
    item = NormalizeDatesPipeline(SITE_TIMEZONE).process_item(item)
    cleaned: ArticleItem = StripBoilerplatePipeline().process_item(item)
    return cleaned
