"""A researcher holding a read transaction open never stops a crawl, and keeps seeing one consistent snapshot."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from archive_items import BODY, article_item, count, listing_item, open_writer, write_run

from csto_crawler.archive.database import open_database
from csto_crawler.demo import DEMO_CRAWL_SETTINGS, DemoSite

PROCESS_TIMEOUT = 120  # seconds; the demo crawl takes two or three
WRITES_TIMEOUT = 5  # seconds; with WAL the writes never wait for the reader, so they take a fraction of this
# The researcher: plain sqlite3 in another process. Prints (articles, versions, fetches, articles whose
# version count disagrees with their versions) inside one read transaction, twice, then after it ends.
RESEARCHER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
def look():
    n = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "versions", "fetches")]
    torn = db.execute(
        "SELECT count(*) FROM articles a"
        " WHERE version_count != (SELECT count(*) FROM versions v WHERE v.article_id = a.id)"
    ).fetchone()[0]
    print(*n, torn, flush=True)
db.execute("BEGIN")
look()
sys.stdin.readline()
look()
db.execute("COMMIT")
look()
"""


@dataclass
class Researcher:
    """The reader process; ``look()`` returns (articles, versions, fetches, torn articles) as it saw them."""

    process: subprocess.Popen[str]

    def look(self) -> tuple[int, ...]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the researcher's process ended early"
        return tuple(int(n) for n in line.split())

    def end_transaction(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Let the reader look again inside its transaction, then after it."""
        assert self.process.stdin is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        return self.look(), self.look()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "csto.sqlite"
    write_run(path, [article_item("first", element_id="1"), article_item("second", element_id="2")])
    return path


@contextmanager
def researching(archive: Path) -> Iterator[Researcher]:
    process = subprocess.Popen(
        [sys.executable, "-c", RESEARCHER, str(archive)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        yield Researcher(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=PROCESS_TIMEOUT)


@pytest.fixture
def researcher(archive: Path) -> Iterator[Researcher]:
    with researching(archive) as started:
        yield started


def test_archive_writer_batches_complete_while_a_reader_holds_a_snapshot(archive: Path, researcher: Researcher) -> None:
    before = researcher.look()
    assert before == (2, 2, 2, 0)
    writer = open_writer(archive)
    started = time.monotonic()
    try:
        run = writer.begin_run("incremental", {})
        for n in range(5):
            edited = article_item("first", element_id="1", body_text=f"{BODY}\n\nEdit number {n}.")
            listing = listing_item("en", [(edited.url, edited.title, "10.02.2026")], page=n + 1, last_page=5)
            writer.write_batch([article_item(f"new-{n}", element_id=str(10 + n)), edited, listing], run)
        writer.finish_run(run, "finished")
    finally:
        writer.close()
    assert time.monotonic() - started < WRITES_TIMEOUT
    inside, after = researcher.end_transaction()
    assert inside == before  # the same snapshot, however many commits happened meanwhile
    assert after == (7, 2 + 5 + 5, 2 + 15, 0)
    assert count(archive, "listing_sightings") == 5


def test_crawl_completes_while_a_reader_holds_a_snapshot(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.sqlite"
    open_database(archive).close()
    with researching(archive) as researcher, DemoSite() as site:
        assert researcher.look() == (0, 0, 0, 0)
        result = subprocess.run(
            crawl_command(archive, site), capture_output=True, text=True, timeout=PROCESS_TIMEOUT, check=False
        )
        assert result.returncode == 0, result.stderr[-3000:]
        inside, after = researcher.end_transaction()
        expected = sum(len(site.articles(lang)) for lang in ("en", "ru"))
    assert inside == (0, 0, 0, 0)
    assert after[0] == after[1] == expected
    assert after[3] == 0


def crawl_command(archive: Path, site: DemoSite) -> list[str]:
    command = [sys.executable, "-m", "csto_crawler", "crawl", "--archive", str(archive), "--log-level", "WARNING"]
    for lang, base in site.base_urls.items():
        command += ["--site", f"{lang}={base}"]
    for name, value in DEMO_CRAWL_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return command
