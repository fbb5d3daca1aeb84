"""``csto backup``: a checked copy of the archive, consistent while a crawl writes, never half-made."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from archive_items import article_item, count, write_run
from click.testing import CliRunner
from live_writer import BATCH, writing

from csto_crawler.archive.backup import sha256_file
from csto_crawler.archive.word_indexes import WORD_INDEXES
from csto_crawler.cli import ExitCode, main


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "csto.sqlite"
    write_run(path, [article_item(f"a-{n}", element_id=str(n), body_text=f"Meeting {n} in Minsk.") for n in range(7)])
    return path


def backup(archive: Path, dest: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["backup", str(dest), "--archive", str(archive)])
    return result.exit_code, result.stdout, result.stderr


def test_backup_into_a_folder_is_a_checked_single_file_named_by_time(archive: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    code, stdout, stderr = backup(archive, folder)
    assert code == 0, stderr
    path, size, sha256 = stdout.strip().split("\t")
    copy = Path(path)
    assert copy.parent == folder and re.fullmatch(r"csto-\d{8}T\d{6}Z\.sqlite", copy.name)
    assert [p.name for p in folder.iterdir()] == [copy.name]  # one file: no -wal, no leftover .part
    assert int(size) == copy.stat().st_size and sha256 == sha256_file(copy)
    assert "integrity ok" in stderr
    assert CliRunner().invoke(main, ["verify", "--archive", str(copy)]).exit_code == 0
    with closing(sqlite3.connect(copy)) as con:
        assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        for index in WORD_INDEXES:  # rowids copied as they are: the word indexes still fit their tables
            con.execute(f"INSERT INTO {index.name} ({index.name}, rank) VALUES ('integrity-check', 1)")  # noqa: S608


def test_backup_never_overwrites_and_needs_its_folder(archive: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken.sqlite"
    taken.write_bytes(b"an earlier backup")
    assert backup(archive, taken)[0] == ExitCode.CANNOT_RUN
    assert taken.read_bytes() == b"an earlier backup"
    code, _, stderr = backup(archive, tmp_path / "no" / "b.sqlite")
    assert code == ExitCode.CANNOT_RUN and "no folder" in stderr
    assert backup(tmp_path / "none.sqlite", tmp_path / "b.sqlite")[0] == ExitCode.CANNOT_RUN
    assert not (tmp_path / "b.sqlite").exists()


def test_a_damaged_archive_leaves_no_backup(archive: Path, tmp_path: Path) -> None:
    with closing(sqlite3.connect(archive)) as con:  # a snapshot whose bytes no longer match its sha256
        con.execute("UPDATE blobs SET data = zeroblob(length(data)) WHERE rowid = (SELECT min(rowid) FROM blobs)")
        con.commit()
    code, stdout, stderr = backup(archive, tmp_path / "b.sqlite")
    assert code == ExitCode.DAMAGED and stdout == ""
    assert "failed its checks" in stderr
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("csto.sqlite")] == []  # no copy, no .part


def test_backup_while_a_crawl_writes_is_one_consistent_moment(archive: Path, tmp_path: Path) -> None:
    with writing(archive) as writer:
        before = writer.batches
        code, stdout, stderr = backup(archive, tmp_path / "b.sqlite")
        during = writer.batches - before
    assert code == 0, stderr
    assert during > 0, "the writer was not writing while the backup was made"
    copy = Path(stdout.split("\t")[0])
    articles = count(copy, "articles")
    assert (articles - 7) % BATCH == 0  # whole batches only
    assert count(copy, "versions") == articles == count(copy, "search_index")
