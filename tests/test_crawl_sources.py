"""End to end: sources other than the CSTO's sites, crawled by discovery (spiders/discovering.py).

Sites of two kinds, served on 127.0.0.1 by the tests: a district executive committee's site
(tests/district_site.py: accessibility copies, numbered pager, no feed, no sitemap) and a news
agency (tests/agency_site.py: tag pages with "Load more", RSS, sitemaps, AMP copies, old URLs,
a day-by-day archive).
"""

from __future__ import annotations

from pathlib import Path

import district_site
from source_sites import SiteServer, articles, crawl_sources


def test_a_site_without_feed_or_sitemap_gives_every_article_once_and_no_accessibility_copy(tmp_path: Path) -> None:
    with SiteServer(district_site.answer) as site:
        archive = tmp_path / "district.sqlite"
        crawl = crawl_sources(site, archive, [{"name": "osipovichi", "home": f"{site.url}/"}], "CSTO_FULL=1")
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    found = {row["url"]: row for row in articles(archive)}
    expected = {f"{site.url}{article.path}": article for article in district_site.ARTICLES}
    assert set(found) == set(expected)
    # Every news item links its accessibility copy: folded into the article before any request.
    assert not [path for path in crawl.requests if path.startswith("/special/ru/news-rayon/view/")]
    assert len([path for path in crawl.requests if "/view/" in path]) == len(expected)
    for url, article in expected.items():
        row = found[url]
        day, month, year = article.date.split(".")
        assert row["published"] == f"{year}-{month}-{day}"  # dd.mm.yyyy, never mm.dd
        assert row["title"] == article.title
        assert row["body_text"] == "\n\n".join(article.paragraphs)
        assert "Times New Roman" not in row["body_text"] and "Поделиться" not in row["body_text"]
