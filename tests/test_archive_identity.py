"""The Bitrix element ID is an article's identity: when the site renumbers duplicate slugs, a URL
can come to show another element. The archive follows the elements, never merges two articles,
and never stops on a URL that two rows would hold."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from archive_items import article_item, article_url, fetch_record, rows, write_run

from csto_crawler.items import ArticleItem


def moved(item: ArticleItem, slug: str) -> ArticleItem:
    url = article_url(item.lang, slug)
    return dataclasses.replace(item, url=url, slug=slug, fetch=fetch_record(url, item.fetch.body))


def articles(path: Path) -> dict[str, str]:
    return {row["id"]: row["url"] for row in rows(path, "SELECT id, url FROM articles")}


def test_slugs_renumbered_follow_the_elements(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    first = article_item("meeting", element_id="1", title="Meeting")
    second = article_item("meeting1", element_id="2", title="Meeting", body_text="Another meeting entirely.")
    write_run(path, [first, second])
    # The site renumbered: element 2 now at /meeting/, element 1 at /meeting2/ (same batch, either order).
    _, results = write_run(path, [moved(second, "meeting"), moved(first, "meeting2")])
    assert [r.outcome for r in results] == ["unchanged", "unchanged"]
    assert articles(path) == {"en-1": article_url("en", "meeting2"), "en-2": article_url("en", "meeting")}
    assert len(rows(path, "SELECT id FROM versions")) == 2


def test_a_url_taken_by_a_new_element_is_a_new_article(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    write_run(path, [article_item("meeting", element_id="1", title="Meeting")])
    newcomer = article_item("meeting", element_id="3", title="Another meeting", body_text="Different text.")
    _, results = write_run(path, [newcomer])
    assert [r.outcome for r in results] == ["new"]
    found = articles(path)
    assert found["en-3"] == article_url("en", "meeting")
    assert found["en-1"] == article_url("en", "meeting") + "#vacated-by-en-3"
    events = rows(path, "SELECT article_id, event FROM article_events")
    assert events == [{"article_id": "en-1", "event": "url_changed"}]
