"""One captured listing or article page read as a crawl would read it, in a worker process.

The import's process pool runs ``read_page``: an article page's record is read from its file
there, extracted, cleaned and checked by the crawl's own rules (``extraction``, ``cleaning``,
``quality``), and its snapshot compressed for the blob store, so this process only writes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import blobs
from ..extraction import ListingReading, extract_listing, read_stored_article, stored_response
from ..items import ArticleItem, FetchRecord
from ..outcomes import Doubt, ReadingMethod
from ..pages.anchored import Hints
from ..pages.health import page_problem
from .captures import DEFAULT_MAX_BYTES, Capture, PageKind, Passed, WarcRecords


@dataclass
class Work:
    """One page for a worker process to read (picklable): a listing (its capture's fetch given), or an
    article (its record read by the worker, from ``ref``)."""

    kind: PageKind
    fetch: FetchRecord | None
    ref: tuple[Path, int] | None
    url: str  # canonical
    lang: str
    hints: Hints | None
    timezone: str
    max_bytes: int = DEFAULT_MAX_BYTES  # the crawl's DOWNLOAD_MAXSIZE: no payload read past it


@dataclass
class PageReading:
    """What a worker made of a page: an article (maybe doubtful), or a listing, or why neither; and
    for a record it read, the capture (with its snapshot already compressed for the blob store)."""

    item: ArticleItem | None = None
    doubts: list[Doubt] = field(default_factory=list)
    method: ReadingMethod = ReadingMethod.NONE
    problem: str | None = None  # not the page (maintenance, captcha, cut short, not HTML)
    listing: ListingReading | None = None
    fetch: FetchRecord | None = None


def read_page(work: Work) -> PageReading:
    """Read one listing or article page as a crawl would (runs in a worker process).

    An article page's record is read here, from its file, and its snapshot compressed for the blob
    store; the article comes back without the page bytes (the reading's fetch has them, once).
    """
    fetch = work.fetch or _read_record(work)
    if fetch is None:
        return PageReading(problem="the record cannot be read (bad date or status, or over DOWNLOAD_MAXSIZE)")
    reading = _read(work, fetch)
    if work.fetch is None:
        fetch.encoded = blobs.encode(fetch.body)
        fetch.sha256  # noqa: B018  computed here, in the worker
        reading.fetch = fetch
    return reading


def _read_record(work: Work) -> FetchRecord | None:
    """The capture at the work's offset (None: the record was passed over, see captures.py)."""
    if work.ref is None:
        raise ValueError("a page to read needs its capture or its record")
    path, offset = work.ref
    for entry in WarcRecords(path, work.max_bytes).read(lambda _url: "body", offset):
        if isinstance(entry, Passed):
            return None
        if isinstance(entry, Capture) and entry.body is not None:
            return entry.fetch(work.kind.value, work.lang)
    raise ValueError(f"no response record at {path}:{offset}")


def _read(work: Work, fetch: FetchRecord) -> PageReading:
    if work.kind is PageKind.LISTING:
        response = stored_response(fetch)
        problem = page_problem(response, "listing")
        if problem is not None:
            return PageReading(problem=problem)
        listing = extract_listing(fetch.body, fetch.final_url, response.encoding)
        return PageReading(method=listing.method, problem=listing.problem, listing=listing)
    reading = read_stored_article(fetch, work.url, work.lang, work.hints, work.timezone)
    item = reading.item
    if item is None:
        if not reading.readable:
            return PageReading(problem=reading.problem)
        return PageReading(doubts=[Doubt.UNREADABLE], listing=_as_listing(fetch))
    item.fetch = dataclasses.replace(fetch, body=b"", encoded=None)
    fallback = _as_listing(fetch) if reading.doubts else None
    return PageReading(item, reading.doubts, reading.method, listing=fallback)


def _as_listing(fetch: FetchRecord) -> ListingReading | None:
    """The page read as a listing (a subsection's listing sits where articles do), if it is one."""
    listing = extract_listing(fetch.body, fetch.final_url, stored_response(fetch).encoding)
    return listing if listing.problem is None and listing.items else None
