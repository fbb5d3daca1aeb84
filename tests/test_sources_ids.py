"""Stable article IDs of real URL shapes: the source's own ID when the URL carries one, else a digest."""

from __future__ import annotations

import re

import pytest

from csto_crawler.archive.article_ids import article_id as archive_article_id
from csto_crawler.sources import Language, Source, article_id, csto_source
from csto_crawler.sources.ids import builtin_native_id

AGENCY = Source(name="agency", home="http://127.0.0.1:8811/")


@pytest.mark.parametrize(
    ("url", "native"),
    [
        # Kazinform's three generations (research notes 7.1), and its AMP copy of the second
        ("https://en.inform.kz/news/csto-defense-ministers-security-council-secretaries-to-meet_a3780271/", "a3780271"),
        ("https://www.inform.kz/en/kazakh-head-of-state-attends-csto-meeting-in-dushanbe_a3837269", "a3837269"),
        ("https://www.inform.kz/en/kazakh-head-of-state-attends-csto-meeting-in-dushanbe_a3837269/amp", "a3837269"),
        ("https://qazinform.com/news/csto-collective-security-council-to-hold-next-session-in-moscow-4d721a", "4d721a"),
        # the agency replica's form
        ("http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-soveta-kollektivnoy-bezopasnosti-odkb-e3a91d", "e3a91d"),
        # BelTA: the ID, then the year
        ("https://belta.by/society/view/logotip-goda-belorusskoj-zhenschiny-opredelen-762819-2026/", "762819"),
        ("https://eng.belta.by/society/view/belarusian-buyers-of-geely-cars-promised-subsidies-107864-2017/", "107864"),
        ("https://chn.belta.by/society/view/-26086-2024/", "26086"),
        # a Belarusian district site, special (accessible) copy and plain
        ("https://osipovichi.gov.by/special/ru/news-rayon-ru/view/zhitel-derevni-tsel-oleg-trokaj-13566", "13566"),
        ("https://osipovichi.mogilev-region.by/special/ru/news-rayon-ru/view/alleja-pamjati-v-chest-10486", "10486"),
        # DLE-style leading ID, a bare ID segment, Bitrix's ELEMENT_ID
        ("https://example.kz/news/123456-sammit-odkb-v-minske.html", "123456"),
        ("https://example.kz/news/123456/", "123456"),
        ("https://en.odkb-csto.org/priorities_kyrgyzstan/?ELEMENT_ID=23953", "23953"),
        # no ID: a slug that ends in a year or a short number, a CSTO slug, a section
        ("https://en.odkb-csto.org/news/news_odkb/ucheniya-vzaimodeystvie-2023/", None),
        (
            "https://en.odkb-csto.org/documents/statements/zayavlenie-ministrov-inostrannykh-del-19.05.2021%20-%203/",
            None,
        ),
        ("https://example.org/news/exercise-ends-in-a-decade/", None),
        ("http://127.0.0.1:8811/ru/tag/odkb/", None),
    ],
)
def test_builtin_native_id(url: str, native: str | None) -> None:
    assert builtin_native_id(url) == native


def test_article_id_scoped_by_source_and_language() -> None:
    url = "http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-soveta-kollektivnoy-bezopasnosti-odkb-e3a91d"
    assert article_id(AGENCY, "ru", url) == "agency-ru-e3a91d"
    # a slug edit keeps the ID; a move to another origin does too
    assert article_id(AGENCY, "ru", url.replace("sostoyalas-sessiya", "sessiya")) == "agency-ru-e3a91d"


def test_article_id_digest_ignores_the_host() -> None:
    source = Source(name="district", home="https://a.gov.by/")
    one = article_id(source, "ru", "https://a.gov.by/ru/news/short/")
    assert re.fullmatch(r"district-ru-u[0-9a-f]{10}", one)
    assert article_id(source, "ru", "http://127.0.0.1:9000/ru/news/short/") == one
    assert article_id(source, "ru", "https://a.gov.by/ru/news/other/") != one


@pytest.mark.parametrize(
    ("url", "element_id"),
    [
        ("https://en.odkb-csto.org/news/news_odkb/peredovaya-gruppa-missii-odkb-napravitsya-v-armeniyu/", "8573"),
        ("https://en.odkb-csto.org/news/news_odkb/peredovaya-gruppa-missii-odkb-napravitsya-v-armeniyu/", None),
        ("https://odkb-csto.org/priorities_kyrgyzstan/?ELEMENT_ID=23953", None),
    ],
)
def test_csto_ids_stay_what_they_were(url: str, element_id: str | None) -> None:
    lang = "en" if "//en." in url else "ru"
    assert article_id(csto_source(), lang, url, element_id) == archive_article_id(lang, element_id, url)


def test_id_pattern_of_a_source_wins_over_the_builtin_shapes() -> None:
    source = Source(name="tass", home="https://tass.ru/", id_pattern=re.compile(r"/(\d+)$"))
    assert article_id(source, "ru", "https://tass.ru/politika/2024") == "tass-ru-2024"
    no_ids = Source(name="plain", home="https://p.org/", url_ids=False, languages=(Language("en", "https://p.org/"),))
    assert article_id(no_ids, "en", "https://p.org/news/x-123456").startswith("plain-en-u")
