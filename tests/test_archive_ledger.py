"""The run ledger places what it records by date (archive/ledger.py, sitemaps.py, sightings.py): a newer
reading replaces, an older capture widens what was seen; failures describe the present; runs record
how they ended."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from archive_items import (
    T0,
    TITLE,
    article_item,
    article_url,
    count,
    fetch_failure,
    fetch_record,
    listing_item,
    open_writer,
    rows,
    sitemap_item,
    write_run,
)

from csto_crawler.archive.ledger import RunRecord
from csto_crawler.items import AttachmentItem, FetchRecord
from csto_crawler.outcomes import RunMode

URL = article_url("en", "meeting")
FILE_URL = "https://en.odkb-csto.org/upload/iblock/39a/statement.docx"
DAY = dt.timedelta(days=1)


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def captured(item: Any, n: int = 1) -> Any:
    """The item as a WARC import hands it over: its fetch names the file and the record."""
    fetch: FetchRecord = dataclasses.replace(item.fetch, source="old.warc.gz", warc_record_id=f"<urn:uuid:{n}>")
    return dataclasses.replace(item, fetch=fetch)


def attachment(body: bytes, at: dt.datetime) -> AttachmentItem:
    fetch = fetch_record(FILE_URL, body, kind="attachment", at=at, headers={"content-type": "application/msword"})
    return AttachmentItem(FILE_URL, URL, "statement.docx", fetch)


# --- listing sightings ---------------------------------------------------------------------------------


def test_an_older_listing_capture_moves_first_seen_back_only(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [listing_item("en", [(URL, TITLE, "10.02.2026")], at=T0)])
    write_run(archive, [captured(listing_item("en", [(URL, TITLE, "10.02.2026")], at=T0 - 5 * DAY))])
    (sighting,) = rows(archive, "SELECT * FROM listing_sightings")
    assert sighting["first_seen_at"] == iso(T0 - 5 * DAY)
    assert sighting["last_seen_at"] == iso(T0)
    assert sighting["last_run_id"] == 1


def test_a_newer_sighting_moves_last_seen_and_the_lead(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    first = listing_item("en", [(URL, TITLE, "10.02.2026")], at=T0)
    write_run(archive, [first])
    later = listing_item("en", [(URL, TITLE, "10.02.2026")], at=T0 + DAY)
    later.entries[0].lead = "The new lead."
    write_run(archive, [later])
    (sighting,) = rows(archive, "SELECT * FROM listing_sightings")
    assert (sighting["first_seen_at"], sighting["last_seen_at"]) == (iso(T0), iso(T0 + DAY))
    assert (sighting["last_run_id"], sighting["listed_lead"]) == (2, "The new lead.")


# --- sitemaps --------------------------------------------------------------------------------------------


def test_an_older_sitemap_capture_leaves_the_file_as_last_read(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    dropped = article_url("en", "dropped-since")
    write_run(archive, [sitemap_item("en", {URL: "2026-02-10"}, at=T0)])
    old = captured(sitemap_item("en", {URL: "2026-01-01", dropped: "2025-12-01"}, at=T0 - 30 * DAY))
    write_run(archive, [old])
    (file,) = rows(archive, "SELECT * FROM sitemap_files")
    assert file["parsed_run_id"] == 1
    entries = {r["url"]: r for r in rows(archive, "SELECT * FROM sitemap_entries")}
    assert entries[URL]["lastmod"] == "2026-02-10"
    assert entries[URL]["first_seen_at"] == iso(T0 - 30 * DAY)
    assert entries[URL]["sitemap_url"] == file["url"]
    assert entries[dropped]["sitemap_url"] is None  # the file as last read does not list it


def test_a_newer_sitemap_reading_replaces_the_file(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [sitemap_item("en", {URL: "2026-02-10"}, at=T0)])
    write_run(archive, [captured(sitemap_item("en", {URL: "2026-02-20"}, at=T0 + DAY))])
    (file,) = rows(archive, "SELECT * FROM sitemap_files")
    assert (file["parsed_run_id"], file["parsed_at"]) == (2, iso(T0 + DAY))
    assert rows(archive, "SELECT lastmod FROM sitemap_entries") == [{"lastmod": "2026-02-20"}]


# --- failures --------------------------------------------------------------------------------------------


def test_a_failure_is_cleared_by_a_later_fetch_and_kept_by_an_older_capture(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [fetch_failure(URL)])
    write_run(archive, [captured(article_item(at=T0 - DAY))])  # an old capture says nothing of today
    assert count(archive, "failures") == 1
    write_run(archive, [article_item(at=T0)])
    assert count(archive, "failures") == 0


def test_imported_fetches_name_their_file_and_record(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    item = captured(article_item(), n=7)
    write_run(archive, [item])
    (fetch,) = rows(archive, "SELECT source, warc_record_id FROM fetches")
    assert fetch == {"source": "old.warc.gz", "warc_record_id": "<urn:uuid:7>"}


# --- attachments -----------------------------------------------------------------------------------------


def test_the_newest_download_keeps_the_bytes_an_older_one_is_seen_earlier(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [attachment(b"version two", T0)])
    write_run(archive, [captured(attachment(b"version one", T0 - 10 * DAY))])
    (row,) = rows(archive, "SELECT sha256, first_seen_at, last_fetched_at FROM attachments")
    assert row["sha256"] == fetch_record(FILE_URL, b"version two").sha256
    assert (row["first_seen_at"], row["last_fetched_at"]) == (iso(T0 - 10 * DAY), iso(T0))
    write_run(archive, [attachment(b"version three", T0 + DAY)])
    assert (
        rows(archive, "SELECT sha256 FROM attachments")[0]["sha256"] == fetch_record(FILE_URL, b"version three").sha256
    )
    assert count(archive, "blobs") == 3  # every download's bytes are kept, once each


# --- runs --------------------------------------------------------------------------------------------------


def test_a_run_records_how_it_ended(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "a.sqlite")
    try:
        run = writer.begin_run(RunMode.INCREMENTAL, {"full": False})
        writer.finish_run(run, "finished", RunRecord({"en": {"news": {"new": 2}}}, {"drift": []}, 4, 50, 2, 1, 3, 1.5))
    finally:
        writer.close()
    (row,) = rows(tmp_path / "a.sqlite", "SELECT * FROM crawl_runs")
    assert (row["mode"], row["finish_reason"], row["exit_code"]) == ("incremental", "finished", 4)
    assert (row["pages_fetched"], row["pages_archived"], row["pages_held"], row["failures"]) == (50, 2, 1, 3)
    assert row["duration_s"] == 1.5
    assert row["counts"] == '{"en": {"news": {"new": 2}}}'


def test_a_fetch_is_made_in_a_run_when_dated_after_its_start(tmp_path: Path) -> None:
    writer = open_writer(tmp_path / "a.sqlite")
    try:
        run = writer.begin_run(RunMode.WARC_IMPORT, {})
        assert writer.ledger.made_in_run(iso(T0), run)
        assert not writer.ledger.made_in_run(iso(T0 - DAY), run)
    finally:
        writer.close()
