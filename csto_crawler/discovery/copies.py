"""What a page's links to copies of itself say: the panel's "version for the visually impaired"
link, read as the path prefix under which the site serves a copy of every page; and the print and
accessibility links of an article page, read as the article's URL when the page declares none.

District sites link the accessibility copy of the page a reader is on from a panel on every page
(``/eye/novosti/`` from ``/novosti/``); the word the prefix uses is the site's own, so a fixed
vocabulary (canonical.VARIANT_SEGMENTS) cannot know them all. Pure functions over lxml trees and URLs.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from ..htmltext import norm_ws
from ..sources.model import Source
from .canonical import canonical_url, variant_copy
from .urlshape import FILE_EXT_RE

# A link to the accessibility version, by its text, title or aria-label (ru, be, en, kk, uk).
ACCESSIBILITY_LABEL_RE = re.compile(
    r"слабовидящ|слабавідушч|visually impaired|low vision|impaired vision|для людей с нарушени\w* зрения"
    r"|нашар\w* зрок\w*|нашарлыг\w* зрэння|көру қабілеті|зору|special version|версия для незрячих",
    re.I,
)
# A prefix is one or two path segments of letters, digits, "-" and "_": /eye, /special/ru is not one.
PREFIX_RE = re.compile(r"^(/[\w-]+){1,2}$")
URL_WORD_RE = re.compile(r"[^\W_]+")
# The item a copy link names is words enough to tell one article (412-v-rayone-proshlo-sobytie-12).
MIN_ITEM_WORDS = 3


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


def copies_name(root: etree._Element, page_url: str, source: Source) -> str | None:
    """The article URL the page's links to its own print or accessibility copies name, when they
    name one URL other than the page's, and every word of that URL's last segment stands in the
    page's URL: a CMS's raw form of an article (``/index.php?option=…&id=412:v-rayone-…``) that links
    its print copy at its readable URL (``/novosti/412-v-rayone-….html?tmpl=component&print=1``)
    and declares no canonical (tests/joomla_site.py). Links to copies of other pages (a home's,
    a related article's) name other words, or more than one URL: None."""
    own = canonical_url(page_url, source)
    named: set[str] = set()
    for link in root.iter("a"):
        href: str = link.get("href") or ""
        url = urljoin(page_url, href.strip())
        copy = variant_copy(url, source) if href and source.owns(url) else None
        if copy is not None and canonical_url(copy.article_url, source) != own:
            named.add(canonical_url(copy.article_url, source))
    if len(named) != 1:
        return None
    (target,) = named
    segments = [s for s in urlsplit(target).path.split("/") if s]
    item = set(URL_WORD_RE.findall(FILE_EXT_RE.sub("", unquote(segments[-1]).lower()))) if segments else set()
    page_words = set(URL_WORD_RE.findall(unquote(page_url).lower()))
    return target if len(item) >= MIN_ITEM_WORDS and item <= page_words else None
