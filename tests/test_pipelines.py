"""Cleaning pipelines, called through process_item: NormalizeDatesPipeline and StripBoilerplatePipeline."""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

import pytest
from scrapy.utils.test import get_crawler

from csto_crawler.items import ArticleItem, DateCandidate, FetchRecord, ListingPageItem
from csto_crawler.pipelines import NormalizeDatesPipeline, StripBoilerplatePipeline

FETCHED_AT = dt.datetime(2026, 2, 13, 12, 0, tzinfo=dt.UTC)
URL = "http://127.0.0.1:8801/news/news_odkb/slug/"
TITLE = "The CSTO Secretary General had a meeting with the SCO Secretary General"


def no_clock() -> NoReturn:
    pytest.fail("dates must be judged against the page's fetch time, not the clock")


def article(**fields: Any) -> ArticleItem:
    fetch = FetchRecord(URL, URL, 200, {}, b"<html></html>", FETCHED_AT, "article", "en")
    values: dict[str, Any] = {"url": URL, "lang": "en", "section": "news/news_odkb", "slug": "slug", "title": TITLE}
    return ArticleItem(fetch=fetch, **(values | fields))


def dates_pipeline() -> NormalizeDatesPipeline:
    crawler = get_crawler(settings_dict={"CSTO_SITE_TIMEZONE": "Europe/Moscow"})
    pipeline = NormalizeDatesPipeline.from_crawler(crawler)
    pipeline.clock = no_clock
    return pipeline


def candidates(*pairs: tuple[str, str]) -> list[DateCandidate]:
    return [DateCandidate(raw, source) for raw, source in pairs]


def test_normalize_dates_pipeline_date_only_stays_a_date() -> None:
    item = dates_pipeline().process_item(article(date_candidates=candidates(("18.05.2022", "detail"))))
    assert (item.published, item.published_raw, item.published_source) == ("2022-05-18", "18.05.2022", "detail")
    assert item.published_tz is None and item.date_flags == []


def test_normalize_dates_pipeline_keeps_listing_time_with_site_timezone() -> None:
    found = candidates(("08.05.2020", "detail"), ("05/08/2020 08:00:00", "listing"))
    item = dates_pipeline().process_item(article(date_candidates=found))
    assert (item.published, item.published_source) == ("2020-05-08T08:00:00+03:00", "listing")
    assert (item.published_raw, item.published_tz) == ("05/08/2020 08:00:00", "Europe/Moscow")


def test_normalize_dates_pipeline_no_date_counts_missing() -> None:
    pipeline = dates_pipeline()
    item = pipeline.process_item(article())
    assert (item.published, item.published_source, item.date_flags) == (None, None, [])
    assert pipeline.stats.get_value("csto/dates/missing") == 1


def test_normalize_dates_pipeline_flags_and_skips_implausible_and_unparseable() -> None:
    pipeline = dates_pipeline()
    found = candidates(("01.01.1990", "detail"), ("31.02.2020", "detail_body"), ("14.09.2022", "listing"))
    item = pipeline.process_item(article(date_candidates=found))
    assert (item.published, item.published_source) == ("2022-09-14", "listing")
    assert [flag.split(":")[0] for flag in item.date_flags] == ["detail", "detail_body"]
    assert pipeline.stats.get_value("csto/dates/flagged") == 1
    assert pipeline.stats.get_value("csto/dates/missing") is None


def test_normalize_dates_pipeline_judges_future_against_fetch_time() -> None:
    """15.02.2026 is two days after the page was fetched: implausible, whatever today is."""
    item = dates_pipeline().process_item(article(date_candidates=candidates(("15.02.2026", "detail"))))
    assert item.published is None
    assert len(item.date_flags) == 1 and "15.02.2026" in item.date_flags[0]


def test_normalize_dates_pipeline_passes_other_items_through() -> None:
    fetch = FetchRecord(URL, URL, 200, {}, b"", FETCHED_AT, "listing", "en")
    listing = ListingPageItem("en", "news/news_odkb", 1, 11, [], fetch)
    assert dates_pipeline().process_item(listing) is listing


def test_strip_boilerplate_pipeline_joins_clean_paragraphs() -> None:
    body = [
        f"{TITLE} 18.05.2022",
        "On May 18, 2022, the meeting took place.",
        "\xa0",
        "The parties  discussed cooperation.",
        "18.05.2022 Download document 39357fa0b754c4c5529e0bcf4d007437.docx",
        "Go back",
        "Back to the section",
    ]
    item = StripBoilerplatePipeline().process_item(article(body_paragraphs=body))
    assert item.body_text == "On May 18, 2022, the meeting took place.\n\nThe parties discussed cooperation."
    assert item.signature is None


def test_strip_boilerplate_pipeline_prefers_the_signature_block() -> None:
    lines = ["_____", "The CSTO Press Secretary\xa0\xa0\xa0 Vladimir Zaynetdinov", "+7 495-795-27-10"]
    item = StripBoilerplatePipeline().process_item(article(body_paragraphs=["Body."], signature_lines=lines))
    assert item.signature == "The CSTO Press Secretary Vladimir Zaynetdinov\n+7 495-795-27-10"
    assert item.body_text == "Body."


def test_strip_boilerplate_pipeline_takes_a_signature_left_in_the_body() -> None:
    body = ["Body.", "CSTO spokesman Vladimir Zainetdinov", "+7 495-795-27-10", "+7 495-621-33-23"]
    item = StripBoilerplatePipeline().process_item(article(body_paragraphs=body))
    assert item.body_text == "Body."
    assert item.signature == "CSTO spokesman Vladimir Zainetdinov\n+7 495-795-27-10\n+7 495-621-33-23"


def test_strip_boilerplate_pipeline_keeps_a_closing_press_secretary_sentence() -> None:
    body = ["Body.", "The CSTO Press Secretary said it was postponed."]
    item = StripBoilerplatePipeline().process_item(article(body_paragraphs=body))
    assert item.body_text == "Body.\n\nThe CSTO Press Secretary said it was postponed."
    assert item.signature is None


def test_strip_boilerplate_pipeline_passes_other_items_through() -> None:
    other = object()
    assert StripBoilerplatePipeline().process_item(other) is other


def test_pipelines_only_report_on_an_item_the_extraction_worker_cleaned() -> None:
    """The worker already set the dates and the body: the pipelines must not redo (or undo) them,
    but the dates pipeline still counts and logs on the crawl's side."""
    item = article(
        date_candidates=candidates(("18.05.2022", "detail")),
        body_paragraphs=["Go back"],
        published=None,
        date_flags=["detail: implausible"],
        body_text="Cleaned in the worker.",
        dates_normalized=True,
        boilerplate_stripped=True,
    )
    pipeline = dates_pipeline()
    item = StripBoilerplatePipeline().process_item(pipeline.process_item(item))
    assert (item.published, item.date_flags) == (None, ["detail: implausible"])
    assert item.body_text == "Cleaned in the worker."
    assert pipeline.stats.get_value("csto/dates/missing") == 1


def test_pipelines_clean_a_raw_item_and_mark_it_cleaned() -> None:
    item = article(date_candidates=candidates(("18.05.2022", "detail")), body_paragraphs=["Body.", "Go back"])
    item = StripBoilerplatePipeline().process_item(dates_pipeline().process_item(item))
    assert (item.published, item.body_text) == ("2022-05-18", "Body.")
    assert item.dates_normalized and item.boilerplate_stripped
