"""extract_article over the saved fixture pages, and Extractor inline and in worker processes agreeing."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator

import pytest
from fixture_cases import (
    FETCHED_AT,
    SITE_TIMEZONE,
    Case,
    build_article_item,
    case_named,
    case_params,
    cases,
    cleaned_article_item,
)
from time_limit import fail_after

from csto_crawler.extraction import (
    Extraction,
    ExtractionJob,
    Extractor,
    ListingExtraction,
    ListingJob,
    extract_article,
    extract_listing,
)
from csto_crawler.pages.listing import ListingPage
from csto_crawler.pipelines import StripBoilerplatePipeline

ARTICLES = case_params("article")
NON_ARTICLES = case_params("not_article", "listing")
LISTINGS = case_params("listing")
NON_LISTINGS = case_params("not_article", "article")
DEADLINE = 60  # seconds for a test; extracting every fixture page in a worker takes about one


@pytest.fixture(autouse=True)
def time_limit() -> Iterator[None]:
    with fail_after(DEADLINE):
        yield


def listed_date(case: Case) -> str | None:
    return case.expected()["listed_date"] if case.kind == "article" else None


def job_for(case: Case) -> ExtractionJob:
    """The job the spider builds: raw bytes and the encoding Scrapy settled on for the response."""
    response = case.response()
    return ExtractionJob(case.body(), response.url, case.url, response.encoding, case.lang, listed_date(case))


@pytest.mark.parametrize("case", ARTICLES)
def test_extract_article_gives_the_item_the_page_object_gives_inline(case: Case) -> None:
    extraction = extract_article(job_for(case))
    expected = build_article_item(case, listed_date(case))
    assert extraction.problem is None
    assert extraction.item is not None
    assert extraction.item.fetch.url == case.url  # a placeholder: the spider fills in the real fetch
    assert dataclasses.replace(extraction.item, fetch=expected.fetch) == expected


@pytest.mark.parametrize("case", ARTICLES)
def test_extract_article_with_a_timezone_cleans_as_the_pipelines_do(case: Case) -> None:
    """In the worker the item is dated and stripped as NormalizeDates + StripBoilerplate would, so
    the crawl thread only reports; the result is the very item the pipelines make inline."""
    job = dataclasses.replace(job_for(case), fetched_at=FETCHED_AT)
    item = extract_article(job, SITE_TIMEZONE).item
    expected = cleaned_article_item(case, listed_date(case))
    assert item is not None and item.dates_normalized and item.boilerplate_stripped
    assert item.body_text == case.expected_text()
    assert dataclasses.replace(item, fetch=expected.fetch) == expected


def test_extract_article_cleans_only_with_a_timezone_and_a_fetch_time() -> None:
    case = case_named("article", "en-plain-news")
    with_time = dataclasses.replace(job_for(case), fetched_at=FETCHED_AT)
    for job, timezone in ((job_for(case), SITE_TIMEZONE), (with_time, None)):
        item = extract_article(job, timezone).item
        assert item is not None
        assert (item.dates_normalized, item.boilerplate_stripped) == (False, False)
        assert (item.published, item.body_text) == (None, "")


def test_extract_article_puts_the_listed_date_among_the_candidates() -> None:
    case = case_named("article", "en-no-date-line")
    without = extract_article(dataclasses.replace(job_for(case), listed_date=None)).item
    with_date = extract_article(dataclasses.replace(job_for(case), listed_date="13/02/2026")).item
    assert without is not None and with_date is not None
    assert [(c.raw, c.source) for c in with_date.date_candidates] == [
        *[(c.raw, c.source) for c in without.date_candidates],
        ("13/02/2026", "listing"),
    ]


@pytest.mark.parametrize("case", NON_ARTICLES)
def test_extract_article_gives_no_item_and_a_problem_for_other_pages(case: Case) -> None:
    assert extract_article(job_for(case)) == Extraction(None, "not an article page")


def test_extract_article_names_a_maintenance_page_in_windows_1251() -> None:
    body = "<html><body><h1>Сайт находится на реконструкции</h1></body></html>".encode("cp1251")
    job = ExtractionJob(body, "https://odkb-csto.org/news/x/", "https://odkb-csto.org/news/x/", "cp1251", "ru")
    assert extract_article(job) == Extraction(None, "maintenance page")


def test_extract_article_decodes_windows_1251_bytes_exactly() -> None:
    case = case_named("article", "ru-plain-news")
    assert case.body().startswith(b"<") and "«Патриот»".encode("cp1251") in case.body()
    with pytest.raises(UnicodeDecodeError):
        case.body().decode("utf-8")
    job = ExtractionJob(case.body(), case.url, case.url, "cp1251", "ru")
    item = extract_article(job).item
    assert item is not None
    assert item.title == "Делегация ОДКБ посетила парк «Патриот»" == case.expected()["title"]
    assert StripBoilerplatePipeline().process_item(item).body_text == case.expected_text()


def test_extractor_in_workers_gives_what_inline_gives_and_close_stops_the_workers() -> None:
    all_cases = cases("article", "listing", "not_article")
    jobs = [job_for(case) for case in all_cases]

    async def main() -> tuple[list[Extraction], list[Extraction], list[int | None], Extraction]:
        inline = Extractor(0)
        assert inline.workers == []
        inline_results = [await inline.extract(job) for job in jobs]
        in_workers = Extractor(2)  # two, so jobs are spread round-robin and answers still meet their jobs
        processes = [worker._process for worker in in_workers.workers]
        try:
            worker_results = list(await asyncio.gather(*(in_workers.extract(job) for job in jobs)))
        finally:
            in_workers.close()  # as the spider does on spider_closed, inside the loop
        after_close = await in_workers.extract(jobs[0])  # no workers left: runs inline
        return inline_results, worker_results, [p.exitcode for p in processes], after_close

    inline_results, worker_results, exitcodes, after_close = asyncio.run(main())
    assert sum(r.item is not None for r in inline_results) == len(cases("article"))
    assert worker_results == inline_results
    assert exitcodes == [0, 0]
    assert after_close == inline_results[0]


def test_extractor_in_a_worker_raises_what_inline_raises() -> None:
    job = ExtractionJob(b"<html></html>", None, "https://en.odkb-csto.org/x/", "utf-8", "en")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="url must be str") as inline:
        extract_article(job)

    async def main() -> None:
        extractor = Extractor(1)
        try:
            with pytest.raises(TypeError, match="url must be str") as in_worker:
                await extractor.extract(job)
            assert str(in_worker.value) == str(inline.value)
            assert (await extractor.extract(job_for(case_named("article", "en-plain-news")))).item is not None
        finally:
            extractor.close()

    asyncio.run(main())


def listing_job_for(case: Case) -> ListingJob:
    response = case.response()
    return ListingJob(case.body(), response.url, response.encoding)


@pytest.mark.parametrize("case", LISTINGS)
def test_extract_listing_gives_what_the_listing_page_object_gives(case: Case) -> None:
    page = ListingPage(case.response())
    extraction = extract_listing(listing_job_for(case))
    assert extraction == ListingExtraction(page.items(), page.page_number(), page.last_page())
    assert extraction.items and extraction.problem is None


@pytest.mark.parametrize("case", NON_LISTINGS)
def test_extract_listing_names_what_is_not_a_listing(case: Case) -> None:
    assert extract_listing(listing_job_for(case)) == ListingExtraction([], problem="not a listing page")


def test_extractor_in_a_worker_reads_listings_as_inline() -> None:
    jobs = [listing_job_for(case) for case in cases("listing", "article")]

    async def main() -> tuple[list[ListingExtraction], list[ListingExtraction]]:
        extractor = Extractor(1)
        try:
            in_worker = list(await asyncio.gather(*(extractor.listing(job) for job in jobs)))
        finally:
            extractor.close()
        return [await Extractor(0).listing(job) for job in jobs], in_worker

    inline, in_worker = asyncio.run(main())
    assert in_worker == inline
    assert sum(r.problem is None for r in inline) == len(cases("listing"))
