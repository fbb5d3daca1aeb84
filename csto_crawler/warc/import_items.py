"""Captures and their readings as the items the crawl's pipelines would hand to the archive writer.

A sitemap becomes a ``SitemapItem`` of its article URLs, a listing a ``ListingPageItem``, an
article page an ``ArticleItem`` (or a ``HeldPage`` when it reads doubtfully, or nothing when the
archive already holds a better reading), a 304 or 404 what a crawl records for one.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from urllib.parse import urlsplit

from ..archive.connection import dbapi_connection
from ..archive.imports import attachment_owner, links_seen, standing
from ..archive.store import ArchiveWriter
from ..extraction import ListingReading
from ..items import ArticleItem, FetchRecord, GoneNotice, HeldPage, ListingPageItem, NotModified, SitemapItem
from ..leads import ArticleLeads
from ..outcomes import Doubt, ReadingMethod
from ..pages.sitemap import SitemapError, holds_articles, parse_sitemap
from ..urls import Sites, article_candidate, path_segments, section_of_article
from .captures import Capture, PageKind
from .import_jobs import Job
from .import_report import ImportReport
from .page_reading import PageReading


class ItemBuilder:
    """Builds the archive items of an import's jobs, and remembers which article links each attachment."""

    def __init__(self, writer: ArchiveWriter, sites: Sites, sections: list[str], report: ImportReport) -> None:
        self.writer = writer
        self.sites = sites
        self.sections = sections
        self.report = report
        self.attachment_of: dict[str, tuple[str, str]] = {}  # attachment path -> (article URL, file name)

    @property
    def connection(self) -> sqlite3.Connection:
        return dbapi_connection(self.writer.db)

    def owner_of(self, url: str) -> tuple[str, str] | None:
        """The article an attachment belongs to, and its file name there: from this run, else the archive."""
        return self.attachment_of.get(urlsplit(url).path) or attachment_owner(self.connection, url)

    def of_page(self, job: Job, reading: PageReading | None) -> list[object]:
        """The items of a sitemap, listing or article job (``reading``: what a worker made of it)."""
        if job.kind is PageKind.SITEMAP and job.capture is not None:
            return self._sitemap(job, job.capture)
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
            self.report.skip("unreadable sitemap")
            return []
        if document.is_index:
            return [SitemapItem(job.lang, {}, fetch, is_index=True)]
        if not holds_articles(fetch.url):
            self.report.skip("sitemap of static pages")
            return []
        entries = {
            url: lastmod
            for loc, lastmod in document.entries
            if (url := article_candidate(self.sites, loc, job.lang, self.sections))
        }
        return [SitemapItem(job.lang, entries, fetch)]

    def _listing(self, job: Job, listing: ListingReading | None, problem: str | None) -> list[object]:
        if listing is None or listing.problem is not None or problem is not None:
            self.report.skip("unreadable listing")
            section = "/".join(path_segments(job.url))
            self.report.health.record(job.lang, section, "listing", ReadingMethod.NONE, [Doubt.NO_ITEMS])
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
            self.report.skip("not the page (maintenance, captcha, cut short or not HTML)")
            return []
        item = reading.item
        if item is not None and not reading.doubts:
            self._health(job, reading)
            return [self._finish(item, fetch)]
        archived, listed = standing(self.connection, job.url)
        if not archived and not listed:
            if reading.listing is not None:  # a subsection's listing, where articles would sit
                return [self._listing_item(job, reading.listing, fetch)]
            self.report.skip("not an article (no listing or sitemap names it, and it does not read as one)")
            return []
        self._health(job, reading)
        if archived:
            # As csto reextract does: an archived article read doubtfully keeps its archived content.
            self.report.skip("doubtful reading of an archived article")
            return []
        doubts = reading.doubts or [Doubt.UNREADABLE]
        title = item.title if item else None
        return [HeldPage(job.url, job.lang, section_of_article(job.url), doubts, reading.method, fetch, title)]

    def _health(self, job: Job, reading: PageReading) -> None:
        section = reading.item.section if reading.item else section_of_article(job.url)
        self.report.health.record(job.lang, section, "article", reading.method, reading.doubts)

    def _finish(self, item: ArticleItem, fetch: FetchRecord) -> ArticleItem:
        """What only the import knows: the capture's bytes, the canonical counterpart, the links seen."""
        item.fetch = fetch
        counterpart = item.paired_url
        item.paired_url = (
            self.sites.canonicalize(counterpart) if counterpart and self.sites.is_allowed(counterpart) else None
        )
        item.aliases = sorted(links_seen(self.connection, item.url) | ({fetch.url} - {item.url}))
        for attachment in item.attachments:
            self.attachment_of[urlsplit(attachment.url).path] = (item.url, attachment.filename)
        return item
