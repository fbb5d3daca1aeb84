"""``csto extract``: any saved page, or every HTML page of a WARC file, read as the crawl reads it.

The reading is ``extraction.extract_page``: site rules, the anchored reading, the generic reader,
then the date and boilerplate cleaning and the quality checks. Data goes to stdout (JSON), one line
per page or record that cannot be read to stderr; the exit code says whether any could not.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import os
import sys
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import click
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

from ..extraction import PageError, extract_page
from ..outcomes import ExitCode
from ..pages.generic_text import preload_main_text_finder
from .errors import ArchiveInt
from .terminal import TerminalProgress

Reading = tuple[dict[str, Any] | None, str | None]  # the page's fields, or why there are none
# Pages handed to each worker process ahead of the one being printed.
WINDOW_PER_WORKER = 8
# What a WARC (or ARC) file starts with, once any gzip member is undone.
WARC_MAGIC = (b"WARC/", b"filedesc://")
GZIP_MAGIC = b"\x1f\x8b"
# Enough of a gzipped file for zlib to give back the first record's opening bytes.
PEEK_BYTES = 8192


@dataclass
class Page:
    """One page to read: its bytes and URL, or why its record could not be read."""

    url: str
    body: bytes = b""
    headers: dict[str, str] | None = None
    fetched_at: Any = None
    problem: str | None = None
    status: int = 200


@click.command()
@click.argument("source", type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@click.option("--url", help="The page's URL (links, section, a date in the path). Default: the file's file:// URI.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "jsonl"]),
    help="json: indented objects (default for a page); jsonl: one object per line (default for a WARC).",
)
@click.option(
    "--workers",
    type=ArchiveInt(1, 64),
    default=os.cpu_count() or 1,
    show_default="CPU count",
    help="Processes reading the pages of a WARC file.",
)
def extract(source: str, url: str | None, output_format: str | None, workers: int) -> None:
    """Read one saved page, or every HTML response of a WARC file, as the crawl reads an article.

    Prints the export's article fields as JSON: url, title, subtitle, author, published (with its
    raw string and source), body_text, signature, attachments, images, lang, method (named,
    anchored, generic: which reader answered) and doubts (why a crawl would hold the page back).
    SOURCE is an .html file, a .warc/.warc.gz/.arc.gz file (recognised by its bytes), or - for
    stdin. Pages or records that cannot be read (not HTML, empty, a broken record) get one line
    on stderr, the others are still printed, and the exit code is 4. The pages of a WARC are read
    by --workers processes (default: one per CPU) and printed in file order.

    \b
    Example:
      csto extract page.html --url https://en.odkb-csto.org/news/news_odkb/some-article/
      curl -s https://example.org/story | csto extract - --url https://example.org/story
      csto extract captures.warc.gz --format jsonl > articles.jsonl
    """
    with _open_source(source) as stream:
        is_warc = _is_warc(stream.peek(PEEK_BYTES)[:PEEK_BYTES])
        pages = _warc_pages(stream) if is_warc else iter([Page(url or _default_url(source), stream.read())])
        output_format = output_format or ("jsonl" if is_warc else "json")
        if is_warc and workers > 1:
            preload_main_text_finder()  # imported once, before the workers fork
            # What start-up loaded lives to the end: out of the collector's sight, the collections
            # that each page's many small objects set off do not walk it again (1.1 % fewer
            # instructions over the Zyte benchmark's pages, callgrind), nor copy it in the workers.
            gc.freeze()
            with ProcessPoolExecutor(workers) as pool:
                failed = _print_pages(_in_order(pool, pages, workers * WINDOW_PER_WORKER), output_format)
        else:
            failed = _print_pages(((page, _read(page)) for page in pages), output_format)
    if failed:
        sys.exit(ExitCode.FAILURES)


def _in_order(pool: Executor, pages: Iterator[Page], window: int) -> Iterator[tuple[Page, Reading]]:
    """Each page with its reading, in file order, with at most ``window`` pages in the workers
    (a WARC of any size is never held in memory whole)."""
    pending: deque[tuple[Page, Future[Reading]]] = deque()
    for page in pages:
        pending.append((page, pool.submit(_read, page)))
        if len(pending) >= window:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


def _print_pages(readings: Iterator[tuple[Page, Reading]], output_format: str) -> int:
    """Each page's fields on stdout, each problem on stderr; how many pages had one."""
    progress = TerminalProgress("csto extract", "page(s) read")
    failed = 0
    for done, (page, (fields, problem)) in enumerate(readings, 1):
        progress(done)
        if problem is not None:
            failed += 1
            click.echo(f"csto: {page.url or '(record)'}: {problem}", err=True)
            continue
        click.echo(json.dumps(fields, ensure_ascii=False, indent=2 if output_format == "json" else None))
    return failed


def _read(page: Page) -> Reading:
    if page.problem is not None:
        return None, page.problem
    try:
        return extract_page(page.body, page.url, page.headers, fetched_at=page.fetched_at, status=page.status), None
    except PageError as exc:
        return None, str(exc)


def _open_source(source: str) -> io.BufferedReader:
    """The file (or stdin, read whole) as a stream that can be peeked at; a WARC file is read as
    it streams."""
    if source == "-":
        return io.BufferedReader(io.BytesIO(sys.stdin.buffer.read()))
    try:
        return Path(source).open("rb")
    except OSError as exc:
        raise click.BadParameter(f"cannot read {source}: {exc.strerror}", param_hint="SOURCE") from exc


def _default_url(source: str) -> str:
    return "file:///stdin" if source == "-" else Path(source).resolve().as_uri()


def _is_warc(head: bytes) -> bool:
    """WARC or ARC bytes, plain or gzipped (the first member's start is enough to tell)."""
    if head.startswith(GZIP_MAGIC):
        head = zlib.decompressobj(wbits=31).decompress(head)
    return head.startswith(WARC_MAGIC)


def _warc_pages(stream: BinaryIO) -> Iterator[Page]:
    """The response records of a WARC/ARC file as pages; non-HTML responses are skipped, and a
    file that breaks off ends the list with one page that names the problem."""
    records = ArchiveIterator(stream, arc2warc=True)
    try:
        for record in records:
            page = _record_page(record)
            if page is not None:
                yield page
    except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
        yield Page("", problem=f"broken record at byte {records.get_record_offset()}: {exc}")
    finally:
        records.close()


def _record_page(record: Any) -> Page | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if content_type and "html" not in content_type:
        return None
    try:
        fetched_at = iso_date_to_datetime(record.rec_headers.get_header("WARC-Date") or "").replace(tzinfo=dt.UTC)
        status = int(record.http_headers.get_statuscode() or 200)
        body = record.content_stream().read()
    except Exception as exc:  # noqa: BLE001  a date, status or body warcio cannot read: that record only
        return Page(url, problem=f"unreadable record: {exc}")
    headers = {name.lower(): value for name, value in record.http_headers.headers}
    return Page(url, body, headers, fetched_at, status=status)
