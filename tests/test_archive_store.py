"""ArchiveWriter: versions only on content change, snapshots deduplicated, gone/revived, aliases, ledger, batches."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from archive_items import (
    BODY,
    T0,
    TITLE,
    Clock,
    article_item,
    article_url,
    count,
    fetch_failure,
    gone_notice,
    listing_item,
    listing_url,
    open_writer,
    rows,
    sitemap_item,
    write_run,
)

from csto_crawler.archive import database
from csto_crawler.archive.queries import ArchiveReader
from csto_crawler.archive.search import SearchFilter, search
from csto_crawler.archive.store import ArchiveWriter, SaveOutcome, WriteResult
from csto_crawler.archive.tables import ARTICLE_EXPORT
from csto_crawler.archive.typed_tables import research_rows
from csto_crawler.items import AttachmentLink, NotModified, SitemapItem

LOCK_HELD_SECONDS = 0.3  # shorter than the first retry's wait (0.5 s plus jitter)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "csto.sqlite"


def outcomes(results: list[WriteResult]) -> list[str]:
    return [r.outcome for r in results]


def article_row(path: Path, article_id: str = "en-8573") -> dict[str, object]:
    found = rows(path, "SELECT * FROM articles WHERE id = ?", article_id)
    assert len(found) == 1, article_id
    return found[0]


def search_ids(path: Path, query: str) -> list[str]:
    reader = ArchiveReader.open(path)
    try:
        return [hit["id"] for hit in search(reader.db, query, SearchFilter())]
    finally:
        reader.close()


def events(path: Path, article_id: str = "en-8573") -> list[tuple[str, str | None]]:
    found = rows(path, "SELECT event, detail FROM article_events WHERE article_id = ? ORDER BY id", article_id)
    return [(e["event"], e["detail"]) for e in found]


# --- versions -----------------------------------------------------------------------------------


def test_archive_writer_new_article_is_version_1(path: Path) -> None:
    _, results = write_run(path, [article_item()])
    assert outcomes(results) == [SaveOutcome.NEW.value]
    row = article_row(path)
    assert (row["url"], row["version_count"], row["title"], row["body_text"]) == (
        article_url("en", "meeting"),
        1,
        TITLE,
        BODY,
    )
    versions = rows(path, "SELECT version, snapshot_sha256 FROM versions WHERE article_id = 'en-8573'")
    assert [v["version"] for v in versions] == [1]
    assert versions[0]["snapshot_sha256"] == article_item().fetch.sha256


def test_archive_writer_same_content_in_new_page_bytes_is_unchanged(path: Path) -> None:
    first, second = article_item(sidebar="Most read: A"), article_item(sidebar="Most read: B", at=T0 + dt.timedelta(1))
    assert first.fetch.body != second.fetch.body
    write_run(path, [first])
    _, results = write_run(path, [second])
    assert outcomes(results) == [SaveOutcome.UNCHANGED.value]
    assert count(path, "versions") == 1
    assert {f["sha256"] for f in rows(path, "SELECT sha256 FROM fetches")} == {first.fetch.sha256, second.fetch.sha256}
    assert count(path, "blobs") == 2
    row = article_row(path)
    assert (row["first_seen_at"], row["last_seen_at"]) == (T0.isoformat(), (T0 + dt.timedelta(1)).isoformat())


def test_archive_writer_identical_bytes_share_one_blob(path: Path) -> None:
    write_run(path, [article_item()])
    write_run(path, [article_item(at=T0 + dt.timedelta(hours=1))])
    assert count(path, "fetches") == 2
    blobs = rows(path, "SELECT sha256, size FROM blobs")
    assert blobs == [{"sha256": article_item().fetch.sha256, "size": len(article_item().fetch.body)}]


EDITS = {
    "body": {"body_text": BODY + "\n\nThe talks will continue in March."},
    "title": {"title": TITLE + " in Moscow"},
    "subtitle": {"subtitle": "Joint press release"},
    "published": {"published": "2026-02-11"},
    "signature": {"signature": "CSTO Press Secretary"},
    "attachments": {"attachments": [AttachmentLink("https://en.odkb-csto.org/upload/s.docx", "s.docx")]},
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_archive_writer_edit_makes_version_2(path: Path, edit: dict[str, Any]) -> None:
    write_run(path, [article_item()])
    _, results = write_run(path, [article_item(at=T0 + dt.timedelta(1), **edit)])
    assert outcomes(results) == [SaveOutcome.NEW_VERSION.value]
    row = article_row(path)
    assert row["version_count"] == 2
    for name, value in edit.items():
        if name == "attachments":
            assert json.loads(str(row[name])) == [{"url": value[0].url, "filename": value[0].filename}]
        else:
            assert row[name] == value
    versions = rows(path, "SELECT version, title, body_text, content_sha256 FROM versions ORDER BY version")
    assert [(v["version"], v["title"], v["body_text"]) for v in versions] == [
        (1, TITLE, BODY),
        (2, edit.get("title", TITLE), edit.get("body_text", BODY)),
    ]
    assert versions[1]["content_sha256"] == row["content_sha256"] != versions[0]["content_sha256"]


def test_archive_writer_whitespace_only_difference_is_unchanged(path: Path) -> None:
    write_run(path, [article_item()])
    respaced = BODY.replace(" the ", "  the\u00a0").replace("\n\n", " \n\n ")
    _, results = write_run(path, [article_item(title=f" {TITLE.replace(' ', '  ')} ", body_text=respaced)])
    assert outcomes(results) == [SaveOutcome.UNCHANGED.value]
    assert count(path, "versions") == 1


def test_archive_writer_keeps_only_snapshot_headers(path: Path) -> None:
    write_run(path, [article_item()])
    headers = json.loads(rows(path, "SELECT headers FROM fetches")[0]["headers"])
    assert headers == {"content-type": "text/html; charset=UTF-8", "server": "nginx"}  # no set-cookie


# --- gone and revived ---------------------------------------------------------------------------


def test_archive_writer_gone_notice_marks_gone_and_keeps_the_article(path: Path) -> None:
    write_run(path, [article_item()])
    gone_at = T0 + dt.timedelta(days=2)
    _, results = write_run(path, [gone_notice(article_url("en", "meeting"), at=gone_at)])
    assert outcomes(results) == ["gone"]
    row = article_row(path)
    assert (row["gone_at"], row["gone_reason"], row["body_text"]) == (gone_at.isoformat(), "HTTP 404", BODY)
    assert events(path) == [("gone", "HTTP 404")]
    assert count(path, "versions") == 1
    reader = ArchiveReader.open(path)
    try:
        exported = list(research_rows(reader, ARTICLE_EXPORT))
    finally:
        reader.close()
    assert [(r["id"], r["gone_at"], r["title"]) for r in exported] == [("en-8573", gone_at.isoformat(), TITLE)]


def test_archive_writer_gone_twice_records_one_event(path: Path) -> None:
    write_run(path, [article_item()])
    write_run(path, [gone_notice(article_url("en", "meeting"))])
    _, results = write_run(path, [gone_notice(article_url("en", "meeting"), status=410)])
    assert outcomes(results) == ["still_gone"]
    assert events(path) == [("gone", "HTTP 404")]


def test_archive_writer_gone_notice_for_an_unknown_url_is_a_failure(path: Path) -> None:
    url = article_url("en", "never-served")
    _, results = write_run(path, [gone_notice(url)])
    assert outcomes(results) == ["failed"]
    assert count(path, "articles") == 0
    assert [(f["url"], f["error"], f["status"]) for f in rows(path, "SELECT * FROM failures")] == [
        (url, "HTTP 404", 404)
    ]


def test_archive_writer_article_back_after_gone_is_revived(path: Path) -> None:
    write_run(path, [article_item()])
    write_run(path, [gone_notice(article_url("en", "meeting"))])
    _, results = write_run(path, [article_item(at=T0 + dt.timedelta(days=3))])
    assert outcomes(results) == [SaveOutcome.REVIVED.value]
    row = article_row(path)
    assert (row["gone_at"], row["gone_reason"], row["version_count"]) == (None, None, 1)
    assert [e for e, _ in events(path)] == ["gone", "revived"]


def test_archive_writer_revived_with_new_content_adds_a_version_and_reindexes(path: Path) -> None:
    write_run(path, [article_item()])
    write_run(path, [gone_notice(article_url("en", "meeting"))])
    corrected = BODY.replace("Moscow", "Minsk") + " Republished with a correction."
    _, results = write_run(path, [article_item(body_text=corrected, at=T0 + dt.timedelta(3))])
    assert outcomes(results) == [SaveOutcome.REVIVED.value]
    assert article_row(path)["version_count"] == 2
    assert search_ids(path, "correction") == ["en-8573"]
    assert search_ids(path, "Moscow") == []  # only in the old body


def test_archive_writer_edit_reindexes_the_article(path: Path) -> None:
    write_run(path, [article_item()])
    edited = BODY.replace("Secretaries General", "ministers")
    write_run(path, [article_item(title="Talks in Dushanbe", body_text=edited)])
    assert search_ids(path, "Dushanbe ministers") == ["en-8573"]
    assert search_ids(path, "Secretaries") == []
    assert count(path, "search_index") == 1


# --- identity: slugs, aliases -------------------------------------------------------------------


def test_archive_writer_slug_change_keeps_the_article_id(path: Path) -> None:
    write_run(path, [article_item("old-slug")])
    _, results = write_run(path, [article_item("new-slug", at=T0 + dt.timedelta(1))])
    assert outcomes(results) == [SaveOutcome.UNCHANGED.value]
    old, new = article_url("en", "old-slug"), article_url("en", "new-slug")
    assert count(path, "articles") == 1
    row = article_row(path)
    assert (row["url"], row["slug"]) == (new, "new-slug")
    assert [a["url"] for a in rows(path, "SELECT url FROM url_aliases WHERE article_id = 'en-8573'")] == [old]
    assert events(path) == [("url_changed", f"{old} -> {new}")]


def test_archive_writer_slug_changed_back_is_no_longer_an_alias(path: Path) -> None:
    write_run(path, [article_item("old-slug")])
    write_run(path, [article_item("new-slug", at=T0 + dt.timedelta(1))])
    write_run(path, [article_item("old-slug", at=T0 + dt.timedelta(2))])
    old, new = article_url("en", "old-slug"), article_url("en", "new-slug")
    assert article_row(path)["url"] == old
    assert [a["url"] for a in rows(path, "SELECT url FROM url_aliases")] == [new]


def test_archive_writer_404_on_a_former_url_neither_kills_the_article_nor_fails(path: Path) -> None:
    write_run(path, [article_item("old-slug")])
    write_run(path, [article_item("new-slug", at=T0 + dt.timedelta(1))])
    _, results = write_run(path, [gone_notice(article_url("en", "old-slug"), at=T0 + dt.timedelta(2))])
    assert outcomes(results) == ["alias_gone"]
    assert article_row(path)["gone_at"] is None
    assert count(path, "failures") == 0


def test_archive_writer_without_element_id_a_new_slug_is_a_new_article(path: Path) -> None:
    write_run(path, [article_item("old-slug", element_id=None)])
    write_run(path, [article_item("new-slug", element_id=None)])
    ids = [r["id"] for r in rows(path, "SELECT id FROM articles")]
    assert len(set(ids)) == 2
    assert all(i.startswith("en-u") for i in ids)


def test_archive_writer_records_aliases_and_the_requested_url(path: Path) -> None:
    linked = article_url("en", "meeting") + "?bxajaxid=abc"
    requested = article_url("en", "meeting-2")
    item = article_item(aliases=[linked, article_url("en", "meeting")], requested_url=requested)
    write_run(path, [item])
    aliases = {a["url"]: a["article_id"] for a in rows(path, "SELECT url, article_id FROM url_aliases")}
    assert aliases == {linked: "en-8573", requested: "en-8573"}  # the canonical URL is no alias of itself
    # An alias finds the article: the next fetch through it updates, not duplicates.
    _, results = write_run(path, [article_item("meeting-2", element_id=None)])
    assert outcomes(results) == [SaveOutcome.UNCHANGED.value]
    assert count(path, "articles") == 1


# --- listings, failures, not modified -----------------------------------------------------------


def test_archive_writer_listing_sighting_upserts(path: Path) -> None:
    entry = (article_url("en", "meeting"), TITLE, "10.02.2026")
    later = T0 + dt.timedelta(days=1)
    write_run(path, [listing_item("en", [entry])])
    write_run(path, [listing_item("en", [entry], at=later)])
    sightings = rows(path, "SELECT * FROM listing_sightings")
    assert len(sightings) == 1
    s = sightings[0]
    assert (s["first_seen_at"], s["last_seen_at"], s["first_run_id"], s["last_run_id"]) == (
        T0.isoformat(),
        later.isoformat(),
        1,
        2,
    )
    assert (s["listing_url"], s["position"], s["listed_date_raw"]) == (listing_url("en"), 1, "10.02.2026")
    assert count(path, "fetches") == 2


def test_archive_writer_listing_with_a_new_title_adds_a_sighting(path: Path) -> None:
    url = article_url("en", "meeting")
    write_run(path, [listing_item("en", [(url, TITLE, "10.02.2026")])])
    write_run(path, [listing_item("en", [(url, TITLE + " (updated)", "10.02.2026")])])
    assert [s["listed_title"] for s in rows(path, "SELECT listed_title FROM listing_sightings ORDER BY id")] == [
        TITLE,
        TITLE + " (updated)",
    ]


def test_archive_writer_failures_accumulate_then_clear_when_archived(path: Path) -> None:
    url = article_url("en", "meeting")
    write_run(path, [fetch_failure(url, attempts=3)])
    write_run(path, [fetch_failure(url, attempts=2, error="HTTP 503")])
    failure = rows(path, "SELECT attempts, error, last_run_id FROM failures WHERE url = ?", url)
    assert failure == [{"attempts": 5, "error": "HTTP 503", "last_run_id": 2}]
    write_run(path, [article_item()])
    assert count(path, "failures") == 0


def test_archive_writer_not_modified_refreshes_last_seen(path: Path) -> None:
    write_run(path, [article_item()])
    later = T0 + dt.timedelta(days=5)
    url = article_url("en", "meeting")
    notice = NotModified(url, "en", article_item(at=later).fetch)
    _, results = write_run(path, [notice])
    assert outcomes(results) == [SaveOutcome.UNCHANGED.value]
    row = article_row(path)
    assert (row["last_seen_at"], row["last_run_id"], row["version_count"]) == (later.isoformat(), 2, 1)
    assert rows(path, "SELECT last_seen_at FROM versions") == [{"last_seen_at": later.isoformat()}]


# --- sitemaps -----------------------------------------------------------------------------------


def archive_en_and_ru(path: Path) -> None:
    """Run 1: three news articles (in one sitemap file), a statement (in another) in English, one
    Russian news article (in the Russian sitemap)."""
    items = [
        article_item("a1", element_id="1"),
        article_item("a2", element_id="2"),
        article_item("a3", element_id="3"),
        article_item("b1", element_id="4", section="documents/statements"),
        article_item("r1", lang="ru", element_id="5"),
        sitemap_item("en", {article_url("en", slug): "2026-02-10" for slug in ("a1", "a2", "a3")}),
        sitemap_item("en", {article_url("en", "b1", section="documents/statements"): None}, file=2),
        sitemap_item("ru", {article_url("ru", "r1"): None}),
    ]
    write_run(path, items)


def test_archive_writer_marks_gone_what_a_sitemap_file_read_in_the_run_dropped(path: Path) -> None:
    archive_en_and_ru(path)
    writer = open_writer(path, Clock(T0 + dt.timedelta(days=1)))
    try:
        run = writer.begin_run("incremental", {})
        fetched_now = article_item("a3", element_id="3", at=T0 + dt.timedelta(days=1))
        listed: dict[str, str | None] = {article_url("en", "a1"): "2026-02-10"}
        # The news file now lists a1 only; the statements file was not read in this run.
        writer.write_batch([sitemap_item("en", listed), fetched_now], run)
        marked = writer.mark_absent_from_sitemap("en", run, max_share=0.5)
    finally:
        writer.close()
    assert marked == {"news/news_odkb": 1}
    gone = {
        r["id"]: r["gone_reason"] for r in rows(path, "SELECT id, gone_reason FROM articles WHERE gone_at IS NOT NULL")
    }
    assert gone == {"en-2": "absent from sitemap"}  # en-3 fetched this run, en-4 its file unread, ru-5 another lang
    assert events(path, "en-2") == [("gone", "absent from sitemap")]


def test_an_unchanged_sitemap_file_keeps_its_entries_listed(path: Path) -> None:
    """A later run that finds a file unchanged (not parsed again) drops nothing from it; a file
    read again without an entry drops that one, even in a run after the one that parsed it."""
    archive_en_and_ru(path)
    news = sitemap_item("en", {})
    run, _ = write_run(path, [SitemapItem("en", {}, news.fetch, unchanged=True)])
    with_writer = open_writer(path)
    try:
        assert with_writer.mark_absent_from_sitemap("en", run, max_share=0.5) == {}
    finally:
        with_writer.close()
    listed = {article_url("en", slug): "2026-02-10" for slug in ("a1", "a3")}
    write_run(path, [sitemap_item("en", listed)])  # a2 dropped; this run is not judged
    run, _ = write_run(path, [SitemapItem("en", {}, news.fetch, unchanged=True)])
    with_writer = open_writer(path)
    try:
        assert with_writer.mark_absent_from_sitemap("en", run, max_share=0.5) == {"news/news_odkb": 1}
    finally:
        with_writer.close()
    files = rows(
        path, "SELECT parsed_run_id, confirmed_run_id, entry_count FROM sitemap_files WHERE url = ?", news.fetch.url
    )
    assert files == [{"parsed_run_id": run - 1, "confirmed_run_id": run, "entry_count": 2}]


def test_archive_writer_mark_absent_from_sitemap_refuses_a_mass_disappearance(
    path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    archive_en_and_ru(path)
    writer = open_writer(path)
    try:
        run = writer.begin_run("incremental", {})
        writer.write_batch([sitemap_item("en", {article_url("en", "a1"): None})], run)
        with caplog.at_level(logging.WARNING, logger="csto_crawler.archive.store"):
            marked = writer.mark_absent_from_sitemap("en", run, max_share=0.25)  # 2 of 4 would go
    finally:
        writer.close()
    assert marked == {}
    assert rows(path, "SELECT id FROM articles WHERE gone_at IS NOT NULL") == []
    assert "omit 2 of 4 articles" in caplog.text


@pytest.mark.parametrize("sitemap_first", [True, False], ids=["sitemap-then-article", "article-then-sitemap"])
def test_archive_writer_records_sitemap_lastmod_of_articles_fetched_in_the_run(path: Path, sitemap_first: bool) -> None:
    lastmod = "2026-02-11T10:00:00+03:00"
    batch = [sitemap_item("en", {article_url("en", "meeting"): lastmod}), article_item()]
    write_run(path, batch if sitemap_first else batch[::-1])
    assert article_row(path)["sitemap_lastmod"] == lastmod


def test_archive_writer_keeps_the_lastmod_of_the_last_fetch_for_articles_not_fetched(path: Path) -> None:
    url = article_url("en", "meeting")
    write_run(path, [sitemap_item("en", {url: "2026-02-10"}), article_item()])
    write_run(path, [sitemap_item("en", {url: "2026-02-12"})])  # edited since; not fetched in run 2
    assert article_row(path)["sitemap_lastmod"] == "2026-02-10"
    assert rows(path, "SELECT lastmod FROM sitemap_entries") == [{"lastmod": "2026-02-12"}]


# --- batches ------------------------------------------------------------------------------------


def test_archive_writer_failed_batch_writes_nothing(path: Path) -> None:
    write_run(path, [article_item("kept", element_id="1")])
    before = {t: count(path, t) for t in ("articles", "versions", "fetches", "blobs", "listing_sightings")}
    naive = article_item("broken", element_id="3", at=dt.datetime(2026, 2, 14, 12, 0))  # noqa: DTZ001 - the fault
    batch = [article_item("new", element_id="2"), listing_item("en", [(article_url("en", "new"), "New", None)]), naive]
    writer = open_writer(path)
    try:
        run = writer.begin_run("incremental", {})
        with pytest.raises(ValueError, match="naive datetime"):
            writer.write_batch(batch, run)
    finally:
        writer.close()
    assert {t: count(path, t) for t in before} == before
    assert rows(path, "SELECT article_id FROM search_index") == [{"article_id": "en-1"}]


def hold_write_lock(path: Path, locked: threading.Event, seconds: float) -> None:
    """Another program's write transaction: BEGIN IMMEDIATE, hold it, then commit."""
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        threading.Event().wait(seconds)
        other.execute("COMMIT")


def test_archive_writer_write_batch_retries_while_the_database_is_locked(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_run(path, [article_item("first", element_id="1")])
    # No busy wait: the lock surfaces at once as "database is locked", so the retry must handle it.
    monkeypatch.setattr(database, "CONNECTION_PRAGMAS", ["PRAGMA busy_timeout=0"])
    writer = open_writer(path)
    locked = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(path, locked, LOCK_HELD_SECONDS))
    try:
        run = writer.begin_run("incremental", {})
        holder.start()
        assert locked.wait(5)
        results = writer.write_batch([article_item("second", element_id="2")], run)
        attempts = ArchiveWriter.write_batch.statistics["attempt_number"]
    finally:
        holder.join()
        writer.close()
    assert outcomes(results) == [SaveOutcome.NEW.value]
    assert attempts >= 2
    assert count(path, "articles") == 2
