"""RSS 2.0, RSS 1.0 and Atom feeds -> article URLs with their titles and dates, through feedparser.

feedparser (docs/decisions/0010-discovery.md says why over fastfeedparser) is given the bytes as a
stream, never a string (a string that looks like a URL it would fetch), and the feed's own URL as
the base of relative links (Atom's ``xml:base`` is honoured too). Dates keep the offset the feed
wrote (``Fri, 13 Feb 2026 17:01:00 +0500``): the raw string and an aware datetime, never UTC only.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import feedparser

logger = logging.getLogger(__name__)


class FeedError(ValueError):
    """A body that is not a feed (an HTML page, an empty or unreadable file)."""


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: the article it links to and what the feed says of it."""

    url: str
    title: str | None
    published_raw: str | None
    updated_raw: str | None
    author: str | None
    summary: str | None
    categories: tuple[str, ...]

    @property
    def published_at(self) -> dt.datetime | None:
        return parse_feed_date(self.published_raw)


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its entries in feed order and, for paged feeds (RFC 5005), the next page."""

    title: str | None
    entries: tuple[FeedEntry, ...]
    next_url: str | None
    is_well_formed: bool  # False: read by feedparser's lenient parser (a broken or truncated file)


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Feed:
    """The feed in ``body`` fetched from ``url``; raises FeedError when it is not one."""
    headers = {"content-location": url, "content-type": _xml_content_type(content_type)}
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    version = parsed.get("version") or ""
    if not version:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not a feed: {url}" + (f" ({problem})" if problem else ""))
    if parsed.get("bozo"):
        logger.debug("feed %s read leniently: %s", url, parsed.get("bozo_exception"))
    entries = tuple(entry for entry in (_entry(raw, url) for raw in parsed.entries) if entry is not None)
    return Feed(_text(parsed.feed.get("title")), entries, _next_link(parsed.feed, url), not parsed.get("bozo"))


def _xml_content_type(content_type: str | None) -> str:
    """The body decides whether it is a feed, not the server's label (feeds served as text/html
    are common); only the header's charset is passed on."""
    charset = next((p.strip() for p in (content_type or "").split(";") if p.strip().lower().startswith("charset=")), "")
    return f"application/xml; {charset}" if charset else "application/xml"


def _entry(raw: Any, feed_url: str) -> FeedEntry | None:
    link = raw.get("link") or (raw.get("id") if raw.get("guidislink") else None)
    if not link or not str(link).strip().lower().startswith(("http://", "https://", "/")):
        return None
    if "#" in str(link):  # a link into a page: a comment feed's item (WordPress's post/#comment-7)
        return None
    return FeedEntry(
        url=urljoin(feed_url, str(link).strip()),
        title=_text(raw.get("title")),
        # dict.get: feedparser's own get() maps a missing "updated" to "published" (with a warning)
        published_raw=_text(dict.get(raw, "published")),
        updated_raw=_text(dict.get(raw, "updated")),
        author=_text(raw.get("author")),
        summary=_text(raw.get("summary")),
        categories=tuple(t for t in (_text(tag.get("term")) for tag in raw.get("tags", [])) if t),
    )


def _next_link(feed: Any, feed_url: str) -> str | None:
    for link in feed.get("links", []):
        if link.get("rel") == "next" and link.get("href"):
            return urljoin(feed_url, str(link["href"]))
    return None


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def parse_feed_date(raw: str | None) -> dt.datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom) with the offset as written; None when there is none or
    it cannot be read (a date without an offset is not guessed into one)."""
    if not raw:
        return None
    try:
        value = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        try:
            value = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return value if value.tzinfo is not None else None
