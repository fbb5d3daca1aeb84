"""The Bitrix element ID is an article's identity: when the site renumbers duplicate slugs, a URL
can come to show another element. The archive follows the elements, never merges two articles,
and never stops on a URL that two rows would hold."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from archive_items import article_item, article_url, fetch_record, rows, write_run

from csto_crawler.archive.state import load_crawl_state
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
    found = {r["id"]: (r["url"], r["vacated_by"]) for r in rows(path, "SELECT id, url, vacated_by FROM articles")}
    assert found == {"en-3": (article_url("en", "meeting"), None), "en-1": (article_url("en", "meeting"), "en-3")}
    assert not rows(path, "SELECT url FROM articles WHERE url LIKE '%#%'")  # no state in URL fragments
    events = rows(path, "SELECT article_id, event FROM article_events")
    assert events == [{"article_id": "en-1", "event": "url_changed"}]


def test_a_vacated_article_met_at_a_new_url_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    first = article_item("meeting", element_id="1", title="Meeting")
    write_run(path, [first])
    write_run(path, [article_item("meeting", element_id="3", title="Another meeting", body_text="Different.")])
    write_run(path, [moved(first, "meeting2")])
    found = {r["id"]: (r["url"], r["vacated_by"]) for r in rows(path, "SELECT id, url, vacated_by FROM articles")}
    assert found["en-1"] == (article_url("en", "meeting2"), None)
    assert found["en-3"] == (article_url("en", "meeting"), None)


def test_the_crawl_state_knows_the_article_that_holds_a_url_now(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    write_run(path, [article_item("meeting", element_id="1", title="Meeting")])
    write_run(path, [article_item("meeting", element_id="3", title="Another meeting", body_text="Different.")])
    state = load_crawl_state(path)
    try:
        known = state.known(article_url("en", "meeting"))
    finally:
        state.close()
    assert known is not None and known.id == "en-3"
