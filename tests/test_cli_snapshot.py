"""``csto snapshot``: the raw page as fetched, or decoded to UTF-8; clear errors for what is not there."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from archive_items import article_item, fetch_record, write_run
from click.testing import CliRunner

from csto_crawler.cli import ExitCode, main

PAGE = "<html><head><meta charset='windows-1251'><title>Встреча</title></head><body><p>Совет ОДКБ</p></body></html>"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "csto.sqlite"
    item = article_item("vstrecha", lang="ru", element_id="11")
    raw = PAGE.encode("cp1251")
    item.fetch = fetch_record(item.url, raw, lang="ru", headers={"content-type": "text/html; charset=windows-1251"})
    edited = dataclasses.replace(item, title=item.title + " (дополнено)")
    write_run(path, [item])
    write_run(path, [edited])
    return path


def test_snapshot_writes_the_raw_bytes_as_fetched(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    result = CliRunner().invoke(main, ["snapshot", "ru-11", "--archive", str(archive), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == PAGE.encode("cp1251")


def test_snapshot_text_decodes_the_page_to_utf8(archive: Path) -> None:
    result = CliRunner().invoke(main, ["snapshot", "ru-11", "--version", "1", "--text", "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Совет ОДКБ" in result.stdout_bytes.decode("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ru-99"], "no article 'ru-99'"),
        (["ru-11", "--version", "7"], "has versions 1..2, not 7"),
        (["ru-11", "-o", "nodir/page.html"], "no folder nodir"),
    ],
)
def test_snapshot_refuses_what_is_not_there_in_one_line(archive: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["snapshot", *args, "--archive", str(archive)])
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert message in result.output
