"""``csto runs`` (csto_crawler/cli/runs.py) and the run lines of ``csto health``: how each run ended, read
back from ``crawl_runs`` (archive/run_records.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from archive_items import open_writer
from click.testing import CliRunner, Result

from csto_crawler.archive.ledger import RunRecord
from csto_crawler.cli import main
from csto_crawler.cli.runs import took
from csto_crawler.outcomes import RunMode

CRAWL = {"sites": {"en": "https://en.odkb-csto.org", "ru": "https://odkb-csto.org"}, "langs": ["en"], "full": True}
IMPORT = {"files": ["/srv/captures/wayback.warc.gz"], "sites": {"en": "https://en.odkb-csto.org"}, "workers": 2}
REEXTRACT = {"langs": [], "sections": ["news"], "since": None, "workers": 2}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Four runs: a crawl that exited 4, an import that ended well, a reextract killed midway, a crawl
    that SIGTERM stopped."""
    path = tmp_path / "csto.sqlite"
    writer = open_writer(path)
    try:
        crawl = writer.begin_run(RunMode.FULL, CRAWL)
        writer.finish_run(crawl, "finished", RunRecord({}, {"drift": []}, 4, 820, 760, 2, 51, 3725.4))
        imported = writer.begin_run(RunMode.WARC_IMPORT, IMPORT)
        writer.finish_run(imported, "finished", RunRecord({}, {}, 0, 40, 38, 0, 0, 12.0))
        writer.begin_run(RunMode.REEXTRACT, REEXTRACT)  # never finished: killed
        stopped = writer.begin_run(RunMode.INCREMENTAL, {**CRAWL, "langs": ["en", "ru"], "full": False})
        writer.finish_run(stopped, "shutdown", RunRecord({}, {}, 143, 10, 9, 0, 0, 75.0))
    finally:
        writer.close()
    return path


def csto(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_runs_json_gives_each_run_s_outcome_newest_first(archive: Path) -> None:
    result = csto("runs", "--archive", str(archive), "--json")
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)
    assert [(r["id"], r["mode"], r["exit_code"], r["outcome"]) for r in runs] == [
        (4, "incremental", 143, "terminated"),
        (3, "reextract", None, "unfinished"),
        (2, "warc-import", 0, "ok"),
        (1, "full", 4, "failures"),
    ]
    crawl = runs[-1]
    assert (crawl["sources"], crawl["languages"]) == (["en.odkb-csto.org"], ["en"])
    fields = ("pages_fetched", "pages_archived", "pages_held", "failures", "duration_s")
    assert [crawl[name] for name in fields] == [820, 760, 2, 51, 3725.4]
    assert crawl["finished_at"] >= crawl["started_at"] and crawl["finish_reason"] == "finished"
    assert (runs[2]["sources"], runs[1]["sources"]) == (["wayback.warc.gz"], [])
    assert runs[0]["languages"] == ["en", "ru"] and runs[0]["sources"] == ["en.odkb-csto.org", "odkb-csto.org"]


def test_runs_prints_a_line_per_run_under_a_header(archive: Path) -> None:
    result = csto("runs", "--archive", str(archive), "--limit", "2")
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    assert header.split()[:3] == ["run", "started", "(UTC)"]
    assert len(lines) == 2
    assert lines[0].split()[5:] == [
        "10",
        "9",
        "0",
        "0",
        "143",
        "terminated",
        "en.odkb-csto.org,",
        "odkb-csto.org",
        "(en,",
        "ru)",
    ]
    assert lines[1].split()[3:] == ["-", "reextract", "-", "-", "-", "-", "-", "unfinished", "-"]


def test_runs_of_an_archive_with_none_prints_the_header_only(tmp_path: Path) -> None:
    open_writer(tmp_path / "empty.sqlite").close()
    result = csto("runs", "--archive", str(tmp_path / "empty.sqlite"), "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


@pytest.mark.parametrize("limit", ["0", "-1", "9223372036854775808", "many"])
def test_runs_refuses_a_limit_out_of_range_in_one_line(archive: Path, limit: str) -> None:
    result = csto("runs", "--archive", str(archive), "--limit", limit)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_runs_of_a_missing_archive_exits_3(tmp_path: Path) -> None:
    result = csto("runs", "--archive", str(tmp_path / "nothing.sqlite"))
    assert result.exit_code == 3
    assert result.output.count("\n") == 1


def test_health_says_how_each_run_ended_not_just_finished(archive: Path) -> None:
    result = csto("health", "--archive", str(archive), "--runs", "4")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("run ")]
    assert lines[0].endswith(
        "): shutdown, exit 143 (terminated): 10 pages fetched, 9 archived, 0 held, 0 failed, 1m15s"
    )
    assert lines[1].endswith("): unfinished: killed, or still running (no exit code)")
    assert lines[3].endswith(
        "): finished, exit 4 (failures): 820 pages fetched, 760 archived, 2 held, 51 failed, 1h02m"
    )


@pytest.mark.parametrize(
    ("seconds", "shown"), [(None, "-"), (0.04, "0.0s"), (59.94, "59.9s"), (65, "1m05s"), (3725.4, "1h02m")]
)
def test_durations_read_as_people_say_them(seconds: float | None, shown: str) -> None:
    assert took(seconds) == shown


def test_a_run_an_older_version_finished_shows_that_no_code_was_recorded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    writer = open_writer(path)
    try:
        writer.finish_run(writer.begin_run(RunMode.FULL, CRAWL), "finished")  # as schema 6 left its runs
    finally:
        writer.close()
    [run] = json.loads(csto("runs", "--archive", str(path), "--json").stdout)
    assert (run["exit_code"], run["outcome"]) == (None, "not recorded")
    health = csto("health", "--archive", str(path)).stdout
    assert "): finished, no exit code recorded (an older csto-crawler ran it)" in health
