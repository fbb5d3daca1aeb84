"""Article candidates on listing pages of layouts the crawler was not written for: cards with a
"popular" sidebar, a Bitrix table, an accessibility-only district site, dated paths with a calendar,
a home page with section blocks; Russian and English; the ways on and the feeds of each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html

from csto_crawler.discovery.listing import ListingReading, read_listing
from csto_crawler.discovery.pager import PageKind
from csto_crawler.sources.languages import address_of

LISTINGS = Path(__file__).resolve().parent / "fixtures" / "discovery" / "listings"


@dataclass(frozen=True)
class Expected:
    page: str
    url: str
    main: list[str]  # last path segments of the main list, in order
    other: list[str]  # candidates outside the main list
    dates: list[str | None]
    pages: list[tuple[str, PageKind]]
    feeds: list[str]


CASES = [
    Expected(
        "ru-cards-with-sidebar.html",
        "https://vestnik.example.kz/ru/bezopasnost/",
        [
            "ucheniya-odkb-vzaimodeystvie-nachalis-v-belarusi-81234",
            "genseki-odkb-i-sng-obsudili-situatsiyu-v-tsentralnoy-azii-81230",
            "v-dushanbe-proshla-konferentsiya-po-bezopasnosti-granits-81201",
            "parlamentskaya-assambleya-odkb-utverdila-plan-na-god-81188",
        ],
        [
            "kurs-tenge-ukrepilsya-k-dollaru-po-itogam-torgov-81240",
            "v-almaty-otkrylsya-novyy-kontsertnyy-zal-na-2000-mest-81222",
        ],
        ["12.02.2026", "11.02.2026", "09.02.2026", "06.02.2026"],
        [("https://vestnik.example.kz/ru/bezopasnost/?page=2", PageKind.NUMBERED)],
        ["https://vestnik.example.kz/ru/rss/security.xml", "https://vestnik.example.kz/ru/rss/"],
    ),
    Expected(
        "en-bitrix-table.html",
        "https://en.odkb-csto.org/news/news_odkb/?PAGEN_1=2",
        [
            "the-csto-secretary-general-held-talks-in-yerevan",
            "permanent-council-discussed-the-epidemic-situation",
            "session201204",  # no slug shape, but a title-long link text below the section
        ],
        [],
        ["05/08/2020 08:00:00", "04/16/2020 15:57:33", "04/02/2020 11:10:00"],
        [("https://en.odkb-csto.org/news/news_odkb/?PAGEN_1=3", PageKind.NUMBERED)],
        [],
    ),
    Expected(
        "ru-district-special.html",
        "https://osipovichi.gov.by/special/ru/news-rayon-ru/",
        [
            "zhitel-derevni-tsel-vpervye-posetil-uchastok-dlja-golosovanija-13566",
            "v-osipovichah-proshel-turnir-po-mini-futbolu-13560",
            "aktsija-pomogi-pojti-v-shkolu-13552",
        ],
        [],
        ["27 февраля 2022", "26 февраля 2022", "25 февраля 2022"],
        [("https://osipovichi.gov.by/special/ru/news-rayon-ru/page/2/", PageKind.NUMBERED)],
        [],
    ),
    Expected(
        "en-dated-paths-load-more-json.html",
        "https://region.example.by/en/news/",
        [
            "csto-peacekeepers-complete-indestructible-brotherhood-exercise",
            "new-school-opens-in-the-district-centre",
            "farmers-prepare-for-the-sowing-campaign",
        ],
        [],  # the calendar's day and month pages are no articles
        ["2024-01-17T09:00:00+03:00", "2024-01-16T18:30:00+03:00", "2024-01-15T12:00:00+03:00"],
        [
            ("https://region.example.by/en/news/page/2/", PageKind.REL_NEXT),
            ("https://region.example.by/en/api/news?page=2&per=3", PageKind.API),
        ],
        [],
    ),
    Expected(
        "en-home-blocks.html",
        "https://agency.example.kz/en/",
        [
            "senate-passes-the-budget-for-the-next-three-years-1f2e3d",
            "csto-ministers-meet-in-astana-to-discuss-border-security-2a3b4c",
            "un-general-assembly-adopts-resolution-on-water-5d6e7f",
            "summit-of-central-asian-leaders-opens-in-tashkent-8a9b0c",
        ],
        [],  # section blocks of one structure are one list
        [None, None, None, None],
        [],
        [],
    ),
]


def reading(case: Expected) -> ListingReading:
    root = html.fromstring((LISTINGS / case.page).read_bytes(), base_url=case.url)
    host = address_of(case.url)
    return read_listing(root, case.url, lambda url: address_of(url) == host)


def last_segment(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@pytest.mark.parametrize("case", CASES, ids=[c.page for c in CASES])
def test_main_list(case: Expected) -> None:
    main = reading(case).main()
    assert [last_segment(c.url) for c in main] == case.main
    assert [c.date_raw for c in main] == case.dates
    assert all(c.title for c in main)


@pytest.mark.parametrize("case", CASES, ids=[c.page for c in CASES])
def test_candidates_outside_the_main_list(case: Expected) -> None:
    found = reading(case)
    assert [last_segment(c.url) for c in found.candidates if not c.in_main_list] == case.other


@pytest.mark.parametrize("case", CASES, ids=[c.page for c in CASES])
def test_ways_on_and_feeds(case: Expected) -> None:
    found = reading(case)
    assert [(p.url, p.kind) for p in found.next_pages] == case.pages
    assert list(found.feeds) == case.feeds


def test_titles_come_from_the_text_link_not_the_image_link() -> None:
    main = reading(CASES[0]).main()
    assert main[0].title == "Учения ОДКБ «Взаимодействие» начались в Беларуси"
    assert main[1].url.endswith("-81230")  # the #comments fragment is dropped


def test_nothing_out_of_scope_assets_or_links_inside_scripts() -> None:
    found = reading(CASES[0])
    urls = [c.url for c in found.candidates]
    assert not any("t.me" in u or u.endswith(".pdf") or "{{slug}}" in u or "utm_" in u for u in urls)
    assert "https://vestnik.example.kz/ru/arkhiv/2026-02-12/" not in urls  # a day page of the archive


def test_empty_and_linkless_pages() -> None:
    for body in (b"<html><body><p>Nothing here</p></body></html>", b"<html><body></body></html>"):
        found = read_listing(html.fromstring(body), "https://h.example/ru/", lambda url: True)
        assert found.candidates == () and found.blocks == () and found.next_pages == ()
