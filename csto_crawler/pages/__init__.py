"""Page objects: one module per kind of page, each turning a response into fields."""

from __future__ import annotations

from parsel import Selector
from scrapy.http import TextResponse, XmlResponse
from scrapy.utils.response import get_base_url


def page_selector(response: TextResponse) -> Selector:
    """The parsed page, as ``response.selector`` parses it, but without a reference to the response.

    Scrapy's selector points back at its response while the response caches it: a reference
    cycle, so every parsed page (its lxml tree included) stayed in memory until the cyclic
    garbage collector ran. In a fast crawl hundreds of pages waited, about 100 MB of peak RSS
    (benchmarks/README.md); this one is freed as soon as the page object is.
    """
    kind = "xml" if isinstance(response, XmlResponse) else "html"
    return Selector(text=response.text, type=kind, base_url=get_base_url(response))
