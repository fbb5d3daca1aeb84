"""URL canonicalisation, site membership, article URL parts and content-URL filtering."""

from __future__ import annotations

import pytest

from csto_crawler.urls import (
    ForeignUrlError,
    Sites,
    canonical_path,
    canonical_query,
    is_content_url,
    is_under_section,
    listing_url,
    path_segments,
    section_and_slug,
)

LIVE = Sites({"en": "https://en.odkb-csto.org", "ru": "https://odkb-csto.org"})
REPLICA = Sites({"en": "http://127.0.0.1:8801", "ru": "http://127.0.0.1:8802"})
ARTICLE = "https://odkb-csto.org/news/news_odkb/slug/"


@pytest.mark.parametrize(
    "url",
    [
        "https://odkb-csto.org/news/news_odkb/slug/?bxajaxid=0b4f1c6a2d9e8f7a6b5c4d3e2f1a0b9c",
        "https://odkb-csto.org/news/news_odkb/slug/?sphrase_id=123",
        "https://odkb-csto.org/news/news_odkb/slug/?utm_source=tg&utm_medium=social&utm_campaign=x",
        "https://odkb-csto.org/news/news_odkb/slug/?print=Y",
        "https://odkb-csto.org/news/news_odkb/slug/?clear_cache=Y&back_url_admin=%2F",
        "https://odkb-csto.org/news/news_odkb/slug",
        "https://odkb-csto.org/news/news_odkb/slug/#comments",
        "https://odkb-csto.org/news//news_odkb/./slug/",
        "https://odkb-csto.org/news/news_odkb/slug/index.php",
    ],
)
def test_canonicalize_drops_noise_query_and_forces_slash(url: str) -> None:
    assert LIVE.canonicalize(url) == ARTICLE


@pytest.mark.parametrize(
    "alias",
    [
        "http://odkb-csto.org/news/news_odkb/slug/",
        "https://www.odkb-csto.org/news/news_odkb/slug/",
        "http://www.odkb-csto.org/news/news_odkb/slug",
        "https://ODKB-CSTO.ORG/news/news_odkb/slug/",
        "https://odkb-csto.org:443/news/news_odkb/slug/",
        "http://odkb-csto.org:80/news/news_odkb/slug/",
    ],
)
def test_canonicalize_maps_host_and_scheme_aliases_to_the_canonical_base(alias: str) -> None:
    assert LIVE.canonicalize(alias) == ARTICLE
    assert LIVE.lang_of(alias) == "ru"


def test_canonicalize_keeps_language_hosts_apart() -> None:
    assert (
        LIVE.canonicalize("http://en.odkb-csto.org/news/news_odkb/slug")
        == "https://en.odkb-csto.org/news/news_odkb/slug/"
    )
    assert LIVE.lang_of("https://en.odkb-csto.org/") == "en"


def test_canonicalize_keeps_pagen_except_page_one() -> None:
    assert (
        LIVE.canonicalize("https://odkb-csto.org/news/?PAGEN_1=3&bxajaxid=abc")
        == "https://odkb-csto.org/news/?PAGEN_1=3"
    )
    assert LIVE.canonicalize("https://odkb-csto.org/news/?PAGEN_1=1") == "https://odkb-csto.org/news/"


def test_canonicalize_keeps_element_id_and_sorts_significant_keys() -> None:
    url = "https://odkb-csto.org/news/detail.php?utm_source=x&SECTION_ID=7&ELEMENT_ID=8573&print=Y"
    assert LIVE.canonicalize(url) == "https://odkb-csto.org/news/detail.php?ELEMENT_ID=8573&SECTION_ID=7"


@pytest.mark.parametrize(
    "url",
    [
        "https://odkb-csto.org/upload/iblock/393/39357fa0b754c4c5529e0bcf4d007437.docx",
        "https://odkb-csto.org/upload/iblock/4e2/c50d46b44ffd419a849995d8bc6ac6da.pdf",
        "https://odkb-csto.org/sitemap_iblock_7.xml",
        "https://odkb-csto.org/search/index.html",
    ],
)
def test_canonicalize_keeps_file_names_without_slash(url: str) -> None:
    assert LIVE.canonicalize(url) == url


def test_canonicalize_space_and_percent_20_are_the_same_url() -> None:
    expected = "https://odkb-csto.org/documents/statements/zayavlenie-ministrov-inostrannykh-del%20ODKB/"
    assert (
        LIVE.canonicalize("https://odkb-csto.org/documents/statements/zayavlenie-ministrov-inostrannykh-del ODKB")
        == expected
    )
    assert (
        LIVE.canonicalize("https://odkb-csto.org/documents/statements/zayavlenie-ministrov-inostrannykh-del%20ODKB")
        == expected
    )


