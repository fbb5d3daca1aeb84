"""A newcomer's first hour (issue 16): every mistake refused in one line, before anything runs."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from test_cli import READ_COMMANDS, invoke, one_error_line

from csto_crawler import settings as project_settings
from csto_crawler.archive.database import open_database
from csto_crawler.cli import ExitCode
from csto_crawler.crawl import CrawlOptions, CrawlRefusedError
from csto_crawler.settings_check import SettingError, check_overrides, check_value

ROOT = Path(__file__).resolve().parent.parent
# The modules (``csto_crawler.cli.crawl`` as an attribute is the click command of that name).
CLI_CRAWL = importlib.import_module("csto_crawler.cli.crawl")
CLI_EXPORT = importlib.import_module("csto_crawler.cli.export")


@pytest.fixture
def no_crawl(monkeypatch: pytest.MonkeyPatch) -> list[CrawlOptions]:
    """``run_crawl`` replaced: records its options and stops there (exit 3, "stopped before crawling")."""
    calls: list[CrawlOptions] = []

    def run_crawl(options: CrawlOptions) -> Any:
        calls.append(options)
        raise CrawlRefusedError("stopped before crawling")

    monkeypatch.setattr(CLI_CRAWL, "run_crawl", run_crawl)
    return calls


def refused(result: Result, code: int = ExitCode.USAGE) -> str:
    assert result.exit_code == code, result.output
    return one_error_line(result)


# --- item 1: --site for a language we have no site for --------------------------------------------


def test_crawl_refuses_a_site_for_an_unknown_language(tmp_path: Path, no_crawl: list[CrawlOptions]) -> None:
    archive = tmp_path / "a.sqlite"
    line = refused(invoke("crawl", "--site", "fr=http://127.0.0.1:1", "--archive", str(archive)))
    assert line == "csto: error: --site fr=http://127.0.0.1:1: no site for language 'fr' (the languages are en, ru)"
    assert no_crawl == []
    assert list(tmp_path.iterdir()) == []


def test_crawl_refuses_site_together_with_a_csto_sites_override(tmp_path: Path, no_crawl: list[CrawlOptions]) -> None:
    sites = json.dumps({"en": "http://127.0.0.1:8801"})
    line = refused(invoke("crawl", "--site", "en=http://127.0.0.1:8802", "-s", f"CSTO_SITES={sites}"))
    assert "--site and -s CSTO_SITES together" in line
    assert no_crawl == []


def test_crawl_takes_a_site_for_a_language_not_crawled_this_time(tmp_path: Path, no_crawl: list[CrawlOptions]) -> None:
    """Scripts pass --site for both languages and narrow with --lang: that stays valid."""
    archive = tmp_path / "a.sqlite"
    args = ["--site", "en=http://127.0.0.1:8801", "--site", "ru=http://127.0.0.1:8802", "--lang", "en"]
    assert "stopped before crawling" in refused(invoke("crawl", *args, "--archive", str(archive)), ExitCode.CANNOT_RUN)
    assert no_crawl[0].sites == {"en": "http://127.0.0.1:8801", "ru": "http://127.0.0.1:8802"}


# --- item 2: -s NAME=VALUE checked up front -------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("CSTO_RECHEK_DAYS=7", "-s CSTO_RECHEK_DAYS: no such csto setting; did you mean CSTO_RECHECK_DAYS?"),
        ("csto_recheck_days=7", "did you mean CSTO_RECHECK_DAYS? (setting names are upper case)"),
        ("DOWNLOAD_DELAI=0", "-s DOWNLOAD_DELAI: not a Scrapy or csto setting; did you mean DOWNLOAD_DELAY?"),
        ("RECHECK_DAYS=7", "did you mean CSTO_RECHECK_DAYS?"),
        ("NO_SUCH_THING=1", "-s NO_SUCH_THING: not a Scrapy or csto setting; see docs/settings.md"),
        ("CSTO_WORKER_PROCESSES=false", "-s CSTO_WORKER_PROCESSES: removed"),
        ("CSTO_ARCHIVE_PATH=/tmp/x.sqlite", "-s CSTO_ARCHIVE_PATH: set by csto crawl, use --archive PATH"),
        ("CSTO_MAX_FAILURE_RATIO=lots", "expected a number, e.g. CSTO_MAX_FAILURE_RATIO=0.02"),
        ("CSTO_RECHECK_DAYS=1.5", "-s CSTO_RECHECK_DAYS=1.5: expected an integer, e.g. CSTO_RECHECK_DAYS=14"),
        ("CSTO_RECHECK_DAYS=-1", "-s CSTO_RECHECK_DAYS=-1: must be at least 0"),
        ("CSTO_PREFLIGHT_TIMEOUT=inf", "expected a finite number"),
        ("CSTO_USE_SITEMAP=no", "-s CSTO_USE_SITEMAP=no: expected a boolean, 1/0 or True/False"),
        ("CSTO_SITES=en=http://x", "-s CSTO_SITES=en=http://x: expected a JSON object"),
        ('CSTO_SITES=["en"]', "expected a JSON object"),
        ('CSTO_SECTIONS=["news/smi"]', "lists are comma-separated, e.g. CSTO_SECTIONS=news/news_odkb,news/smi"),
        ("DOWNLOAD_DELAY=fast", "-s DOWNLOAD_DELAY=fast: expected a number"),
        ("DOWNLOAD_TIMEOUT=30s", "expected a number"),
        ("CONCURRENT_REQUESTS=1.5", "-s CONCURRENT_REQUESTS=1.5: expected an integer"),
        ("CONCURRENT_REQUESTS_PER_DOMAIN=0", "must be at least 1"),
        ("RETRY_TIMES=many", "expected an integer"),
        ("DOWNLOAD_MAXSIZE=16MB", "expected an integer"),
        ("AUTOTHROTTLE_ENABLED=off", "expected a boolean"),
        ("ROBOTSTXT_OBEY=yes", "expected a boolean"),
        ("LOG_LEVEL=info", "-s LOG_LEVEL=info: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("ITEM_PIPELINES=none", "expected a JSON object"),
    ],
)
def test_crawl_refuses_a_bad_setting_before_anything_runs(
    tmp_path: Path, no_crawl: list[CrawlOptions], setting: str, message: str
) -> None:
    archive = tmp_path / "a.sqlite"
    line = refused(invoke("crawl", "--archive", str(archive), "-s", setting))
    assert message in line
    assert no_crawl == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "setting",
    [
        "DOWNLOAD_DELAY=0",
        "DOWNLOAD_DELAY=0.25",
        "DOWNLOAD_TIMEOUT=7.5",
        "AUTOTHROTTLE_ENABLED=0",
        "AUTOTHROTTLE_ENABLED=False",
        "ROBOTSTXT_OBEY=true",
        "TELNETCONSOLE_ENABLED=False",  # 1 in Scrapy's defaults, False in ours: a boolean
        "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "CSTO_MAX_FAILURE_RATIO=0.5",
        "CSTO_RECHECK_DAYS=0",
        "CSTO_USE_SITEMAP=0",
        "CSTO_SECTIONS=news/smi,session",
        'CSTO_SITES={"en": "http://127.0.0.1:8801", "ru": "http://127.0.0.1:8802"}',
        "CSTO_CONTACT=mailto:me@example.org",
        "CSTO_SITE_TIMEZONE=UTC",
        "DEPTH_PRIORITY=-1",
        "HTTPERROR_ALLOWED_CODES=304,404",
        "LOG_LEVEL=DEBUG",
        "USER_AGENT=my bot",
        'DEFAULT_REQUEST_HEADERS={"Accept-Language": "ru"}',
        "JOBDIR=/tmp/job",
    ],
)
def test_crawl_passes_valid_settings_on(tmp_path: Path, no_crawl: list[CrawlOptions], setting: str) -> None:
    result = invoke("crawl", "--archive", str(tmp_path / "a.sqlite"), "-s", setting)
    assert refused(result, ExitCode.CANNOT_RUN) == "csto: error: stopped before crawling"
    name, _, value = setting.partition("=")
    assert no_crawl[0].overrides == {name: value}


def test_every_csto_setting_default_passes_its_own_check() -> None:
    for name in dir(project_settings):
        if name.isupper():
            value = getattr(project_settings, name)
            if isinstance(value, list):
                text = ",".join(map(str, value))
            elif isinstance(value, dict):
                text = json.dumps(value)
            else:
                text = str(value)
            check_value(name, text)


def test_check_overrides_names_the_first_bad_setting() -> None:
    with pytest.raises(SettingError, match="CSTO_MAX_FAILURE_RATIO=lots"):
        check_overrides({"DOWNLOAD_DELAY": "0", "CSTO_MAX_FAILURE_RATIO": "lots"})


# --- item 3: export to a folder that does not exist -----------------------------------------------


@pytest.fixture
def empty_archive(tmp_path: Path) -> Path:
    path = tmp_path / "csto.sqlite"
    open_database(path).close()
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_into_a_missing_folder_is_one_line(tmp_path: Path, empty_archive: Path, fmt: str) -> None:
    out = tmp_path / "nodir" / f"x.{fmt}"
    line = refused(invoke("export", "--archive", str(empty_archive), "--format", fmt, "-o", str(out)), 3)
    assert line == f"csto: error: cannot write {out}: no folder {out.parent}"
    assert not out.parent.exists()


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_under_a_regular_file_is_one_line(tmp_path: Path, empty_archive: Path, fmt: str) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    out = blocker / f"x.{fmt}"
    line = refused(invoke("export", "--archive", str(empty_archive), "--format", fmt, "-o", str(out)), 3)
    assert line == f"csto: error: cannot write {out}: {blocker} is not a folder"
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_write_error_is_one_line(
    tmp_path: Path, empty_archive: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error while writing (disk full, permission denied) is one line too, whatever the format."""

    def full(*args: Any, **kwargs: Any) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(CLI_EXPORT, f"write_{fmt}", full)
    out = tmp_path / f"x.{fmt}"
    line = refused(invoke("export", "--archive", str(empty_archive), "--format", fmt, "-o", str(out)), 3)
    assert line == f"csto: error: cannot write {out}: No space left on device"


