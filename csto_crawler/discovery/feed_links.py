"""Feed autodiscovery: the feeds a page declares (``<link rel=alternate type=application/rss+xml>``)
and the feed links it shows (an "RSS" link, ``/rss.xml``, ``/feed/``), declared ones first."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..htmltext import norm_ws

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"})
# Paths of feeds that pages link without declaring: /ru/rss.xml, /feed/, /rss/, /atom.xml, /index.rss
FEED_PATH_RE = re.compile(r"(?:^|/)(?:rss|atom|feed|feeds)(?:\.xml|\.rss)?/?$|\.(?:rss|atom)$", re.I)
FEED_LABELS = frozenset({"rss", "rss feed", "rss-лента", "rss лента", "лента rss", "atom"})


def find_feed_links(root: etree._Element, page_url: str) -> list[str]:
    """Absolute feed URLs of a page, declared in its head first, then linked in its body."""
    found: list[str] = []
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and link.get("href"):
            _add(found, urljoin(page_url, link.get("href", "").strip()))
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        url = urljoin(page_url, href)
        label = norm_ws(" ".join(anchor.itertext())).lower()
        if FEED_PATH_RE.search(urlsplit(url).path) or label in FEED_LABELS:
            _add(found, url)
    return found


def _add(found: list[str], url: str) -> None:
    if urlsplit(url).scheme in ("http", "https") and url not in found:
        found.append(url.split("#", 1)[0])