def test_canonicalize_percent_encodes_cyrillic_paths_consistently() -> None:
    expected = "https://odkb-csto.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/"
    assert LIVE.canonicalize("https://odkb-csto.org/новости") == expected
    assert LIVE.canonicalize("https://odkb-csto.org/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8/") == expected
    assert LIVE.canonicalize(expected) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/news/news_odkb/slug/",
        "https://odkb-csto.org.evil.example/news/",
        "https://paodkb.org/news/",
        "http://odkb-csto.org:8080/news/",
        "ftp://odkb-csto.org/news/",
    ],
)
def test_canonicalize_foreign_url_raises(url: str) -> None:
    assert not LIVE.is_allowed(url)
    with pytest.raises(ForeignUrlError):
        LIVE.canonicalize(url)


def test_sites_ports_distinguish_the_replica_sites() -> None:
    assert REPLICA.lang_of("http://127.0.0.1:8801/news/") == "en"
    assert REPLICA.lang_of("http://127.0.0.1:8802/news/") == "ru"
    assert REPLICA.canonicalize("http://127.0.0.1:8802/news/a") == "http://127.0.0.1:8802/news/a/"
    assert REPLICA.lang_of("http://127.0.0.1:8803/news/") is None
    assert REPLICA.lang_of("http://127.0.0.1/news/") is None
    with pytest.raises(ForeignUrlError):
        REPLICA.canonicalize("http://localhost:8801/news/")


def test_sites_rejects_bad_configuration() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Sites({})
    with pytest.raises(ValueError, match="http"):
        Sites({"en": "en.odkb-csto.org"})


def test_canonical_path_and_query_are_idempotent() -> None:
    path = canonical_path("/documents/statements/zayavlenie-ministrov-inostrannykh-del-19.05.2021 - 3")
    assert path == "/documents/statements/zayavlenie-ministrov-inostrannykh-del-19.05.2021%20-%203/"
    assert canonical_path(path) == path
    assert canonical_path("") == "/"
    assert canonical_query("b=1&PAGEN_1=2&ELEMENT_ID=5") == "ELEMENT_ID=5&PAGEN_1=2"


def test_section_and_slug() -> None:
    url = "http://127.0.0.1:8801/documents/statements/zayavlenie-ministrov-inostrannykh-del%20ODKB/"
    assert section_and_slug(url) == ("documents/statements", "zayavlenie-ministrov-inostrannykh-del ODKB")
    assert section_and_slug("https://odkb-csto.org/news/news_odkb/slug/?bxajaxid=1") == ("news/news_odkb", "slug")


@pytest.mark.parametrize("url", ["https://odkb-csto.org/", "https://odkb-csto.org/news/"])
def test_section_and_slug_rejects_urls_without_a_slug(url: str) -> None:
    with pytest.raises(ValueError, match="section and a slug"):
        section_and_slug(url)


def test_path_segments_are_decoded() -> None:
    assert path_segments("https://odkb-csto.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8//a%20b/") == [
        "новости",
        "a b",
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (ARTICLE, True),
        ("https://odkb-csto.org/news/?PAGEN_1=2", True),
        ("https://odkb-csto.org/news/news_odkb/slug/?print=Y", False),
        ("https://odkb-csto.org/news/news_odkb/slug/?bxajaxid=1&print=Y", False),
        ("https://odkb-csto.org/news/?arrFilter_DATE=01.01.2026&set_filter=Y", False),
        ("https://odkb-csto.org/bitrix/rk.php?goto=https%3A%2F%2Fpaodkb.org%2F", False),
        ("https://odkb-csto.org/search/index.php?q=CSTO", False),
        ("https://odkb-csto.org/auth/", False),
        ("https://odkb-csto.org/personal/", False),
        ("https://odkb-csto.org/upload/iblock/393/39357fa0b754c4c5529e0bcf4d007437.docx", False),
    ],
)
def test_is_content_url(url: str, expected: bool) -> None:
    assert is_content_url(url) is expected


def test_is_under_section() -> None:
    assert is_under_section(ARTICLE, "news")
    assert is_under_section(ARTICLE, "/news/news_odkb/")
    assert not is_under_section("https://odkb-csto.org/news/", "news")
    assert not is_under_section("https://odkb-csto.org/newsletter/a/", "news")


def test_listing_url() -> None:
    assert listing_url("http://127.0.0.1:8801", "/news/news_odkb/") == "http://127.0.0.1:8801/news/news_odkb/"
    assert listing_url("http://127.0.0.1:8801", "news", 3) == "http://127.0.0.1:8801/news/?PAGEN_1=3"
