"""ArchiveClient: the writer in the crawl's process and in a worker process write the same archive."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from archive_items import (
    BODY,
    article_item,
    article_url,
    fetch_failure,
    gone_notice,
    listing_item,
    section_walked,
    sitemap_item,
)
from time_limit import fail_after

from csto_crawler.archive.database import NotAnArchiveError
from csto_crawler.archive.store import WriteResult
from csto_crawler.archive.writer_process import ArchiveClient

DEADLINE = 30  # seconds for a test; each writes a few items
MODES = [pytest.param(True, id="in-process"), pytest.param(False, id="worker")]
# Columns (and meta keys) named ``*_at`` hold the writer's clock, except ``fetched_at`` (the items' own
# fetch time). Everything else must match, ``pid`` included: it is the crawl's, passed by the caller.
ITEM_TIME_COLUMN = "fetched_at"
CORRECTED_BODY = BODY + "\n\nThe meeting was extended by a day."


@pytest.fixture(autouse=True)
def time_limit() -> Iterator[None]:
    with fail_after(DEADLINE):
        yield


def visit() -> Any:
    return article_item("visit", element_id="8600", title="A visit", published="2026-02-11")


def batches() -> list[list[Any]]:
    meeting, visited = article_url("en", "meeting"), article_url("en", "visit")
    return [
        [
            article_item("meeting"),
            visit(),
            listing_item("en", [(meeting, "The meeting", "10.02.2026"), (visited, "A visit", "11.02.2026")]),
            sitemap_item("en", {meeting: "2026-02-10", visited: None}),
            fetch_failure(article_url("en", "broken")),
            gone_notice(article_url("en", "removed")),
        ],
        [article_item("meeting", body_text=CORRECTED_BODY), visit()],
        [section_walked("en")],
    ]


def write_one_run(client: ArchiveClient) -> tuple[int, list[list[WriteResult]], None]:
    """What the archive pipeline does: begin, write batches, save counts, finish."""
    run_id: int = client.call("begin_run", "full", {"sites": "en"}, os.getpid()).result()
    calls = [client.call("write_batch", batch, run_id) for batch in batches()]  # several in flight
    client.call("save_counts", run_id, {"en": {"news": {"new": 2}}})
    finished = client.call("finish_run", run_id, "finished", {"en": {"news": {"new": 2, "changed": 1}}})
    return run_id, [call.result() for call in calls], finished.result()


def from_clock_or_process(column: str) -> bool:
    return column.endswith("_at") and column != ITEM_TIME_COLUMN


def archive_contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (sorted), without the values taken from the writer's clock or process."""
    with closing(sqlite3.connect(path)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        contents = {}
        for table in tables:
            cursor = db.execute(f"SELECT * FROM {table}")  # noqa: S608 - names read from sqlite_master
            keep = [i for i, d in enumerate(cursor.description) if not from_clock_or_process(d[0])]
            found = [tuple(row[i] for i in keep) for row in cursor]
            if table == "meta":
                found = [row for row in found if not from_clock_or_process(row[0])]
            contents[table] = sorted(found, key=repr)
    return contents


def test_archive_client_in_a_worker_writes_what_the_in_process_writer_writes(tmp_path: Path) -> None:
    in_process = ArchiveClient(tmp_path / "in-process.sqlite", in_process=True)
    in_worker = ArchiveClient(tmp_path / "worker.sqlite", in_process=False)
    assert in_process.worker is None and in_worker.writer is None
    process = in_worker.worker._process  # type: ignore[union-attr]
    try:
        answers = [write_one_run(in_process), write_one_run(in_worker)]
    finally:
        in_process.close()
        in_worker.close()
    assert process.exitcode == 0  # the worker closed its writer and stopped

    run_id, results, finished = answers[0]
    assert (run_id, finished) == (1, None)
    assert [[(r.kind, r.outcome) for r in batch] for batch in results] == [
        [
            ("article", "new"),
            ("article", "new"),
            ("listing", "fetched"),
            ("sitemap", "fetched"),
            ("failure", "failed"),
            ("gone", "failed"),  # a URL the archive never held
        ],
        [("article", "changed"), ("article", "unchanged")],
        [("section", "walked")],
    ]
    assert answers[1] == answers[0]

    contents = archive_contents(tmp_path / "in-process.sqlite")
    assert len(contents["articles"]) == 2 and len(contents["versions"]) == 3
    assert archive_contents(tmp_path / "worker.sqlite") == contents


@pytest.mark.parametrize("in_process", MODES)
def test_archive_client_failures_surface_from_result(tmp_path: Path, in_process: bool) -> None:
    client = ArchiveClient(tmp_path / "csto.sqlite", in_process=in_process)
    try:
        run_id = client.call("begin_run", "full", {}).result()
        missing_arguments = client.call("finish_run", run_id)
        bad_batch = client.call("write_batch", [article_item("meeting"), object()], run_id)
        with pytest.raises(TypeError, match="missing 2 required positional arguments"):
            missing_arguments.result()
        with pytest.raises(TypeError, match="cannot archive object"):
            bad_batch.result()
        with pytest.raises(AttributeError, match="no_such_method"):
            client.call("no_such_method").result()
        # The writer carries on, and the failed batch left nothing behind (one transaction).
        assert [r.outcome for r in client.call("write_batch", [article_item("visit")], run_id).result()] == ["new"]
    finally:
        client.close()
    with closing(sqlite3.connect(tmp_path / "csto.sqlite")) as db:
        assert [r[0] for r in db.execute("SELECT slug FROM articles")] == ["visit"]


@pytest.mark.parametrize("in_process", MODES)
def test_archive_client_reports_a_path_that_is_not_an_archive(tmp_path: Path, in_process: bool) -> None:
    with pytest.raises(NotAnArchiveError, match="is a directory"):
        ArchiveClient(tmp_path, in_process=in_process)
