"""Running ``csto`` crawls as subprocesses against a DemoSite, and reading the archives they write.

Shared by the end-to-end tests. A crawl is a subprocess because Scrapy's reactor cannot restart in
one process. Retries wait milliseconds, not seconds, so fault-injection crawls stay fast.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from csto_crawler.demo import DEMO_CRAWL_SETTINGS, DemoRequest, DemoSite

CRAWL_TIMEOUT = 120  # seconds; a crawl of the demo site takes two or three
# Backoff between retries: 50 ms doubling up to 200 ms (the defaults wait 1 s up to 60 s).
FAST_RETRIES = {"CSTO_RETRY_BACKOFF_BASE": "0.05", "CSTO_RETRY_BACKOFF_MAX": "0.2"}


@dataclass
class Crawl:
    returncode: int
    stdout: str
    stderr: str
    requests: list[DemoRequest]  # what the demo site answered during this crawl

    def paths(self, lang: str) -> list[str]:
        return [r.path for r in self.requests if r.host == lang]


def csto_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "csto_crawler", *args]


def run_csto(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        csto_command(*args), cwd=cwd, capture_output=True, text=True, timeout=CRAWL_TIMEOUT, check=False
    )


def crawl_args(site: DemoSite, archive: Path, *options: str, settings: Mapping[str, str] | None = None) -> list[str]:
    """``csto crawl`` arguments for the demo site, politeness off, fast retries, then ``settings``."""
    args = ["crawl", "--archive", str(archive), "--log-level", "WARNING"]
    for lang, base in site.base_urls.items():
        args += ["--site", f"{lang}={base}"]
    for name, value in {**DEMO_CRAWL_SETTINGS, **FAST_RETRIES, **(settings or {})}.items():
        args += ["-s", f"{name}={value}"]
    return [*args, *options]


def crawl(site: DemoSite, archive: Path, *options: str, settings: Mapping[str, str] | None = None) -> Crawl:
    """One whole crawl; the site's request log is cleared first, so ``requests`` are this crawl's."""
    site.clear_log()
    result = run_csto(*crawl_args(site, archive, *options, settings=settings), cwd=archive.parent)
    return Crawl(result.returncode, result.stdout, result.stderr, site.requests())


def start_crawl(
    site: DemoSite, archive: Path, *options: str, settings: Mapping[str, str] | None = None
) -> subprocess.Popen[str]:
    """A crawl left running (to be killed or raced); its output goes to files next to the archive."""
    command = csto_command(*crawl_args(site, archive, *options, settings=settings))
    log = archive.with_name(archive.name + ".stderr")
    with log.open("a", encoding="utf-8") as err:
        return subprocess.Popen(command, cwd=archive.parent, stdout=subprocess.DEVNULL, stderr=err, text=True)


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL the crawl we started (by its own pid) and reap it."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=CRAWL_TIMEOUT)


def wait_until(condition: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def connect_read_only(archive: Path) -> closing[sqlite3.Connection]:
    """A read-only connection, closed on leaving the ``with`` block (sqlite3's own only commits)."""
    db = sqlite3.connect(f"file:{archive}?mode=ro", uri=True, timeout=10)
    db.row_factory = sqlite3.Row
    return closing(db)


def query(archive: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    with connect_read_only(archive) as db:
        return db.execute(sql, params).fetchall()


def count_rows(archive: Path, table: str) -> int:
    """Rows in ``table`` now; 0 while the archive or the table does not exist yet (a crawl starting)."""
    try:
        return int(query(archive, f"SELECT count(*) FROM {table}")[0][0])  # noqa: S608 - table names are fixed
    except sqlite3.OperationalError:
        return 0


def article_row(archive: Path, url: str) -> sqlite3.Row:
    rows = query(archive, "SELECT * FROM articles WHERE url = ?", url)
    assert rows, f"{url} is not archived"
    return rows[0]


def failure_rows(archive: Path) -> dict[str, sqlite3.Row]:
    return {r["url"]: r for r in query(archive, "SELECT * FROM failures")}


def expected_urls(site: DemoSite, *langs: str) -> set[str]:
    """Canonical URLs of every article the demo site holds (of ``langs``, default both)."""
    return {site.url(lang, a.path) for lang in (langs or ("en", "ru")) for a in site.articles(lang)}


def archived_urls(archive: Path) -> list[str]:
    return [r["url"] for r in query(archive, "SELECT url FROM articles")]
