"""Sitemaps of any source: robots.txt lines, Google News fields, children in reading order, scope."""

from __future__ import annotations

from pathlib import Path

from csto_crawler.discovery.sitemaps import children_in_reading_order, sitemap_urls, source_entries
from csto_crawler.pages.sitemap import NewsFields, parse_sitemap
from csto_crawler.sources import Language, Source

SITEMAPS = Path(__file__).resolve().parent / "fixtures" / "discovery" / "sitemaps"
AGENCY = Source(
    name="agency",
    home="https://agency.example.kz/",
    languages=(Language("ru", "https://agency.example.kz/ru/"), Language("en", "https://agency.example.kz/en/")),
)


def test_sitemap_urls_from_robots_deduplicated_and_absolute() -> None:
    robots = (SITEMAPS / "robots.txt").read_bytes()
    assert sitemap_urls(robots, "https://agency.example.kz") == [
        "https://agency.example.kz/sitemap.xml",
        "https://agency.example.kz/news-sitemap.xml",
    ]


def test_sitemap_urls_fall_back_to_sitemap_xml() -> None:
    assert sitemap_urls(None, "https://d.gov.by") == ["https://d.gov.by/sitemap.xml"]
    assert sitemap_urls(b"User-agent: *\nDisallow:\n", "https://d.gov.by/") == ["https://d.gov.by/sitemap.xml"]


def test_google_news_fields() -> None:
    document = parse_sitemap((SITEMAPS / "news-sitemap-two-languages.xml").read_bytes())
    assert document.is_news and not document.is_index
    ru = "https://agency.example.kz/ru/news/generalnyy-sekretar-odkb-pribyl-v-astanu-5c4d3e"
    en = "https://agency.example.kz/en/news/csto-secretary-general-arrives-in-astana-6d5e4f"
    assert document.news[ru] == NewsFields(
        "2026-02-12T09:30:00+05:00", "Генеральный секретарь ОДКБ прибыл в Астану", "Агентство", "ru"
    )
    assert document.news[en].title == "CSTO Secretary General arrives in Astana"  # whitespace normalised
    assert document.news[en].publication_date_raw == "2026-02-12"
    assert set(document.news) == {ru, en}  # plain entries have no news fields
    assert (en, "2026-02-12T10:00:00+05:00") in document.entries


def test_plain_sitemap_has_no_news_fields() -> None:
    document = parse_sitemap((SITEMAPS / "index-monthly.xml").read_bytes())
    assert document.is_index and not document.is_news


def test_children_in_reading_order_news_first_then_newest() -> None:
    document = parse_sitemap((SITEMAPS / "index-monthly.xml").read_bytes())
    assert children_in_reading_order(document) == [
        "https://agency.example.kz/sitemap_news.xml",
        "https://agency.example.kz/sitemap-sections.xml",
        "https://agency.example.kz/sitemaps/2026-01.xml",
        "https://agency.example.kz/sitemaps/2025-12.xml",
        "https://agency.example.kz/sitemaps/legacy.xml",
    ]


def test_source_entries_keep_the_sources_hosts_with_their_language() -> None:
    document = parse_sitemap((SITEMAPS / "news-sitemap-two-languages.xml").read_bytes())
    entries = source_entries(document, AGENCY)
    assert [(e.lang, e.url.split("/news/")[-1]) for e in entries] == [
        ("ru", "generalnyy-sekretar-odkb-pribyl-v-astanu-5c4d3e"),
        ("en", "csto-secretary-general-arrives-in-astana-6d5e4f"),
        ("en", "https://agency.example.kz/en/about/"),
    ]  # the mirror on another host is not the source's
    assert entries[0].news is not None and entries[2].news is None


def test_news_fields_of_a_hostile_file_are_not_expanded() -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY a{i} "{("&a;" if i == 1 else f"&a{i - 1};") * 10}">' for i in range(1, 9)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [{entities}<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://e.example/a-b-c-d</loc>'
        "<news:news><news:title>&a8;&x;</news:title><news:publication_date>2026-01-01</news:publication_date>"
        "</news:news></url></urlset>"
    ).encode()
    document = parse_sitemap(body)
    fields = document.news.get("https://e.example/a-b-c-d")
    assert fields is None or (len(fields.title or "") < 1000 and "root:" not in (fields.title or ""))


def test_news_fields_of_a_truncated_file_keep_what_was_read() -> None:
    body = (SITEMAPS / "news-sitemap-two-languages.xml").read_bytes()
    document = parse_sitemap(body[: body.index(b"<url>\n    <loc>https://agency.example.kz/en/")])
    assert len(document.news) == 1
