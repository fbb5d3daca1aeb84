"""Sources in the archive (issue 22): the ``sources`` table, the ``source`` column, IDs per source,
absence judged per source, an old archive upgraded (archive/source_rows.py, source_ids.py, absence.py)."""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from archive_items import (
    T0,
    article_item,
    fetch_failure,
    fetch_record,
    gone_notice,
    html_page,
    open_writer,
    rows,
    sitemap_item,
    write_run,
)

from csto_crawler.archive.database import open_database
from csto_crawler.archive.schema import SCHEMA_VERSION
from csto_crawler.archive.source_rows import SourceRefusedError, SourceRows
from csto_crawler.archive.statements import Statements
from csto_crawler.items import ArticleItem, HeldPage, SitemapItem
from csto_crawler.outcomes import Doubt
from csto_crawler.sources import Language, Source, article_id, csto_source, source_from_options, source_table
from csto_crawler.sources.model import SECTIONS

HOME = "https://agency.example/"
AGENCY = source_from_options("agency", HOME)


def agency_item(path: str, *, body: str = "Встреча в Москве.\n\nОбсудили безопасность.", **fields: Any) -> ArticleItem:
    """An article of the agency source, as the spider half hands it over (no Bitrix element ID)."""
    url = f"{HOME}{path}"
    item = article_item("x", lang="ru", element_id=None, body_text=body, title="Состоялась встреча")
    fetch = fetch_record(url, html_page("Состоялась встреча", body), lang="ru", at=fields.pop("at", T0))
    section = path.rsplit("/", 1)[0] if "/" in path.strip("/") else ""
    replaced = dict(url=url, section=section, slug=path.rstrip("/").rsplit("/", 1)[-1], fetch=fetch, source="agency")
    return dataclasses.replace(item, **{**replaced, **fields})


def articles(path: Path) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows(path, "SELECT * FROM articles")}


