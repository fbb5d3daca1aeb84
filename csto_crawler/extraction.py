"""Page extraction off the crawl's thread: page objects run in a worker process when CPU is short.

Scrapy runs everything on one thread. At full speed (politeness off: a local replica, a
benchmark, a first crawl of a mirror) parsing a 50 KB page costs about as much CPU as Scrapy's own
work for it, so with worker processes (``CSTO_WORKER_PROCESSES``) the page objects run in one and
the spider awaits their result, keeping the crawl thread free to fetch. With 0 they run inline:
the same function, the same result.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scrapy.http import HtmlResponse

from .cleaning import clean_article
from .dates import site_timezone
from .items import ArticleItem, FetchRecord
from .pages.article import ArticlePage
from .pages.health import missing_content_reason
from .pages.listing import ListedItem, ListingPage
from .workers import WorkerProcess


@dataclass
class Extraction:
    """An extracted article (its ``fetch`` is filled in by the caller), or why there is none."""

    item: ArticleItem | None
    problem: str | None = None


@dataclass(frozen=True)
class ExtractionJob:
    """What a worker needs: the bytes, the URL that answered (relative links resolve against it),
    the article's canonical URL, the encoding the crawler settled on, the listed date, and when
    the page was fetched (dates after it are implausible)."""

    body: bytes
    page_url: str
    url: str
    encoding: str
    lang: str
    listed_date: str | None = None
    fetched_at: dt.datetime | None = None


def extract_article(job: ExtractionJob, timezone: str | None = None) -> Extraction:
    """Run the article page object over raw bytes (in whichever process calls it), then, with a
    site ``timezone`` and the job's fetch time, the cleaning transforms (dates, boilerplate)."""
    response = HtmlResponse(url=job.page_url, body=job.body, encoding=job.encoding)
    page = ArticlePage(response)
    if not page.is_article():
        return Extraction(None, missing_content_reason(response.text, "article"))
    fetched_at = job.fetched_at or dt.datetime.min.replace(tzinfo=dt.UTC)
    placeholder = FetchRecord(job.url, job.url, 200, {}, b"", fetched_at, "article")
    item = page.to_item(job.url, job.lang, placeholder, job.listed_date)
    if timezone is not None and job.fetched_at is not None:
        clean_article(item, site_timezone(timezone), timezone)
    return Extraction(item)


@dataclass(frozen=True)
class ListingJob:
    """A listing page's bytes, the URL that answered and the encoding the crawler settled on."""

    body: bytes
    page_url: str
    encoding: str


@dataclass
class ListingExtraction:
    """The listed articles and the pager state of a listing page, or why it is not one."""

    items: list[ListedItem]
    page_number: int = 1
    last_page: int = 1
    problem: str | None = None


def extract_listing(job: ListingJob) -> ListingExtraction:
    """Run the listing page object over raw bytes (in whichever process calls it)."""
    response = HtmlResponse(url=job.page_url, body=job.body, encoding=job.encoding)
    page = ListingPage(response)
    if not page.is_listing():
        return ListingExtraction([], problem=missing_content_reason(response.text, "listing"))
    return ListingExtraction(page.items(), page.page_number(), page.last_page())


class Extractor:
    """Runs ``extract_article`` and ``extract_listing`` inline, or in worker processes (jobs spread
    round-robin).

    With a site ``timezone`` the items come back cleaned (``cleaning.clean_article``), so the
    cleaning pipelines have nothing left to do on the crawl's thread.
    """

    def __init__(self, processes: int, timezone: str | None = None) -> None:
        self.timezone = timezone
        self.workers = [WorkerProcess(f"csto-extract-{i}") for i in range(max(0, processes))]
        self._turn = itertools.cycle(range(len(self.workers))) if self.workers else None

    async def extract(self, job: ExtractionJob) -> Extraction:
        result: Extraction = await self._run(extract_article, job, self.timezone)
        return result

    async def listing(self, job: ListingJob) -> ListingExtraction:
        result: ListingExtraction = await self._run(extract_listing, job)
        return result

    async def _run(self, function: Callable[..., Any], *args: Any) -> Any:
        if self._turn is None:
            return function(*args)
        return await self.workers[next(self._turn)].submit(function, *args)

    def close(self) -> None:
        for worker in self.workers:
            worker.close()
        self.workers, self._turn = [], None
