"""``csto sources`` and ``csto crawl --source`` (cli/sources.py, cli/crawl.py): sources added, listed,
shown and removed without code, every mistake one line and exit 2, the run's sources handed to the
spider as CSTO_SOURCES, ``--site`` moving a source; no crawl runs (run_crawl is replaced)."""

from __future__ import annotations

import dataclasses
import importlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from archive_items import T0, article_item, fetch_record, html_page, rows, write_run
from click.testing import CliRunner, Result
from scrapy.settings import Settings
from test_cli import one_error_line

from csto_crawler.archive.run_records import sources_of
from csto_crawler.cli import main
from csto_crawler.crawl import CrawlOptions, CrawlRefusedError, build_settings
from csto_crawler.outcomes import ExitCode
from csto_crawler.preflight import checked_sources, crawled_bases
from csto_crawler.run_sources import section_walked
from csto_crawler.sources import csto_source, sources_from_setting, sources_setting

ROOT = Path(__file__).resolve().parent.parent
HOME = "https://agency.example/"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def add_agency(path: Path, *more: str) -> Result:
    return run("sources", "add", "agency", HOME, "--start", f"{HOME}ru/tag/odkb/", *more, "--archive", str(path))


def listed(path: Path) -> dict[str, dict[str, Any]]:
    result = run("sources", "list", "--json", "--archive", str(path))
    assert result.exit_code == 0, result.output
    return {entry["name"]: entry for entry in json.loads(result.stdout)}


def agency_article(path: Path) -> None:
    url = f"{HOME}ru/news/vstrecha-e3a91d"
    item = article_item("x", lang="ru", element_id=None)
    fetch = fetch_record(url, html_page(item.title, item.body_text), lang="ru", at=T0)
    write_run(path, [dataclasses.replace(item, url=url, section="ru/news", fetch=fetch, source="agency")])


def test_a_source_is_added_listed_shown_and_kept_in_the_archive(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    result = add_agency(path, "--must-mention", "CSTO|ОДКБ", "--lang", "ru", "--lang", "en")
    assert (result.exit_code, result.stdout) == (0, "agency: added\n")
    found = listed(path)
    assert list(found) == ["csto", "agency"]
    assert found["agency"]["config"] == {
        "home": HOME,
        "languages": {"ru": f"{HOME}ru/", "en": f"{HOME}en/"},
        "start": [f"{HOME}ru/tag/odkb/"],
        "must_mention": "CSTO|ОДКБ",
    }
    assert found["agency"]["status"] == "crawled" and found["agency"]["articles"] == 0
    table = run("sources", "list", "--archive", str(path)).stdout.splitlines()
    assert table[1].split()[:4] == ["csto", "crawled", "0", "0"]
    assert table[2].split()[:4] == ["agency", "crawled", "0", "0"] and table[2].endswith(HOME)
    shown = run("sources", "show", "agency", "--archive", str(path))
    assert shown.exit_code == 0
    assert f'  start = ["{HOME}ru/tag/odkb/"]' in shown.stdout.splitlines()


def test_sources_of_the_example_files_are_added(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    for name in ("kazinform", "belta"):
        result = run("sources", "add", "--config", str(ROOT / "examples" / f"{name}.toml"), "--archive", str(path))
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"{name}: added")
    assert {"csto", "kazinform", "belta"} <= set(listed(path))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["agency"], "give NAME and URL"),
        (["Agency!", HOME], "a name is 1-40 lower-case letters"),
        (["agency", "ftp://x"], "not an http(s) URL with a host"),
        (["agency", HOME, "--must-mention", "(CSTO"], "not a regular expression"),
        (["csto", HOME], "csto is the default source"),
        (["--config", "missing.toml"], "cannot read"),
        (["--config", "x.toml", "agency"], "--config FILE takes no NAME"),
    ],
)
def test_every_mistake_of_sources_add_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run("sources", "add", *args, "--archive", str(tmp_path / "a.sqlite"))
    assert result.exit_code == ExitCode.USAGE
    assert message in one_error_line(result)


