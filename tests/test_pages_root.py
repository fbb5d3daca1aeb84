"""page_root: the parsed page, the same whether the bytes went to lxml as they are or were decoded first."""

from __future__ import annotations

import gc
import weakref
from concurrent.futures import ThreadPoolExecutor

import pytest
from lxml import etree
from parsel import Selector
from scrapy.http import HtmlResponse

from csto_crawler.pages import page_root

URL = "http://127.0.0.1:8801/news/a/"
PAGES = {
    "utf-8": "<html><head><title>Тест</title></head><body><p>Привет, мир</p></body></html>".encode(),
    "invalid utf-8": b"<html><body><p>caf\xc3 \xff\xfe ok</p><p>\xd0\x9f\xd1\x80\xd0</p></body></html>",
    "nul bytes and blank edges": b"  \n<html><body><p>a\x00b</p></body></html>\n\x00 ",
    "bom": b"\xef\xbb\xbf<html><body><p>\xd0\x9e\xd0\x94\xd0\x9a\xd0\x91</p></body></html>",
    "windows-1251": "<html><body><p>ОДКБ</p></body></html>".encode("cp1251"),
    "empty": b"",
    "blank": b" \n\t ",
    "only a comment": b"<!-- nothing here -->",
    "windows-1251 comment": "<!-- ничего -->".encode("cp1251"),
}


def decoded_root(response: HtmlResponse) -> etree._Element:
    """What the page objects parsed before: the decoded text, as response.selector parses it."""
    return Selector(text=response.text, type="html").root


@pytest.mark.parametrize("name", PAGES)
def test_page_root_matches_the_tree_of_the_decoded_text(name: str) -> None:
    encoding = "cp1251" if name.startswith("windows-1251") else "utf-8"
    response = HtmlResponse(url=URL, body=PAGES[name], encoding=encoding)
    root = page_root(response)
    assert etree.tostring(root, encoding="unicode") == etree.tostring(decoded_root(response), encoding="unicode")


def test_page_root_keeps_no_reference_to_the_response() -> None:
    """The tree must not keep its response (and the response its tree) alive until the cyclic GC runs."""
    response = HtmlResponse(url=URL, body=PAGES["utf-8"], encoding="utf-8")
    root = page_root(response)
    gone = weakref.ref(response)
    gc.disable()
    try:
        del response
        assert gone() is None
    finally:
        gc.enable()
    assert root.findtext(".//p") == "Привет, мир"


def test_page_root_parses_in_several_threads_at_once() -> None:
    """One lxml parser per thread: a parser must not be used by two threads at the same time."""
    bodies = [f"<html><body><p>page {n}</p>{'<div>x</div>' * 2000}</body></html>".encode() for n in range(40)]

    def parse(n: int) -> str:
        return page_root(HtmlResponse(url=URL, body=bodies[n], encoding="utf-8")).findtext(".//p")

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(parse, range(40))) == [f"page {n}" for n in range(40)]
