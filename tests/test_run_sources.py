"""The run's sources from its settings (csto_crawler/run_sources.py) and how a source says it is
walked (``walk``, ``sections``, ``sitemaps``): the spider names no source."""

from __future__ import annotations

import json

import pytest
from scrapy.settings import Settings

from csto_crawler.run_sources import discovered, named_sources, run_sources, section_sites, section_walked
from csto_crawler.sources import Source, SourceConfigError, SourceError, csto_source, parse_sources, sources_setting
from csto_crawler.sources.model import DISCOVER, SECTIONS

AGENCY = Source(name="agency", home="https://agency.example/", start=("https://agency.example/ru/tag/odkb/",))
MINISTRY = {
    "home": "https://mil.example.kz/",
    "walk": "sections",
    "sections": ["news/", "/press/releases"],
    "sitemaps": ["/sitemap_iblock_1.xml"],
    "languages": {"ru": "https://mil.example.kz/", "kk": "https://kk.mil.example.kz"},
}


def project_settings(**values: object) -> Settings:
    settings = Settings()
    settings.setmodule("csto_crawler.settings")
    for name, value in values.items():
        settings.set(name, value)
    return settings


def test_named_sources_read_a_list_of_tables_or_the_same_as_json_text() -> None:
    tables = sources_setting([csto_source(), AGENCY])
    assert named_sources(tables) == named_sources(json.dumps(tables)) == [csto_source(), AGENCY]
    assert named_sources(None) == named_sources("") == named_sources([]) == []
    with pytest.raises(SourceConfigError, match=r"CSTO_SOURCES: sources\.agency\.home"):
        named_sources('[{"name": "agency", "home": "ftp://x"}]')


def test_without_named_sources_the_run_crawls_the_default_source_as_its_settings_describe_it() -> None:
    settings = project_settings(
        CSTO_SITES={"en": "http://127.0.0.1:8801"}, CSTO_SECTIONS=["news/news_odkb"], CSTO_SITEMAP_PATHS=[]
    )
    (source,) = run_sources(settings)
    assert source.name == "csto" and source.walk == SECTIONS
    assert [(lang.code, lang.base) for lang in source.languages] == [("en", "http://127.0.0.1:8801/")]
    assert source.sections == ("news/news_odkb",) and source.sitemaps == ()
    assert section_sites(source).by_lang["en"].base == "http://127.0.0.1:8801"
    assert run_sources(project_settings())[0] == csto_source()
    with pytest.raises(SourceError, match="CSTO_SITES is empty"):
        run_sources(project_settings(CSTO_SITES={}))


def test_which_source_is_walked_by_sections_is_read_from_the_data_not_the_name() -> None:
    (ministry,) = parse_sources({"sources": {"ministry": MINISTRY}}, "test")
    assert ministry.walk == SECTIONS and ministry.sections == ("news", "press/releases")
    assert section_walked([AGENCY, ministry]) is ministry and discovered([AGENCY, ministry]) == [AGENCY]
    assert section_walked([AGENCY]) is None and AGENCY.walk == DISCOVER
    assert section_sites(None).langs == [] and not section_sites(None).is_allowed("https://agency.example/")
    with pytest.raises(SourceError, match="one source per run may be walked by sections; crawl csto, ministry"):
        section_walked([csto_source(), ministry])
    settings = project_settings(CSTO_SOURCES=sources_setting([ministry, AGENCY]))
    assert [source.name for source in run_sources(settings)] == ["ministry", "agency"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"walk": "crawl"}, "sources.ministry.walk: must be one of 'discover', 'sections', got 'crawl'"),
        ({"sections": []}, 'sources.ministry.sections: walk = "sections" needs at least one section'),
        ({"sections": ["news?PAGEN_1=2"]}, "sources.ministry.sections: a section is a path"),
        ({"sitemaps": ["sitemap.xml"]}, "sources.ministry.sitemaps: a sitemap path starts with /"),
        ({"languages": {"ru": "https://mil.example.kz/ru/"}}, 'languages.ru: walk = "sections": a language is a host'),
        ({"languages": {}}, 'sources.ministry.languages: walk = "sections" needs its languages'),
        ({"walk": "discover"}, 'sources.ministry.sections: only for walk = "sections"'),
    ],
)
def test_a_section_walk_that_cannot_be_walked_is_refused_in_one_line(change: dict[str, object], error: str) -> None:
    with pytest.raises(SourceConfigError) as raised:
        parse_sources({"sources": {"ministry": {**MINISTRY, **change}}}, "test")
    assert any(error in line for line in raised.value.errors), raised.value.errors


def test_a_source_walked_by_sections_survives_the_round_trip_through_the_archive_s_table() -> None:
    (ministry,) = parse_sources({"sources": {"ministry": MINISTRY}}, "test")
    assert named_sources(sources_setting([ministry])) == [ministry]
    assert named_sources(sources_setting([csto_source()])) == [csto_source()]
