"""A page's bytes as the readers see them: URL, status, headers, encoding, text, links joined.

The crawl and every reading outside it (``csto extract``, ``reextract``, ``warc import``) hand the
page objects a ``PageSource``. It decodes bytes exactly as Scrapy's ``HtmlResponse`` does (the same
w3lib calls, in the same order), so readings do not change, but it does not import Scrapy, whose
import (Twisted, TLS, the reactor) was half of ``csto extract``'s start-up. The page objects take
anything with these attributes (``PageResponse``): a Scrapy ``HtmlResponse`` still reads the same.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urljoin

from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)
from w3lib.html import get_base_url

# Scrapy's TextResponse: a body that declares nothing and decodes as ASCII is ASCII.
DEFAULT_ENCODING = "ascii"
# Content types Scrapy makes an HtmlResponse of (scrapy.responsetypes.ResponseTypes.CLASSES).
HTML_MIMETYPES = frozenset({"text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml"})
# How much of the text Scrapy looks at for a <base href> (scrapy.utils.response.get_base_url).
BASE_HREF_CHARS = 4096


class PageResponse(Protocol):
    """What the page objects read of a page (a ``PageSource``, or a Scrapy ``TextResponse``)."""

    @property
    def url(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def body(self) -> bytes: ...
    @property
    def encoding(self) -> str: ...
    @property
    def text(self) -> str: ...
    def urljoin(self, url: str) -> str: ...


class PageSource:
    """A fetched HTML page (``headers``: names in lower case); ``encoding`` as given, else the
    one Scrapy's HtmlResponse would infer: BOM, Content-Type, the page's own declaration, then a
    guess from the bytes."""

    def __init__(
        self,
        url: str,
        body: bytes,
        encoding: str | None = None,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.url = url
        self.body = body
        self.status = status
        self.headers = {key.lower(): value for key, value in (headers or {}).items()}
        self._encoding = encoding

    def header(self, name: str) -> str:
        """A response header's value ('' when it was not sent)."""
        return self.headers.get(name.lower(), "")

    @functools.cached_property
    def encoding(self) -> str:
        return (
            self._encoding
            or read_bom(self.body)[0]
            or http_content_type_encoding(self.header("content-type"))
            or html_body_declared_encoding(self.body)
            or self._inferred_encoding
        )

    @functools.cached_property
    def _inferred(self) -> tuple[str, str]:
        return html_to_unicode(
            self.header("content-type"), self.body, auto_detect_fun=_auto_detect, default_encoding=DEFAULT_ENCODING
        )

    @property
    def _inferred_encoding(self) -> str:
        return self._inferred[0]

    @functools.cached_property
    def text(self) -> str:
        """The body decoded (Scrapy's ``TextResponse.text``)."""
        encoding = self.encoding
        if "_inferred" in self.__dict__ and self._inferred[0] == encoding:
            return self._inferred[1]
        return html_to_unicode(f"charset={encoding}", self.body)[1]

    @functools.cached_property
    def base_url(self) -> str:
        """The URL links are relative to: a ``<base href>`` near the top, else the page's URL."""
        return get_base_url(self.text[:BASE_HREF_CHARS], self.url, self.encoding)

    def urljoin(self, url: str) -> str:
        return urljoin(self.base_url, url)


def base_url(response: PageResponse) -> str:
    """The URL a page's links are relative to (remembered by a ``PageSource``)."""
    if isinstance(response, PageSource):
        return response.base_url
    return get_base_url(response.text[:BASE_HREF_CHARS], response.url, response.encoding)


def _auto_detect(data: bytes) -> str | None:
    """Scrapy's guess for bytes that declare no encoding: ASCII, UTF-8, else charset_normalizer's."""
    for encoding in (DEFAULT_ENCODING, "utf-8"):
        try:
            data.decode(encoding)
        except UnicodeError:
            continue
        return resolve_encoding(encoding)
    from charset_normalizer import from_bytes  # only a page that declares nothing needs it

    match = from_bytes(data).best()
    return resolve_encoding(match.encoding) if match else None
