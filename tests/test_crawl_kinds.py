"""End to end: outlets of kinds the agency and district sites do not cover, crawled by discovery
through ``scrapy crawl news`` as tests/test_crawl_sources.py does, against the figures of issue 22
(every matching article once, no other, dates with their offsets, body F1, endless spaces left
alone, edits as versions, deletions as tombstones, a quiet run that asks little).

- tests/wordpress_site.py: a WordPress newspaper (``/YYYY/MM/DD/slug/``, ``/page/N/`` pagers, a
  10-item feed, ``wp-sitemap.xml``, ``?amp=1``, ``/print/`` and ``?p=ID`` copies, a calendar).
- tests/portal_site.py: a ministry's ASP.NET portal (a "Load more" button over an offset JSON
  endpoint, Atom, ``?id=812`` URLs with ``utm_*`` keys, old ``.aspx`` URLs, ``&special=1`` copies,
  ``MM/DD/YYYY HH:MM:SS`` dates, no sitemap, a day-by-day calendar).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import portal_site
import pytest
import wordpress_site
from portal_site import PortalSite
from source_sites import SiteServer, SourceCrawl, articles, crawl_sources, rows
from wordpress_site import WordPressSite

WORD_RE = re.compile(r"\w+")
MIN_MEAN_F1 = 0.98
MAX_TRAP_REQUESTS = 40  # issue 22: requests into any endless space
MAX_QUIET_REQUESTS = 12  # issue 22: a run with nothing new


def body_f1(found: str, expected: str) -> float:
    """Token F1 of a body against the expected text (bag of words, as the extraction gate counts)."""
    got, want = Counter(WORD_RE.findall(found.lower())), Counter(WORD_RE.findall(expected.lower()))
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def crawl(server: SiteServer, archive: Path, source: dict[str, Any], *settings: str) -> SourceCrawl:
    done = crawl_sources(server, archive, [{"home": f"{server.url}/", **source}], *settings)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def assert_archived_once(archive: Path, expected: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Exactly the expected articles, each once under its canonical URL; their rows by URL."""
    found = list(articles(archive))
    urls = [row["url"] for row in found]
    assert len(urls) == len(set(urls))
    assert set(urls) == set(expected), (set(urls) - set(expected), set(expected) - set(urls))
    return {row["url"]: row for row in found}


# --- a WordPress newspaper ------------------------------------------------------------------------


@pytest.fixture
def wordpress() -> Iterator[tuple[WordPressSite, SiteServer]]:
    state = WordPressSite()
    with SiteServer(state.answer) as site:
        state.base = site.url
        yield state, site


def wp_tagged(site: SiteServer) -> dict[str, Any]:
    return {"name": "vestnik", "start": [f"{site.url}/tag/odkb/"]}


def date_archive_requests(requests: list[str]) -> list[str]:
    """Requests into the calendar's month and day archives (``/2023/11/``, ``/2023/11/13/``)."""
    return [path for path in requests if re.fullmatch(r"/\d{4}/(\d{2}/){0,2}", path.split("?")[0])]


def assert_read_well(
    found: dict[str, dict[str, Any]], expected: dict[str, Any], chrome: Sequence[str], text_of: Callable[[Any], str]
) -> float:
    """Titles, the page's own time with its offset, bodies holding none of the site's ``chrome``;
    the mean body F1 against ``text_of`` each expected article (at least MIN_MEAN_F1)."""
    scores = []
    for url, story in expected.items():
        row = found[url]
        assert row["title"] == story.title, url
        assert row["published"] == story.at.isoformat(), (url, row["published"])
        for words in chrome:
            assert words not in row["body_text"], (url, words)
        scores.append(body_f1(row["body_text"], text_of(story)))
    mean = sum(scores) / len(scores)
    assert mean >= MIN_MEAN_F1, scores
    return mean


def assert_posts_read_well(found: dict[str, dict[str, Any]], expected: dict[str, Any]) -> float:
    """Dates from the <time datetime> with +03:00 (not the feed's GMT), bodies without comments,
    related posts or share buttons."""
    chrome = ("Сергей", "Молодцы", "Похожие записи", "Поделиться", "Версия для печати", "Рубрика")
    return assert_read_well(found, expected, chrome, lambda post: "\n\n".join(post.paragraphs))


