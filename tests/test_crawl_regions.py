"""End to end: regional government sites of kinds tests/district_site.py does not cover, crawled by
discovery through ``scrapy crawl news`` with no filter and no start page, against the figures of
issue 22: every article once and none of its accessibility or print copies as an article of its
own, title and date-time 100 %, body F1 with no panel, menu, breadcrumb, share or footer text,
endless spaces left alone, edits as versions, deletions as tombstones, a quiet run that asks little.

- tests/joomla_site.py: a Joomla district site (SEF and non-SEF URLs of one article, ``?start=N``
  pagers above and below the list, ``?tmpl=component&print=1`` and ``?version=vision`` copies,
  Russian and Belarusian pages and dates, a news calendar, a gallery and PDF documents, a sitemap
  of static pages only, no feed).
- tests/bitrix_district_site.py: a 1C-Bitrix district site (an archive ``<table>`` with the dates in
  their own cells, ``?PAGEN_1=N`` pagers above and below it, one-word symbolic codes beside slugs,
  ``?special_version=Y`` copies, a photo gallery of picture pages and a documents page of PDFs, an
  events calendar, no feed, no sitemap, no robots.txt).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bitrix_district_site import BitrixDistrictSite
from joomla_site import JoomlaSite
from source_sites import SiteServer
from test_crawl_kinds import MAX_QUIET_REQUESTS, MAX_TRAP_REQUESTS, articles, assert_archived_once, assert_read_well
from test_crawl_kinds import crawl as crawl_source

# Text of the site's chrome that no article body may hold (panel, menu, breadcrumb, share, footer, modules).
CHROME = (
    "Times New Roman", "Настройки шрифта", "Налады шрыфту", "Размер шрифта", "слабовидящих", "слабавідушчых",
    "Главная", "Поделиться", "ВКонтакте", "Режим работы", "Рэжым работы", "Адрес", "Адрас", "Просмотров",
    "Печать", "Другие новости", "Календарь новостей", "Опубликовано", "Апублікавана",
    "Календарь событий", "Время работы", "Приемная", "Вернуться к списку", "Дата публикации", "Telegram",
)  # fmt: skip


@pytest.fixture(params=[("", True), ("/eye", True), ("", False)], ids=["query-copies", "prefix-copies", "no-canonical"])
def joomla(request: pytest.FixtureRequest) -> Iterator[tuple[JoomlaSite, SiteServer]]:
    """The Joomla site with its accessibility copies at ``?version=vision``, or under ``/eye/``, a
    prefix no vocabulary knows (learned from the panel's link, discovery/copies.py); or with non-SEF
    pages that declare no canonical (their print links name it)."""
    state = JoomlaSite(vision_prefix=request.param[0], canonical=request.param[1])
    with SiteServer(state.answer) as site:
        state.base = site.url
        yield state, site


def unfiltered(site: SiteServer) -> dict[str, Any]:
    return {"name": "asipovichy"}


def calendar_requests(requests: list[str]) -> list[str]:
    return [path for path in requests if path.startswith("/kalendar-novostej/")]


def event_requests(requests: list[str]) -> list[str]:
    return [path for path in requests if path.startswith("/news/calendar.php")]


def copy_requests(requests: list[str]) -> list[str]:
    copies = ("version=vision", "print=1", "special_version")
    return [path for path in requests if path.startswith("/eye/") or any(key in path for key in copies)]


def assert_stories_read_well(found: dict[str, dict[str, Any]], expected: dict[str, Any]) -> float:
    """The shown date and time at +03:00 (Minsk), bodies that end with the signature line and hold
    none of the site's chrome."""
    return assert_read_well(found, expected, CHROME, lambda story: "\n\n".join(story.body))


def test_a_joomla_district_site_gives_every_article_once_and_no_copy(joomla: Any, tmp_path: Path) -> None:
    state, site = joomla
    archive = tmp_path / "asipovichy.sqlite"
    done = crawl_source(site, archive, unfiltered(site), "CSTO_FULL=1")
    expected = {f"{site.url}{s.path}": s for s in state.live()}
    found = assert_archived_once(archive, expected)  # no non-SEF form, copy, gallery, document or page
    assert_stories_read_well(found, expected)
    assert len(calendar_requests(done.requests)) <= MAX_TRAP_REQUESTS
    assert not copy_requests(done.requests), copy_requests(done.requests)
    assert not [path for path in done.requests if path.endswith(".pdf")]


def test_a_joomla_district_site_follows_new_edited_and_deleted_articles_then_asks_little(
    joomla: Any, tmp_path: Path
) -> None:
    state, site = joomla
    archive = tmp_path / "asipovichy.sqlite"
    crawl_source(site, archive, unfiltered(site), "CSTO_FULL=1")
    added, edited = state.add(20), state.edit(413)
    added_be = state.add(9, "be")
    state.delete(405, 410)
    crawl_source(site, archive, unfiltered(site))
    found = {row["url"]: row for row in articles(archive)}
    assert found[f"{site.url}{added.path}"]["versions"] == 1
    assert found[f"{site.url}{added_be.path}"]["versions"] == 1
    assert found[f"{site.url}{edited.path}"]["versions"] == 2
    assert found[f"{site.url}{edited.path}"]["title"] == edited.title
    assert sum(row["versions"] for row in found.values()) == len(found) + 1
    quiet = crawl_source(site, archive, unfiltered(site))
    assert len(quiet.requests) <= MAX_QUIET_REQUESTS, quiet.requests
    # The weekly full sweep: what no listing shows any more is asked for again; the 410 is its tombstone.
    crawl_source(site, archive, unfiltered(site), "CSTO_FULL=1")
    found = {row["url"]: row for row in articles(archive)}
    assert [url for url, row in found.items() if row["gone_at"]] == [f"{site.url}{state.story(405).path}"]


# --- a 1C-Bitrix district site ---------------------------------------------------------------------


@pytest.fixture
def bitrix() -> Iterator[tuple[BitrixDistrictSite, SiteServer]]:
    state = BitrixDistrictSite()
    with SiteServer(state.answer) as site:
        state.base = site.url
        yield state, site


def test_a_bitrix_district_site_gives_every_article_once_and_no_copy_gallery_or_document(
    bitrix: Any, tmp_path: Path
) -> None:
    state, site = bitrix
    archive = tmp_path / "pinsk.sqlite"
    done = crawl_source(site, archive, {"name": "pinsk"}, "CSTO_FULL=1")
    expected = {f"{site.url}{i.path}": i for i in state.live()}
    found = assert_archived_once(archive, expected)  # the one-word codes too; no album, no document
    assert_stories_read_well(found, expected)
    assert len(event_requests(done.requests)) <= MAX_TRAP_REQUESTS
    assert not copy_requests(done.requests), copy_requests(done.requests)
    assert not [path for path in done.requests if path.endswith(".pdf")]


def test_a_bitrix_district_site_follows_new_edited_and_deleted_articles_then_asks_little(
    bitrix: Any, tmp_path: Path
) -> None:
    state, site = bitrix
    archive = tmp_path / "pinsk.sqlite"
    source = {"name": "pinsk"}
    crawl_source(site, archive, source, "CSTO_FULL=1")
    added, edited = state.add(20), state.edit(15)
    state.delete(5, 404)
    crawl_source(site, archive, source)
    found = {row["url"]: row for row in articles(archive)}
    assert found[f"{site.url}{added.path}"]["versions"] == 1
    assert found[f"{site.url}{edited.path}"]["versions"] == 2
    assert found[f"{site.url}{edited.path}"]["title"] == edited.title
    assert sum(row["versions"] for row in found.values()) == len(found) + 1
    quiet = crawl_source(site, archive, source)
    assert len(quiet.requests) <= MAX_QUIET_REQUESTS, quiet.requests
    crawl_source(site, archive, source, "CSTO_FULL=1")
    found = {row["url"]: row for row in articles(archive)}
    assert [url for url, row in found.items() if row["gone_at"]] == [f"{site.url}{state.item(5).path}"]
