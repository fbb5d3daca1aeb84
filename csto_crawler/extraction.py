"""Article extraction off the crawl's thread: page objects run in a worker process when CPU is short.

Scrapy runs everything on one thread. At full speed (politeness off: a local replica, a
benchmark, a first crawl of a mirror) parsing a 50 KB page costs about as much CPU as Scrapy's own
work for it, so with worker processes (``CSTO_WORKER_PROCESSES``) the page objects run in one and
the spider awaits their result, keeping the crawl thread free to fetch. With 0 they run inline:
the same function, the same result.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from scrapy.http import HtmlResponse

from .items import ArticleItem, FetchRecord
from .pages.article import ArticlePage
from .pages.health import missing_content_reason
from .workers import WorkerProcess

# Loaded once in the fork server, so each worker starts without importing them again.
PRELOAD = ("csto_crawler.extraction",)


@dataclass
class Extraction:
    """An extracted article (its ``fetch`` is filled in by the caller), or why there is none."""

    item: ArticleItem | None
    problem: str | None = None


@dataclass(frozen=True)
class ExtractionJob:
    """What a worker needs: the bytes, the URL that answered (relative links resolve against it),
    the article's canonical URL, the encoding the crawler settled on, and the listed date."""

    body: bytes
    page_url: str
    url: str
    encoding: str
    lang: str
    listed_date: str | None = None


def extract_article(job: ExtractionJob) -> Extraction:
    """Run the article page object over raw bytes (in whichever process calls it)."""
    response = HtmlResponse(url=job.page_url, body=job.body, encoding=job.encoding)
    page = ArticlePage(response)
    if not page.is_article():
        return Extraction(None, missing_content_reason(response.text, "article"))
    placeholder = FetchRecord(job.url, job.url, 200, {}, b"", dt.datetime.min.replace(tzinfo=dt.UTC), "article")
    return Extraction(page.to_item(job.url, job.lang, placeholder, job.listed_date))


class Extractor:
    """Runs ``extract_article`` inline, or in worker processes (jobs spread round-robin)."""

    def __init__(self, processes: int) -> None:
        self.workers = [WorkerProcess(f"csto-extract-{i}", preload=PRELOAD) for i in range(max(0, processes))]
        self._turn = itertools.cycle(range(len(self.workers))) if self.workers else None

    async def extract(self, job: ExtractionJob) -> Extraction:
        if self._turn is None:
            return extract_article(job)
        worker = self.workers[next(self._turn)]
        result: Extraction = await worker.submit(extract_article, job)
        return result

    def close(self) -> None:
        for worker in self.workers:
            worker.close()
        self.workers, self._turn = [], None
