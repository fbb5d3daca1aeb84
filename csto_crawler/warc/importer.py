"""``csto warc import``: captures from WARC/ARC files through the crawl's extraction, cleaning and archive rules.

Only responses whose URLs belong to the configured sites are taken, and each is what a crawl would
have made of the same answer: article pages are read by the crawl's extractor (``extraction``),
cleaned by its transforms (``cleaning``), checked by its quality rules (``quality``) and written as
versions dated by their capture time; listing pages and sitemaps are recorded as seen; attachment
files are stored with the article that links them. Everything else is skipped and counted.

A first pass over every record reads the sitemaps and listing pages and notes where the article
pages and attachments are, so that every article page then has what the listings said of it
(title, date, lead: the only date of pages that show none). In the second pass the run's process
pool (work_pool.py) reads the article records from their offsets, extracts them and compresses
their snapshots (``page_reading``), while this process turns the previous batch into items
(``import_items``) and writes it, one transaction per batch, through the run driver (runs.py) and
the crawl's own writer, under the archive's run lock.

The history writer places each capture by its date, as it does a crawl's: one older than what the
archive holds takes its place in the article's history, under a new version number (citations of
the versions already there never move). Each imported fetch names its file and WARC-Record-ID
(``fetches.source``, ``warc_record_id``), and a record already imported is skipped: importing a file
again adds nothing, and an import killed with ``kill -9`` loses at most the batches in flight, which
the next import picks up. A record that cannot be read (a bad date or status, a payload over the
crawl's size limit) is skipped and counted; what cannot be read at all ends its file with a warning
(captures.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..archive.connection import dbapi_connection
from ..archive.imports import imported_before
from ..archive.origins import move_sites
from ..archive.state import listing_hints
from ..archive.store import ArchiveWriter
from ..items import AttachmentItem
from ..outcomes import RunMode
from ..runs import RunDriver, RunLimits
from ..urls import Sites
from ..work_pool import WorkPool
from .captures import DEFAULT_MAX_BYTES, Capture, PageKind, Passed, WarcRecords, classify, section_nodes
from .import_items import ItemBuilder
from .import_jobs import Job, PageRef
from .import_report import ImportProgress, ImportReport
from .page_reading import PageReading, Work, read_page
from .revisits import RevisitPayloads

BATCH = 200  # captures per batch: read, then extracted in the pool while the previous one is written
LEDGER_KINDS = frozenset({PageKind.SITEMAP, PageKind.LISTING})
PAGE_KINDS = frozenset({PageKind.ARTICLE, PageKind.ATTACHMENT})


class WarcImporter:
    """Imports WARC/ARC files into one archive, in one run (``max_bytes``: the crawl's DOWNLOAD_MAXSIZE)."""

    def __init__(
        self,
        writer: ArchiveWriter,
        sites: Sites,
        sections: list[str],
        timezone: str,
        pool: WorkPool | None = None,
        progress: Callable[[ImportReport], None] | None = None,
        max_absent_share: float = 0.1,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.writer = writer
        self.sites = sites
        self.sections = [s.strip("/") for s in sections]
        self.nodes = section_nodes(self.sections)
        self.timezone = timezone
        self.pool = pool or WorkPool(1)
        self.max_absent_share = max_absent_share
        self.max_bytes = max_bytes
        self.report = ImportReport()
        self.driver: RunDriver | None = None
        self.seen_ids: set[str] = set()  # records taken in this run (a file given twice)
        self.moved: set[str] = set()  # languages whose stored base was checked
        self.pages: list[PageRef] = []  # article and attachment records, for the second pass
        self.deferred: list[PageRef] = []  # attachments met before their article, revisits of pages
        self.last_pass = False  # reading the deferred records: no deferring any more
        self.revisits = RevisitPayloads(writer)
        self.items = ItemBuilder(writer, self.sites, self.sections, self.report)
        self.ticker = ImportProgress(self.report, progress)

    @property
    def connection(self) -> sqlite3.Connection:
        return dbapi_connection(self.writer.db)

    @property
    def run_id(self) -> int:
        return self.driver.run_id if self.driver is not None else 0

    def run(self, paths: list[Path], arguments: dict[str, Any], limits: RunLimits) -> ImportReport:
        """Import ``paths`` in one run; the report says what became of every record, and how the run ended."""
        self.ticker.start()
        self.driver = RunDriver(self.writer, RunMode.WARC_IMPORT, arguments, limits)
        self.driver.health = self.report.health
        self.driver.tally = self.report.counts
        self.report.files = len(paths)
        with self.driver.running(lambda: self.report.records):
            self.report.run_id = self.run_id
            for path in paths:
                self.report.phase = f"listings and sitemaps, {path.name}"
                self._pipeline(self._skim(path))
            self.report.phase = "articles and attachments"
            self._pipeline(self._page_jobs(self.pages))
            self.pages = []
            self.last_pass = True
            deferred, self.deferred = self.deferred, []
            self._pipeline(self._page_jobs(deferred))
            for result in self.driver.write_waiting():  # short pages kept back to see if their body repeats
                self.report.count_written(result)
            self._mark_dropped()
        self.report.seconds = self.ticker.elapsed()
        self.report.end = self.driver.end
        return self.report

    def _mark_dropped(self) -> None:
        """Articles only the captures show, absent from the sitemaps as a later crawl read them: gone."""
        for lang in sorted(self.moved):
            marked = self.writer.mark_dropped(lang, self.run_id, self.max_absent_share)
            if marked and self.driver is not None:
                self.report.counts["gone absent from sitemap"] += sum(marked.values())
                for section, count in marked.items():
                    self.driver.sections[lang][section]["gone"] += count

    # --- first pass: every record; sitemaps and listings read, pages noted ----------------------

    def _skim(self, path: Path) -> Iterator[Job]:
        """The sitemaps and listings of ``path`` as jobs; its article and attachment records noted."""
        for entry in WarcRecords(path, self.max_bytes).read(self._select):
            self.report.records += 1
            self.ticker.tick()
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
            self.report.skip(entry.reason)
        elif self.sites.site_for(entry.url) is None:
            self.report.skip("not on the configured sites")
            self.report.hosts_off_site[urlsplit(entry.url).netloc] += 1
        else:
            self.report.skip("other page (home, static page, asset, search, robots.txt)")

    def _job(self, capture: Capture, path: Path) -> Job | None:
        """A sitemap or listing capture (its bytes read) as a job, unless imported before."""
        if self._taken(capture.record_id):
            return None
        if capture.body is None:
            capture.body = self.revisits.body_of(capture)
            if capture.body is None:
                self.report.skip("revisit of a record not in the archive")
                return None
        self.revisits.remember(capture)
        lang = self._lang(capture.url)
        kind, canonical = classify(self.sites, capture.url, self.nodes)
        if capture.status != 200:
            self.report.skip_status(capture.status)
            return None
        job = Job(path, kind, lang, canonical or capture.url, capture)
        if kind is PageKind.LISTING:
            fetch = capture.fetch(kind.value, lang)
            job.work = Work(kind, fetch, None, job.url, lang, None, self.timezone, self.max_bytes)
        return job

    # --- second pass: the pages ---------------------------------------------------------------

    def _page_jobs(self, pages: list[PageRef]) -> Iterator[Job]:
        """Article and attachment records as jobs: article pages for a worker to read from their file."""
        for ref in pages:
            self.ticker.tick()
            if self._taken(ref.record_id):
                continue
            lang = self._lang(ref.url)
            url = ref.canonical or ref.url
            if ref.kind is PageKind.ARTICLE and ref.status == 200 and ref.record_type == "response":
                hints = listing_hints(self.connection, url, ref.date)
                work = Work(
                    PageKind.ARTICLE, None, (ref.path, ref.offset), url, lang, hints, self.timezone, self.max_bytes
                )
                yield Job(ref.path, ref.kind, lang, url, None, work)
                continue
            if ref.status not in (200, 304, 404, 410) or (ref.kind is PageKind.ATTACHMENT and ref.status != 200):
                self.report.skip_status(ref.status)
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
                hints = listing_hints(self.connection, url, capture.date)
                fetch = capture.fetch("article", lang)
                job.work = Work(PageKind.ARTICLE, fetch, None, url, lang, hints, self.timezone, self.max_bytes)
            yield job

    def _capture_at(self, ref: PageRef) -> Capture | None:
        """The record at ``ref``, its bytes read (a revisit's from the archive)."""
        for entry in WarcRecords(ref.path, self.max_bytes).read(lambda _url: "body", ref.offset):
            if isinstance(entry, Passed):
                self.report.skip(entry.reason)
                return None
            if isinstance(entry, Capture):
                if entry.body is None:
                    entry.body = self.revisits.body_of(entry)
                if entry.body is None:
                    self.report.skip("revisit of a record not in the archive")
                    return None
                return entry
        return None

    # --- lookups ------------------------------------------------------------------------------

    def _taken(self, record_id: str) -> bool:
        """Whether the record was imported before (or earlier in this run); counted as such."""
        if record_id in self.seen_ids or imported_before(self.connection, record_id):
            self.report.skip("already imported")
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

    # --- batches: read in the pool, write here --------------------------------------------------

    def _pipeline(self, jobs: Iterable[Job]) -> None:
        """Batches of jobs: each one's pages are read in the pool while the previous one is written."""
        pending: tuple[list[Job], Iterator[PageReading]] | None = None
        batch: list[Job] = []
        for job in jobs:
            batch.append(job)
            if len(batch) >= BATCH:
                submitted = (batch, self._read(batch))
                if pending is not None:
                    self._write(*pending)
                pending, batch = submitted, []
        if batch:
            submitted = (batch, self._read(batch))
            if pending is not None:
                self._write(*pending)
            pending = submitted
        if pending is not None:
            self._write(*pending)

    def _read(self, batch: list[Job]) -> Iterator[PageReading]:
        works = [job.work for job in batch if job.work is not None]
        return self.pool.map(read_page, works, chunksize=max(1, len(works) // (4 * self.pool.workers)))

    def _write(self, batch: list[Job], readings: Iterator[PageReading]) -> None:
        items: list[object] = []
        for job in batch:
            reading = next(readings) if job.work is not None else None
            items.extend(self._items(job, reading))
        if self.driver is None:
            raise RuntimeError("an import writes inside its run")
        for result in self.driver.write(items):
            self.report.count_written(result)
        self.ticker.tick()

    # --- items, as the crawl's pipelines would hand them to the writer --------------------------

    def _items(self, job: Job, reading: PageReading | None) -> list[object]:
        if job.kind is PageKind.ATTACHMENT and job.capture is not None:
            return self._attachment(job, job.capture)
        return self.items.of_page(job, reading)

    def _attachment(self, job: Job, capture: Capture) -> list[object]:
        owner = self.items.owner_of(capture.url)
        if owner is None:
            if self.last_pass:
                self.report.skip("attachment of no archived article")
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
