"""End to end: sources other than the CSTO's sites, crawled by discovery (spiders/discovering.py).

Sites of two kinds, served on 127.0.0.1 by the tests: a district executive committee's site
(tests/district_site.py: accessibility copies, numbered pager, no feed, no sitemap) and a news
agency (tests/agency_site.py: tag pages with "Load more", RSS, sitemaps, AMP copies, old URLs,
a day-by-day archive).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import district_site
import pytest
from agency_site import AgencySite
from source_sites import SiteServer, articles, crawl_sources, rows


def test_a_site_without_feed_or_sitemap_gives_every_article_once_and_no_accessibility_copy(tmp_path: Path) -> None:
    with SiteServer(district_site.answer) as site:
        archive = tmp_path / "district.sqlite"
        crawl = crawl_sources(site, archive, [{"name": "osipovichi", "home": f"{site.url}/"}], "CSTO_FULL=1")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    found = {row["url"]: row for row in articles(archive)}
    expected = {f"{site.url}{article.path}": article for article in district_site.ARTICLES}
    # A page reached as a listing that says it is an article (og:type) and reads as one is archived.
    expected[f"{site.url}{district_site.FEATURE_PATH}"] = district_site.FEATURE
    assert set(found) == set(expected)
    # Every news item links its accessibility copy: folded into the article before any request.
    assert not [path for path in crawl.requests if path.startswith("/special/ru/news-rayon/view/")]
    assert len([path for path in crawl.requests if "/view/" in path]) == len(district_site.ARTICLES)
    for url, article in expected.items():
        row = found[url]
        day, month, year = article.date.split(".")
        assert row["published"] == f"{year}-{month}-{day}"  # dd.mm.yyyy, never mm.dd
        assert row["title"] == article.title
        assert row["body_text"] == "\n\n".join(article.paragraphs)
        assert "Times New Roman" not in row["body_text"] and "Поделиться" not in row["body_text"]


def agency_crawl(agency: AgencySite, site: SiteServer, archive: Path, source: dict[str, Any], *settings: str) -> Any:
    agency.base = site.url
    crawl = crawl_sources(site, archive, [{"name": "agency", "home": f"{site.url}/", **source}], *settings)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    return crawl


@pytest.fixture
def agency() -> Iterator[tuple[AgencySite, SiteServer]]:
    state = AgencySite()
    with SiteServer(state.answer) as site:
        yield state, site


def tagged(agency: AgencySite, site: SiteServer) -> dict[str, Any]:
    return {"start": [f"{site.url}/ru/tag/odkb/"]}


def test_a_tag_page_source_archives_its_articles_once_under_their_canonical_urls(agency: Any, tmp_path: Path) -> None:
    state, site = agency
    archive = tmp_path / "agency.sqlite"
    crawl = agency_crawl(state, site, archive, tagged(state, site), "CSTO_FULL=1")
    found = {row["url"]: row for row in articles(archive)}
    expected = {f"{site.url}{s.path}": s for s in state.live("odkb")}
    assert set(found) == set(expected)  # no AMP copy, no old URL, no other article
    assert not [path for path in crawl.requests if path.startswith("/ru/archive/")]
    for url, story in expected.items():
        row = found[url]
        assert row["title"] == story.title
        assert row["published"] == story.at.isoformat()  # the time and the +05:00 offset kept
        assert row["author"] == "Айгерим Садыкова"
        assert row["body_text"] == "\n\n".join(story.paragraphs)  # the dateline stays; no box, caption, tags
    aliases = rows(archive, "SELECT url FROM url_aliases")
    assert not [url for (url,) in aliases if "/amp/" in url and url in found]


def test_a_tag_page_source_follows_edits_deletions_and_new_articles_then_asks_little(
    agency: Any, tmp_path: Path
) -> None:
    state, site = agency
    archive = tmp_path / "agency.sqlite"
    agency_crawl(state, site, archive, tagged(state, site), "CSTO_FULL=1")
    added, edited = state.add(20, csto=True), state.edit(2)
    state.delete(4, 410)
    state.edit(5)  # not about the CSTO: not archived, so no version either
    agency_crawl(state, site, archive, tagged(state, site))
    found = {row["url"]: row for row in articles(archive)}
    assert found[f"{site.url}{added.path}"]["versions"] == 1
    assert found[f"{site.url}{edited.path}"]["versions"] == 2
    assert found[f"{site.url}{edited.path}"]["title"].endswith("(обновлено)")
    assert found[f"{site.url}{state.story(4).path}"]["gone_at"] is not None
    assert sum(row["versions"] for row in found.values()) == len(found) + 1
    quiet = agency_crawl(state, site, archive, tagged(state, site))
    assert len(quiet.requests) <= 12, quiet.requests
    assert not [path for path in quiet.requests if path.startswith("/ru/news/")]


def test_a_filtered_source_without_start_pages_keeps_what_mentions_the_csto(agency: Any, tmp_path: Path) -> None:
    state, site = agency
    archive = tmp_path / "agency.sqlite"
    source = {"must_mention": "CSTO|ОДКБ", "max_trap_requests": 5}
    crawl = agency_crawl(state, site, archive, source, "CSTO_FULL=1")
    found = {row["url"] for row in articles(archive)}
    mentions = {f"{site.url}{s.path}" for s in state.live() if any("ОДКБ" in p for p in [s.title, *s.paragraphs])}
    assert found == mentions  # every CSTO article, the two that mention it in passing, no other
    old = state.story(2)  # linked by its old URL form, which redirects: one article, the old URL an alias
    aliases = {url for (url,) in rows(archive, "SELECT url FROM url_aliases")}
    assert f"{site.url}/ru/{old.slug}_a{old.old_id}" in aliases
    assert len([path for path in crawl.requests if path.startswith("/ru/archive/")]) <= 5
    again = agency_crawl(state, site, archive, source)
    turned_away = {s.path for s in state.live()} - {url.removeprefix(site.url) for url in mentions}
    assert not turned_away & set(again.requests)  # remembered: not fetched again


@pytest.fixture
def district() -> Iterator[SiteServer]:
    saved = [dataclasses.replace(article, paragraphs=list(article.paragraphs)) for article in district_site.ARTICLES]
    with SiteServer(district_site.answer) as site:
        yield site
    district_site.ARTICLES[:] = saved


def test_a_section_start_page_follows_the_site_between_runs(district: SiteServer, tmp_path: Path) -> None:
    """A district site's news section as the start page (numbered pager, no sitemap): a later run
    archives the new article, keeps an edit as a version and a removed article as a tombstone;
    a run with nothing new asks for a few pages."""
    archive, articles_now = tmp_path / "district.sqlite", district_site.ARTICLES
    source = [{"name": "district", "home": f"{district.url}/", "start": [f"{district.url}/ru/news-rayon/"]}]
    assert crawl_sources(district, archive, source, "CSTO_FULL=1").returncode == 0
    text = ["Гости района посетили выставку народных ремесел в районном центре."]
    added = district_site.DistrictArticle(
        "novost-rayona-11", 13571, "Новое событие в районе с гостями", "20.10.2023", text
    )
    articles_now.append(added)
    articles_now[2].title += " (дополнено)"
    articles_now[4].gone = 410
    assert crawl_sources(district, archive, source).returncode == 0
    found = {row["url"]: row for row in articles(archive)}
    assert found[f"{district.url}{added.path}"]["versions"] == 1
    assert found[f"{district.url}{articles_now[2].path}"]["versions"] == 2
    assert found[f"{district.url}{articles_now[4].path}"]["gone_at"] is not None
    assert sum(row["versions"] for row in found.values()) == len(found) + 1
    quiet = crawl_sources(district, archive, source)
    assert quiet.returncode == 0
    assert len(quiet.requests) <= 12, quiet.requests
