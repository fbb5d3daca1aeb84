"""End to end: an incremental crawl while the sitemaps are down still sees what the site deleted.

With the en sitemap (or the file of its index that lists the deleted article) answering 404, the en
walks that stopped at page 1 (nothing new there) go on to their last page, so the complete walk no
longer shows the deleted article and marks it gone; the ru sitemaps are read, so the ru walks stop at
page 1 as usual. A listing page that stays dead leaves the walk incomplete: nothing is marked gone.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from demo_crawls import Crawl, article_row, crawl, query
from faulty_site import FaultySite

from csto_crawler.demo import DemoArticle

NO_RECHECK = {"CSTO_RECHECK_DAYS": "0"}  # a second crawl fetches an article only for a reason
LISTING = "/news/news_odkb/"
PAGE_2 = "/news/news_odkb/?PAGEN_1=2"


@pytest.fixture(scope="module")
def site() -> Iterator[FaultySite]:
    with FaultySite() as demo:
        yield demo


@pytest.fixture(scope="module")
def first_archive(site: FaultySite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    archive = tmp_path_factory.mktemp("first") / "csto.sqlite"
    first = crawl(site, archive, settings=NO_RECHECK)
    assert first.returncode == 0, first.stderr[-3000:]
    return archive


def deleted_article(site: FaultySite) -> DemoArticle:
    """An en article listed on page 1 of its listing, not the newest."""
    page_1 = site.served("en", LISTING).body.decode()
    listed = [a for a in site.articles("en") if a.section == "news/news_odkb" and f'href="{a.path}"' in page_1]
    assert len(listed) > 3, page_1
    return listed[3]


def sitemap_file_of(site: FaultySite, article: DemoArticle) -> str:
    """The en sitemap file (listed by the index) that lists ``article``."""
    for target, response in site.mirrors["en"].responses.items():
        if target.startswith("/sitemap_iblock") and article.path.encode() in response.body:
            return target
    raise AssertionError(f"no sitemap lists {article.path}")


def delete(site: FaultySite, gone: DemoArticle, down: str) -> None:
    """The article answers 404 and its item leaves page 1 of the listing; ``down`` answers 404."""
    page_1 = site.served("en", LISTING).body.decode()
    item = re.compile(
        rf'<div class="news-item"[^>]*>(?:(?!<div class="news-item").)*?href="{re.escape(gone.path)}".*?'
        r"<div style=\"clear:both\"></div></div>\s*",
        re.DOTALL,
    )
    assert len(item.findall(page_1)) == 1, page_1
    site.override("en", LISTING, body=item.sub("", page_1).encode())
    site.override("en", gone.path, status=404)
    site.override("en", down, status=404)


@dataclass
class Scenario:
    archive: Path
    gone: DemoArticle
    second: Crawl


def second_crawl(
    site: FaultySite, first_archive: Path, tmp_path: Path, dead_page_2: bool, down: str = "/sitemap.xml"
) -> Scenario:
    archive = tmp_path / "csto.sqlite"
    shutil.copy(first_archive, archive)
    gone = deleted_article(site)
    delete(site, gone, down)
    if dead_page_2:
        site.fault("en", PAGE_2, "dead")
    try:
        second = crawl(site, archive, settings=NO_RECHECK)
    finally:
        site.clear_overrides()
    return Scenario(archive, gone, second)


def test_an_incremental_crawl_without_sitemaps_marks_the_deleted_article_gone(
    site: FaultySite, first_archive: Path, tmp_path: Path
) -> None:
    run = second_crawl(site, first_archive, tmp_path, dead_page_2=False)
    assert run.second.returncode == 0, run.second.stderr[-3000:]
    row = article_row(run.archive, site.url("en", run.gone.path))
    assert (row["gone_reason"], row["version_count"]) == ("absent from a complete walk of news/news_odkb", 1)
    assert query(run.archive, "SELECT count(*) FROM articles WHERE gone_at IS NOT NULL")[0][0] == 1
    assert "The en sitemaps were not all read (no sitemap was found): walking" in run.second.stderr
    assert "The ru sitemaps" not in run.second.stderr
    assert run.second.paths("en").count(PAGE_2) == 1  # the walk went on to its last page, once
    assert PAGE_2 not in run.second.paths("ru")  # ru sitemaps were read: its walk stops at page 1
    assert run.gone.path not in run.second.paths("en")  # the listing proved it, no request for it


def test_a_sitemap_file_of_the_index_answering_404_also_widens_the_walks(
    site: FaultySite, first_archive: Path, tmp_path: Path
) -> None:
    down = sitemap_file_of(site, deleted_article(site))
    # The site regenerated its index: the file's <lastmod> moved, so the run fetches it (and meets a 404).
    index = site.served("en", "/sitemap.xml").body.decode()
    entry = re.compile(rf"(<loc>{re.escape(site.url('en', down))}</loc><lastmod>)[^<]*(</lastmod>)")
    assert entry.search(index), index
    site.override("en", "/sitemap.xml", body=entry.sub(r"\g<1>2026-02-20T10:00:00+03:00\g<2>", index).encode())
    run = second_crawl(site, first_archive, tmp_path, dead_page_2=False, down=down)
    assert run.second.returncode == 0, run.second.stderr[-3000:]
    assert "The en sitemaps were not all read (a sitemap file its index lists answered 404)" in run.second.stderr
    row = article_row(run.archive, site.url("en", run.gone.path))
    assert row["gone_reason"] == "absent from a complete walk of news/news_odkb"
    assert query(run.archive, "SELECT count(*) FROM articles WHERE gone_at IS NOT NULL")[0][0] == 1


def test_a_dead_listing_page_marks_nothing_gone_while_the_sitemaps_are_down(
    site: FaultySite, first_archive: Path, tmp_path: Path
) -> None:
    run = second_crawl(site, first_archive, tmp_path, dead_page_2=True)
    assert run.second.returncode in (0, 4), run.second.stderr[-3000:]
    assert run.second.paths("en").count(PAGE_2) >= 1  # the walk was widened and met the dead page
    assert article_row(run.archive, site.url("en", run.gone.path))["gone_at"] is None
    assert query(run.archive, "SELECT count(*) FROM articles WHERE gone_at IS NOT NULL")[0][0] == 0
