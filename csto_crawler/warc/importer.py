"""``csto warc import``: captures from WARC/ARC files through the crawl's extraction, cleaning and archive rules.

Only responses whose URLs belong to the configured sites are taken, and each is what a crawl would
have made of the same answer: article pages are read by the crawl's extractor (``extraction``),
cleaned by its transforms (``cleaning``), checked by its quality rules (``quality``) and written as
versions dated by their capture time; listing pages and sitemaps are recorded as seen; attachment
files are stored with the article that links them. Everything else is skipped and counted.

A first pass over every record reads the sitemaps and listing pages and notes where the article
pages and attachments are, so that every article page then has what the listings said of it
(title, date, lead: the only date of pages that show none). In the second pass a
``concurrent.futures`` process pool reads the article records from their offsets, extracts them
and compresses their snapshots, while this process writes the previous batch, one transaction per
batch, through the crawl's own writer (``ArchiveWriter.write_batch``), under the archive's run lock.

A capture older than what the archive holds slots into the history before it (archive/backfill.py).
Each imported fetch names its file and WARC-Record-ID (``fetches.source``, ``warc_record_id``), and
a record already imported is skipped: importing a file again adds nothing, and an import killed
with ``kill -9`` loses at most the batches in flight, which the next import picks up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse

from ..archive import blobs
from ..archive.database import dbapi_connection
from ..archive.origins import move_sites
from ..archive.store import ArchiveWriter, WriteResult
from ..cleaning import normalize_dates, strip_item_boilerplate
from ..dates import site_timezone
from ..extraction import ListingReading, extract_article, extract_listing
from ..items import (
    ArticleItem,
    AttachmentItem,
    FetchRecord,
    GoneNotice,
    HeldPage,
    ListingPageItem,
    NotModified,
    SitemapItem,
)
from ..leads import ArticleLeads
from ..pages.anchored import Hints
from ..pages.health import page_problem
from ..pages.reading import ReadingMethod
from ..pages.sitemap import SitemapError, holds_articles, parse_sitemap
from ..quality import Doubt, HealthReport, article_doubts
from ..urls import Sites, article_candidate, path_segments, section_of_article
from .captures import Capture, PageKind, Passed, WarcRecords, classify, section_nodes, sha256_of_digest

BATCH = 200  # captures per batch: read, then extracted in the pool while the previous one is written
PROGRESS_SECONDS = 2.0
RECENT = 256  # captures whose bodies stay at hand for revisits of them not yet written
LEDGER_KINDS = frozenset({PageKind.SITEMAP, PageKind.LISTING})
PAGE_KINDS = frozenset({PageKind.ARTICLE, PageKind.ATTACHMENT})

# What the listings last showed of an article at the capture's date: the sighting under way then
# (or the latest before it), else the earliest; the sitemap's lastmod.
HINTS_SQL = (
    "SELECT listed_title, listed_date_raw, listed_lead FROM listing_sightings WHERE article_url = :url"
    " ORDER BY first_seen_at <= :at DESC, CASE WHEN first_seen_at <= :at THEN last_seen_at END DESC,"
    " first_seen_at LIMIT 1"
)
KNOWN_SQL = (
    "SELECT EXISTS (SELECT 1 FROM articles WHERE url = :url) OR EXISTS (SELECT 1 FROM url_aliases WHERE url = :url),"
    " EXISTS (SELECT 1 FROM listing_sightings WHERE article_url = :url)"
    " OR EXISTS (SELECT 1 FROM sitemap_entries WHERE url = :url)"
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


@dataclass
class PageReading:
    """What a worker made of a page: an article (maybe doubtful), or a listing, or why neither; and
    for a record it read, the capture (with its snapshot already compressed for the blob store)."""

    item: ArticleItem | None = None
    doubts: list[str] = field(default_factory=list)
    method: str = ReadingMethod.NONE.value
    problem: str | None = None  # not the page (maintenance, captcha, cut short, not HTML)
    listing: ListingReading | None = None
    fetch: FetchRecord | None = None


@dataclass
class Job:
    """A capture on its way into the archive (``capture`` None: a worker reads it)."""

    path: Path  # the file it came from
    kind: PageKind
    lang: str
    url: str  # canonical for articles and listings, the captured URL otherwise
    capture: Capture | None
    work: Work | None = None


@dataclass
class ImportReport:
    """What an import did: records read and what became of them, and how pages were read."""

    run_id: int = 0
    files: int = 0
    records: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    health: HealthReport = field(default_factory=HealthReport)
    drift: list[str] = field(default_factory=list)
    hosts_off_site: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    phase: str = ""

    @property
    def pages(self) -> int:
        """Article pages read (by the extractor)."""
        return sum(sum(methods.values()) for (_, _, kind), methods in self.health.methods.items() if kind == "article")

    def summary(self) -> str:
        written = ", ".join(f"{name} {n}" for name, n in sorted(self.counts.items()) if not name.startswith("skip"))
        skipped = ", ".join(
            f"{name.removeprefix('skipped ')} {n}" for name, n in sorted(self.counts.items()) if name.startswith("skip")
        )
        lines = [
            f"warc import run {self.run_id}: {self.records} records in {self.files} file(s), {self.seconds:.1f}s"
            f" ({self.pages / self.seconds if self.seconds else 0:.0f} article pages/s)",
            f"  archived: {written or 'nothing'}",
            f"  skipped: {skipped or 'nothing'}",
        ]
        if self.hosts_off_site:
            hosts = ", ".join(f"{host} {n}" for host, n in self.hosts_off_site.most_common(3))
            lines.append(f"  not on the configured sites (give --site LANG=BASE_URL if they are ours): {hosts}")
        lines += [f"  drift: {line}" for line in self.drift]
        return "\n".join(lines)


# --- in the worker processes ----------------------------------------------------------------------


def read_page(work: Work) -> PageReading:
    """Read one listing or article page as a crawl would (runs in a worker process).

    An article page's record is read here, from its file, and its snapshot compressed for the blob
    store; the article comes back without the page bytes (the reading's fetch has them, once).
    """
    fetch = work.fetch or _read_record(work)
    reading = _read(work, fetch)
    if work.fetch is None:
        fetch.encoded = blobs.encode(fetch.body)
        fetch.sha256  # noqa: B018  computed here, in the worker
        reading.fetch = fetch
    return reading


def _read_record(work: Work) -> FetchRecord:
    if work.ref is None:
        raise ValueError("a page to read needs its capture or its record")
    path, offset = work.ref
    for entry in WarcRecords(path).read(lambda _url: "body", offset):
        if isinstance(entry, Capture) and entry.body is not None:
            return entry.fetch(work.kind.value, work.lang)
    raise ValueError(f"no response record at {path}:{offset}")


def _read(work: Work, fetch: FetchRecord) -> PageReading:
    response = HtmlResponse(url=fetch.final_url, body=fetch.body, headers=fetch.headers)
    expected = "listing" if work.kind is PageKind.LISTING else "article"
    problem = page_problem(response, expected)
    if problem is not None:
        return PageReading(problem=problem)
    if work.kind is PageKind.LISTING:
        listing = extract_listing(fetch.body, fetch.final_url, response.encoding)
        return PageReading(method=listing.method, problem=listing.problem, listing=listing)
    extraction = extract_article(fetch, work.url, work.lang, response.encoding, work.hints)
    item = extraction.item
    if item is None:
        if not extraction.readable:
            return PageReading(problem=extraction.problem)
        return PageReading(doubts=[Doubt.UNREADABLE.value], listing=_as_listing(fetch, response.encoding))
    normalize_dates(item, site_timezone(work.timezone), work.timezone)
    strip_item_boilerplate(item)
    doubts = [d.value for d in article_doubts(item)]
    item.doubts = doubts
    item.fetch = dataclasses.replace(fetch, body=b"", encoded=None)
    fallback = _as_listing(fetch, response.encoding) if doubts else None
    return PageReading(item, doubts, item.reading_method, listing=fallback)


def _as_listing(fetch: FetchRecord, encoding: str) -> ListingReading | None:
    """The page read as a listing (a subsection's listing sits where articles do), if it is one."""
    listing = extract_listing(fetch.body, fetch.final_url, encoding)
    return listing if listing.problem is None and listing.items else None


# --- in this process ------------------------------------------------------------------------------


class WarcImporter:
    """Imports WARC/ARC files into one archive, in one run."""

    def __init__(
        self,
        writer: ArchiveWriter,
        sites: Sites,
        sections: list[str],
        timezone: str,
        workers: int = 1,
        progress: Callable[[ImportReport], None] | None = None,
        max_absent_share: float = 0.1,
    ) -> None:
        self.writer = writer
        self.sites = sites
        self.sections = [s.strip("/") for s in sections]
        self.nodes = section_nodes(self.sections)
        self.timezone = timezone
        self.workers = workers
        self.progress = progress
        self.max_absent_share = max_absent_share
        self.report = ImportReport()
        self.run_id = 0
        self.seen_ids: set[str] = set()  # records taken in this run (a file given twice)
        self.moved: set[str] = set()  # languages whose stored base was checked
        self.recent_ids: OrderedDict[str, str] = OrderedDict()  # record id -> payload sha256
        self.recent_bodies: OrderedDict[str, bytes] = OrderedDict()  # payload sha256 -> bytes
        self.pages: list[PageRef] = []  # article and attachment records, for the second pass
        self.attachment_of: dict[str, tuple[str, str]] = {}  # attachment path -> (article URL, file name)
        self.deferred: list[PageRef] = []  # attachments met before their article, revisits of pages
        self.last_pass = False  # reading the deferred records: no deferring any more
        self.started = 0.0
        self.last_progress = 0.0

    @property
    def connection(self) -> Any:
        return dbapi_connection(self.writer.db)

    def run(self, paths: list[Path], arguments: dict[str, Any], drift_limits: tuple[float, int]) -> ImportReport:
        self.started = self.last_progress = time.monotonic()
        self.run_id = self.report.run_id = self.writer.begin_run("warc-import", arguments, os.getpid())
        self.report.files = len(paths)
        pool = ProcessPoolExecutor(max_workers=self.workers) if self.workers > 1 else None
        reason = "failed"
        try:
            for path in paths:
                self.report.phase = f"listings and sitemaps, {path.name}"
                self._pipeline(self._skim(path), pool)
            self.report.phase = "articles and attachments"
            self._pipeline(self._page_jobs(self.pages), pool)
            self.pages = []
            self.last_pass = True
            deferred, self.deferred = self.deferred, []
            self._pipeline(self._page_jobs(deferred), pool)
            self._mark_dropped()
            reason = "finished"
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            self.report.seconds = time.monotonic() - self.started
            self.report.drift = [found.describe() for found in self.report.health.drifted(*drift_limits)]
            health = {"pages": self.report.health.as_dict(), "drift": self.report.drift}
            self.writer.finish_run(self.run_id, reason, {"warc-import": dict(self.report.counts)}, health)
        return self.report

    def _mark_dropped(self) -> None:
        """Articles only the captures show, absent from the sitemaps as a later crawl read them: gone."""
        for lang in sorted(self.moved):
            with self.writer.db:
                marked = self.writer.history.backfill.mark_dropped(lang, self.run_id, self.max_absent_share)
            if marked:
                self.report.counts["gone absent from sitemap"] += sum(marked.values())

    # --- first pass: every record; sitemaps and listings read, pages noted ----------------------

    def _skim(self, path: Path) -> Iterator[Job]:
        """The sitemaps and listings of ``path`` as jobs; its article and attachment records noted."""
        for entry in WarcRecords(path).read(self._select):
            self.report.records += 1
            self._tick()
            if isinstance(entry, Passed):
                self._count_passed(entry)
                continue
            kind, canonical = classify(self.sites, entry.url, self.nodes)
            if kind in LEDGER_KINDS:
                job = self._job(entry, path)
                if job is not None:
                    yield job
                continue
            self.pages.append(
                PageRef(
                    path,
                    entry.offset,
                    entry.record_id,
                    entry.record_type,
                    entry.url,
                    kind,
                    canonical,
                    entry.status,
                    entry.date,
                )
            )

    def _select(self, url: str) -> str:
        """How much of a record to read: sitemaps and listings whole, pages' headers, nothing else."""
        if self.sites.site_for(url) is None:
            return "skip"
        kind = classify(self.sites, url, self.nodes)[0]
        return "body" if kind in LEDGER_KINDS else "head" if kind in PAGE_KINDS else "skip"

    def _count_passed(self, entry: Passed) -> None:
        if entry.reason != "unwanted":
            self._skip(entry.reason)
        elif self.sites.site_for(entry.url) is None:
            self._skip("not on the configured sites")
            self.report.hosts_off_site[urlsplit(entry.url).netloc] += 1
        else:
            self._skip("other page (home, static page, asset, search, robots.txt)")

    def _job(self, capture: Capture, path: Path) -> Job | None:
        """A sitemap or listing capture (its bytes read) as a job, unless imported before."""
        if self._taken(capture.record_id):
            return None
        if capture.body is None:
            capture.body = self._revisited(capture)
            if capture.body is None:
                self._skip("revisit of a record not in the archive")
                return None
        self._remember(capture)
        lang = self._lang(capture.url)
        kind, canonical = classify(self.sites, capture.url, self.nodes)
        if capture.status != 200:
            self._skip_status(capture.status)
            return None
        job = Job(path, kind, lang, canonical or capture.url, capture)
        if kind is PageKind.LISTING:
            job.work = Work(kind, capture.fetch(kind.value, lang), None, job.url, lang, None, self.timezone)
        return job

    # --- second pass: the pages ---------------------------------------------------------------

    def _page_jobs(self, pages: list[PageRef]) -> Iterator[Job]:
        """Article and attachment records as jobs: article pages for a worker to read from their file."""
        for ref in pages:
            self._tick()
            if self._taken(ref.record_id):
                continue
            lang = self._lang(ref.url)
            url = ref.canonical or ref.url
            if ref.kind is PageKind.ARTICLE and ref.status == 200 and ref.record_type == "response":
                hints = self._hints(url, ref.date)
                work = Work(PageKind.ARTICLE, None, (ref.path, ref.offset), url, lang, hints, self.timezone)
                yield Job(ref.path, ref.kind, lang, url, None, work)
                continue
            if ref.status not in (200, 304, 404, 410) or (ref.kind is PageKind.ATTACHMENT and ref.status != 200):
                self._skip_status(ref.status)
                continue
            if ref.record_type == "revisit" and not self.last_pass:
                self.seen_ids.discard(ref.record_id)
                self.deferred.append(ref)  # once every response is written, its payload is in the archive
                continue
            capture = self._capture_at(ref)
            if capture is None:
                continue
            job = Job(ref.path, ref.kind, lang, url, capture)
            if ref.kind is PageKind.ARTICLE and capture.status == 200:
                hints = self._hints(url, capture.date)
                job.work = Work(PageKind.ARTICLE, capture.fetch("article", lang), None, url, lang, hints, self.timezone)
            yield job

    def _capture_at(self, ref: PageRef) -> Capture | None:
        """The record at ``ref``, its bytes read (a revisit's from the archive)."""
        for entry in WarcRecords(ref.path).read(lambda _url: "body", ref.offset):
            if isinstance(entry, Capture):
                if entry.body is None:
                    entry.body = self._revisited(entry)
                if entry.body is None:
                    self._skip("revisit of a record not in the archive")
                    return None
                return entry
        return None

    # --- lookups ------------------------------------------------------------------------------

    def _taken(self, record_id: str) -> bool:
        """Whether the record was imported before (or earlier in this run); counted as such."""
        if (
            record_id in self.seen_ids
            or self.connection.execute(
                "SELECT 1 FROM fetches WHERE warc_record_id = ? LIMIT 1", (record_id,)
            ).fetchone()
        ):
            self._skip("already imported")
            return True
        self.seen_ids.add(record_id)
        return False

    def _lang(self, url: str) -> str:
        """The language of a captured URL; its first capture moves the archive's URLs to the
        configured base, as a crawl would."""
        lang = self.sites.lang_of(url) or ""
        if lang and lang not in self.moved:
            self.moved.add(lang)
            move_sites(self.writer.db, {lang: self.sites.by_lang[lang].base})
        return lang

    def _revisited(self, capture: Capture) -> bytes | None:
        """The payload a revisit record repeats: the record it refers to, or the bytes of its digest."""
        sha = None
        if capture.refers_to:
            sha = self.recent_ids.get(capture.refers_to)
            if sha is None:
                row = self.connection.execute(
                    "SELECT sha256 FROM fetches WHERE warc_record_id = ? LIMIT 1", (capture.refers_to,)
                ).fetchone()
                sha = row[0] if row else None
        sha = sha or sha256_of_digest(capture.payload_digest)
        if sha is None:
            return None
        if sha in self.recent_bodies:
            return self.recent_bodies[sha]
        row = self.connection.execute("SELECT codec, data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
        return blobs.decode(row[0], row[1]) if row else None

    def _remember(self, capture: Capture) -> None:
        """A sitemap or listing's bytes, for revisits of it in batches not written yet."""
        body = capture.body or b""
        sha = blobs.sha256_hex(body)
        self.recent_ids[capture.record_id] = sha
        self.recent_bodies[sha] = body
        for recent in (self.recent_ids, self.recent_bodies):
            while len(recent) > RECENT:
                recent.popitem(last=False)

    def _hints(self, url: str, at: dt.datetime) -> Hints:
        """What the listings showed of the article around the capture's date, and the sitemap's lastmod."""
        listed = self.connection.execute(HINTS_SQL, {"url": url, "at": at.isoformat()}).fetchone()
        title, date_raw, lead = listed if listed else (None, "", None)
        if not date_raw:
            dated = self.connection.execute(
                "SELECT listed_date_raw FROM listing_sightings WHERE article_url = ? AND listed_date_raw != ''"
                " ORDER BY last_seen_at DESC LIMIT 1",
                (url,),
            ).fetchone()
            date_raw = dated[0] if dated else ""
        lastmod = self.connection.execute("SELECT lastmod FROM sitemap_entries WHERE url = ?", (url,)).fetchone()
        return Hints(title or None, date_raw or "", lead or None, None, lastmod[0] if lastmod else None)

    # --- batches: read in the pool, write here --------------------------------------------------

    def _pipeline(self, jobs: Iterable[Job], pool: Executor | None) -> None:
        """Batches of jobs: each one's pages are read in the pool while the previous one is written."""
        pending: tuple[list[Job], Iterator[PageReading]] | None = None
        batch: list[Job] = []
        for job in jobs:
            batch.append(job)
            if len(batch) >= BATCH:
                submitted = (batch, self._read(batch, pool))
                if pending is not None:
                    self._write(*pending)
                pending, batch = submitted, []
        if batch:
            submitted = (batch, self._read(batch, pool))
            if pending is not None:
                self._write(*pending)
            pending = submitted
        if pending is not None:
            self._write(*pending)

    def _read(self, batch: list[Job], pool: Executor | None) -> Iterator[PageReading]:
        works = [job.work for job in batch if job.work is not None]
        if pool is None:
            return map(read_page, works)
        return pool.map(read_page, works, chunksize=max(1, len(works) // (4 * self.workers)))

    def _write(self, batch: list[Job], readings: Iterator[PageReading]) -> None:
        items: list[object] = []
        for job in batch:
            reading = next(readings) if job.work is not None else None
            items.extend(self._items(job, reading))
        for result in self.writer.write_batch(items, self.run_id):
            self._count(result)
        self.writer.save_counts(self.run_id, {"warc-import": dict(self.report.counts)})
        self._tick()

    # --- items, as the crawl's pipelines would hand them to the writer --------------------------

    def _items(self, job: Job, reading: PageReading | None) -> list[object]:
        if job.kind is PageKind.SITEMAP and job.capture is not None:
            return self._sitemap(job, job.capture)
        if job.kind is PageKind.ATTACHMENT and job.capture is not None:
            return self._attachment(job, job.capture)
        if job.kind is PageKind.LISTING:
            return self._listing(job, reading.listing if reading else None, reading.problem if reading else None)
        fetch = reading.fetch if reading is not None and reading.fetch is not None else None
        if fetch is None and job.capture is not None:
            fetch = job.capture.fetch("article", job.lang)
        if fetch is None:
            return []
        if fetch.status == 304:
            return [NotModified(job.url, job.lang, fetch)]
        if fetch.status in (404, 410):
            return [GoneNotice(job.url, job.lang, fetch.status, fetch)]
        return self._article(job, reading or PageReading(problem="not read"), fetch)

    def _sitemap(self, job: Job, capture: Capture) -> list[object]:
        fetch = capture.fetch("sitemap", job.lang)
        try:
            document = parse_sitemap(fetch.body)
        except SitemapError:
            self._skip("unreadable sitemap")
            return []
        if document.is_index:
            return [SitemapItem(job.lang, {}, fetch, is_index=True)]
        if not holds_articles(fetch.url):
            self._skip("sitemap of static pages")
            return []
        entries = {
            url: lastmod
            for loc, lastmod in document.entries
            if (url := article_candidate(self.sites, loc, job.lang, self.sections))
        }
        return [SitemapItem(job.lang, entries, fetch)]

    def _listing(self, job: Job, listing: ListingReading | None, problem: str | None) -> list[object]:
        if listing is None or listing.problem is not None or problem is not None:
            self._skip("unreadable listing")
            self.report.health.record(job.lang, "/".join(path_segments(job.url)), "listing", "none", [Doubt.NO_ITEMS])
            return []
        return [self._listing_item(job, listing, job.capture.fetch("listing", job.lang) if job.capture else None)]

    def _listing_item(self, job: Job, listing: ListingReading, fetch: FetchRecord | None) -> ListingPageItem:
        section = "/".join(path_segments(job.url))
        self.report.health.record(job.lang, section, "listing", listing.method, [])
        entries, _ = ArticleLeads().entries(listing.items, self.sites)
        if fetch is None:
            raise ValueError("a listing item needs its fetch")
        fetch = dataclasses.replace(fetch, kind="listing")
        return ListingPageItem(
            job.lang, section, listing.page_number, listing.last_page, entries, fetch, listing.method
        )

    def _article(self, job: Job, reading: PageReading, fetch: FetchRecord) -> list[object]:
        if reading.problem is not None:
            self._skip("not the page (maintenance, captcha, cut short or not HTML)")
            return []
        item = reading.item
        if item is not None and not reading.doubts:
            self._health(job, reading)
            return [self._finish(item, fetch)]
        archived, listed = self.connection.execute(KNOWN_SQL, {"url": job.url}).fetchone()
        if not archived and not listed:
            if reading.listing is not None:  # a subsection's listing, where articles would sit
                return [self._listing_item(job, reading.listing, fetch)]
            self._skip("not an article (no listing or sitemap names it, and it does not read as one)")
            return []
        self._health(job, reading)
        if archived:
            # As csto reextract does: an archived article read doubtfully keeps its archived content.
            self._skip("doubtful reading of an archived article")
            return []
        doubts = reading.doubts or [Doubt.UNREADABLE.value]
        title = item.title if item else None
        return [HeldPage(job.url, job.lang, section_of_article(job.url), doubts, reading.method, fetch, title)]

    def _health(self, job: Job, reading: PageReading) -> None:
        section = reading.item.section if reading.item else section_of_article(job.url)
        self.report.health.record(job.lang, section, "article", reading.method, [Doubt(d) for d in reading.doubts])

    def _finish(self, item: ArticleItem, fetch: FetchRecord) -> ArticleItem:
        """What only the import knows: the capture's bytes, the canonical counterpart, the links seen."""
        item.fetch = fetch
        counterpart = item.counterpart_url
        item.counterpart_url = (
            self.sites.canonicalize(counterpart) if counterpart and self.sites.is_allowed(counterpart) else None
        )
        linked = self.connection.execute(
            "SELECT DISTINCT linked_url FROM listing_sightings WHERE article_url = ? AND linked_url != article_url",
            (item.url,),
        ).fetchall()
        item.aliases = sorted({row[0] for row in linked} | ({fetch.url} - {item.url}))
        for attachment in item.attachments:
            self.attachment_of[urlsplit(attachment.url).path] = (item.url, attachment.filename)
        return item

    def _attachment(self, job: Job, capture: Capture) -> list[object]:
        owner = self.attachment_of.get(urlsplit(capture.url).path)
        if owner is None:
            row = self.connection.execute(
                "SELECT article_url, filename FROM attachments WHERE url = ?", (capture.url,)
            ).fetchone()
            owner = (row[0], row[1]) if row else None
        if owner is None:
            if self.last_pass:
                self._skip("attachment of no archived article")
            else:
                self.seen_ids.discard(capture.record_id)
                self.deferred.append(
                    PageRef(
                        job.path,
                        capture.offset,
                        capture.record_id,
                        capture.record_type,
                        capture.url,
                        PageKind.ATTACHMENT,
                        None,
                        capture.status,
                        capture.date,
                    )
                )
            return []
        return [AttachmentItem(capture.url, owner[0], owner[1], capture.fetch("attachment", job.lang))]

    # --- bookkeeping --------------------------------------------------------------------------

    def _skip(self, reason: str) -> None:
        self.report.counts[f"skipped {reason}"] += 1

    def _skip_status(self, status: int) -> None:
        self._skip("redirect" if 300 <= status < 400 else f"HTTP {status}")

    def _count(self, result: WriteResult) -> None:
        self.report.counts[f"{result.kind.value} {result.outcome}"] += 1

    def _tick(self) -> None:
        if self.progress is None or time.monotonic() - self.last_progress < PROGRESS_SECONDS:
            return
        self.last_progress = time.monotonic()
        self.report.seconds = self.last_progress - self.started
        self.progress(self.report)
