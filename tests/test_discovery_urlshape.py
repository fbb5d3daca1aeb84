"""URL shapes of real URL forms: the CSTO's Bitrix paths, the agency's, Kazinform's three generations,
BelTA's, a Belarusian district site's; dates, pages and IDs told apart."""

from __future__ import annotations

import pytest

from csto_crawler.discovery.urlshape import Token, classify_segment, is_dated_page, names_an_item, shape_of


@pytest.mark.parametrize(
    ("url", "template"),
    [
        (
            "https://en.odkb-csto.org/news/news_odkb/peredovaya-gruppa-missii-odkb-napravitsya/",
            "/news/news_odkb/{slug}/",
        ),
        ("https://en.odkb-csto.org/news/news_odkb/?PAGEN_1=3", "/news/news_odkb/?PAGEN_1={num}"),
        ("https://en.odkb-csto.org/priorities_kyrgyzstan/?ELEMENT_ID=23953", "/priorities_kyrgyzstan/?ELEMENT_ID={id}"),
        ("https://en.odkb-csto.org/session/2012/session201205/", "/session/{yyyy}/session201205/"),
        ("http://h/ru/news/sostoyalas-sessiya-soveta-kollektivnoy-bezopasnosti-odkb-e3a91d", "/{lang}/news/{slug-id}"),
        ("http://h/en/amp/news/csto-session-held-in-minsk-e3a91d", "/{lang}/amp/news/{slug-id}"),
        ("https://en.inform.kz/news/csto-defense-ministers-to-meet-in-late-april_a3780271/", "/news/{slug-id}/"),
        (
            "https://www.inform.kz/en/kazakh-head-of-state-attends-csto-meeting-in-dushanbe_a3837269",
            "/{lang}/{slug-id}",
        ),
        ("https://qazinform.com/news/csto-collective-security-council-to-hold-next-session-4d721a", "/news/{slug-id}"),
        (
            "https://belta.by/society/view/logotip-goda-belorusskoj-zhenschiny-opredelen-762819-2026/",
            "/society/view/{slug-id}/",
        ),
        (
            "https://osipovichi.gov.by/special/ru/news-rayon-ru/view/zhitel-derevni-tsel-oleg-trokaj-13566",
            "/special/ru/news-rayon-ru/view/{slug-id}",
        ),
        ("https://dokshitsy.vitebsk-region.gov.by/en/region1-en/page/7/", "/{lang}/region1-en/page/{num}/"),
        ("http://h/ru/archive/2026-02-10/", "/{lang}/archive/{date}/"),
        ("http://h/news/2024/01/17/", "/news/{yyyy}/{mm}/{dd}/"),
        ("http://h/ru/tag/odkb/?page=2", "/{lang}/tag/odkb/?page={num}"),
        ("http://h/news/123456-sammit-odkb-v-minske.html", "/news/{file}"),
        # A small site's short ID under a key that names an item (tests/portal_site.py); a page stays a number.
        ("http://h/News/Detail?id=812&page=2", "/news/detail?id={id}&page={num}"),
        ("http://h/press/?news_id=57", "/press/?news_id={id}"),
        ("http://h/?p=123", "/?p={num}"),
    ],
)
def test_shape_of_real_url_forms(url: str, template: str) -> None:
    assert shape_of(url).template == template


@pytest.mark.parametrize(
    ("segment", "token"),
    [
        ("news-rayon-ru", None),  # a section name, not a slug: three short words
        ("75-letie-pobedy", None),
        ("the_brotherhood_of_war_2019", Token.SLUG),
        ("dogovor_o_kollektivnoy_bezopasnosti", Token.SLUG),
        ("12345678", Token.ID),  # eight digits that are no calendar date
        ("20260210", Token.DATE),
        ("2024", Token.YEAR),
        ("3", Token.NUM),
        ("4d721a9f", Token.ID),
        ("decade", None),  # hex letters only: an English word, not an ID
        ("kak-proshla-nedelya-v-odkb-facade", Token.SLUG),  # a hex-letter word ending a slug is no ID
    ],
)
def test_classify_segment(segment: str, token: Token | None) -> None:
    assert classify_segment(segment) is token


def test_month_and_day_only_after_a_year() -> None:
    assert shape_of("http://h/archive/2024/02/30/").segments == ("archive", "{yyyy}", "{mm}", "{dd}")
    assert shape_of("http://h/top/02/").segments == ("top", "{num}")


@pytest.mark.parametrize(
    ("url", "item"),
    [
        ("http://h/ru/news/sostoyalas-sessiya-soveta-odkb-e3a91d", True),
        ("https://en.odkb-csto.org/news/news_odkb/peredovaya-gruppa-missii-odkb/", True),
        ("https://en.odkb-csto.org/priorities_kyrgyzstan/?ELEMENT_ID=23953", True),
        ("http://h/ru/tag/odkb/", False),
        ("http://h/ru/politics/?page=3", False),
        ("http://h/ru/archive/2026-02-10/", False),
        ("http://h/News/Detail?id=812", True),
    ],
)
def test_names_an_item(url: str, item: bool) -> None:
    assert names_an_item(shape_of(url)) is item


@pytest.mark.parametrize(
    ("url", "dated"),
    [
        ("http://h/ru/archive/2026-02-10/", True),
        ("http://h/news/2024/01/", True),
        ("https://paodkb.org/events?month=5&year=2023&page=2", True),
        ("https://en.odkb-csto.org/news/?arrFilter_DATE=10.02.2026", True),
        ("http://h/news/2024/01/17/csto-exercise-in-belarus-ends/", False),
        ("http://h/ru/news/", False),
    ],
)
def test_is_dated_page(url: str, dated: bool) -> None:
    assert is_dated_page(shape_of(url)) is dated