def test_a_wordpress_tag_page_gives_its_posts_once_with_dates_and_clean_bodies(wordpress: Any, tmp_path: Path) -> None:
    state, site = wordpress
    archive = tmp_path / "vestnik.sqlite"
    done = crawl(site, archive, wp_tagged(site), "CSTO_FULL=1")
    expected = {f"{site.url}{p.path}": p for p in state.live("odkb")}
    found = assert_archived_once(archive, expected)
    assert_posts_read_well(found, expected)
    assert len(date_archive_requests(done.requests)) <= MAX_TRAP_REQUESTS
    assert not [path for path in done.requests if path.endswith("/print/")]


def test_a_wordpress_site_follows_new_edited_and_deleted_posts_then_asks_little(wordpress: Any, tmp_path: Path) -> None:
    state, site = wordpress
    archive = tmp_path / "vestnik.sqlite"
    crawl(site, archive, wp_tagged(site), "CSTO_FULL=1")
    added, edited = state.add(30, csto=True), state.edit(4)
    state.add(31, csto=False)
    state.delete(8, 410)
    state.edit(3)  # not about the CSTO, not tagged: no version
    crawl(site, archive, wp_tagged(site))
    found = {row["url"]: row for row in articles(archive)}
    assert found[f"{site.url}{added.path}"]["versions"] == 1
    assert found[f"{site.url}{edited.path}"]["versions"] == 2
    assert found[f"{site.url}{edited.path}"]["title"] == edited.title
    assert found[f"{site.url}{state.post(8).path}"]["gone_at"] is not None
    assert sum(row["versions"] for row in found.values()) == len(found) + 1
    assert f"{site.url}{state.post(3).path}" not in found
    quiet = crawl(site, archive, wp_tagged(site))
    assert len(quiet.requests) <= MAX_QUIET_REQUESTS, quiet.requests
    assert not [path for path in quiet.requests if re.match(r"/\d{4}/\d{2}/\d{2}/[a-z]", path)]


