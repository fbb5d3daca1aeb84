"""Imported captures older than the archive slot into history by their date (archive/backfill.py).

Items are written as ``csto warc import`` writes them: the same item types as a crawl, their fetch
carrying the WARC file and record ID. A crawl's own fetches never take these paths.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path
from typing import Any

from archive_items import (
    BODY,
    T0,
    TITLE,
    article_item,
    article_url,
    count,
    gone_notice,
    listing_item,
    rows,
    sitemap_item,
    write_run,
)

from csto_crawler.items import FetchRecord

URL = article_url("en", "meeting")
EDITED = BODY + "\n\nThe meeting ended with a joint statement."
DAY = dt.timedelta(days=1)
_ids = itertools.count(1)


def captured(fetch: FetchRecord) -> FetchRecord:
    """The fetch as an imported WARC record: its file and a record ID of its own."""
    return dataclasses.replace(fetch, source="old.warc.gz", warc_record_id=f"<urn:uuid:test-{next(_ids)}>")


def imported(item: Any) -> Any:
    return dataclasses.replace(item, fetch=captured(item.fetch))


def versions(path: Path) -> list[dict[str, Any]]:
    return rows(
        path,
        "SELECT id, version, body_text, title, first_seen_at, last_seen_at, first_run_id, last_run_id"
        " FROM versions ORDER BY version",
    )


def article(path: Path) -> dict[str, Any]:
    return rows(path, "SELECT * FROM articles")[0]


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def test_an_older_capture_with_other_content_becomes_version_one(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)], [article_item(body_text=EDITED, at=T0 + DAY)])
    before = versions(archive)
    old = T0 - 30 * DAY
    run_id, results = write_run(archive, [imported(article_item(title="Draft title", at=old))])
    assert results[0].outcome == "changed"
    after = versions(archive)
    assert [v["version"] for v in after] == [1, 2, 3]
    assert after[0]["title"] == "Draft title"
    assert after[0]["first_seen_at"] == after[0]["last_seen_at"] == iso(old)
    assert after[0]["first_run_id"] == run_id
    # The versions already there kept their rows and content, numbered one up.
    assert [(v["id"], v["body_text"]) for v in after[1:]] == [(v["id"], v["body_text"]) for v in before]
    row = article(archive)
    assert row["version_count"] == 3
    assert row["first_seen_at"] == iso(old)
    assert row["body_text"] == EDITED  # the latest content stays the article's
    assert row["last_seen_at"] == iso(T0 + DAY)


def test_an_older_capture_with_the_same_content_moves_first_seen_back(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)])
    old = T0 - 400 * DAY
    _, results = write_run(archive, [imported(article_item(at=old, sidebar="other news"))])
    assert results[0].outcome == "unchanged"
    (only,) = versions(archive)
    assert only["first_seen_at"] == iso(old)
    assert only["last_seen_at"] == iso(T0)
    assert article(archive)["first_seen_at"] == iso(old)
    assert count(archive, "fetches") == 2


def test_a_capture_between_versions_extends_the_one_in_force(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)], [article_item(body_text=EDITED, at=T0 + 10 * DAY)])
    write_run(archive, [imported(article_item(at=T0 + 3 * DAY))])  # still the first content then
    write_run(archive, [imported(article_item(body_text=EDITED, at=T0 + 7 * DAY))])  # already the edit
    first, second = versions(archive)
    assert first["last_seen_at"] == iso(T0 + 3 * DAY)
    assert second["first_seen_at"] == iso(T0 + 7 * DAY)
    assert second["last_seen_at"] == iso(T0 + 10 * DAY)
    assert article(archive)["version_count"] == 2


def test_a_capture_inside_a_versions_range_with_other_content_splits_it(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)], [article_item(at=T0 + 10 * DAY)])
    write_run(archive, [imported(article_item(title="Briefly retitled", at=T0 + 5 * DAY))])
    got = [(v["version"], v["title"], v["first_seen_at"], v["last_seen_at"]) for v in versions(archive)]
    assert got == [
        (1, TITLE, iso(T0), iso(T0)),
        (2, "Briefly retitled", iso(T0 + 5 * DAY), iso(T0 + 5 * DAY)),
        (3, TITLE, iso(T0 + 10 * DAY), iso(T0 + 10 * DAY)),
    ]
    row = article(archive)
    assert row["version_count"] == 3
    assert row["title"] == TITLE


def test_crawl_writes_are_not_backfilled(tmp_path: Path) -> None:
    """A crawl's fetch is today's answer, whatever its timestamp: other content is a new latest version."""
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)])
    write_run(archive, [article_item(title="Edited", at=T0 - DAY)])
    assert [v["title"] for v in versions(archive)] == [TITLE, "Edited"]
    assert article(archive)["title"] == "Edited"


def test_an_imported_404_marks_gone_only_after_the_last_sighting(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)])
    _, results = write_run(archive, [imported(gone_notice(URL, at=T0 - DAY))])
    assert results[0].outcome == "seen_after"
    assert article(archive)["gone_at"] is None
    _, results = write_run(archive, [imported(gone_notice(URL, at=T0 + DAY))])
    assert results[0].outcome == "gone"
    assert article(archive)["gone_at"] == iso(T0 + DAY)
    # A capture of the live page from before the 404 only widens what was seen; it does not revive.
    write_run(archive, [imported(article_item(at=T0 + DAY / 2))])
    row = article(archive)
    assert row["gone_at"] == iso(T0 + DAY)
    assert row["last_seen_at"] == iso(T0 + DAY / 2)


def test_an_imported_404_of_an_unknown_url_records_no_failure(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    _, results = write_run(archive, [imported(gone_notice(URL))])
    assert results[0].outcome == "not_archived"
    assert count(archive, "failures") == 0


def test_an_older_listing_capture_moves_first_seen_back_only(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [listing_item("en", [(URL, TITLE, "10.02.2026")], at=T0)])
    write_run(archive, [imported(listing_item("en", [(URL, TITLE, "10.02.2026")], at=T0 - 5 * DAY))])
    (sighting,) = rows(archive, "SELECT * FROM listing_sightings")
    assert sighting["first_seen_at"] == iso(T0 - 5 * DAY)
    assert sighting["last_seen_at"] == iso(T0)
    assert sighting["last_run_id"] == 1


def test_an_older_sitemap_capture_leaves_the_file_as_last_read(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    dropped = article_url("en", "dropped-since")
    write_run(archive, [sitemap_item("en", {URL: "2026-02-10"}, at=T0)])
    old = imported(sitemap_item("en", {URL: "2026-01-01", dropped: "2025-12-01"}, at=T0 - 30 * DAY))
    write_run(archive, [old])
    (file,) = rows(archive, "SELECT * FROM sitemap_files")
    assert file["parsed_run_id"] == 1
    entries = {r["url"]: r for r in rows(archive, "SELECT * FROM sitemap_entries")}
    assert entries[URL]["lastmod"] == "2026-02-10"
    assert entries[URL]["first_seen_at"] == iso(T0 - 30 * DAY)
    assert entries[URL]["sitemap_url"] == file["url"]
    assert entries[dropped]["sitemap_url"] is None  # the file as last read does not list it


def test_imported_fetches_name_their_file_and_record(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    item = imported(article_item())
    write_run(archive, [item])
    (fetch,) = rows(archive, "SELECT source, warc_record_id FROM fetches")
    assert fetch == {"source": "old.warc.gz", "warc_record_id": item.fetch.warc_record_id}
