"""extract_article and extract_listing (the one path for page work) over the saved fixture pages."""

from __future__ import annotations

import dataclasses

import pytest
from fixture_cases import FETCHED_AT, Case, build_article_item, case_named, case_params, fetch_record

from csto_crawler.extraction import (
    Extraction,
    ListingReading,
    extract_article,
    extract_listing,
    read_stored_article,
    stored_response,
)
from csto_crawler.items import FetchRecord
from csto_crawler.pages.anchored import Hints
from csto_crawler.pages.listing import ListingPage
from csto_crawler.pipelines import StripBoilerplatePipeline

ARTICLES = case_params("article")
NON_ARTICLES = case_params("not_article", "listing")
LISTINGS = case_params("listing")
NON_LISTINGS = case_params("not_article", "article")


def hints_for(case: Case) -> Hints:
    return Hints(date_raw=case.expected()["listed_date"] if case.kind == "article" else None)


def extract(case: Case) -> Extraction:
    """What the spider does with the response: its bytes, the URL that answered, Scrapy's encoding."""
    return extract_article(fetch_record(case), case.url, case.lang, case.response().encoding, hints_for(case))


@pytest.mark.parametrize("case", ARTICLES)
def test_extract_article_gives_the_item_the_page_object_gives(case: Case) -> None:
    extraction = extract(case)
    expected = build_article_item(case, hints_for(case).date_raw)
    assert extraction.problem is None
    assert extraction.item == expected


def test_extract_article_puts_the_listed_date_among_the_candidates() -> None:
    case = case_named("article", "en-no-date-line")
    fetch = fetch_record(case)
    without = extract_article(fetch, case.url, "en", "utf-8").item
    with_date = extract_article(fetch, case.url, "en", "utf-8", Hints(date_raw="13/02/2026")).item
    assert without is not None and with_date is not None
    assert [(c.raw, c.source) for c in with_date.date_candidates] == [
        *[(c.raw, c.source) for c in without.date_candidates],
        ("13/02/2026", "listing"),
    ]


@pytest.mark.parametrize("case", NON_ARTICLES)
def test_extract_article_finds_no_article_in_other_pages_which_still_read_as_pages(case: Case) -> None:
    assert extract(case) == Extraction(None, "not an article page", readable=True)


def test_extract_article_names_a_maintenance_page_in_windows_1251_as_not_the_article() -> None:
    body = "<html><body><h1>Сайт находится на реконструкции</h1></body></html>".encode("cp1251")
    fetch = FetchRecord(
        "https://odkb-csto.org/news/x/y/", "https://odkb-csto.org/news/x/y/", 200, {}, body, FETCHED_AT, "article"
    )
    assert extract_article(fetch, fetch.url, "ru", "cp1251") == Extraction(None, "maintenance page", readable=False)


def test_extract_article_decodes_windows_1251_bytes_exactly() -> None:
    case = case_named("article", "ru-plain-news")
    assert case.body().startswith(b"<") and "«Патриот»".encode("cp1251") in case.body()
    with pytest.raises(UnicodeDecodeError):
        case.body().decode("utf-8")
    item = extract_article(fetch_record(case), case.url, "ru", "cp1251").item
    assert item is not None
    assert item.title == "Делегация ОДКБ посетила парк «Патриот»" == case.expected()["title"]
    assert StripBoilerplatePipeline().process_item(item).body_text == case.expected_text()


def test_extract_article_reads_links_against_the_url_that_answered() -> None:
    """After a redirect the page's relative links resolve against the final URL, not the one asked for."""
    case = case_named("article", "en-attachment-pdf")
    moved = dataclasses.replace(fetch_record(case), url=case.url.replace("/documents/", "/old/"))
    item = extract_article(moved, case.url, "en", "utf-8").item
    assert item is not None
    assert [a.url for a in item.attachments] == [a["url"] for a in case.expected()["attachments"]]


@pytest.mark.parametrize("case", LISTINGS)
def test_extract_listing_gives_what_the_listing_page_object_gives(case: Case) -> None:
    response = case.response()
    page = ListingPage(response)
    reading = extract_listing(case.body(), response.url, response.encoding)
    assert reading == ListingReading(page.items(), page.page_number(), page.last_page(), page.method.value)
    assert reading.items and reading.problem is None


@pytest.mark.parametrize("case", NON_LISTINGS)
def test_extract_listing_names_what_is_not_a_listing(case: Case) -> None:
    response = case.response()
    reading = extract_listing(case.body(), response.url, response.encoding)
    assert reading == ListingReading([], problem="not a listing page", method="none")


def test_stored_pages_are_decoded_as_the_crawl_decodes_them() -> None:
    """Reextract and WARC import read stored pages with the encoding the crawl's middleware chooses:
    windows-1251 bytes announced as iso-8859-1 come out as Russian, not mojibake."""
    case = case_named("article", "ru-plain-news")
    fetch = dataclasses.replace(fetch_record(case), headers={"content-type": "text/html; charset=iso-8859-1"})
    assert stored_response(fetch).encoding == "cp1251"
    reading = read_stored_article(fetch, case.url, "ru", None, "Europe/Moscow")
    assert reading.item is not None
    assert reading.item.title == case.expected()["title"]
