"""The reading chain on CSTO-like pages that moved away from the template: back links named after
the section, related news of the same title and date, deep nesting, a layout without anchors."""

from __future__ import annotations

from lxml import etree
from scrapy.http import HtmlResponse

from csto_crawler.extraction import extract_page
from csto_crawler.htmltext import element_paragraphs
from csto_crawler.pages.anchored import Hints
from csto_crawler.pages.article import ArticlePage
from csto_crawler.pages.reading import ReadingMethod

URL = "https://en.odkb-csto.org/news/smi/csto-secretary-general-interview/"
TITLE = "CSTO Secretary General gave an interview to the newspaper"
BODY = (
    "<p>The CSTO Secretary General answered questions about the collective forces.</p>"
    "<p>He spoke about the exercises planned for the autumn and about cooperation with partners.</p>"
)


def page(main: str, title: str = TITLE) -> HtmlResponse:
    html = (
        f"<html><head><title>{title}</title></head><body><div class='menu'><a href='/'>Home</a>"
        f"<a href='/news/'>News</a></div>{main}<div class='footer'>© CSTO</div></body></html>"
    )
    return HtmlResponse(url=URL, body=html.encode(), encoding="utf-8")


def test_a_back_button_named_after_the_section_is_not_article_text() -> None:
    main = (
        f"<h1>{TITLE}</h1><div>{TITLE} 14.09.2022</div><div class='txt'>{BODY}</div>"
        "<p><a class='btn' href='/news/smi/'>Mass media about CSTO</a></p>"
        "<div><a href='/news/smi/other-article/'>Another interview of the Deputy Secretary General</a></div>"
    )
    reading = ArticlePage(page(main), Hints(title=TITLE)).reading
    assert reading is not None and reading.method == ReadingMethod.ANCHORED
    assert "Mass media about CSTO" not in " ".join(reading.body_paragraphs)
    assert reading.body_paragraphs[-1].startswith("He spoke about the exercises")


def test_related_news_of_the_same_title_and_date_is_never_the_head() -> None:
    related = "".join(
        f"<div class='item'><div class='date'>14.09.2022</div><a href='/news/news_odkb/{slug}/'>{text}</a></div>"
        for slug, text in (
            ("pair", TITLE),
            ("other", "Meeting of the Permanent Council held in Moscow"),
            ("x", "Exercise"),
        )
    )
    main = f"<div class='related'>{related}</div><h1>{TITLE}</h1><div>14.09.2022</div><div>{BODY}</div>"
    main += "<div><a href='/news/'>Back to the all news</a></div>"
    page_object = ArticlePage(page(main), Hints(title=TITLE, date_raw="14.09.2022"))
    assert page_object.title() == TITLE
    assert page_object.body_paragraphs() == [
        "The CSTO Secretary General answered questions about the collective forces.",
        "He spoke about the exercises planned for the autumn and about cooperation with partners.",
    ]


def test_a_page_of_a_thousand_nested_divs_reads_without_recursion_error() -> None:
    deep = "<div>" * 1000 + f"<h1>{TITLE}</h1><p>14.09.2022</p>{BODY}" + "</div>" * 1000
    fields = extract_page(f"<html><head><title>{TITLE}</title></head><body>{deep}</body></html>".encode(), URL)
    assert fields["title"] == TITLE
    assert fields["published"] == "2022-09-14"
    assert "collective forces" in fields["body_text"]


def test_element_paragraphs_walks_deep_trees_without_recursion() -> None:
    root = element = etree.Element("div")
    for _ in range(5000):  # built directly: libxml2's parser stops nesting at its own depth limit
        element = etree.SubElement(element, "div")
    etree.SubElement(element, "p").text = "deep"
    etree.SubElement(element, "p").text = "text"
    assert element_paragraphs(root) == ["deep", "text"]


def test_a_layout_without_anchors_is_read_by_the_generic_reader() -> None:
    main = (
        "<div class='c1'><div class='c2'>"
        f"<div class='t'>{TITLE}</div><div class='d'>Published: 14.09.2022</div>{BODY}</div></div>"
    )
    page_object = ArticlePage(page(main, title=f"{TITLE} | CSTO"))
    assert page_object.method == ReadingMethod.GENERIC
    assert page_object.title() == TITLE
    assert [c.raw for c in page_object.date_candidates()] == ["14.09.2022"]
