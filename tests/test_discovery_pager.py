"""Ways on from a listing page: rel=next, numbered pagers by URL arithmetic, "next" and "Load more"
labels (en, ru), JSON URLs behind buttons; only in scope, each once, never the page itself."""

from __future__ import annotations

import pytest
from lxml import html

from csto_crawler.discovery.pager import PageKind, find_next_pages, page_number_slot, read_numbered_pager


def pages(body: str, url: str) -> list[tuple[str, PageKind]]:
    root = html.fromstring(body)
    return [(p.url, p.kind) for p in find_next_pages(root, url, lambda u: u.startswith("https://h.example/"))]


@pytest.mark.parametrize(
    ("body", "url", "current", "last", "next_url"),
    [
        (  # Bitrix: page 1 is the bare URL, the current page a span
            '<div><a href="/news/">1</a> <span>2</span> <a href="/news/?PAGEN_1=3">3</a>'
            ' <a href="/news/?PAGEN_1=9">9</a></div>',
            "https://h.example/news/?PAGEN_1=2",
            2,
            9,
            "https://h.example/news/?PAGEN_1=3",
        ),
        (  # WordPress-style paths, on page 1
            '<nav><b>1</b><a href="/ru/novosti/page/2/">2</a><a href="/ru/novosti/page/3/">3</a></nav>',
            "https://h.example/ru/novosti/",
            1,
            3,
            "https://h.example/ru/novosti/page/2/",
        ),
        (  # on the last page: no next
            '<p><a href="?page=1&amp;tag=odkb">1</a> <a href="?page=2&amp;tag=odkb">2</a> 3</p>',
            "https://h.example/ru/tag/?tag=odkb&page=3",
            3,
            3,
            None,
        ),
    ],
)
def test_read_numbered_pager(body: str, url: str, current: int, last: int, next_url: str | None) -> None:
    pager = read_numbered_pager(html.fromstring(body), url)
    assert pager is not None and (pager.current, pager.last, pager.next_url) == (current, last, next_url)


def test_numbers_that_are_not_a_pager() -> None:
    body = (
        '<ul><li><a href="/ru/news/top-10-sobytiy-nedeli-odkb-123456">10</a></li>'
        '<li><a href="/ru/tag/2024/">2024</a></li></ul>'
    )
    assert read_numbered_pager(html.fromstring(body), "https://h.example/ru/news/") is None


def test_page_number_slot() -> None:
    assert page_number_slot("https://h.example/a/?page=4&x=1", 4, "https://h.example/a/?x=1") == "q:page"
    assert page_number_slot("https://h.example/a/?page=4&x=2", 4, "https://h.example/a/?x=1") is None
    assert page_number_slot("https://other.example/a/?page=4", 4, "https://h.example/a/") is None
    assert page_number_slot("https://h.example/a/page/4/", 4, "https://h.example/a/page/3/") == "p:3"


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (
            '<head><link rel="next" href="/ru/news/?page=2"></head>',
            [("https://h.example/ru/news/?page=2", PageKind.REL_NEXT)],
        ),
        ('<a href="/ru/news/?p=2">Следующая →</a>', [("https://h.example/ru/news/?p=2", PageKind.NEXT_LABEL)]),
        (
            '<a href="/en/news/?start=20">Older posts »</a>',
            [("https://h.example/en/news/?start=20", PageKind.NEXT_LABEL)],
        ),
        ('<a href="/en/news/?start=20">›</a>', [("https://h.example/en/news/?start=20", PageKind.NEXT_LABEL)]),
        ('<a href="?page=2">Показать ещё</a>', [("https://h.example/ru/news/?page=2", PageKind.LOAD_MORE)]),
        (
            '<a class="x" href="?page=2" data-api="/api/news?lang=ru&amp;page=2">Load more</a>',
            [
                ("https://h.example/ru/news/?page=2", PageKind.LOAD_MORE),
                ("https://h.example/api/news?lang=ru&page=2", PageKind.API),
            ],
        ),
        (
            '<button data-next-url="https://h.example/ajax/list/2" data-count="20">Загрузить еще</button>',
            [("https://h.example/ajax/list/2", PageKind.API)],
        ),
        ('<a href="#" onclick="more()">Load more</a>', []),  # nothing to follow
        ('<a href="https://elsewhere.example/ru/news/?page=2">Next</a>', []),  # out of scope
        ('<a href="/ru/news/">Next</a>', []),  # the page itself
        ('<a href="/ru/news/item-1/">Read more</a>', []),  # under a lead, not the way on
    ],
)
def test_find_next_pages(body: str, found: list[tuple[str, PageKind]]) -> None:
    assert pages(f"<html>{body}</html>", "https://h.example/ru/news/") == found


def test_each_url_once_best_kind_first() -> None:
    body = (
        '<html><head><link rel="next" href="/n/?page=2"></head><a href="/n/?page=2">2</a>'
        '<a href="/n/?page=2&amp;utm_source=x">Next</a></html>'
    )
    assert pages(body, "https://h.example/n/") == [("https://h.example/n/?page=2", PageKind.REL_NEXT)]