# --- item 4: an empty file, a missing folder ------------------------------------------------------


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_read_commands_call_an_empty_file_empty(tmp_path: Path, command: list[str]) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    line = refused(invoke(*command, "--archive", str(empty)), ExitCode.CANNOT_RUN)
    assert line == f"csto: error: {empty} is an empty file (0 bytes), not a csto archive"
    assert empty.read_bytes() == b""
    assert [p.name for p in tmp_path.iterdir()] == ["empty.sqlite"]


def test_crawl_refuses_an_archive_in_a_missing_folder(tmp_path: Path, no_crawl: list[CrawlOptions]) -> None:
    archive = tmp_path / "nonexistent" / "dir" / "x.sqlite"
    line = refused(invoke("crawl", "--archive", str(archive)), ExitCode.CANNOT_RUN)
    assert line == f"csto: error: cannot create an archive in {archive.parent}: no such folder (create it first)"
    assert no_crawl == []
    assert list(tmp_path.iterdir()) == []


def test_demo_refuses_an_archive_in_a_missing_folder(tmp_path: Path, no_crawl: list[CrawlOptions]) -> None:
    archive = tmp_path / "nonexistent" / "demo.sqlite"
    line = refused(invoke("demo", "--archive", str(archive), "--port", "0"), ExitCode.CANNOT_RUN)
    assert line == f"csto: error: cannot create an archive in {archive.parent}: no such folder (create it first)"
    assert no_crawl == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("spelt", ["", "archive/csto.sqlite", "./archive/csto.sqlite", "{cwd}/archive/csto.sqlite"])
