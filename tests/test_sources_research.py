"""The ``source`` column for researchers (issue 22): in every export and the release, a ``--source``
filter on ``csto export`` and ``csto search`` (archive/filters.py), counts per source in ``csto stats``
and the report, PostgreSQL; a stored page read again stays its source's (``csto reextract``)."""

from __future__ import annotations

import csv
import dataclasses
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from archive_items import T0, article_item, fetch_record, html_page, rows, write_run
from click.testing import CliRunner, Result
from test_postgres import column, database  # noqa: F401  (the fixture)

from csto_crawler.archive.filters import RowFilter
from csto_crawler.archive.queries import ArchiveReader
from csto_crawler.archive.report_queries import report_rows
from csto_crawler.archive.stored_pages import stored_pages
from csto_crawler.cli import main
from csto_crawler.items import HeldPage
from csto_crawler.outcomes import Doubt

HOME = "https://agency.example/"
BODY = "Учения ОДКБ прошли в Казахстане.\n\nВ учениях участвовали подразделения всех государств."


def agency_article(slug: str = "ucheniya-odkb-e3a91d", body: str = BODY) -> object:
    url = f"{HOME}ru/news/{slug}"
    item = article_item("x", lang="ru", element_id=None, title="Учения ОДКБ", body_text=body)
    fetch = fetch_record(url, html_page(item.title, body), lang="ru", at=T0)
    return dataclasses.replace(item, url=url, section="ru/news", slug=slug, fetch=fetch, source="agency")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "a.sqlite"
    write_run(path, [article_item("meeting", element_id="8573"), agency_article()])
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_every_export_format_carries_the_source(archive: Path, tmp_path: Path) -> None:
    for name in ("a.jsonl", "a.csv", "a.parquet", "v.jsonl"):
        versions = ["--versions"] if name.startswith("v") else []
        assert run("export", "--archive", str(archive), "-o", str(tmp_path / name), *versions).exit_code == 0
    jsonl = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {row["id"]: row["source"] for row in jsonl} == {"en-8573": "csto", "agency-ru-e3a91d": "agency"}
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as handle:
        assert sorted(row["source"] for row in csv.DictReader(handle)) == ["agency", "csto"]
    assert sorted(pq.read_table(tmp_path / "a.parquet").column("source").to_pylist()) == ["agency", "csto"]
    versions = [json.loads(line) for line in (tmp_path / "v.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(row["source"] for row in versions) == ["agency", "csto"]


def test_export_and_search_take_a_source_filter(archive: Path, tmp_path: Path) -> None:
    result = run("export", "--archive", str(archive), "--source", "agency")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["agency-ru-e3a91d"]
    found = run("search", "учения", "--archive", str(archive), "--source", "agency", "--json")
    assert [hit["id"] for hit in json.loads(found.stdout)] == ["agency-ru-e3a91d"]
    none = run("search", "учения", "--archive", str(archive), "--source", "csto", "--json")
    assert json.loads(none.stdout) == []


def test_export_and_search_take_another_source_s_language(tmp_path: Path) -> None:
    """A Kazakh article of an agency: --lang kk finds it; a malformed code is one line, exit 2."""
    path = tmp_path / "kk.sqlite"
    kazakh = dataclasses.replace(agency_article("odkb-oqu-4d721a", "ҰҚШҰ оқуы Қазақстанда өтті."), lang="kk")
    write_run(path, [article_item("meeting", element_id="8573"), kazakh])
    result = run("export", "--archive", str(path), "--lang", "KK")
    assert result.exit_code == 0 and [json.loads(line)["lang"] for line in result.stdout.splitlines()] == ["kk"]
    found = run("search", "Қазақстанда", "--archive", str(path), "--lang", "kk", "--json")
    assert [hit["lang"] for hit in json.loads(found.stdout)] == ["kk"]
    bad = run("export", "--archive", str(path), "--lang", "k k")
    assert bad.exit_code == 2 and "not a language code" in bad.output


def test_stats_count_per_source(archive: Path) -> None:
    result = run("stats", "--archive", str(archive), "--json")
    by_source = json.loads(result.stdout)["by_source"]
    assert [(row["source"], row["articles"], row["languages"]) for row in by_source] == [
        ("csto", 1, "en"),
        ("agency", 1, "ru"),
    ]
    text = run("stats", "--archive", str(archive)).stdout
    assert "source agency: 1 articles (ru), 0 edited, 0 gone" in text


def test_stats_of_the_csto_alone_print_what_they_printed_before(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    write_run(path, [article_item("meeting", element_id="8573")])
    assert "source " not in run("stats", "--archive", str(path)).stdout


def test_the_report_plots_each_source_s_language_apart_from_the_csto_s(archive: Path) -> None:
    reader = ArchiveReader.open(archive)
    try:
        labels = {row["lang"] for row in report_rows(reader)["per_month"]}
    finally:
        reader.close()
    assert labels == {"en", "agency ru"}


def test_a_release_carries_the_source_and_the_sources_table(archive: Path, tmp_path: Path) -> None:
    folder = tmp_path / "release"
    assert run("release", str(folder), "--archive", str(archive), "--no-snapshots").exit_code == 0
    assert sorted(pq.read_table(folder / "articles.parquet").column("source").to_pylist()) == ["agency", "csto"]
    assert [r["name"] for r in rows(folder / "csto.sqlite", "SELECT name FROM sources ORDER BY name")] == [
        "agency",
        "csto",
    ]
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    tables = next(iter(metadata["databases"].values()))["tables"]
    assert "source" in tables["articles"]["columns"]


def test_postgresql_gets_the_source_column(archive: Path, database: str) -> None:  # noqa: F811
    assert run("export", "--archive", str(archive), "--to", database).exit_code == 0
    assert sorted(column(database, "SELECT source FROM articles")) == ["agency", "csto"]


def test_stored_pages_read_again_keep_their_source(archive: Path) -> None:
    """``csto reextract`` hands each page's source on to the item it reads (reextract._outcome)."""
    write_run(archive, [HeldPage.of(agency_article("drugaya-77777", "Коротко."), [Doubt.NO_BODY])])
    with closing(sqlite3.connect(archive)) as connection:
        pages = {page.url: page.source for page in stored_pages(connection, RowFilter())}
        only = [page.url for page in stored_pages(connection, RowFilter(sources=("agency",)))]
    assert pages == {
        f"{HOME}ru/news/drugaya-77777": "agency",
        "https://en.odkb-csto.org/news/news_odkb/meeting/": "csto",
        f"{HOME}ru/news/ucheniya-odkb-e3a91d": "agency",
    }
    assert sorted(only) == [f"{HOME}ru/news/drugaya-77777", f"{HOME}ru/news/ucheniya-odkb-e3a91d"]