def test_a_new_archive_holds_the_csto_as_its_source(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    open_database(path).close()
    stored = rows(path, "SELECT * FROM sources")
    assert [row["name"] for row in stored] == ["csto"]
    assert json.loads(stored[0]["config"]) == source_table(csto_source())
    assert stored[0]["removed_at"] is None


def downgrade_to_schema_7(path: Path) -> None:
    """An archive as schema 7 left it: no sources table, no source columns, the element ID per language."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("DROP INDEX ux_articles_element")
        for table in ("articles", "held_pages", "failures"):
            db.execute(f"ALTER TABLE {table} DROP COLUMN source")
        db.execute("DROP TABLE sources")
        db.execute("CREATE UNIQUE INDEX ux_articles_element ON articles(lang, element_id) WHERE element_id IS NOT NULL")
        db.execute("PRAGMA user_version=7")
        db.commit()


def test_an_archive_of_schema_7_is_upgraded_with_every_article_the_csto_s(tmp_path: Path) -> None:
    path, new = tmp_path / "old.sqlite", tmp_path / "new.sqlite"
    write_run(path, [article_item("one", element_id="1"), fetch_failure("https://en.odkb-csto.org/x/")])
    downgrade_to_schema_7(path)
    assert "source" not in {r["name"] for r in rows(path, "PRAGMA table_info(articles)")}
    open_database(path).close()
    open_database(new).close()
    assert rows(path, "PRAGMA user_version")[0]["user_version"] == SCHEMA_VERSION == 8
    assert [(r["id"], r["source"]) for r in rows(path, "SELECT id, source FROM articles")] == [("en-1", "csto")]
    assert [r["source"] for r in rows(path, "SELECT source FROM failures")] == ["csto"]
    assert [r["name"] for r in rows(path, "SELECT name FROM sources")] == ["csto"]
    index = "SELECT sql FROM sqlite_master WHERE name = 'ux_articles_element'"
    assert rows(path, index) == rows(new, index)
    assert "source, lang, element_id" in rows(path, index)[0]["sql"]


def test_the_csto_keeps_its_ids_and_another_source_gets_its_own(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    native = agency_item("ru/news/sostoyalas-vstrecha-e3a91d")
    plain = agency_item("ru/news/bez-nomera", body="Другой текст.")
    write_run(path, [article_item("meeting", element_id="8573"), native, plain])
    found = articles(path)
    assert found["en-8573"]["source"] == "csto"
    assert found["agency-ru-e3a91d"]["source"] == "agency"
    digest = article_id(AGENCY, "ru", plain.url)
    assert digest.startswith("agency-ru-u") and found[digest]["url"] == plain.url


def test_an_agency_article_met_at_a_new_slug_with_its_id_is_the_same_article(tmp_path: Path) -> None:
    """A slug edit redirects to a new slug carrying the same ID: one article, the old URL an alias."""
    path = tmp_path / "a.sqlite"
    old = agency_item("ru/news/staryi-zagolovok-e3a91d")
    write_run(path, [old])
    new = agency_item("ru/news/novyi-zagolovok-e3a91d", requested_url=old.url, at=T0.replace(day=14))
    write_run(path, [new])
    assert list(articles(path)) == ["agency-ru-e3a91d"]
    assert articles(path)["agency-ru-e3a91d"]["url"] == new.url
    assert [r["url"] for r in rows(path, "SELECT url FROM url_aliases")] == [old.url]


def test_two_live_pages_sharing_an_id_in_one_run_stay_two_articles(tmp_path: Path) -> None:
    """``…-na-10000`` and ``…-za-10000`` both answer 200 in one run: the second is kept apart by digest."""
    path = tmp_path / "a.sqlite"
    first = agency_item("ru/news/premiya-na-10000")
    second = agency_item("ru/news/konkurs-za-10000", body="Совсем другой текст о конкурсе.")
    write_run(path, [first, second])
    found = articles(path)
    assert found["agency-ru-10000"]["url"] == first.url
    assert found[article_id(dataclasses.replace(AGENCY, url_ids=False), "ru", second.url)]["url"] == second.url


def test_a_later_reading_with_the_default_source_never_moves_an_article_to_another_source(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    item = agency_item("ru/news/vstrecha-e3a91d")
    write_run(path, [item])
    later = dataclasses.replace(item.fetch, fetched_at=T0.replace(day=14))
    edited = item.body_text + "\n\nДополнение редакции."
    write_run(path, [dataclasses.replace(item, source="csto", body_text=edited, fetch=later)])
    assert articles(path)["agency-ru-e3a91d"]["source"] == "agency"
    assert articles(path)["agency-ru-e3a91d"]["version_count"] == 2


def test_held_pages_and_failures_name_their_source(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    item = agency_item("ru/news/somnitelnaya-e3a91d")
    failure = dataclasses.replace(fetch_failure(f"{HOME}ru/news/oshibka-77777"), source="agency")
    write_run(path, [HeldPage.of(item, [Doubt.NO_BODY]), failure, gone_notice(f"{HOME}ru/x-12345", lang="ru")])
    assert rows(path, "SELECT url, source FROM held_pages") == [{"url": item.url, "source": "agency"}]
    assert {r["url"]: r["source"] for r in rows(path, "SELECT url, source FROM failures")}[failure.url] == "agency"


def test_the_run_s_sources_decide_ids_and_are_recorded_when_the_archive_lacks_them(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    own_ids = source_from_options("agency", HOME)
    own_ids = dataclasses.replace(own_ids, id_pattern=re.compile(r"/item(\d+)"))
    writer = open_writer(path)
    try:
        writer.use_sources([own_ids])
        run = writer.begin_run("full", {})
        writer.write_batch([agency_item("ru/item42/vstrecha")], run)
    finally:
        writer.close()
    assert list(articles(path)) == ["agency-ru-42"]
    stored = {r["name"]: json.loads(r["config"]) for r in rows(path, "SELECT * FROM sources")}
    assert stored["agency"] == source_table(own_ids)


def agency_sitemap(entries: dict[str, str | None], at: Any = T0) -> SitemapItem:
    item = sitemap_item("ru", entries, at=at)
    return dataclasses.replace(item, fetch=dataclasses.replace(item.fetch, url=f"{HOME}sitemap-news.xml"))


def test_an_agency_article_is_not_marked_gone_by_a_csto_sitemap_absence(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    kept, dropped = article_item("kept", lang="ru", element_id="1"), article_item("dropped", lang="ru", element_id="2")
    agency = agency_item("ru/news/vstrecha-e3a91d")
    write_run(path, [kept, dropped, agency, sitemap_item("ru", {kept.url: None, dropped.url: None})])
    write_run(path, [agency_sitemap({agency.url: None})])
    writer = open_writer(path)
    try:
        run = writer.begin_run("full", {})
        later = T0.replace(day=20)
        writer.write_batch([sitemap_item("ru", {kept.url: None}, at=later), agency_sitemap({}, at=later)], run)
        marked = writer.mark_absent_from_sitemap("ru", run, max_share=0.5)
    finally:
        writer.close()
    assert marked == {"news/news_odkb": 1}
    gone = {r["id"]: r["gone_reason"] for r in rows(path, "SELECT id, gone_reason FROM articles")}
    assert gone == {"ru-1": None, "ru-2": "absent from sitemap", "agency-ru-e3a91d": None}


def sources_of(path: Path) -> SourceRows:
    db = open_database(path)
    return SourceRows(Statements(db, lambda: T0))


def test_sources_are_added_replaced_and_removed_without_losing_articles(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    open_database(path).close()
    table = sources_of(path)
    with table.sql.db:
        assert table.add(AGENCY) == "added"
        with pytest.raises(SourceRefusedError, match="already holds a source named agency"):
            table.add(AGENCY)
        assert table.add(dataclasses.replace(AGENCY, start=(f"{HOME}ru/tag/odkb/",)), replace=True) == "replaced"
        with pytest.raises(SourceRefusedError, match="default source"):
            table.add(dataclasses.replace(AGENCY, name="csto"))
    write_run(path, [agency_item("ru/news/vstrecha-e3a91d")])
    table = sources_of(path)
    with table.sql.db:
        with pytest.raises(SourceRefusedError, match="agency has 1 archived article"):
            table.remove("agency")
        assert table.remove("agency", force=True) == "marked removed"
        assert [s.name for s in table.crawled()] == ["csto"]
        stored = table.get("agency")
        assert stored is not None and stored.removed_at is not None and stored.articles == 1
        with pytest.raises(SourceRefusedError, match="cannot be removed"):
            table.remove("csto", force=True)
    assert len(articles(path)) == 1


def test_a_second_source_walked_by_sections_may_not_share_a_language_and_section(tmp_path: Path) -> None:
    """The section walk's ledgers are kept per language and section: the CSTO's (en, news/news_odkb)
    may not be another section-walked source's too; other sections or languages are its own."""
    path = tmp_path / "a.sqlite"
    open_database(path).close()
    ministry = Source(
        name="ministry",
        home="https://mil.example.kz/",
        languages=(Language("en", "https://mil.example.kz/"),),
        walk=SECTIONS,
        sections=("news/news_odkb", "press"),
    )
    table = sources_of(path)
    with table.sql.db:
        with pytest.raises(
            SourceRefusedError, match="ministry would share the section walk en news/news_odkb with csto"
        ):
            table.add(ministry)
        assert table.add(dataclasses.replace(ministry, sections=("press",))) == "added"
        kazakh = Language("kk", "https://mil.example.kz/")
        other = dataclasses.replace(ministry, name="ministry-kk", languages=(kazakh,), sections=("news/news_odkb",))
        assert table.add(other) == "added"


def test_the_default_source_s_row_follows_this_version_s_description_once(tmp_path: Path) -> None:
    """An archive begun before a source had a ``walk``: its csto row is brought up to today's
    description by the next crawl (changed_at set), then left alone; --site never reaches it."""
    path = tmp_path / "a.sqlite"
    open_database(path).close()
    with closing(sqlite3.connect(path)) as db:
        db.execute("UPDATE sources SET config = ? WHERE name = 'csto'", (json.dumps({"home": "https://old.example/"}),))
        db.commit()
    writer = open_writer(path)
    try:
        moved = csto_source({"en": "http://127.0.0.1:8801"})
        writer.use_sources([moved])
        row = rows(path, "SELECT config, changed_at FROM sources WHERE name = 'csto'")[0]
        assert json.loads(row["config"]) == source_table(csto_source()) and row["changed_at"] is not None
        with writer.db:
            assert SourceRows(writer.sql).refresh_defaults() == []
    finally:
        writer.close()
