"""Pipelines called through process_item: NormalizeDates, StripBoilerplate and CheckQuality."""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

import pytest
from scrapy.utils.test import get_crawler

from csto_crawler.items import ArticleItem, DateCandidate, FetchRecord, HeldPage, ListingPageItem
from csto_crawler.outcomes import Doubt, ReadingMethod
from csto_crawler.pipelines import CheckQualityPipeline, NormalizeDatesPipeline, StripBoilerplatePipeline

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


def quality_pipeline(max_share: float = 0.2, min_pages: int = 3) -> CheckQualityPipeline:
    crawler = get_crawler(settings_dict={"CSTO_MAX_DOUBTFUL_SHARE": max_share, "CSTO_DRIFT_MIN_PAGES": min_pages})
    return CheckQualityPipeline.from_crawler(crawler)


def cleaned(**fields: Any) -> ArticleItem:
    """An item the way the quality check receives it: dated and stripped by the two pipelines."""
    item = dates_pipeline().process_item(article(**fields))
    cleaned_item: ArticleItem = StripBoilerplatePipeline().process_item(item)
    return cleaned_item


GOOD = {
    "date_candidates": [DateCandidate("18.05.2022", "detail")],
    "body_paragraphs": ["On May 18, 2022, the meeting took place.", "The parties discussed cooperation."],
    "listed_title": TITLE,
    "listed_lead": "On May 18, 2022, the meeting took place.",
}


def test_quality_pipeline_passes_a_sound_article_on_and_counts_its_reading() -> None:
    pipeline = quality_pipeline()
    item = cleaned(**GOOD, reading_method="anchored")
    assert pipeline.process_item(item) is item
    assert item.doubts == []
    assert pipeline.stats.get_value("csto/quality/article/anchored") == 1
    assert pipeline.stats.get_value("csto/quality/article/doubtful") is None


@pytest.mark.parametrize(
    ("fields", "doubts"),
    [
        ({"body_paragraphs": ["Go back", "Back to the section"]}, ["no_body"]),
        ({"body_paragraphs": ["Too short."]}, ["short_body"]),
        ({"date_candidates": []}, ["no_date"]),
        ({"title": "CSTO News"}, ["title_mismatch"]),
        ({"title": "", "date_candidates": []}, ["no_title", "no_date"]),
    ],
    ids=["navigation-only", "shorter-than-the-lead", "no-date", "not-the-listed-title", "nothing"],
)
def test_quality_pipeline_holds_a_doubtful_article_back_with_its_snapshot(
    fields: dict[str, Any], doubts: list[str]
) -> None:
    item = cleaned(**(GOOD | fields))
    held = quality_pipeline().process_item(item)
    assert isinstance(held, HeldPage)
    assert (held.url, held.doubts, held.fetch) == (item.url, doubts, item.fetch)


def test_quality_pipeline_believes_a_title_the_page_repeats_over_a_stale_listing() -> None:
    item = cleaned(**(GOOD | {"title": TITLE + " (updated)", "title_repeated": True}))
    assert quality_pipeline().process_item(item) is item


def test_quality_pipeline_reports_drift_per_section_and_language_with_the_fields() -> None:
    pipeline = quality_pipeline(max_share=0.2, min_pages=3)
    for _ in range(3):
        pipeline.process_item(cleaned(**(GOOD | {"body_paragraphs": []})))
    pipeline.process_item(cleaned(**GOOD))
    pipeline.close_spider()
    assert pipeline.stats.get_value("csto/health/drift") == [
        "en (all sections): 3 of 4 article pages doubtful (body 3)",
        "en news/news_odkb: 3 of 4 article pages doubtful (body 3)",
    ]
    health = pipeline.stats.get_value("csto/health")
    assert health["en"]["news/news_odkb"]["article"] == {"methods": {"named": 4}, "doubtful": 3, "fields": {"body": 3}}


