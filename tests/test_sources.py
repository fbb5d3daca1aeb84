"""Sources as data: languages by host or path prefix, the filter, origins moved, the CSTO default."""

from __future__ import annotations

import re

import pytest

from csto_crawler import settings
from csto_crawler.sources import Language, Source, SourceError, csto_source, language_from_url

AGENCY = Source(
    name="agency",
    home="http://127.0.0.1:8811/",
    languages=(Language("ru", "http://127.0.0.1:8811/ru/"), Language("en", "http://127.0.0.1:8811/en/")),
    must_mention=re.compile("CSTO|ОДКБ", re.IGNORECASE),
)
DISTRICT = Source(
    name="osipovichi",
    home="https://osipovichi.gov.by/ru/",
    languages=(
        Language("ru", "https://osipovichi.gov.by/ru/", ("https://osipovichi.mogilev-region.by/ru/",)),
        Language("en", "https://osipovichi.gov.by/en/"),
    ),
)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-e3a91d", "ru"),
        ("http://127.0.0.1:8811/en/", "en"),
        ("http://127.0.0.1:8811/en", "en"),
        ("http://127.0.0.1:8811/sitemap.xml", None),  # the host's, no language's
        ("http://127.0.0.1:8812/ru/news/x", None),  # another port is another host
        ("http://127.0.0.1:8811/rus/news/x", None),  # whole segments only
    ],
)
def test_language_of_path_prefixes(url: str, code: str | None) -> None:
    language = AGENCY.language_of(url)
    assert (language.code if language else None) == code


def test_language_of_own_hosts_ignores_www_and_scheme() -> None:
    csto = csto_source()
    assert csto.language_of("http://www.odkb-csto.org/news/news_odkb/x/").code == "ru"  # type: ignore[union-attr]
    assert csto.language_of("https://en.odkb-csto.org/").code == "en"  # type: ignore[union-attr]
    assert csto.language_of("https://jscsto.org/news/") is None


def test_language_of_a_mirror_host() -> None:
    url = "https://osipovichi.mogilev-region.by/ru/news-rayon-ru/view/alleja-pamjati-10486"
    assert DISTRICT.owns(url)
    assert DISTRICT.language_of(url).code == "ru"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("url", "code", "base"),
    [
        ("http://h/ru/tag/odkb/", "ru", "http://h/ru/"),
        ("http://h/en/news/x-e3a91d", "en", "http://h/en/"),
        ("https://www.inform.kz/kz/some-news_a3837269", "kk", "https://www.inform.kz/kz/"),
        ("https://eng.belta.by/president/view/x-186877-2026/", "en", "https://eng.belta.by/"),
        ("http://h/id/12345/", None, None),  # "id" is left out on purpose
        ("http://h/news/x/", None, None),
    ],
)
def test_language_from_url_for_sources_without_languages(url: str, code: str | None, base: str | None) -> None:
    language = language_from_url(url)
    assert (language.code, language.base) == (code, base) if language else code is None


def test_source_without_languages_reads_them_from_urls() -> None:
    source = Source(name="agency", home="http://h/")
    assert source.language_of("http://h/en/news/x-e3a91d").code == "en"  # type: ignore[union-attr]
    assert source.language_of("http://other/en/news/x-e3a91d") is None


@pytest.mark.parametrize(
    ("title", "text", "kept"),
    [
        ("Сессия ОДКБ в Минске", "", True),
        ("Session in Minsk", "The csto secretary general said", True),  # case-insensitive, text counts
        ("Harvest in Kostanay region", "Farmers gathered 2 million tonnes.", False),
    ],
)
def test_keeps_by_must_mention(title: str, text: str, kept: bool) -> None:
    assert AGENCY.keeps(title, text) is kept
    assert DISTRICT.keeps(title, text)  # no filter: everything


def test_start_urls_default_to_home() -> None:
    assert DISTRICT.start_urls == ("https://osipovichi.gov.by/ru/",)


def test_csto_default_source_is_todays_sites_sections_and_sitemaps() -> None:
    csto = csto_source()
    assert [(lang.code, lang.base) for lang in csto.languages] == [
        (code, f"{base}/") for code, base in settings.CSTO_SITES.items()
    ]
    # Walked by its sections and sitemaps (decision 0016), declared as data, not by its name.
    assert csto.walk == "sections" and csto.start == ()
    assert csto.sections == tuple(settings.CSTO_SECTIONS) and csto.sitemaps == tuple(settings.CSTO_SITEMAP_PATHS)
    moved = csto_source({"en": "http://127.0.0.1:8801"}, ["/news/smi/"], [])
    assert [lang.base for lang in moved.languages] == ["http://127.0.0.1:8801/"]
    assert moved.sections == ("news/smi",) and moved.sitemaps == ()
    assert csto.id_scope("en") == "en" and AGENCY.id_scope("ru") == "agency-ru"


def test_relocated_moves_a_language_or_the_whole_source() -> None:
    csto = csto_source().relocated({"en": "http://127.0.0.1:8801", "ru": "http://127.0.0.1:8802/"})
    assert [lang.base for lang in csto.languages] == ["http://127.0.0.1:8801/", "http://127.0.0.1:8802/"]
    assert csto.owns("http://127.0.0.1:8802/news/smi/") and csto.owns("http://127.0.0.1:8801/news/")
    assert not csto.owns("https://en.odkb-csto.org/")
    moved = AGENCY.relocated({"agency": "http://127.0.0.1:9999"})
    assert moved.language_of("http://127.0.0.1:9999/ru/news/x").code == "ru"  # type: ignore[union-attr]
    with pytest.raises(SourceError, match="origin"):
        AGENCY.relocated({"agency": "ftp://x"})
