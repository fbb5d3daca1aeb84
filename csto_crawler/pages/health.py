"""Soft errors: a 200 response that is not really the page (maintenance, captcha, cut short, empty).

Such a response must count as a failure and be retried later; archived, it would replace a good
version of the article with garbage.
"""

from __future__ import annotations

import re

# Phrases of maintenance and overload pages, Bitrix's own included ("Сайт находится на реконструкции").
MAINTENANCE_RE = re.compile(
    r"технически[ех] работ|сайт (?:временно )?недоступен|на реконструкции|ведутся работы"
    r"|under maintenance|maintenance mode|temporarily unavailable|service unavailable",
    re.I,
)
# Bot checks that stand in for the page.
CAPTCHA_RE = re.compile(r"captcha|вы не робот|are you a robot|подтвердите, что вы", re.I)
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
