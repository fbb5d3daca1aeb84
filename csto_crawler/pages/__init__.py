"""Page objects: one module per kind of page, each turning a response into fields.

Shared here: how a page is parsed, and how a page object's CSS selectors are compiled.
"""

from __future__ import annotations

import codecs
import threading

from lxml import etree, html
from lxml.cssselect import CSSSelector

from .source import PageResponse, base_url

EMPTY_PAGE = b"<html/>"
# lxml's report of bytes the declared encoding cannot decode.
ENCODING_ERRORS = frozenset({etree.ErrorTypes.ERR_INVALID_CHAR, etree.ErrorTypes.ERR_INVALID_ENCODING})
_PARSERS = threading.local()
# lxml.html's element classes chosen in C: its own lookup is a Python method called for every
# element Python touches (a fifth of a million calls over the Zyte benchmark's 181 pages, 6 % of
# their reading) only to give forms, inputs and labels their own classes, which no reader uses.
HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity
)


def page_root(response: PageResponse) -> etree._Element:
    """The parsed page, as ``response.selector`` parses it, but without a reference to the response.

    Scrapy's selector points back at its response while the response caches it: a reference
    cycle, so every parsed page (its lxml tree included) stayed in memory until the cyclic
    garbage collector ran. In a fast crawl hundreds of pages waited, about 100 MB of peak RSS
    (benchmarks/README.md); this tree is freed as soon as the page object is.
    """
    url = base_url(response)
    if response.body and codecs.lookup(response.encoding).name == "utf-8":
        # UTF-8 bytes go to lxml as they are: decoding the page and encoding it back cost a third
        # as much as parsing it.
        return _parse_html(response.body.replace(b"\x00", b"").strip() or EMPTY_PAGE, url, response.encoding)
    return _parse_html(response.text.strip().replace("\x00", "").encode("utf-8") or EMPTY_PAGE, url)


def _parse_html(data: bytes, base_url: str, encoding: str = "utf-8") -> etree._Element:
    """parsel's HTML parsing (lxml.html, recovering, huge trees; NULs and blank edges dropped by
    the caller), with one parser per thread instead of one per page, and no ID index (nothing
    looks elements up by ID): together a sixth of the parse. Invalid UTF-8 is decoded with
    replacement characters and parsed again, as parsel does."""
    parser = _html_parser()
    root: etree._Element | None = None
    try:
        root = etree.fromstring(data, parser=parser, base_url=base_url)
    except etree.XMLSyntaxError:
        if not _encoding_error(parser):
            raise
    if _encoding_error(parser):
        text = data.decode(encoding, errors="replace").strip().replace("\x00", "")
        return _parse_html(text.encode("utf-8") or EMPTY_PAGE, base_url)
    if root is None:  # nothing but a comment, say
        root = etree.fromstring(EMPTY_PAGE, parser=parser, base_url=base_url)
    return root


def _html_parser() -> html.HTMLParser:
    """This thread's parser: lxml parsers may be reused, but not by two threads at once."""
    parser: html.HTMLParser | None = getattr(_PARSERS, "html", None)
    if parser is None:
        parser = html.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, collect_ids=False)
        parser.set_element_class_lookup(HTML_CLASSES)
        _PARSERS.html = parser
    return parser


def _encoding_error(parser: html.HTMLParser) -> bool:
    return any(error.type in ENCODING_ERRORS for error in parser.error_log)


def search_scope(blocks: list[etree._Element], root: etree._Element) -> etree._Element:
    """Where to look for a block's parts: inside the block when the page has exactly one, else the
    whole page.

    libxml2 tests a class selector against every element of the page (menus, sidebar, footer); the
    article component, the list of items and the pager are small parts of it. The selectors still
    name the block, so inside it they find what they would find on the whole page.
    """
    return blocks[0] if len(blocks) == 1 else root


def compiled_css(css: str) -> CSSSelector:
    """A page object's selector, compiled once at import: parsel (and element.cssselect) translate
    CSS to XPath again on every call and wrap every result anew, which was a third of a page's cost."""
    return CSSSelector(css, translator="html")


def common_ancestor(elements: list[etree._Element]) -> etree._Element:
    """The deepest element that is or contains every one of ``elements`` (all from one tree)."""
    paths = [[*reversed(list(element.iterancestors())), element] for element in elements]
    common = paths[0][0]
    for level in zip(*paths, strict=False):
        if any(node is not level[0] for node in level):
            break
        common = level[0]
    return common
