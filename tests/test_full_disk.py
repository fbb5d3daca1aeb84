"""A full disk: the write that does not fit fails, the run row is closed with one line, nothing archived
is lost (issue 24). SQLite's ``max_page_count`` makes the archive "full" at its current size: the
same SQLITE_FULL ("database or disk is full") a full file system gives, on any machine.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from archive_items import article_item, count, rows, write_run
from scrapy.utils.test import get_crawler

from csto_crawler import pipelines
from csto_crawler.archive.database import dbapi_connection
from csto_crawler.archive.store import ArchiveWriter


def archive_with_articles(tmp_path: Path) -> Path:
    path = tmp_path / "csto.sqlite"
    write_run(path, [article_item(f"kept-{n}", element_id=str(100 + n)) for n in range(3)])
    return path


def fill_disk(writer: ArchiveWriter) -> None:
    """No page beyond those the archive has now."""
    with writer.db:
        connection = dbapi_connection(writer.db)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")


def big_articles(n: int) -> list[object]:
    return [article_item(f"big-{k}", element_id=str(9000 + k), body_text="слово " * 20_000) for k in range(n)]


def test_a_write_past_a_full_disk_fails_and_the_run_still_closes(tmp_path: Path) -> None:
    path = archive_with_articles(tmp_path)
    writer = ArchiveWriter.open(path)
    try:
        run = writer.begin_run("incremental", {})
        fill_disk(writer)
        with pytest.raises(Exception, match="database or disk is full"):
            writer.write_batch(big_articles(5), run)
        writer.finish_run(run, "archive_error")  # the connection is usable again
    finally:
        writer.close()
    assert [r["finish_reason"] for r in rows(path, "SELECT finish_reason FROM crawl_runs ORDER BY id")][-1] == (
        "archive_error"
    )
    assert count(path, "articles") == 3  # the earlier articles are all there, the failed batch is not


class StoppingEngine:
    """The engine's one method the pipeline calls: close the spider."""

    reason = ""

    async def close_spider_async(self, reason: str) -> None:
        self.reason = reason


def test_the_crawl_pipeline_on_a_full_disk_logs_one_line_and_closes_the_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipelines, "deferred_from_coro", asyncio.run)  # no reactor here
    path = archive_with_articles(tmp_path)
    settings = {
        "CSTO_ARCHIVE_PATH": str(path),
        "CSTO_WRITE_BATCH_SIZE": 2,
        # The pipeline's pre-flight checks (preflight.py) need a site; no network is asked here.
        "CSTO_SITES": {"en": "http://127.0.0.1:9"},
        "CSTO_LANGS": ["en"],
        "CSTO_PREFLIGHT_TIMEOUT": 0,
    }
    crawler = get_crawler(settings_dict=settings)
    crawler.engine = StoppingEngine()  # type: ignore[assignment]
    pipeline = pipelines.ArchivePipeline(crawler)
    pipeline.open_spider()
    assert pipeline.archive is not None
    fill_disk(pipeline.archive)
    with caplog.at_level(logging.INFO):
        for item in big_articles(6):
            pipeline.process_item(item)
        pipeline.spider_closed(None, "archive_error")  # type: ignore[arg-type]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage().split(":")[0] for r in errors] == ["Writing to the archive failed, stopping the crawl"]
    assert all(r.exc_info is None for r in caplog.records)  # no traceback in the log
    assert crawler.stats.get_value("csto/archive/error") == "the archive cannot be used: the disk is full"
    [run] = rows(path, "SELECT finished_at, finish_reason FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert run["finished_at"] is not None and run["finish_reason"] == "archive_error"
    assert count(path, "articles") == 3
    assert crawler.engine.reason == "archive_error"  # type: ignore[attr-defined]
