"""End to end: the site's article template loses every anchor the site rules and the anchored
reading stand on; the crawl degrades to the generic reader, archives every article and says so in
``csto health``.

The demo site's English article pages are served in a new layout: the title sits in an <h1> behind
a rubric label ("Press release Title", so no line is the listing's title), no head line, no date,
no back links, no class the crawler knows. Only the page's <title>/og:title and the listing (title,
date) say what the article is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner
from demo_crawls import Crawl, count_rows, crawl, expected_urls, query
from scrapy.http import HtmlResponse

from csto_crawler.cli import main
from csto_crawler.demo import DemoSite
from csto_crawler.pages.article import ArticlePage


def relaid(body: bytes, url: str) -> bytes:
    """The article of a recorded page in a layout without anchors."""
    page = ArticlePage(HtmlResponse(url=url, body=body, encoding="utf-8"))
    title = escape(page.title())
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} | CSTO</title><meta property='og:title' content='{title}'></head><body>"
        "<div class='topbar'><a href='/'>CSTO</a> <a href='/news/'>News</a> <a href='/documents/'>Documents</a></div>"
        f"<div class='layout'><div class='col'><h1><span class='rubric'>Press release</span> {title}</h1>"
        f"<div class='content'>{page.body_html()}</div></div></div>"
        "<div class='bottom'>© Collective Security Treaty Organization</div></body></html>"
    ).encode()


@dataclass
class Relaid:
    site: DemoSite
    archive: Path
    crawl: Crawl


@pytest.fixture(scope="module")
def relaid_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Relaid]:
    with DemoSite() as site:
        for article in site.articles("en"):
            served = site.served("en", article.path)
            new = relaid(served.body, site.url("en", article.path))
            site.override("en", article.path, body=new, content_type="text/html; charset=utf-8")
        archive = tmp_path_factory.mktemp("relaid") / "csto.sqlite"
        yield Relaid(site, archive, crawl(site, archive, "--lang", "en"))


def test_a_layout_without_anchors_is_archived_by_the_generic_reader(relaid_site: Relaid) -> None:
    assert relaid_site.crawl.returncode == 0, relaid_site.crawl.stderr[-2000:]
    archived = {row["url"] for row in query(relaid_site.archive, "SELECT url FROM articles")}
    assert archived == expected_urls(relaid_site.site, "en")
    assert count_rows(relaid_site.archive, "held_pages") == 0


def test_the_generic_reading_has_the_listing_title_and_date(relaid_site: Relaid) -> None:
    rows = {row["url"]: row for row in query(relaid_site.archive, "SELECT url, title, published FROM articles")}
    for article in relaid_site.site.articles("en"):
        row = rows[relaid_site.site.url("en", article.path)]
        assert row["title"] == article.title
        assert row["published"].startswith(article.date)


def test_health_says_the_generic_reader_read_the_section(relaid_site: Relaid) -> None:
    result = CliRunner().invoke(main, ["health", "--archive", str(relaid_site.archive)])
    assert result.exit_code == 0, result.output
    notices = [line.strip() for line in result.output.splitlines() if "NOTICE:" in line]
    assert notices and all("read by the generic reader" in line for line in notices)
    assert any(line.startswith("NOTICE: en news/news_odkb:") for line in notices)
