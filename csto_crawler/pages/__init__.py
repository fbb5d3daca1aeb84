"""Page objects: one module per kind of page, each turning a response into fields.

Shared here: how a page is parsed, and how a page object's CSS selectors are compiled.
"""

from __future__ import annotations

import codecs

from lxml import etree
from lxml.cssselect import CSSSelector
from parsel import Selector
from scrapy.http import TextResponse, XmlResponse
from scrapy.utils.response import get_base_url


def page_root(response: TextResponse) -> etree._Element:
    """The parsed page, as ``response.selector`` parses it, but without a reference to the response.

    Scrapy's selector points back at its response while the response caches it: a reference
    cycle, so every parsed page (its lxml tree included) stayed in memory until the cyclic
    garbage collector ran. In a fast crawl hundreds of pages waited, about 100 MB of peak RSS
    (benchmarks/README.md); this tree is freed as soon as the page object is.
    """
    kind = "xml" if isinstance(response, XmlResponse) else "html"
    base_url = get_base_url(response)
    if response.body and codecs.lookup(response.encoding).name == "utf-8":
        # UTF-8 bytes go to lxml as they are (parsel decodes them itself should any be invalid):
        # decoding the page and encoding it back cost a third as much as parsing it.
        selector = Selector(body=response.body, encoding="utf-8", type=kind, base_url=base_url)
    else:
        selector = Selector(text=response.text, type=kind, base_url=base_url)
    root: etree._Element = selector.root
    return root


def compiled_css(css: str) -> CSSSelector:
    """A page object's selector, compiled once at import: parsel (and element.cssselect) translate
    CSS to XPath again on every call and wrap every result anew, which was a third of a page's cost."""
    return CSSSelector(css, translator="html")
