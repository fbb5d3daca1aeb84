"""Crash safety: crawls killed with SIGKILL at several points, then one normal crawl.

The archive must come out sound (``csto verify``), without duplicates, and complete: every article of
the demo site archived once, with one version, nothing marked gone by a run that never finished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from demo_crawls import Crawl, archived_urls, count_rows, crawl, expected_urls, kill, query, start_crawl, wait_until

from csto_crawler.cli import main
from csto_crawler.demo import DemoSite, load_mirrors

# Slow (0.1 s between requests, one at a time per site) and writing often (every 0.1 s, 5 items at
# most per transaction), so kills land between and during many small transactions.
SLOW = {
    "DOWNLOAD_DELAY": "0.1",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
    "CSTO_WRITE_BATCH_SECONDS": "0.1",
    "CSTO_WRITE_BATCH_SIZE": "5",
}

ARTICLES = sum(len(mirror.articles) for mirror in load_mirrors().values())


@dataclass
class CrashScenario:
    site: DemoSite
    archive: Path
    kills: list[str] = field(default_factory=list)  # what each killed run had written
    final: Crawl | None = None


def after_seconds(seconds: float) -> Callable[[Path, int], None]:
    """A fixed time after the start (0.5 s: Python is still importing Scrapy)."""

    def wait(archive: Path, fetches_before: int) -> None:
        time.sleep(seconds)

    return wait


def when_the_run_began(archive: Path, fetches_before: int) -> None:
    """Lock taken, run recorded, nothing fetched yet."""
    runs = count_rows(archive, "crawl_runs")
    wait_until(lambda: count_rows(archive, "crawl_runs") > runs, what="the run to begin")


def when_first_written(archive: Path, fetches_before: int) -> None:
    """The first batch of this run is written."""
    wait_until(lambda: count_rows(archive, "fetches") > fetches_before, what="the first batch")


def when_half_archived(archive: Path, fetches_before: int) -> None:
    """Mid-way: half the demo site's articles archived, and this run has written something."""
    wait_until(
        lambda: count_rows(archive, "articles") >= ARTICLES // 2 and count_rows(archive, "fetches") > fetches_before,
        what="half of the articles",
    )


# Each waits in the killed run; all but the first are events, so a slow machine kills at the same point.
KILL_POINTS = [after_seconds(0.5), when_the_run_began, when_first_written, when_half_archived]


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrashScenario]:
    with DemoSite() as site:
        scenario = CrashScenario(site, tmp_path_factory.mktemp("crash") / "csto.sqlite")
        for wait in KILL_POINTS:
            fetches = count_rows(scenario.archive, "fetches")
            process = start_crawl(site, scenario.archive, settings=SLOW)
            try:
                wait(scenario.archive, fetches)
            finally:
                kill(process)
            scenario.kills.append(f"{count_rows(scenario.archive, 'fetches') - fetches} fetches")
        scenario.final = crawl(site, scenario.archive)
        yield scenario


def test_killed_crawls_wrote_something_before_dying(crashed: CrashScenario) -> None:
    unfinished = query(crashed.archive, "SELECT count(*) FROM crawl_runs WHERE finished_at IS NULL")[0][0]
    assert unfinished >= 3, crashed.kills  # the 0.5 s kill may land before the run begins
    assert crashed.kills[-1] != "0 fetches"


def test_crawl_after_crashes_exits_zero(crashed: CrashScenario) -> None:
    assert crashed.final is not None
    assert crashed.final.returncode == 0, crashed.final.stderr[-3000:]


def test_archive_after_crashes_is_sound(crashed: CrashScenario) -> None:
    result = CliRunner().invoke(main, ["verify", "--archive", str(crashed.archive)])
    assert result.exit_code == 0, result.output
    assert "integrity_check: ok" in result.stdout
    assert "archive is sound" in result.stdout


def test_archive_after_crashes_holds_every_article_once(crashed: CrashScenario) -> None:
    urls = archived_urls(crashed.archive)
    assert len(urls) == len(set(urls))
    assert set(urls) == expected_urls(crashed.site)
    assert count_rows(crashed.archive, "versions") == len(urls)
    assert query(crashed.archive, "SELECT count(*) FROM articles WHERE gone_at IS NOT NULL")[0][0] == 0


def test_archive_after_crashes_has_no_failures_left(crashed: CrashScenario) -> None:
    assert query(crashed.archive, "SELECT url, error FROM failures") == []
