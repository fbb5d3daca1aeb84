"""PageSource decodes a page as Scrapy's HtmlResponse does (the readings must not change)."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from csto_crawler.pages.source import PageSource, base_url

URL = "https://example.org/news/2024/story"
RUSSIAN = "Совещание министров обороны государств-членов ОДКБ".encode("cp1251")
CASES = {
    "charset in the header": ({"Content-Type": "text/html; charset=windows-1251"}, b"<html><p>" + RUSSIAN),
    "meta charset": ({}, b'<html><head><meta charset="cp1251"></head><p>' + RUSSIAN),
    "BOM over a wrong header": ({"Content-Type": "text/html; charset=latin-1"}, "\ufeff<p>café</p>".encode()),
    "undeclared UTF-8": ({}, "<html><p>café — ОДКБ</p>".encode()),
    "undeclared cp1251": ({"Content-Type": "text/html"}, b"<html><body><p>" + RUSSIAN * 3 + b"</p></body></html>"),
    "plain ASCII": ({}, b"<html><p>plain</p></html>"),
    "base href": ({}, b'<html><head><base href="/en/"></head><a href="x">x</a></html>'),
}


@pytest.mark.parametrize(("headers", "body"), CASES.values(), ids=CASES.keys())
def test_page_source_encoding_text_and_links_are_scrapys(headers: dict[str, str], body: bytes) -> None:
    ours = PageSource(URL, body, headers=headers)
    scrapys = HtmlResponse(URL, body=body, headers=headers)
    assert (ours.encoding, ours.text) == (scrapys.encoding, scrapys.text)
    assert ours.urljoin("../photo.jpg") == scrapys.urljoin("../photo.jpg")
    assert base_url(scrapys) == base_url(ours)


def test_page_source_given_encoding_wins_over_the_page() -> None:
    page = b'<html><head><meta charset="utf-8"></head><p>' + RUSSIAN
    ours = PageSource(URL, page, "cp1251", headers={"Content-Type": "text/html; charset=utf-8"})
    assert ours.encoding == "cp1251"
    assert "ОДКБ" in ours.text
    assert ours.text == HtmlResponse(URL, body=page, encoding="cp1251").text


def test_page_source_header_names_are_case_blind() -> None:
    assert PageSource(URL, b"", headers={"Content-Type": "text/html"}).header("CONTENT-TYPE") == "text/html"
    assert PageSource(URL, b"").header("content-type") == ""


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"content-type": "text/html; charset=utf-8"}, b"<p>x</p>"),
        ({"content-type": "application/xhtml+xml"}, b"<p>x</p>"),
        ({"content-type": "text/html", "content-encoding": "gzip"}, b"<html><p>x</p>"),
        ({"content-type": "application/pdf"}, b"%PDF-1.4 <html>"),
        ({}, b"<html><p>x</p></html>"),
        ({}, b"<?xml version='1.0'?><rss/>"),
    ],
)
def test_is_html_is_scrapys_decision(headers: dict[str, str], body: bytes) -> None:
    from scrapy.http import Headers
    from scrapy.responsetypes import responsetypes

    from csto_crawler.extraction import is_html

    scrapys = responsetypes.from_args(headers=Headers(headers) if headers else None, url=URL, body=body)
    assert is_html(headers, URL, body) == issubclass(scrapys, HtmlResponse)
