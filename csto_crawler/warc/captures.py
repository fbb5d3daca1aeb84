"""WARC and ARC records as captures: the HTTP responses in them, and what each one is on our sites.

Any tool's files are read (wget, Heritrix, Browsertrix, the Wayback Machine's, Common Crawl's, our
own export) through ``warcio``, which also reads ARC files and undoes chunked transfer and
content encodings. Only ``response`` and ``revisit`` records carry captures; every other record
(``warcinfo``, ``request``, ``metadata``, ``resource``, ...) is passed over with its type named.

Files from elsewhere are untrusted. A record with a date or an HTTP status that cannot be read is
passed over, named, and the next one read; a payload is read up to the crawl's DOWNLOAD_MAXSIZE and
no further (the decoded bytes: a small gzip-bombed record never inflates past it), else passed over;
bytes after the last record that are not a record (garbage, a truncated tail) end the file with a
warning, keeping every capture read before them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException
from warcio.timeutils import iso_date_to_datetime

from ..items import FetchRecord
from ..urls import Sites, is_content_url, path_segments

logger = logging.getLogger(__name__)

# What warcio raises on bytes that are not a record (garbage after the last one, a cut-short file).
UNREADABLE = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError)
# The crawl's DOWNLOAD_MAXSIZE (settings.py): no capture's payload is read past it.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
READ_CHUNK = 1024 * 1024
# An HTTP status a capture can have (anything else is a damaged record).
STATUSES = range(100, 600)

# Sitemap files (Bitrix: sitemap.xml, sitemap_iblock_<n>.xml, sitemap_files.xml).
SITEMAP_RE = re.compile(r"/sitemap[^/]*\.xml$", re.I)
# Downloadable documents under /upload/ (the attachments an article links).
ATTACHMENT_RE = re.compile(r"^/upload/.+\.(docx?|pdf|xlsx?|pptx?|rtf|odt|zip|rar|7z)$", re.I)
# A capture the Wayback Machine serves raw (``id_``: the bytes as archived, no toolbar, no rewriting).
WAYBACK_RE = re.compile(r"^https?://web\.archive\.org/web/(\d{14})id_/(https?:)/*(.+)$", re.I)


class PageKind(StrEnum):
    """What a captured URL is on our sites, judged by the URL as a crawl would ask for it."""

    SITEMAP = "sitemap"
    LISTING = "listing"
    ARTICLE = "article"
    ATTACHMENT = "attachment"
    OTHER = "other"  # home page, static pages, assets, search, robots.txt ...


@dataclass
class Capture:
    """One HTTP response read from a WARC or ARC record (``body`` is None for an unresolved revisit)."""

    source: str  # the file's name
    offset: int  # the record's offset in the file
    record_id: str
    record_type: str  # response | revisit
    url: str  # WARC-Target-URI
    date: dt.datetime  # WARC-Date, aware UTC
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes | None
    refers_to: str | None = None  # a revisit's WARC-Refers-To
    payload_digest: str | None = None

    def fetch(self, kind: str, lang: str | None) -> FetchRecord:
        """The capture as the archive's fetch record, with its provenance."""
        return FetchRecord(
            self.url,
            self.url,
            self.status,
            self.headers,
            self.body or b"",
            self.date,
            kind,
            lang,
            source=self.source,
            warc_record_id=self.record_id,
        )


@dataclass
class Passed:
    """A record that holds no capture we can use, and why (a report counter)."""

    reason: str
    url: str = ""


def section_nodes(sections: list[str]) -> frozenset[str]:
    """Listing paths of the configured sections and of their parents (``news`` lists all news)."""
    nodes: set[str] = set()
    for section in sections:
        parts = [p for p in section.strip("/").split("/") if p]
        nodes.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return frozenset(nodes)


def classify(sites: Sites, url: str, nodes: frozenset[str]) -> tuple[PageKind, str | None]:
    """What ``url`` is, and its canonical form (for articles and listings), or OTHER."""
    path = urlsplit(url).path
    if SITEMAP_RE.search(path):
        return PageKind.SITEMAP, None
    if ATTACHMENT_RE.search(path):
        return PageKind.ATTACHMENT, None
    if not is_content_url(url):
        return PageKind.OTHER, None
    canonical = sites.canonicalize(url)
    segments = path_segments(canonical)
    if "/".join(segments) in nodes or "PAGEN_1=" in urlsplit(canonical).query:
        return PageKind.LISTING, canonical
    if len(segments) >= 2:
        return PageKind.ARTICLE, canonical
    return PageKind.OTHER, None


def capture_id(url: str, date: str, body: bytes) -> str:
    """A stable record ID for a record that has none (ARC): the same capture always gets the same."""
    digest = hashlib.sha256(f"{url}\n{date}\n".encode() + hashlib.sha256(body).digest()).hexdigest()
    return f"<urn:csto:capture:{digest}>"