def test_a_long_wordpress_tag_listing_finds_deletions_by_their_absence_from_the_sitemap(
    wordpress: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six tag pages: incremental runs stop at the first page with nothing new, so a deleted old
    post is found by its absence from the core sitemap's posts file (URLs that name no language)."""
    state, site = wordpress
    monkeypatch.setattr(wordpress_site, "PER_PAGE", 2)
    archive = tmp_path / "vestnik.sqlite"
    crawl(site, archive, wp_tagged(site), "CSTO_FULL=1")
    edited = state.edit(24)  # the newest post: its new title shows on the first page
    state.delete(6, 404)
    done = crawl(site, archive, wp_tagged(site))
    found = {row["url"]: row for row in articles(archive)}
    assert found[f"{site.url}{state.post(6).path}"]["gone_at"] is not None
    assert found[f"{site.url}{edited.path}"]["versions"] == 2
    assert sum(row["versions"] for row in found.values()) == len(found) + 1
    assert "/tag/odkb/page/6/" not in done.requests  # the walk stopped early


def test_a_filtered_wordpress_site_without_start_pages_keeps_what_mentions_the_csto(
    wordpress: Any, tmp_path: Path
) -> None:
    state, site = wordpress
    archive = tmp_path / "vestnik.sqlite"
    source = {"name": "vestnik", "must_mention": "CSTO|ОДКБ"}
    done = crawl(site, archive, source, "CSTO_FULL=1")
    mentions = [p for p in state.live() if any("ОДКБ" in text for text in [p.title, *p.paragraphs])]
    expected = {f"{site.url}{p.path}": p for p in mentions}
    found = assert_archived_once(archive, expected)
    assert_posts_read_well(found, expected)
    assert len(date_archive_requests(done.requests)) <= MAX_TRAP_REQUESTS, date_archive_requests(done.requests)
    aliases = {url for (url,) in rows(archive, "SELECT url FROM url_aliases")}
    assert not aliases & set(found)
    # Nothing new on the home: no walk on from it; feeds and sitemaps tell the rest (the comment
    # feed's items, links into posts, are no articles whose "title" changed).
    quiet = crawl(site, archive, source)
    assert len(quiet.requests) <= MAX_QUIET_REQUESTS, quiet.requests


# --- a ministry's portal with a JSON "Load more" -------------------------------------------------


@pytest.fixture
def portal() -> Iterator[tuple[PortalSite, SiteServer]]:
    state = PortalSite()
    with SiteServer(state.answer) as site:
        state.base = site.url
        yield state, site


def portal_tagged(site: SiteServer) -> dict[str, Any]:
    return {"name": "mfa", "start": [f"{site.url}/News/?tag=csto"]}


def calendar_requests(requests: list[str]) -> list[str]:
    return [path for path in requests if "date=" in path]


def assert_news_read_well(found: dict[str, dict[str, Any]], expected: dict[str, Any]) -> float:
    """The JSON-LD time with its +06:00 offset, the byline, bodies that end with their signature
    line and hold no panel, share row or back link."""
    assert all(found[url]["author"] == portal_site.AUTHOR for url in expected)
    chrome = ("Font size", "visually impaired", "Share", "Back to news", "Popular", "By Aibek")
    return assert_read_well(
        found, expected, chrome, lambda item: "\n\n".join([*item.paragraphs, portal_site.SIGNATURE])
    )


def test_a_json_load_more_listing_gives_every_tagged_article_once(portal: Any, tmp_path: Path) -> None:
    state, site = portal
    archive = tmp_path / "mfa.sqlite"
    done = crawl(site, archive, portal_tagged(site), "CSTO_FULL=1")
    expected = {f"{site.url}{item.path}": item for item in state.live("csto")}
    found = assert_archived_once(archive, expected)  # no utm_* form, no special copy, no other article
    assert_news_read_well(found, expected)
    assert len([path for path in done.requests if path.startswith("/api/news")]) == 2  # offsets 8 and 16
    assert not [path for path in done.requests if "special=1" in path or "utm_" in path]


def test_a_json_load_more_source_follows_new_edited_and_deleted_news_then_asks_little(
    portal: Any, tmp_path: Path
) -> None:
    state, site = portal
    archive = tmp_path / "mfa.sqlite"
    crawl(site, archive, portal_tagged(site), "CSTO_FULL=1")
    added, edited = state.add(50, csto=True), state.edit(6)
    state.add(51, csto=False)
    state.delete(10, 404)
    state.edit(7)  # not about the CSTO: no version
    crawl(site, archive, portal_tagged(site))
    found = {row["url"]: row for row in articles(archive)}
    assert found[f"{site.url}{added.path}"]["versions"] == 1
    assert found[f"{site.url}{edited.path}"]["versions"] == 2
    assert found[f"{site.url}{edited.path}"]["title"] == edited.title
    assert found[f"{site.url}{state.news(10).path}"]["gone_at"] is not None
    assert sum(row["versions"] for row in found.values()) == len(found) + 1
    quiet = crawl(site, archive, portal_tagged(site))
    assert len(quiet.requests) <= MAX_QUIET_REQUESTS, quiet.requests
    assert not [path for path in quiet.requests if path.startswith("/News/Detail")]


def test_a_filtered_portal_without_start_pages_keeps_what_mentions_the_csto(portal: Any, tmp_path: Path) -> None:
    state, site = portal
    archive = tmp_path / "mfa.sqlite"
    source = {"name": "mfa", "must_mention": "CSTO|ОДКБ"}
    done = crawl(site, archive, source, "CSTO_FULL=1")
    mentions = [item for item in state.live() if any("CSTO" in text for text in [item.title, *item.paragraphs])]
    expected = {f"{site.url}{item.path}": item for item in mentions}
    found = assert_archived_once(archive, expected)
    assert_news_read_well(found, expected)
    assert len(calendar_requests(done.requests)) <= MAX_TRAP_REQUESTS
    assert not [url for url in found if "m.localhost" in url]


def test_a_filtered_portal_without_start_pages_or_sitemap_tombstones_deletions_in_its_full_sweep(
    portal: Any, tmp_path: Path
) -> None:
    """No start listing and no sitemap: a full run's exploration that lost no listing is the walk
    whose absences are asked for again; the 404 is the tombstone, live articles stay."""
    state, site = portal
    archive = tmp_path / "mfa.sqlite"
    source = {"name": "mfa", "must_mention": "CSTO|ОДКБ"}
    crawl(site, archive, source, "CSTO_FULL=1")
    kept = [item for item in state.live() if any("CSTO" in text for text in [item.title, *item.paragraphs])]
    deleted = kept[-1]
    deleted.gone = 404  # state.delete, by the item rather than its number
    sweep = crawl(site, archive, source, "CSTO_FULL=1")
    found = {row["url"]: row for row in articles(archive)}
    assert found[f"{site.url}{deleted.path}"]["gone_at"] is not None
    assert [url for url, row in found.items() if row["gone_at"]] == [f"{site.url}{deleted.path}"]
    assert f"{deleted.path}" in sweep.requests
