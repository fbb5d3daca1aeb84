"""The extractor on markup it was not written for: pages of the same site under other templates.

``tests/fixtures/themes/<theme>/`` holds pages saved by ``tests/fixtures/save_themes.py``: the
replica's ``stock`` theme (1C-Bitrix's own news templates) and our variant themes
(``benchmarks/themes/``: renamed classes, tables, HTML5 ``article``/``time``, body text straight in its
container, a related-news block after the body, anonymous div soup). Expected values come from the
replica's gold, never from ``csto_crawler``.

Articles are read as a crawl reads them: with what the listing said about the URL (title, date,
lead), then cleaned by the same transforms as the pipelines.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from csto_crawler.archive.stored_pages import StoredPage
from csto_crawler.extraction import extract_listing
from csto_crawler.items import FetchRecord
from csto_crawler.pages.anchored import Hints
from csto_crawler.quality import article_doubts
from csto_crawler.reextract import read_snapshot

THEMES = Path(__file__).parent / "fixtures" / "themes"
CASES = sorted(p for p in THEMES.glob("*/*") if (p / "expected.json").exists())
ARTICLES = [p for p in CASES if not p.name.endswith("-listing")]
LISTINGS = [p for p in CASES if p.name.endswith("-listing")]
LEAKS = (
    "Go back",
    "Back to the section",
    "Back to the all news",
    "Font settings",
    "Назад",
    "Вернуться",
    "Related news",
    "Read also",
    "Читайте также",
    "Share",
    "Поделиться",
    "All rights reserved",
    "Все права защищены",
)
WORD = re.compile(r"\w+")


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def load(case: Path) -> tuple[dict[str, Any], FetchRecord, dict[str, Any]]:
    meta = json.loads((case / "response.json").read_text(encoding="utf-8"))
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    headers = {key.lower(): value for key, value in meta["headers"].items()}
    at = dt.datetime(2026, 2, 13, 12, 0, tzinfo=dt.UTC)
    fetch = FetchRecord(meta["url"], meta["url"], 200, headers, (case / "response.html").read_bytes(), at, "article")
    return meta, fetch, expected


def token_f1(got: str, want: str) -> float:
    a, b = Counter(WORD.findall(got.lower())), Counter(WORD.findall(want.lower()))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def listed_date(expected: dict[str, Any]) -> str:
    """The date as the site's listings show it: ``dd.mm.yyyy``, or ``MM/DD/YYYY HH:MM:SS`` with a time."""
    if expected["datetime"]:
        return dt.datetime.fromisoformat(expected["datetime"]).strftime("%m/%d/%Y %H:%M:%S")
    return dt.date.fromisoformat(expected["date"]).strftime("%d.%m.%Y")


def test_there_are_theme_fixtures_for_several_templates() -> None:
    assert len({case.parent.name for case in CASES}) >= 2
    assert len(ARTICLES) >= 10 and LISTINGS


@pytest.mark.parametrize("case", ARTICLES, ids=case_id)
def test_article_on_another_template_reads_like_the_gold(case: Path) -> None:
    meta, fetch, expected = load(case)
    hints = Hints(expected["title"], listed_date(expected), expected["lead"])
    snapshot = StoredPage(meta["url"], expected["lang"], expected["section"], None, None, fetch, hints)
    item = read_snapshot(snapshot, "Europe/Moscow").item
    assert item is not None
    assert article_doubts(item) == []
    assert item.title == expected["title"]
    assert (item.published or "")[:19] == (expected["datetime"] or expected["date"])
    assert item.subtitle == expected["subtitle"]
    assert token_f1(item.body_text, expected["body"]) >= 0.95
    for leak in LEAKS:
        assert leak not in item.body_text
    assert (item.signature or None) == expected["signature"]
    assert len(item.attachments) == expected["attachments"]


@pytest.mark.parametrize("case", ARTICLES, ids=case_id)
def test_article_without_listing_hints_still_finds_title_and_body(case: Path) -> None:
    """Reached through the sitemap only: no listing said anything about the URL."""
    meta, fetch, expected = load(case)
    snapshot = StoredPage(meta["url"], expected["lang"], expected["section"], None, None, fetch, Hints())
    item = read_snapshot(snapshot, "Europe/Moscow").item
    assert item is not None
    assert item.title == expected["title"]
    assert token_f1(item.body_text, expected["body"]) >= 0.9


@pytest.mark.parametrize("case", LISTINGS, ids=case_id)
def test_listing_on_another_template_finds_its_items_and_pager(case: Path) -> None:
    meta, fetch, expected = load(case)
    encoding = "windows-1251" if "1251" in meta["headers"]["Content-Type"] else "utf-8"
    reading = extract_listing(fetch.body, meta["url"], encoding)
    assert reading.problem is None
    found = {re.sub(r"^https?://[^/]+", "", item.url): item for item in reading.items}
    for path in expected["items"]:
        assert path in found, path
        assert found[path].date_raw
    assert reading.last_page == expected["last_page"]
