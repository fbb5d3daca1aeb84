"""``csto attachments``: attachment files listed, or written out under safe names that stay inside DIR."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from csto_crawler.archive.store import ArchiveWriter
from csto_crawler.cli import ExitCode, main
from csto_crawler.items import AttachmentItem, FetchRecord

T0 = dt.datetime(2026, 2, 13, 12, 0, tzinfo=dt.UTC)
ARTICLE = "https://en.odkb-csto.org/documents/statements/zayavlenie/"
HOSTILE_NAMES = [
    "../../etc/passwd",
    "/abs/path.docx",
    "a/../../b.pdf",
    "..",
    "",
    "con.docx",
    "Заявление " * 60 + ".docx",
    "evil\x00.docx",
    "..\\..\\win.ini",
]


def attachment(url: str, filename: str, data: bytes, lang: str | None = "en") -> AttachmentItem:
    headers = {"content-type": "application/octet-stream"}
    return AttachmentItem(url, ARTICLE, filename, FetchRecord(url, url, 200, headers, data, T0, "attachment", lang))


def build_archive(path: Path, items: list[AttachmentItem]) -> Path:
    writer = ArchiveWriter.open(path, clock=lambda: T0)
    try:
        run = writer.begin_run("full", {})
        writer.write_batch(items, run)
        writer.finish_run(run, "finished")
    finally:
        writer.close()
    return path


def upload(n: int, lang: str = "en") -> str:
    host = "en.odkb-csto.org" if lang == "en" else "odkb-csto.org"
    return f"https://{host}/upload/iblock/{n:03d}/file{n}.bin"


def body(n: int) -> bytes:
    return f"attachment {n} ".encode() * 20


def extract(archive: Path, out: Path) -> Result:
    return CliRunner().invoke(main, ["attachments", "--archive", str(archive), "--extract", str(out)])


def files_under(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def hostile_archive(tmp_path: Path) -> Path:
    items = [attachment(upload(n), name, body(n)) for n, name in enumerate(HOSTILE_NAMES)]
    return build_archive(tmp_path / "archive" / "csto.sqlite", items)


def test_attachments_extract_writes_every_file_inside_dir(tmp_path: Path, hostile_archive: Path) -> None:
    out = tmp_path / "out"
    before = {p for p in tmp_path.rglob("*") if p != out}
    result = extract(hostile_archive, out)
    assert result.exit_code == 0, result.output
    written = files_under(out)
    assert sorted(written.values()) == sorted(body(n) for n in range(len(HOSTILE_NAMES)))
    assert all(path.parts[0] == "en" and len(path.parts) == 2 for path in written)
    created_elsewhere = {p for p in tmp_path.rglob("*") if not p.is_relative_to(out)} - before
    assert {p for p in created_elsewhere if "csto.sqlite" not in p.name} == set()
    assert sorted(result.stdout.splitlines()) == sorted(str((out / p).resolve()) for p in written)


def test_attachments_extract_names_files_safely(tmp_path: Path, hostile_archive: Path) -> None:
    out = tmp_path / "out"
    extract(hostile_archive, out)
    names = {p.name: data for p, data in files_under(out).items()}
    assert names["passwd"] == body(0)
    assert names["path.docx"] == body(1)
    assert names["b.pdf"] == body(2)
    assert names["_con.docx"] == body(5)
    assert names["evil.docx"] == body(7)
    assert names["win.ini"] == body(8)
    for n in (3, 4):  # nothing usable left: the file's sha256
        assert names[hashlib.sha256(body(n)).hexdigest()] == body(n)
    long_name = next(name for name in names if name.startswith("Заявление"))
    assert long_name.endswith(".docx") and len(long_name.encode()) <= 200


def test_attachments_extract_keeps_two_files_of_one_name_apart(tmp_path: Path) -> None:
    items = [attachment(upload(1), "statement.pdf", body(1)), attachment(upload(2), "statement.pdf", body(2))]
    archive = build_archive(tmp_path / "csto.sqlite", items)
    out = tmp_path / "out"
    assert extract(archive, out).exit_code == 0
    assert extract(archive, out).exit_code == 0  # a second run rewrites the same two files
    written = files_under(out)
    assert sorted(written.values()) == [body(1), body(2)]
    assert Path("en", "statement.pdf") in written


def test_attachments_extract_sorts_files_by_language(tmp_path: Path) -> None:
    items = [
        attachment(upload(1), "a.pdf", body(1), lang="en"),
        attachment(upload(2, "ru"), "Заявление.docx", body(2), lang="ru"),
        attachment(upload(3), "c.pdf", body(3), lang=None),
    ]
    archive = build_archive(tmp_path / "csto.sqlite", items)
    out = tmp_path / "out"
    assert extract(archive, out).exit_code == 0
    assert set(files_under(out)) == {Path("en/a.pdf"), Path("ru/Заявление.docx"), Path("unknown/c.pdf")}


def test_attachments_extract_reports_a_damaged_file_and_writes_the_rest(tmp_path: Path) -> None:
    items = [attachment(upload(1), "good.pdf", body(1)), attachment(upload(2), "bad.pdf", body(2))]
    archive = build_archive(tmp_path / "csto.sqlite", items)
    with closing(sqlite3.connect(archive)) as db, db:
        db.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (b"tampered", hashlib.sha256(body(2)).hexdigest()))
    out = tmp_path / "out"
    result = extract(archive, out)
    assert result.exit_code == ExitCode.DAMAGED
    assert result.stderr.strip().splitlines()[-1].startswith("csto: error: 1 stored file(s) damaged")
    assert files_under(out) == {Path("en/good.pdf"): body(1)}


def test_attachments_lists_files_without_extract(tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "csto.sqlite", [attachment(upload(1), "../x.pdf", body(1))])
    result = CliRunner().invoke(main, ["attachments", "--archive", str(archive)])
    assert result.exit_code == 0
    sha = hashlib.sha256(body(1)).hexdigest()
    # lang, article IDs ('-': no archived article links it), URL, name, size, sha256, text ('-': not extracted)
    assert result.stdout == f"en\t-\t{upload(1)}\t../x.pdf\t{len(body(1))}\t{sha}\t-\n"
    assert "1 attachment(s)" in result.stderr


def test_attachments_list_escapes_control_characters_in_names(tmp_path: Path) -> None:
    names = ["esc\x1b[2Jx.pdf", "nul\x00.pdf", "two\r\nlines\tand tab.pdf", "rtl\u202egpj.exe", "back\\slash.pdf"]
    items = [attachment(upload(n), name, body(n)) for n, name in enumerate(names)]
    archive = build_archive(tmp_path / "csto.sqlite", items)
    result = CliRunner().invoke(main, ["attachments", "--archive", str(archive)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(names)
    assert all(len(line.split("\t")) == 7 for line in lines)
    assert not any(ch in result.stdout for ch in "\x1b\x00\r\u202e")
    listed = sorted(line.split("\t")[3] for line in lines)
    assert listed == sorted(
        ["esc\\x1b[2Jx.pdf", "nul\\x00.pdf", "two\\r\\nlines\\tand tab.pdf", "rtl\\u202egpj.exe", "back\\\\slash.pdf"]
    )


def test_attachments_without_archive_is_one_line_and_exit_3(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["attachments", "--archive", str(tmp_path / "none.sqlite")])
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert result.output == f"csto: error: no archive at {tmp_path / 'none.sqlite'}\n"
