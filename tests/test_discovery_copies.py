"""discovery/copies.py: the accessibility copies' prefix a page's panel names, and the books that learn it."""

from __future__ import annotations

import pytest
from lxml import html

from csto_crawler.discovery.canonical import canonical_url
from csto_crawler.discovery.copies import accessibility_prefix, copies_name
from csto_crawler.source_books import SourceBooks
from csto_crawler.sources.model import Source


def panel(href: str, label: str = "Версия для слабовидящих", title: str = "") -> html.HtmlElement:
    return html.fromstring(f"<html><body><div><a href='{href}' title='{title}'>{label}</a></div></body></html>")


@pytest.mark.parametrize(
    ("href", "page_url", "prefix"),
    [
        ("/eye/novosti/", "http://h/novosti/", "/eye/"),
        ("/eye/", "http://h/", "/eye/"),  # the home's copy
        ("/vi/be/naviny/", "http://h/be/naviny/", "/vi/"),
        ("http://h/eye/novosti/412-slug.html", "http://h/novosti/412-slug.html", "/eye/"),
        ("/novosti/?version=vision", "http://h/novosti/", None),  # a query toggle: the vocabulary's job
        ("http://special.h/novosti/", "http://h/novosti/", None),  # another host: never fetched anyway
        ("/eye/", "http://h/novosti/", None),  # not the same page under a prefix
        ("/a/b/c/novosti/", "http://h/novosti/", None),  # three segments are no prefix
    ],
)
def test_accessibility_prefix(href: str, page_url: str, prefix: str | None) -> None:
    assert accessibility_prefix(panel(href), page_url) == prefix


@pytest.mark.parametrize(
    ("label", "title"),
    [("Версія для слабавідушчых", ""), ("Version for the visually impaired", ""), ("", "Версия для слабовидящих")],
)
def test_accessibility_prefix_reads_labels_in_other_languages_and_titles(label: str, title: str) -> None:
    assert accessibility_prefix(panel("/eye/novosti/", label, title), "http://h/novosti/") == "/eye/"


def test_accessibility_prefix_ignores_links_of_other_labels() -> None:
    assert accessibility_prefix(panel("/be/novosti/", "Беларуская версія"), "http://h/novosti/") is None


def test_source_books_fold_copies_under_a_learned_prefix() -> None:
    book = SourceBooks(Source(name="rayon", home="http://h/"))
    copy = "http://h/eye/novosti/412-v-rayone-proshlo-sobytie.html"
    assert canonical_url(copy, book.source) == copy
    source = book.learn_copies(panel("/eye/novosti/"), "http://h/novosti/")
    assert source is book.source and source.variant_prefixes == ("/eye/",)
    assert canonical_url(copy, book.source) == "http://h/novosti/412-v-rayone-proshlo-sobytie.html"
    book.learn_copies(panel("/eye/"), "http://h/")
    assert book.source.variant_prefixes == ("/eye/",)  # learned once


RAW = "http://h/index.php?option=com_content&view=article&id=412:v-rayone-proshlo-sobytie-12&catid=9"
READABLE = "http://h/novosti/412-v-rayone-proshlo-sobytie-12.html"


def page_linking(*hrefs: str) -> html.HtmlElement:
    links = "".join(f"<a href='{href}'>x</a>" for href in hrefs)
    return html.fromstring(f"<html><body><h1>T</h1><p>Text.</p>{links}</body></html>")


@pytest.mark.parametrize(
    ("hrefs", "named"),
    [
        # its print and accessibility links name the readable URL; the panel's copy of the raw URL is its own
        ([f"{READABLE}?tmpl=component&print=1&layout=default", f"{RAW}&version=vision"], READABLE),
        ([f"{READABLE}?version=vision"], READABLE),
        (["/special/"], None),  # the home's copy: not this article's words
        ([f"{READABLE}?print=1", "/novosti/413-v-rayone-proshlo-sobytie-13.html?print=1"], None),  # two: unsure
        (["/novosti/413-v-rayone-proshlo-sobytie-13.html?print=1"], None),  # another article's words
        ([READABLE], None),  # a plain link to an article names no copy
    ],
)
def test_copies_name(hrefs: list[str], named: str | None) -> None:
    assert copies_name(page_linking(*hrefs), RAW, Source(name="rayon", home="http://h/")) == named
