"""The generic reader (pages.generic) on saved pages of news layouts unrelated to the CSTO's.

Each folder of ``tests/fixtures/generic/`` is a page written for these tests (bylines and "Share"
rows between title and date, sidebars repeating headlines, cookie banners, "Read also" boxes inside
bodies, captions, comments, JSON-LD, og tags, ``<time datetime>``) with what its article must and
must not contain. Pages go through the crawl's whole reading path (``extraction.extract_page``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse

from csto_crawler.extraction import extract_page
from csto_crawler.pages.article import ArticlePage
from csto_crawler.pages.reading import ReadingMethod

FOLDER = Path(__file__).resolve().parent / "fixtures" / "generic"
CASES = sorted(path.name for path in FOLDER.iterdir() if path.is_dir())
FETCHED_AT = dt.datetime(2026, 2, 13, 12, 0, tzinfo=dt.UTC)


def read(name: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    meta = json.loads((FOLDER / name / "response.json").read_text(encoding="utf-8"))
    expected = json.loads((FOLDER / name / "expected.json").read_text(encoding="utf-8"))
    return meta, expected, (FOLDER / name / "response.html").read_bytes()


def extracted(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    meta, expected, body = read(name)
    return extract_page(body, meta["url"], meta["headers"], fetched_at=FETCHED_AT), expected


def test_generic_fixtures_cover_five_layouts_in_both_languages() -> None:
    assert len(CASES) >= 5
    assert {name.split("-", 1)[0] for name in CASES} == {"en", "ru"}


@pytest.mark.parametrize("name", CASES)
def test_generic_reader_answers_where_no_site_rule_does(name: str) -> None:
    meta, _, body = read(name)
    response = HtmlResponse(url=meta["url"], body=body, headers=meta["headers"])
    assert ArticlePage(response).method == ReadingMethod.GENERIC


@pytest.mark.parametrize("name", CASES)
def test_generic_reader_title_date_author(name: str) -> None:
    fields, expected = extracted(name)
    assert (fields["title"], fields["published"], fields["author"]) == (
        expected["title"],
        expected["published"],
        expected["author"],
    )
    assert fields["doubts"] == []


@pytest.mark.parametrize("name", CASES)
def test_generic_reader_body_keeps_the_article(name: str) -> None:
    fields, expected = extracted(name)
    missing = [snippet for snippet in expected["must_contain"] if snippet not in fields["body_text"]]
    assert missing == [], fields["body_text"]


@pytest.mark.parametrize("name", CASES)
def test_generic_reader_body_drops_the_page_around_it(name: str) -> None:
    fields, expected = extracted(name)
    leaked = [snippet for snippet in expected["must_not_contain"] if snippet in fields["body_text"]]
    assert leaked == [], fields["body_text"]


@pytest.mark.parametrize("name", [n for n in CASES if "attachments" in read(n)[1]])
def test_generic_reader_attachments(name: str) -> None:
    fields, expected = extracted(name)
    assert [a["url"] for a in fields["attachments"]] == expected["attachments"]


def test_a_body_split_into_chunks_of_the_same_markup_is_read_whole() -> None:
    """trafilatura keeps the first chunk of a body cut by an ad row (a Zyte benchmark layout):
    the later chunks of the same markup are read too, ad rows and asides not."""
    from lxml import html

    from csto_crawler.pages.generic_text import Block, _continuation
    from csto_crawler.pages.lines import page_lines

    prose = "A paragraph of the article that is long enough to count as prose in a chunk. " * 2
    root = html.fromstring(
        "<html><body><div class='chunks'>"
        f"<div class='body chunk'><p>First {prose}</p><p>Second {prose}</p></div>"
        "<div class='ad-row'><p>Advertisement</p></div>"
        f"<div class='body chunk'><p>Third {prose}</p><p>Fourth {prose}</p></div>"
        "<div class='aside'><p><a href='/x/'>Another story entirely</a></p></div>"
        "</div></body></html>"
    )
    lines = page_lines(root)
    kept = [Block(line.text, "p", source=[line]) for line in lines[:2]]
    assert [block.text.split()[0] for block in _continuation(kept, lines)] == ["Third", "Fourth"]


ATTACHMENTS_PAGE = """<html lang="en"><head><title>Budget report published | Example News</title>
<meta property="og:type" content="article"></head><body>
<header><a href="/files/header-brochure.pdf">Brochure</a></header>
<nav><a href="/">Home</a> <a href="/files/nav-guide.pdf">Guide</a></nav>
<main><article><h1>Budget report published</h1><time datetime="2024-03-05">5 March 2024</time>
<p>The council published its annual budget report on Tuesday, with figures for every district.</p>
<p>The full report is <a href="docs/report-2024.PDF">available here</a>, and a summary
<a href="?download=summary">as a page</a> and <a href="#top">at the top</a>.</p>
<p>Residents may comment on the report until the end of April, the council said.</p>
</article><aside><a href="/files/sidebar-ad.pdf">Advert</a></aside></main>
<footer><a href="/files/footer-terms.docx">Terms</a></footer></body></html>"""


def test_generic_reader_attachments_are_document_links_of_the_article_only() -> None:
    """Document links after the title, outside header, navigation, sidebars and footer; a link
    without a path of its own is resolved against the page (not a document here)."""
    url = "https://news.example/city/2024/budget-report"
    fields = extract_page(ATTACHMENTS_PAGE.encode(), url, {"Content-Type": "text/html; charset=utf-8"})
    assert fields["method"] == ReadingMethod.GENERIC
    assert fields["attachments"] == [
        {"url": "https://news.example/city/2024/docs/report-2024.PDF", "filename": "report-2024.PDF"}
    ]
