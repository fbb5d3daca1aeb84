"""Sitemap parsing over the saved sitemap fixtures, and its behaviour on hostile or broken XML."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_cases import Case, case_named, case_params

from csto_crawler.dates import parse_site_date
from csto_crawler.pages.sitemap import SitemapDocument, SitemapError, holds_articles, parse_sitemap

SITEMAPS = case_params("sitemap")
URLSET = 'urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
LOC = "http://127.0.0.1:8801/news/news_odkb/"

# "Billion laughs": ten levels of ten-fold entity references, 10**9 copies of "lol" when expanded.
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + f"]><{URLSET}><url><loc>{LOC}&lol9;/</loc><lastmod>&lol9;</lastmod></url>"
    + f"<url><loc>{LOC}plain/</loc></url></urlset>"
)


def entries_or_empty(body: bytes) -> list[tuple[str, str | None]]:
    """Entries of a hostile file; refusing it with SitemapError is just as safe."""
    try:
        return parse_sitemap(body).entries
    except SitemapError:
        return []


def external_entity_sitemap(uri: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "{uri}">]>'
        f"<{URLSET}><url><loc>{LOC}&xxe;</loc><lastmod>&xxe;</lastmod></url>"
        f"<url><loc>{LOC}plain/</loc></url></urlset>"
    ).encode()


@pytest.mark.parametrize("case", SITEMAPS)
def test_parse_sitemap_index_or_urlset(case: Case) -> None:
    document = parse_sitemap(case.body())
    expected = case.expected()
    assert document.is_index is expected["is_index"]
    assert document.entries == [tuple(e) for e in expected["entries"]]


@pytest.mark.parametrize("case", SITEMAPS)
def test_parse_sitemap_lastmod_is_an_aware_site_datetime(case: Case) -> None:
    lastmods = [lastmod for _, lastmod in parse_sitemap(case.body()).entries]
    assert lastmods and all(lastmods)
    parsed = [parse_site_date(value) for value in lastmods if value]
    assert all(p.format == "iso" and p.has_time and p.value.utcoffset() is not None for p in parsed)


@pytest.mark.parametrize("case", SITEMAPS)
def test_holds_articles_false_only_for_the_static_files_sitemap(case: Case) -> None:
    assert holds_articles(case.url) is case.expected()["holds_articles"]


def test_holds_articles_for_index_children() -> None:
    index = parse_sitemap(case_named("sitemap", "en-index").body())
    holding = [loc.rsplit("/", 1)[-1] for loc, _ in index.entries if holds_articles(loc)]
    assert "sitemap_files.xml" not in holding
    assert "sitemap_iblock_7.xml" in holding
    assert not holds_articles("http://127.0.0.1:8801/sitemap_files_2.xml")


def test_parse_sitemap_does_not_expand_billion_laughs() -> None:
    entries = entries_or_empty(BILLION_LAUGHS.encode())
    assert all("lollol" not in loc and "lollol" not in (lastmod or "") for loc, lastmod in entries)
    assert sum(len(loc) + len(lastmod or "") for loc, lastmod in entries) < 1000


def test_parse_sitemap_does_not_read_external_entity_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT-7f3a", encoding="utf-8")
    entries = entries_or_empty(external_entity_sitemap(secret.as_uri()))
    assert not any("SECRET-CONTENT" in loc or "SECRET-CONTENT" in (lastmod or "") for loc, lastmod in entries)


def test_parse_sitemap_does_not_read_etc_passwd() -> None:
    entries = entries_or_empty(external_entity_sitemap("file:///etc/passwd"))
    assert not any("root:" in loc or "root:" in (lastmod or "") for loc, lastmod in entries)
    assert (f"{LOC}plain/", None) in entries  # the harmless entry is still read


def test_parse_sitemap_keeps_significant_query_and_escaped_ampersand() -> None:
    body = f"<{URLSET}><url><loc> {LOC}?PAGEN_1=2&amp;x=1 </loc></url><url><loc></loc></url></urlset>".encode()
    assert parse_sitemap(body) == SitemapDocument(False, [(f"{LOC}?PAGEN_1=2&x=1", None)])


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"<rss><channel/></rss>", id="rss-root"),
        pytest.param(b"User-agent: *\nDisallow: /bitrix/\n", id="plain-text"),
    ],
)
def test_parse_sitemap_rejects_non_sitemaps(body: bytes) -> None:
    with pytest.raises(SitemapError):
        parse_sitemap(body)


def test_parse_sitemap_rejects_an_html_error_page() -> None:
    with pytest.raises(SitemapError, match="html"):
        parse_sitemap(case_named("not_article", "en-not-found-404").body())
