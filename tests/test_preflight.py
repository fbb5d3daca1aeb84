"""The pre-flight checks, the same for ``csto crawl`` and ``scrapy crawl news`` (the way Scrapyd runs
a crawl): offline, a crawl stops within seconds with one line and leaves no unfinished run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive_items import article_item, count, rows, write_run
from scrapy.settings import Settings

from csto_crawler.preflight import CrawlRefusedError, check_before_crawl
from csto_crawler.reachability import PROXY_VARIABLES

ROOT = Path(__file__).resolve().parent.parent  # scrapy.cfg: where `scrapy crawl` finds the project
PREFLIGHT_SECONDS = 30  # the check itself takes milliseconds against closed loopback ports


def settings(archive: Path, **values: object) -> Settings:
    built = Settings()
    built.setmodule("csto_crawler.settings")
    built.set("CSTO_ARCHIVE_PATH", str(archive))
    for name, value in values.items():
        built.set(name, value)
    return built


def scrapy_crawl(archive: Path, base: str, *settings: str) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl news`` as Scrapyd starts it: from the project folder, settings with -s."""
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"CSTO_ARCHIVE_PATH={archive}"]
    command += ["-s", "CSTO_SITES=" + json.dumps({"en": base, "ru": base})]
    for setting in settings:
        command += ["-s", setting]
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=PREFLIGHT_SECONDS, check=False
    )


def test_scrapy_route_offline_stops_at_once_in_one_line_and_creates_nothing(tmp_path: Path, closed_port: int) -> None:
    archive = tmp_path / "csto.sqlite"
    started = time.monotonic()
    run = scrapy_crawl(archive, f"http://127.0.0.1:{closed_port}")
    assert time.monotonic() - started < PREFLIGHT_SECONDS
    errors = [line for line in run.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "no site can be reached" in errors[0], run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    assert "Closing spider (refused)" in run.stderr
    assert list(tmp_path.iterdir()) == []  # no archive, no lock file


def test_scrapy_route_offline_leaves_an_archive_as_it_was(tmp_path: Path, closed_port: int) -> None:
    archive = tmp_path / "csto.sqlite"
    write_run(archive, [article_item()])
    run = scrapy_crawl(archive, f"http://127.0.0.1:{closed_port}")
    assert "no site can be reached" in run.stderr, run.stderr[-3000:]
    assert count(archive, "crawl_runs") == 1
    assert rows(archive, "SELECT count(*) AS n FROM crawl_runs WHERE finished_at IS NULL") == [{"n": 0}]


def test_scrapy_route_refuses_a_file_that_is_not_an_archive(tmp_path: Path, listening_port: int) -> None:
    notes = tmp_path / "notes.sqlite"
    notes.write_text("my notes, not an archive\n")
    run = scrapy_crawl(notes, f"http://127.0.0.1:{listening_port}")
    errors = [line for line in run.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and "Crawl refused" in errors[0], run.stderr[-3000:]
    assert notes.read_text() == "my notes, not an archive\n"


def test_scrapy_route_refuses_sources_that_do_not_read_in_one_line(tmp_path: Path, listening_port: int) -> None:
    """A CSTO_SOURCES table the spider's host filter cannot use either: the run is refused by the
    archive pipeline in one line, with no traceback from the middleware built before it."""
    archive = tmp_path / "csto.sqlite"
    walked = {"name": "ministry", "home": f"http://127.0.0.1:{listening_port}/", "walk": "sections", "sections": ["n"]}
    run = scrapy_crawl(archive, f"http://127.0.0.1:{listening_port}", f"CSTO_SOURCES={json.dumps([walked])}")
    errors = [line for line in run.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and 'walk = "sections" needs its languages' in errors[0], run.stderr[-3000:]
    assert "Traceback" not in run.stderr and "Task exception" not in run.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"CSTO_LANGS": ["en", "kk"]}, "no site configured for language(s): kk"),
        ({"CSTO_SITES": {"en": "127.0.0.1:8801"}, "CSTO_LANGS": ["en"]}, "must be http(s)://host[:port]"),
    ],
)
def test_check_before_crawl_refuses_a_broken_configuration(
    tmp_path: Path, values: dict[str, object], message: str
) -> None:
    with pytest.raises(CrawlRefusedError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        check_before_crawl(settings(tmp_path / "a.sqlite", **values))


def test_check_before_crawl_asks_the_replay_for_a_replayed_origin(
    tmp_path: Path, closed_port: int, listening_port: int
) -> None:
    sites = {"en": f"http://127.0.0.1:{closed_port}"}
    with pytest.raises(CrawlRefusedError, match="no site can be reached"):
        check_before_crawl(settings(tmp_path / "a.sqlite", CSTO_SITES=sites, CSTO_LANGS=["en"]))
    replayed = {sites["en"]: f"http://127.0.0.1:{listening_port}"}  # csto demo: the loopback copy answers
    check_before_crawl(
        settings(tmp_path / "a.sqlite", CSTO_SITES=sites, CSTO_LANGS=["en"], CSTO_REPLAY_ORIGINS=replayed)
    )