def test_a_file_with_several_mistakes_names_each_on_its_own_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sources.a]\nhome = "nope"\nmust_mention = "("\ncolour = 1\n', encoding="utf-8")
    result = run("sources", "add", "--config", str(bad), "--archive", str(tmp_path / "a.sqlite"))
    assert result.exit_code == ExitCode.USAGE
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3 and all("sources.a" in line for line in lines)


def test_a_name_the_archive_holds_is_refused_unless_replaced(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    add_agency(path)
    assert "already holds a source named agency" in one_error_line(add_agency(path))
    result = run("sources", "add", "agency", "https://agency.example/ru/", "--replace", "--archive", str(path))
    assert (result.exit_code, result.stdout) == (0, "agency: replaced\n")
    assert listed(path)["agency"]["config"]["home"] == "https://agency.example/ru/"


def test_remove_never_deletes_archived_articles(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    add_agency(path)
    agency_article(path)
    refused = run("sources", "remove", "agency", "--archive", str(path))
    assert refused.exit_code == ExitCode.USAGE
    assert "agency has 1 archived article(s) or pages; --force" in one_error_line(refused)
    forced = run("sources", "remove", "agency", "--force", "--archive", str(path))
    assert (forced.exit_code, forced.stdout) == (0, "agency: marked removed\n")
    assert listed(path)["agency"]["status"] == "removed" and listed(path)["agency"]["articles"] == 1
    assert [r["source"] for r in rows(path, "SELECT source FROM articles")] == ["agency"]
    assert "cannot be removed" in one_error_line(run("sources", "remove", "csto", "--force", "--archive", str(path)))
    assert "no source named nobody" in one_error_line(run("sources", "remove", "nobody", "--archive", str(path)))


def test_a_source_without_articles_is_deleted(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    add_agency(path)
    assert run("sources", "remove", "agency", "--archive", str(path)).stdout == "agency: deleted\n"
    assert list(listed(path)) == ["csto"]


@pytest.fixture
def crawled(monkeypatch: pytest.MonkeyPatch) -> list[CrawlOptions]:
    """The options csto crawl would crawl with; the crawl itself is refused (exit 3) before it starts."""
    seen: list[CrawlOptions] = []

    def refuse(options: CrawlOptions) -> None:
        seen.append(options)
        raise CrawlRefusedError("stopped by the test")

    monkeypatch.setattr(importlib.import_module("csto_crawler.cli.crawl"), "run_crawl", refuse)  # loaded lazily
    return seen


def crawl(path: Path, *args: str) -> Result:
    return run("crawl", *args, "--archive", str(path))


def test_an_archive_of_the_csto_alone_is_crawled_as_before(tmp_path: Path, crawled: list[CrawlOptions]) -> None:
    path = tmp_path / "a.sqlite"
    assert crawl(path, "--site", "en=http://127.0.0.1:8801").exit_code == ExitCode.CANNOT_RUN
    assert crawled[0].sources == [] and crawled[0].sites == {"en": "http://127.0.0.1:8801"}


def test_crawl_takes_every_source_of_the_archive_or_those_named(tmp_path: Path, crawled: list[CrawlOptions]) -> None:
    path = tmp_path / "a.sqlite"
    add_agency(path)
    crawl(path)
    crawl(path, "--source", "agency", "--site", "agency=http://127.0.0.1:8811")
    crawl(path, "--source", "agency", "--source", "csto", "--site", "en=http://127.0.0.1:8801")
    every, agency, both = (sources_from_setting(options.sources) for options in crawled)
    assert [s.name for s in every] == ["csto", "agency"] and every[1].home == HOME
    assert [s.name for s in agency] == ["agency"]
    assert agency[0].home == "http://127.0.0.1:8811/" and agency[0].start == ("http://127.0.0.1:8811/ru/tag/odkb/",)
    assert [s.name for s in both] == ["agency", "csto"]
    assert both[1].languages[0].base == "http://127.0.0.1:8801/" and crawled[2].sites == {"en": "http://127.0.0.1:8801"}


def test_crawl_refuses_a_source_the_archive_does_not_hold(tmp_path: Path, crawled: list[CrawlOptions]) -> None:
    path = tmp_path / "a.sqlite"
    add_agency(path)
    result = crawl(path, "--source", "tass")
    assert result.exit_code == ExitCode.USAGE
    assert one_error_line(result) == "csto: error: --source tass: no such source (the archive holds csto, agency)"
    assert "no site for language 'fr'" in one_error_line(crawl(path, "--site", "fr=http://127.0.0.1:1"))
    assert crawled == []


def test_preflight_checks_the_hosts_of_the_run_s_sources() -> None:
    settings = Settings()
    settings.setmodule("csto_crawler.settings")
    assert crawled_bases(settings) == ["https://en.odkb-csto.org", "https://odkb-csto.org"]
    settings.set("CSTO_SOURCES", [{"name": "agency", "home": "http://127.0.0.1:8811/"}])
    assert crawled_bases(settings) == ["http://127.0.0.1:8811/"]


def test_runs_name_the_sources_a_crawl_crawled() -> None:
    sites = {"en": "https://en.odkb-csto.org", "ru": "https://odkb-csto.org"}
    assert sources_of({"sites": sites, "langs": ["en"]}) == ["en.odkb-csto.org"]
    both = {"sites": sites, "langs": [], "source_names": ["csto", "agency"]}
    assert sources_of(both) == ["en.odkb-csto.org", "odkb-csto.org", "agency"]
    assert sources_of({"sites": sites, "langs": [], "source_names": ["agency"]}) == ["agency"]


def test_the_crawl_s_settings_carry_the_sources_and_its_record_their_names(tmp_path: Path) -> None:
    tables = [{"name": "agency", "home": HOME}]
    settings = build_settings(CrawlOptions(tmp_path / "a.sqlite", sources=tables))
    assert settings.getlist("CSTO_SOURCES") == tables and section_walked(checked_sources(settings)) is None
    assert json.loads(settings.get("CSTO_RUN_ARGUMENTS"))["source_names"] == ["agency"]
    before = build_settings(CrawlOptions(tmp_path / "a.sqlite"))
    walked = section_walked(checked_sources(before))
    assert before.getlist("CSTO_SOURCES") == [] and walked is not None and walked.name == "csto"
    assert "source_names" not in json.loads(before.get("CSTO_RUN_ARGUMENTS"))


def test_the_csto_is_crawled_as_today_s_settings_build_it(tmp_path: Path, crawled: list[CrawlOptions]) -> None:
    path = tmp_path / "a.sqlite"
    add_agency(path)
    with closing(sqlite3.connect(path)) as db:  # a row written by an older version, with fewer sections
        db.execute("UPDATE sources SET config = ? WHERE name = 'csto'", (json.dumps({"home": "https://old.example/"}),))
        db.commit()
    crawl(path)
    assert sources_from_setting(crawled[0].sources)[0] == csto_source()


def test_many_sources_get_a_request_slot_per_host_unless_told_otherwise(tmp_path: Path) -> None:
    tables = [{"name": f"s{n}", "home": f"https://agency{n}.example/"} for n in range(9)]
    settings = build_settings(CrawlOptions(tmp_path / "a.sqlite", sources=tables))
    assert settings.getint("CONCURRENT_REQUESTS") == 9 and settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    with_csto = build_settings(
        CrawlOptions(tmp_path / "a.sqlite", sources=[*sources_setting([csto_source()]), *tables])
    )
    assert with_csto.getint("CONCURRENT_REQUESTS") == 9 + 2  # and the CSTO's two sites
    told = CrawlOptions(tmp_path / "a.sqlite", sources=tables, overrides={"CONCURRENT_REQUESTS": "2"})
    assert build_settings(told).getint("CONCURRENT_REQUESTS") == 2
    assert build_settings(CrawlOptions(tmp_path / "a.sqlite")).getint("CONCURRENT_REQUESTS") == 4
