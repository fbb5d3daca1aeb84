"""Soft errors: a 200 response that is not really the page (maintenance, captcha, cut short, empty).

Such a response must count as a failure and be retried later; archived, it would replace a good
version of the article with garbage. What this module judges is the response's shape (type, size,
completeness). A notice in the site's normal layout reads as an article and is caught by what it does
(stand_ins.py, quality.py), in any wording: the phrase lists here only name a page that does not read
as an article at all ("maintenance page" rather than "not an article page"), and add one signal
among others (``Doubt.MAINTENANCE``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .source import PageSource

if TYPE_CHECKING:
    from scrapy.http import Response

# Phrases of maintenance and overload pages, Bitrix's own included ("Сайт находится на реконструкции"):
# a name for the failure and an extra signal; what keeps a notice out of the archive is what the page does.
MAINTENANCE_RE = re.compile(
    r"технически[ех] работ|сайт (?:временно )?недоступен|на реконструкции|ведутся работы"
    r"|under maintenance|maintenance mode|temporarily unavailable|service unavailable",
    re.I,
)
# Bot checks that stand in for the page.
CAPTCHA_RE = re.compile(r"captcha|вы не робот|are you a robot|подтвердите, что вы", re.I)
# Content types an article or listing page may be served with.
HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# The end of a complete HTML document; a body cut short by the server lacks it.
DOCUMENT_END_RE = re.compile(rb"</html\s*>", re.I)
# How far from the end the closing tag may sit (trailing scripts or whitespace after it).
TAIL_BYTES = 4096
# A page this small is an error template, not a 30-70 KB CSTO page.
MIN_PAGE_BYTES = 512


def truncation(body: bytes) -> str | None:
    """Why a 200 body cannot be a whole page (cut short, or an error stub), or None."""
    if len(body) < MIN_PAGE_BYTES:
        return f"suspiciously small page ({len(body)} bytes)"
    if not DOCUMENT_END_RE.search(body[-TAIL_BYTES:]):
        return "truncated document (no closing </html>)"
    return None


def missing_content_reason(text: str, expected: str) -> str:
    """Why a page lacks the component it should have (``expected``: 'article' or 'listing')."""
    head = text[:20_000]
    if MAINTENANCE_RE.search(head):
        return "maintenance page"
    if CAPTCHA_RE.search(head):
        return "captcha page"
    return f"not an {expected} page" if expected[0] in "aeiou" else f"not a {expected} page"


def page_problem(response: Response | PageSource, expected: str) -> str | None:
    """Why a 200 response for an article or listing URL cannot be used, before parsing it.

    The declared type counts, not only Scrapy's response class: for a type it has no class for
    (application/pdf, application/octet-stream) Scrapy sniffs the body and makes HTML-looking bytes
    an HtmlResponse anyway. A ``PageSource`` is an HTML page read outside Scrapy.
    """
    if isinstance(response, PageSource):
        content_type, is_text = response.header("content-type"), True
    else:
        from scrapy.http import TextResponse  # a crawl's response: Scrapy is loaded already

        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        is_text = isinstance(response, TextResponse)
    declared = content_type.split(";", 1)[0].strip().lower()
    if not is_text or (declared and declared not in HTML_CONTENT_TYPES):
        return f"not HTML ({content_type or 'no content type'}) where an {expected} was expected"
    return truncation(response.body)
