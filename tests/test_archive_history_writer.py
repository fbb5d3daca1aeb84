"""The one writer of history places every capture by its date (archive/history_writer.py, placement.py).

A capture newer than what the archive holds extends the current version or adds the next one; an
older one (typically imported from a WARC file: its fetch names the file and record) takes its place
in time under the next free number. Numbers, and the content under each, never change.
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
    rows,
    write_run,
)

from csto_crawler.items import FetchRecord
from csto_crawler.outcomes import VersionChange

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
    """The versions in time order (as every reader shows them)."""
    return rows(
        path,
        "SELECT id, version, body_text, title, content_sha256, first_seen_at, last_seen_at, first_run_id,"
        " last_run_id FROM versions ORDER BY first_seen_at, version",
    )


def citations(path: Path) -> dict[tuple[str, int], str]:
    return {(r["article_id"], r["version"]): r["content_sha256"] for r in rows(path, "SELECT * FROM versions")}


def article(path: Path) -> dict[str, Any]:
    return rows(path, "SELECT * FROM articles")[0]


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def test_an_older_capture_with_other_content_comes_first_in_time_under_the_next_number(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)], [article_item(body_text=EDITED, at=T0 + DAY)])
    before = citations(archive)
    old = T0 - 30 * DAY
    run_id, results = write_run(archive, [imported(article_item(title="Draft title", at=old))])
    assert results[0].outcome == "changed"
    after = versions(archive)
    assert [v["version"] for v in after] == [3, 1, 2]  # in time order: the capture first, numbered 3
    assert after[0]["title"] == "Draft title"
    assert after[0]["first_seen_at"] == after[0]["last_seen_at"] == iso(old)
    assert after[0]["first_run_id"] == run_id
    # Every (article, version) pair cited before still names the same content.
    assert {key: sha for key, sha in citations(archive).items() if key in before} == before
    row = article(archive)
    assert (row["version_count"], row["current_version"]) == (3, 2)
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
    assert (row["version_count"], row["current_version"]) == (3, 3)  # the content came back as version 3
    assert row["title"] == TITLE


def test_a_capture_is_placed_by_its_date_whoever_made_it(tmp_path: Path) -> None:
    """No flag picks the path: a crawl's fetch dated before the article's last sighting is history too."""
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)])
    write_run(archive, [article_item(title="Earlier", at=T0 - DAY)])
    assert [(v["version"], v["title"]) for v in versions(archive)] == [(2, "Earlier"), (1, TITLE)]
    assert article(archive)["title"] == TITLE


def test_a_newer_capture_with_other_content_becomes_the_current_version(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)])
    _, results = write_run(archive, [imported(article_item(body_text=EDITED, at=T0 + DAY))])
    assert results[0].outcome == "changed"
    assert [(v["version"], v["body_text"]) for v in versions(archive)] == [(1, BODY), (2, EDITED)]
    row = article(archive)
    assert (row["current_version"], row["body_text"], row["last_seen_at"]) == (2, EDITED, iso(T0 + DAY))


def test_a_re_reading_by_a_newer_extractor_becomes_current_whatever_its_snapshot_date(tmp_path: Path) -> None:
    """csto reextract reads the stored page (dated before the last 304) again: the new reading is current."""
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)], [article_item(at=T0 + DAY)])
    reread = article_item(body_text=EDITED, at=T0, version_change=VersionChange.EXTRACTOR)
    _, results = write_run(archive, [reread])
    assert results[0].outcome == "changed"
    got = [(v["version"], v["body_text"]) for v in versions(archive)]
    assert got == [(1, BODY), (2, EDITED)]
    row = article(archive)
    assert (row["current_version"], row["body_text"], row["last_seen_at"]) == (2, EDITED, iso(T0 + DAY))


def test_version_numbers_and_contents_never_change_whatever_is_imported(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(at=T0)], [article_item(body_text=EDITED, at=T0 + 10 * DAY)])
    seen: dict[tuple[str, int], str] = {}
    for title, at in (("Old", T0 - 9 * DAY), ("Briefly", T0 + 5 * DAY), ("Older", T0 - 20 * DAY), (TITLE, T0 - DAY)):
        seen.update(citations(archive))
        write_run(archive, [imported(article_item(title=title, at=at))])
        assert {key: sha for key, sha in citations(archive).items() if key in seen} == seen
    numbers = [v["version"] for v in versions(archive)]
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert article(archive)["current_version"] == versions(archive)[-1]["version"]


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


def test_an_old_404_of_an_unknown_url_records_no_failure(tmp_path: Path) -> None:
    """A capture made before the run says nothing of the URL today; a 404 fetched by the run does."""
    archive = tmp_path / "a.sqlite"
    _, results = write_run(archive, [imported(gone_notice(URL, at=T0 - DAY))])
    assert results[0].outcome == "not_archived"
    assert count(archive, "failures") == 0
    _, results = write_run(archive, [gone_notice(URL, at=T0)])
    assert results[0].outcome == "failed"
    assert count(archive, "failures") == 1


def test_imported_fetches_name_their_file_and_record(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    item = imported(article_item())
    write_run(archive, [item])
    (fetch,) = rows(archive, "SELECT source, warc_record_id FROM fetches")
    assert fetch == {"source": "old.warc.gz", "warc_record_id": item.fetch.warc_record_id}


# --- a page standing in for the article (stand_ins.py) ----------------------------------------------

ARTICLE = (
    "On 10 February the Secretaries General of the CSTO and the SCO met in Moscow to discuss the situation"
    " in Central Asia.\n\nThey agreed to hold joint consultations on countering terrorism and drug trafficking."
)
NOTICE = "На сайте проводятся профилактические работы."


def test_a_notice_in_place_of_the_article_is_held_and_the_archived_text_stays_current(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(body_text=ARTICLE, at=T0)])
    _, results = write_run(archive, [article_item(body_text=NOTICE, at=T0 + DAY)])  # no listing lead to compare
    assert results[0].outcome == "held"
    assert (article(archive)["body_text"], article(archive)["version_count"]) == (ARTICLE, 1)
    (held,) = rows(archive, "SELECT url, doubts, fetch_id FROM held_pages")
    assert (held["url"], held["doubts"]) == (URL, '["unrelated_body"]')
    assert rows(archive, "SELECT status FROM fetches WHERE id = ?", held["fetch_id"]) == [{"status": 200}]
    # The site serves the article again: the hold is over, nothing new to version.
    _, results = write_run(archive, [article_item(body_text=ARTICLE, at=T0 + 2 * DAY)])
    assert results[0].outcome == "unchanged"
    assert count(archive, "held_pages") == 0


def test_a_held_notice_read_again_by_a_newer_extractor_stays_held(tmp_path: Path) -> None:
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(body_text=ARTICLE, at=T0)], [article_item(body_text=NOTICE, at=T0 + DAY)])
    (held,) = rows(archive, "SELECT fetch_id FROM held_pages")
    notice = article_item(body_text=NOTICE, at=T0 + DAY, version_change=VersionChange.EXTRACTOR)
    notice.fetch.stored_id = held["fetch_id"]
    _, results = write_run(archive, [notice])
    assert results[0].outcome == "held"
    assert article(archive)["version_count"] == 1


def test_the_article_s_own_page_read_again_becomes_current_however_different(tmp_path: Path) -> None:
    """A newer extractor that reads the stored page of a version differently corrects the reading: the
    bytes are the article's own, whatever text the old extractor took from them."""
    archive = tmp_path / "a.sqlite"
    write_run(archive, [article_item(body_text=ARTICLE, at=T0)])
    (version,) = rows(archive, "SELECT fetch_id FROM versions")
    reread = article_item(body_text="Moscow, 10 February.", at=T0, version_change=VersionChange.EXTRACTOR)
    reread.fetch.stored_id = version["fetch_id"]
    _, results = write_run(archive, [reread])
    assert results[0].outcome == "changed"
    assert article(archive)["body_text"] == "Moscow, 10 February."
