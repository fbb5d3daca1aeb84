"""Deletions proven by a complete listing walk, whatever the sitemaps' state (issue 16, item 10)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from archive_items import T0, article_item, listing_item, open_writer, rows, section_walked, sitemap_item, write_run

from csto_crawler.outcomes import RunMode

SLUGS = [f"article-{n}" for n in range(12)]


def first_run(path: Path) -> list[str]:
    items = [article_item(slug, element_id=str(n)) for n, slug in enumerate(SLUGS)]
    urls = [item.url for item in items]
    write_run(path, items, [listing_item("en", [(url, f"Title {url}", "10.02.2026") for url in urls])])
    return urls


def second_run(path: Path, shown: list[str], walked: bool = True) -> dict[tuple[str, str], int]:
    writer = open_writer(path)
    try:
        run = writer.begin_run("full", {})
        batch: list[object] = [listing_item("en", [(url, f"Title {url}", "10.02.2026") for url in shown])]
        if walked:
            batch.append(section_walked("en"))
        writer.write_batch(batch, run)
        marked = writer.mark_absent_from_walks(run, max_share=0.5)
        writer.finish_run(run, "finished")
        return marked
    finally:
        writer.close()


def gone(path: Path) -> dict[str, str]:
    return {
        row["url"]: row["gone_reason"]
        for row in rows(path, "SELECT url, gone_reason FROM articles")
        if row["gone_reason"]
    }


def test_an_article_a_complete_walk_no_longer_shows_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    urls = first_run(path)
    marked = second_run(path, urls[1:])
    assert marked == {("en", "news/news_odkb"): 1}
    assert gone(path) == {urls[0]: "absent from a complete walk of news/news_odkb"}
    events = rows(path, "SELECT event FROM article_events")
    assert [e["event"] for e in events] == ["gone"]


def test_an_incomplete_walk_proves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    urls = first_run(path)
    assert second_run(path, urls[1:], walked=False) == {}
    assert gone(path) == {}


def test_a_listing_that_lost_most_of_its_articles_is_broken_not_a_purge(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    urls = first_run(path)
    assert second_run(path, urls[:2]) == {}
    assert gone(path) == {}


def test_an_article_only_old_captures_show_and_the_sitemaps_dropped_is_gone(tmp_path: Path) -> None:
    """The crawl read every sitemap file of the language after the import's captures: absent, so gone then."""
    path = tmp_path / "a.sqlite"
    kept, dropped = article_item("kept", element_id="1"), article_item("dropped", element_id="2")
    earlier = T0 - dt.timedelta(days=30)
    writer = open_writer(path)
    try:
        run = writer.begin_run(RunMode.WARC_IMPORT, {})
        writer.write_batch([dataclasses.replace(i, fetch=dataclasses.replace(i.fetch, fetched_at=earlier))
                            for i in (kept, dropped)], run)  # fmt: skip
        writer.finish_run(run, "finished")
    finally:
        writer.close()
    write_run(path, [kept, sitemap_item("en", {kept.url: None})])  # a crawl: only "kept" is listed
    writer = open_writer(path)
    try:
        run = writer.begin_run(RunMode.WARC_IMPORT, {})
        marked = writer.mark_dropped("en", run, max_share=0.9)
    finally:
        writer.close()
    assert marked == {"news/news_odkb": 1}
    assert gone(path) == {dropped.url: "absent from sitemap"}
    (event,) = rows(path, "SELECT detail FROM article_events WHERE event = 'gone'")
    assert event["detail"].startswith("absent from sitemap (read by run 2)")
