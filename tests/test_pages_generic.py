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


LEAD_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Ministers meet in Yerevan on border security | Wire</title>
<meta property="og:type" content="article">
<meta name="description" content="Ministers of the six states met on Thursday to agree a plan…">
</head><body><header><a href="/">Wire</a> <a href="/en/world/">World</a></header>
<div class="page"><div class="content"><section class="story">
<h1>Ministers meet in Yerevan on border security</h1>
<div class="byline">By Asel Nur <time datetime="2024-03-18T09:40:00+05:00">18 March 2024, 09:40</time></div>
<div class="standfirst"><p><b>YEREVAN. WIRE</b> – Ministers of the six states met on Thursday to agree a plan of
joint border exercises for the coming year, the press service reports.</p></div>
<figure><img src="/p.jpg"><figcaption>Photo credit: press service</figcaption></figure>
<div class="text">{body}</div>
<div class="tags"><a href="/en/tag/security/">Security</a></div></section>
<aside><h3>Most read</h3><ul><li><a href="/en/news/other-1">Another story of the day here</a></li></ul></aside>
</div></div></body></html>"""


@pytest.mark.parametrize(
    "body",
    [
        "<p>The plan covers four exercises and a common training centre for the border guards.</p>"
        "<div class='box'><span>Read also:</span> <a href='/en/news/old-3'>An older story on the topic</a></div>"
        "<p>The next meeting will be held in Minsk in the autumn, the organisers said.</p>",
        "<p>The next meeting will be held in Minsk in the autumn, the organisers said.</p>",
    ],
    ids=["long-body", "one-paragraph-body"],
)
def test_a_lead_beside_the_body_is_read_once_with_its_dateline(body: str) -> None:
    """An agency's lead stands in a container of its own between the headline and the body
    (trafilatura leaves it out, or returns it after a short body): it opens the body, once, with
    its dateline; the caption and the "Read also" box are not text."""
    page = LEAD_PAGE.replace("{body}", body).encode()
    fields = extract_page(page, "https://wire.example/en/news/ministers-meet-4d721a", fetched_at=FETCHED_AT)
    text = fields["body_text"]
    assert text.startswith("YEREVAN. WIRE – Ministers of the six states met")
    assert text.count("YEREVAN. WIRE") == 1
    assert text.endswith("the organisers said.")
    assert "Photo credit" not in text and "Read also" not in text and "Most read" not in text
    assert fields["published"] == "2024-03-18T09:40:00+05:00"
    assert fields["title"] == "Ministers meet in Yerevan on border security"


def test_the_whole_article_block_as_one_paragraph_is_read_line_by_line() -> None:
    """trafilatura's fallback on a short page gives the article block as one paragraph (headline,
    byline, caption, a "Read also" box, tags, share buttons run together): read line by line, only
    the headline (dropped later by the title rules) and the prose paragraphs stay."""
    from lxml import html

    from csto_crawler.pages.generic_text import Block, _split_whole_article
    from csto_crawler.pages.lines import page_lines

    root = html.fromstring(
        "<html><body><article><h1>Quake hits the region</h1>"
        "<div>Author: Jane Doe <time datetime='2022-09-03T10:34:00+06:00'>3 September 2022</time></div>"
        "<div class='lead'><p>BEIJING. WIRE – A quake has been recorded, seismologists said.</p></div>"
        "<figure><figcaption>Photo credit: press service</figcaption></figure>"
        "<p>The epicenter was 34 kilometers deep.</p>"
        "<div><span>Read also:</span> <a href='/en/old_a3281860'>Another story on another topic</a></div>"
        "<p>There were no reports of damage.</p><div><a href='/tag/world/'>World</a></div>"
        "<div>Share: <a href='https://t.me/x'>Telegram</a> <button>Copy link</button></div></article></body></html>"
    )
    lines = page_lines(root)
    blob = " ".join(line.text for line in lines) + " Copy link"
    texts = [block.text for block in _split_whole_article([Block(blob, "p")], lines, None)]
    assert texts == [
        "Quake hits the region",
        "BEIJING. WIRE – A quake has been recorded, seismologists said.",
        "The epicenter was 34 kilometers deep.",
        "There were no reports of damage.",
    ]