def test_quality_pipeline_sees_no_drift_below_the_share_or_the_page_count() -> None:
    few = quality_pipeline(max_share=0.2, min_pages=5)
    for _ in range(4):
        few.process_item(cleaned(**(GOOD | {"body_paragraphs": []})))
    few.close_spider()
    assert few.stats.get_value("csto/health/drift") == []
    rare = quality_pipeline(max_share=0.5, min_pages=1)
    rare.process_item(cleaned(**(GOOD | {"body_paragraphs": []})))
    rare.process_item(cleaned(**GOOD))
    rare.close_spider()
    assert rare.stats.get_value("csto/health/drift") == []


def test_quality_pipeline_counts_unreadable_pages_and_listing_pages() -> None:
    pipeline = quality_pipeline(min_pages=1)
    fetch = FetchRecord(URL, URL, 200, {}, b"<html></html>", FETCHED_AT, "article", "en")
    pipeline.process_item(HeldPage(URL, "en", "news/news_odkb", [Doubt.UNREADABLE], ReadingMethod.NONE, fetch))
    pipeline.process_item(ListingPageItem("en", "news/news_odkb", 1, 1, [], fetch, method=ReadingMethod.NONE))
    pipeline.close_spider()
    assert pipeline.stats.get_value("csto/health/drift") == [
        "en (all sections): 1 of 1 article pages doubtful (title+date+body (no article found) 1)",
        "en (all sections): 1 of 1 listing pages doubtful (listing items 1)",
        "en news/news_odkb: 1 of 1 article pages doubtful (title+date+body (no article found) 1)",
        "en news/news_odkb: 1 of 1 listing pages doubtful (listing items 1)",
    ]


def test_quality_pipeline_holds_a_body_far_shorter_than_the_archived_one() -> None:
    """The spider found the article archived with a 2,000-character body and said so on the item."""
    pipeline = quality_pipeline()
    held = pipeline.process_item(cleaned(**GOOD, archived_body_chars=2000))
    assert isinstance(held, HeldPage) and held.doubts == ["body_shrank"]


def test_quality_pipeline_holds_a_maintenance_notice_served_as_the_body() -> None:
    notice = ["On May 18, 2022, the meeting took place. The site is temporarily unavailable: maintenance mode."]
    held = quality_pipeline().process_item(cleaned(**(GOOD | {"body_paragraphs": notice})))
    assert isinstance(held, HeldPage) and held.doubts == ["maintenance"]


NOTICE_LIKE = {
    "body_paragraphs": ["Уважаемые посетители! Портал обновляется, зайдите, пожалуйста, через час."],
    "listed_lead": None,
}


DATED_BY_LISTING = {"date_candidates": [DateCandidate("18.05.2022", "listing")]}


def test_quality_pipeline_holds_a_notice_like_page_whatever_its_wording() -> None:
    """A line that names nothing of its title, on a page with no date of its own (the listing gave it),
    where the archive holds the article's text."""
    item = cleaned(**(GOOD | NOTICE_LIKE | DATED_BY_LISTING), archived_body_chars=350)
    held = quality_pipeline().process_item(item)
    assert isinstance(held, HeldPage) and held.doubts == ["notice_like"]
    assert held.body_text == NOTICE_LIKE["body_paragraphs"][0]  # the run's memory of short bodies counts it


@pytest.mark.parametrize(
    "fields",
    [
        NOTICE_LIKE,  # the page shows its date: one trait is not enough
        NOTICE_LIKE | DATED_BY_LISTING,  # a new article: a real short one must not be lost (an interview)
        {"body_paragraphs": ["The Secretary General met the SCO delegation."], "listed_lead": None}
        | {"date_candidates": [DateCandidate("18.05.2022", "listing")]},  # short, dated by the listing, on topic
    ],
)
def test_quality_pipeline_passes_a_short_article(fields: dict[str, Any]) -> None:
    item = cleaned(**(GOOD | fields))
    assert quality_pipeline().process_item(item) is item
