"""Accessibility copies a site names itself: the panel's "version for the visually impaired" link
on a page, read as the path prefix under which the site serves a copy of every page.

District sites link the accessibility copy of the page a reader is on from a panel on every page
(``/eye/novosti/`` from ``/novosti/``); the word the prefix uses is the site's own, so a fixed
vocabulary (canonical.VARIANT_SEGMENTS) cannot know them all. Pure functions over lxml trees and URLs.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..htmltext import norm_ws

# A link to the accessibility version, by its text, title or aria-label (ru, be, en, kk, uk).
ACCESSIBILITY_LABEL_RE = re.compile(
    r"слабовидящ|слабавідушч|visually impaired|low vision|impaired vision|для людей с нарушени\w* зрения"
    r"|нашар\w* зрок\w*|нашарлыг\w* зрэння|көру қабілеті|зору|special version|версия для незрячих",
    re.I,
)
# A prefix is one or two path segments of letters, digits, "-" and "_": /eye, /special/ru is not one.
PREFIX_RE = re.compile(r"^(/[\w-]+){1,2}$")


def accessibility_prefix(root: etree._Element, page_url: str) -> str | None:
    """The path prefix (``/eye/``) under which the page's accessibility link serves the same page,
    or None when the page links no such copy, or links it by a query or on another host."""
    page = urlsplit(page_url)
    page_path = page.path or "/"
    for link in root.iter("a"):
        label = " ".join([norm_ws(" ".join(link.itertext())), link.get("title") or "", link.get("aria-label") or ""])
        if not ACCESSIBILITY_LABEL_RE.search(label):
            continue
        href: str = link.get("href") or ""
        target = urlsplit(urljoin(page_url, href.strip()))
        if target.netloc.lower() != page.netloc.lower() or target.query != page.query:
            continue
        if target.path.endswith(page_path) and len(target.path) > len(page_path):
            prefix: str = target.path[: len(target.path) - len(page_path)]
            if PREFIX_RE.match(prefix):
                return prefix + "/"
    return None
