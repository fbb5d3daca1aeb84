"""verify_archive and ``csto verify``: a sound archive passes; a tampered or missing snapshot is named."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from archive_items import article_item, listing_item, rows, write_run
from backports import zstd
from click.testing import CliRunner

from csto_crawler.archive.queries import ArchiveReader
from csto_crawler.archive.verify import VerifyReport, verify_archive
from csto_crawler.cli import ExitCode, main

LONG_BODY = "\n\n".join(f"Paragraph {n} of a long statement on collective security." for n in range(40))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """Two articles (one edited into a second version) and a listing page: every kind of reference."""
    path = tmp_path / "csto.sqlite"
    write_run(path, [article_item("long", element_id="1", body_text=LONG_BODY), article_item("short", element_id="2")])
    write_run(path, [article_item("short", element_id="2", title="Edited title"), listing_item("en", [])])
    return path


def run_verify(path: Path) -> VerifyReport:
    reader = ArchiveReader.open(path)
    try:
        return verify_archive(reader)
    finally:
        reader.close()


def execute(path: Path, sql: str, *params: object) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute(sql, params)
        db.commit()


def snapshot_of(path: Path, slug: str) -> tuple[str, str]:
    """(sha256, codec) of the first snapshot of the article with this slug."""
    found = rows(
        path,
        "SELECT b.sha256, b.codec FROM versions v JOIN articles a ON a.id = v.article_id"
        " JOIN blobs b ON b.sha256 = v.snapshot_sha256 WHERE a.slug = ? AND v.version = 1",
        slug,
    )
    return found[0]["sha256"], found[0]["codec"]


def test_verify_archive_sound_archive(archive: Path) -> None:
    report = run_verify(archive)
    assert (report.integrity, report.problems, report.sound) == ("ok", [], True)
    assert report.blobs_checked == len(rows(archive, "SELECT sha256 FROM blobs")) == 4


def test_verify_archive_names_a_snapshot_whose_bytes_changed(archive: Path) -> None:
    sha, codec = snapshot_of(archive, "long")
    assert codec == "zstd"
    rewritten = b"<html>rewritten</html>"
    execute(archive, "UPDATE blobs SET data = ? WHERE sha256 = ?", zstd.compress(rewritten), sha)
    report = run_verify(archive)
    assert not report.sound
    actual = hashlib.sha256(rewritten).hexdigest()
    assert report.problems == [f"snapshot {sha}: sha256 mismatch: stored as {sha}, bytes hash to {actual}"]


def test_verify_archive_names_a_snapshot_that_no_longer_decodes(archive: Path) -> None:
    sha, _ = snapshot_of(archive, "long")
    execute(archive, "UPDATE blobs SET data = ? WHERE sha256 = ?", b"\x28\xb5\x2f\xfd garbage", sha)
    report = run_verify(archive)
    assert [p.split(":")[0] for p in report.problems] == [f"snapshot {sha}"]
    assert "corrupt zstd frame" in report.problems[0]


def test_verify_archive_reports_a_fetch_without_its_snapshot(archive: Path) -> None:
    sha, _ = snapshot_of(archive, "long")
    execute(archive, "DELETE FROM blobs WHERE sha256 = ?", sha)
    report = run_verify(archive)
    assert not report.sound
    kinds = sorted(p.split(":")[0] for p in report.problems)
    assert kinds == ["fetch without its snapshot", "version without its snapshot"]
    assert "/news/news_odkb/long/" in next(p for p in report.problems if p.startswith("fetch"))


def test_verify_archive_reports_a_version_count_that_disagrees(archive: Path) -> None:
    execute(archive, "UPDATE articles SET version_count = 3 WHERE slug = 'short'")
    problems = run_verify(archive).problems
    assert [p.split(":")[0] for p in problems] == ["article whose version count disagrees with its versions"]


def test_cli_verify_sound_archive_exits_0(archive: Path) -> None:
    result = CliRunner().invoke(main, ["verify", "--archive", str(archive)])
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.splitlines()[-1] == "archive is sound"
    assert "integrity_check: ok" in result.stdout


def test_cli_verify_damaged_archive_exits_6(archive: Path) -> None:
    sha, _ = snapshot_of(archive, "short")
    execute(archive, "UPDATE blobs SET codec = 'raw', data = ? WHERE sha256 = ?", b"tampered", sha)
    result = CliRunner().invoke(main, ["verify", "--archive", str(archive)])
    assert result.exit_code == ExitCode.DAMAGED
    assert f"problem: snapshot {sha}: sha256 mismatch" in result.stdout
    assert "archive is sound" not in result.stdout
    assert "is damaged (1 problem(s))" in result.stderr


def test_verify_archive_reports_an_article_not_showing_its_current_version(archive: Path) -> None:
    execute(archive, "UPDATE articles SET current_version = 9 WHERE slug = 'short'")
    problems = run_verify(archive).problems
    assert {p.split(":")[0] for p in problems} == {
        "article whose content differs from its current version",
        "article whose current version is not its latest in time",
    }


def test_verify_archive_reports_a_current_version_that_is_not_the_latest_in_time(archive: Path) -> None:
    """Version 1 of 'short' said to be first seen after version 2, the article showing version 2."""
    execute(
        archive,
        "UPDATE versions SET first_seen_at = '2999-01-01T00:00:00+00:00', last_seen_at = '2999-01-01T00:00:00+00:00'"
        " WHERE version = 1 AND article_id = (SELECT id FROM articles WHERE slug = 'short')",
    )
    problems = run_verify(archive).problems
    assert [p.split(":")[0] for p in problems] == ["article whose current version is not its latest in time"]