class WarcRecords:
    """The records of one WARC/ARC file, in file order (``max_bytes``: no payload read past it).

    ``select(url)`` says how much of each response to take: ``"body"`` (headers and bytes), ``"head"``
    (headers only: the bytes are read later, from the record's offset) or ``"skip"``.
    """

    def __init__(self, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes

    def read(self, select: Callable[[str], str], offset: int | None = None) -> Iterator[Capture | Passed]:
        """Captures of the response and revisit records ``select`` takes (from ``offset``: that one
        record only); a Passed for every other record, and for what ends the file unread."""
        with self.path.open("rb") as fh:
            if offset is not None:
                fh.seek(offset)
            records = ArchiveIterator(fh, arc2warc=True)
            iterator = iter(records)
            while True:
                try:
                    record = next(iterator)
                except StopIteration:
                    return
                except UNREADABLE as exc:
                    logger.warning("%s: unreadable from here on, the rest of the file is left out: %s",
                                   self.path.name, _first_line(exc))  # fmt: skip
                    yield Passed("unreadable rest of a file")
                    return
                entry = self._capture(record, records, select)
                if offset is not None:  # the iterator counts from where it started
                    if isinstance(entry, Capture):
                        entry.offset = offset
                    yield entry
                    return
                yield entry

    def _capture(self, record: Any, records: Any, select: Callable[[str], str]) -> Capture | Passed:
        if record.rec_type not in ("response", "revisit"):
            return Passed(f"{record.rec_type} record")
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        if not url.startswith(("http://", "https://")) or record.http_headers is None:
            return Passed("not an HTTP response")
        date_text = record.rec_headers.get_header("WARC-Date") or ""
        try:
            date = capture_date(url, date_text)
        except ValueError:
            return Passed("bad WARC-Date", url)
        url = WAYBACK_RE.sub(r"\2//\3", url)  # the original URL of a capture the Wayback Machine serves
        taken = select(url)
        if taken == "skip":
            return Passed("unwanted", url)
        arc = record.format != "warc"
        status = http_status(record.http_headers.get_statuscode())
        if status is None:
            return Passed("bad HTTP status", url)
        headers: dict[str, str] = {}
        for name, value in record.http_headers.headers:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        body: bytes | None = None
        if record.rec_type == "response" and (taken == "body" or arc):
            try:
                body = read_capped(record.content_stream(), self.max_bytes)
            except Exception:  # noqa: BLE001  a body warcio cannot decode (unknown encoding, bad chunks)
                return Passed("undecodable body")
            if body is None:
                return Passed("payload over DOWNLOAD_MAXSIZE", url)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        if arc or not record_id:
            record_id = capture_id(url, date_text, body or b"")
        return Capture(
            self.path.name,
            records.get_record_offset(),
            record_id,
            record.rec_type,
            url,
            date,
            status,
            headers,
            body,
            record.rec_headers.get_header("WARC-Refers-To"),
            record.rec_headers.get_header("WARC-Payload-Digest"),
        )


def capture_date(url: str, warc_date: str) -> dt.datetime:
    """When a capture was made: the Wayback Machine's timestamp in its URL, else the WARC-Date (ValueError
    when neither reads as a date)."""
    wayback = WAYBACK_RE.match(url)
    if wayback:
        return dt.datetime.strptime(wayback.group(1), "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    if not warc_date:
        raise ValueError("no WARC-Date")
    try:
        parsed: dt.datetime = iso_date_to_datetime(warc_date)
    except (TypeError, IndexError) as exc:
        raise ValueError(f"bad WARC-Date {warc_date[:40]!r}") from exc
    return parsed.replace(tzinfo=dt.UTC)


def http_status(code: str | None) -> int | None:
    """The HTTP status of a captured status line, None when it is not one."""
    try:
        status = int(code or "")
    except ValueError:
        return None
    return status if status in STATUSES else None


def read_capped(stream: Any, limit: int) -> bytes | None:
    """The stream's bytes, or None when there are more than ``limit`` (read in chunks, never past it)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(min(READ_CHUNK, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return None
    return b"".join(chunks)


def _first_line(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return text[:200]


def sha256_of_digest(digest: str | None) -> str | None:
    """The hex sha256 a ``WARC-Payload-Digest`` names (hex or base32), or None for other algorithms."""
    if not digest:
        return None
    algorithm, _, value = digest.partition(":")
    if algorithm.lower().replace("-", "") != "sha256":
        return None
    if len(value) == 64:
        return value.lower()
    try:
        return base64.b32decode(value.upper()).hex()
    except ValueError:
        return None
