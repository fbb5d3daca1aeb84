"""The captures an import carries between its passes: records noted in the first, jobs for the writer,
and the hints the listings give of an article page before a worker reads it."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..pages.anchored import Hints
from .captures import Capture, PageKind
from .page_reading import Work

# What the listings last showed of an article at the capture's date: the sighting under way then
# (or the latest before it), else the earliest; the sitemap's lastmod.
HINTS_SQL = (
    "SELECT listed_title, listed_date_raw, listed_lead FROM listing_sightings WHERE article_url = :url"
    " ORDER BY first_seen_at <= :at DESC, CASE WHEN first_seen_at <= :at THEN last_seen_at END DESC,"
    " first_seen_at LIMIT 1"
)


@dataclass(slots=True)
class PageRef:
    """An article or attachment record met in the first pass: where it is, and what its headers said.

    Its bytes are read in the second pass, by a worker process for article pages.
    """

    path: Path
    offset: int
    record_id: str
    record_type: str  # response | revisit
    url: str  # the captured URL
    kind: PageKind
    canonical: str | None
    status: int
    date: dt.datetime


@dataclass
class Job:
    """A capture on its way into the archive (``capture`` None: a worker reads it)."""

    path: Path  # the file it came from
    kind: PageKind
    lang: str
    url: str  # canonical for articles and listings, the captured URL otherwise
    capture: Capture | None
    work: Work | None = None


def listing_hints(connection: sqlite3.Connection, url: str, at: dt.datetime) -> Hints:
    """What the listings showed of the article around the capture's date, and the sitemap's lastmod."""
    listed = connection.execute(HINTS_SQL, {"url": url, "at": at.isoformat()}).fetchone()
    title, date_raw, lead = listed if listed else (None, "", None)
    if not date_raw:
        dated = connection.execute(
            "SELECT listed_date_raw FROM listing_sightings WHERE article_url = ? AND listed_date_raw != ''"
            " ORDER BY last_seen_at DESC LIMIT 1",
            (url,),
        ).fetchone()
        date_raw = dated[0] if dated else ""
    lastmod = connection.execute("SELECT lastmod FROM sitemap_entries WHERE url = ?", (url,)).fetchone()
    return Hints(title or None, date_raw or "", lead or None, None, lastmod[0] if lastmod else None)