def test_crawl_creates_the_default_archive_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_crawl: list[CrawlOptions], spelt: str
) -> None:
    """``csto crawl`` in a folder without archive/ (an installed csto): the default's folder is made."""
    monkeypatch.chdir(tmp_path)
    args = ["--archive", spelt.format(cwd=tmp_path)] if spelt else []
    assert "stopped before crawling" in refused(invoke("crawl", *args), ExitCode.CANNOT_RUN)
    assert (tmp_path / "archive").is_dir()
    assert no_crawl[0].archive_path.absolute() == tmp_path / "archive" / "csto.sqlite"


def test_crawl_creates_no_other_archive_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_crawl: list[CrawlOptions]
) -> None:
    monkeypatch.chdir(tmp_path)
    for path in ("archives/csto.sqlite", "archive/sub/csto.sqlite"):
        assert "no such folder" in refused(invoke("crawl", "--archive", path), ExitCode.CANNOT_RUN)
    assert list(tmp_path.iterdir()) == []
    assert no_crawl == []


def test_the_repository_keeps_the_default_archive_folder() -> None:
    """README's first command, ``csto crawl`` on a fresh clone, writes into archive/."""
    assert (ROOT / "archive" / ".gitkeep").is_file()
    assert "!archive/.gitkeep" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
