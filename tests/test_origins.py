"""A site that moves (https, ``www.``, another port) keeps its articles: no new versions, no lost
identity, deletions still met under the new URLs; provenance keeps the URLs it was fetched from."""

from __future__ import annotations

import dataclasses
import sqlite3
from contextlib import closing
from pathlib import Path

from archive_items import article_item, fetch_record, open_writer, write_run

from csto_crawler.archive.database import open_database
from csto_crawler.archive.origins import move_sites, stored_base
from csto_crawler.items import ArticleItem, AttachmentLink, GoneNotice

OLD = "https://en.odkb-csto.org"
NEW = "http://127.0.0.1:8801"


def moved_item(item: ArticleItem, new_base: str = NEW) -> ArticleItem:
    """The same page fetched from the new origin: every URL on it under the new base."""
    url = item.url.replace(OLD, new_base)
    page = item.fetch.body.replace(OLD.encode(), new_base.encode())
    attachments = [dataclasses.replace(a, url=a.url.replace(OLD, new_base)) for a in item.attachments]
    return dataclasses.replace(item, url=url, fetch=fetch_record(url, page), attachments=attachments)


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


def test_a_moved_site_rewrites_current_urls_and_makes_no_new_version(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    attachment = AttachmentLink(f"{OLD}/upload/iblock/ab1/statement.docx", "statement.docx")
    first = article_item("meeting", attachments=[attachment])
    gone = article_item("deleted-later", element_id="8574")
    write_run(path, [first, gone])

    db = open_database(path)
    try:
        assert stored_base(db, "en") == OLD
        moved = move_sites(db, {"en": NEW})
        assert moved["en"] > 0
        assert stored_base(db, "en") == NEW
        assert move_sites(db, {"en": NEW}) == {}  # recorded: nothing moves twice
    finally:
        db.close()

    _, results = write_run(path, [moved_item(first)])
    assert [r.outcome for r in results] == ["unchanged"]
    assert rows(path, "SELECT count(*) FROM versions") == [(2,)]
    assert rows(path, "SELECT url FROM articles ORDER BY url") == [
        (f"{NEW}/news/news_odkb/deleted-later/",),
        (f"{NEW}/news/news_odkb/meeting/",),
    ]
    # Provenance keeps the URL each capture came from.
    assert (f"{OLD}/news/news_odkb/meeting/",) in rows(path, "SELECT url FROM fetches")

    # A deletion under the new origin meets the article.
    gone_url = f"{NEW}/news/news_odkb/deleted-later/"
    _, results = write_run(path, [GoneNotice(gone_url, "en", 404, fetch_record(gone_url, b"", status=404))])
    assert [r.outcome for r in results] == ["gone"]


def test_fingerprint_does_not_depend_on_the_origin_of_attachments(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    attachment = AttachmentLink(f"{OLD}/upload/iblock/ab1/statement.docx", "statement.docx")
    item = article_item("meeting", attachments=[attachment])
    write_run(path, [item])
    # Fetched over another origin without moving the archive (e.g. www. or http): same content.
    www = moved_item(item, "https://www.en.odkb-csto.org")
    writer = open_writer(path)
    try:
        run = writer.begin_run("incremental", {})
        results = writer.write_batch([www], run)
    finally:
        writer.close()
    assert [r.outcome for r in results] == ["unchanged"]
