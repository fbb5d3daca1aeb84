"""Attachments' text: read from the files' bytes, stored by sha256, searched, exported and shown.

Replays the files in tests/fixtures/attachments (see its README): documents the replica serves, with
the text the replica put in them, and damaged, encrypted and empty files made by hand.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import random
import re
import sqlite3
import zipfile
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pypdf
import pytest
from archive_items import article_item, count, fetch_record, rows, write_run
from click.testing import CliRunner
from log_lines import unstamped
from scrapy.utils.test import get_crawler

from csto_crawler import pipelines, runs
from csto_crawler.archive import attachment_texts
from csto_crawler.archive.attachment_texts import fill_texts
from csto_crawler.archive.database import open_database
from csto_crawler.archive.search import SearchFilter, count_matches, long_snippet, search
from csto_crawler.archive.store import ArchiveWriter
from csto_crawler.archive.words import stem
from csto_crawler.attachment_text import ReadingLimits, TextStatus, extract_text
from csto_crawler.cli import main
from csto_crawler.items import AttachmentItem, AttachmentLink
from csto_crawler.outcomes import RunMode
from csto_crawler.runs import RunDriver

FIXTURES = Path(__file__).parent / "fixtures" / "attachments"
REPLICA = json.loads((FIXTURES / "replica.json").read_text(encoding="utf-8"))
TOKEN_RE = re.compile(r"\w+")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def token_f1(predicted: str, gold: str) -> float:
    """Bag-of-words token F1, case-folded (the replica's score.py measure)."""
    p, g = Counter(TOKEN_RE.findall(predicted.casefold())), Counter(TOKEN_RE.findall(gold.casefold()))
    common = sum((p & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


# --- reading files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REPLICA))
def test_replica_documents_read_with_token_f1_at_least_098(name: str) -> None:
    data = fixture(name)
    assert hashlib.sha256(data).hexdigest() == REPLICA[name]["sha256"]
    result = extract_text(data, name)
    assert result.status is TextStatus.OK and result.reason is None
    assert result.format == name.rsplit(".", 1)[1]
    assert token_f1(result.text, REPLICA[name]["text"]) >= 0.98


def test_docx_paragraphs_keep_the_archive_convention() -> None:
    result = extract_text(fixture("ru-geodesy.docx"))
    assert result.text == REPLICA["ru-geodesy.docx"]["text"]  # paragraphs one blank line apart
    assert result.extractor.startswith("python-docx ")


def test_docx_tables_and_line_breaks_in_document_order() -> None:
    text = extract_text(fixture("table.docx")).text
    assert text.split("\n\n") == [
        "Protocol on the list of participants",
        "First line\nsecond line",
        "Государство\tПредставитель",
        "Республика Беларусь\tМинистр обороны",
        "Closing paragraph after the table.",
    ]


def test_pdf_keeps_its_lines_and_names_pypdf() -> None:
    result = extract_text(fixture("en-geodesy.pdf"))
    assert result.text.splitlines()[0] == "STATEMENT on cooperation in geodesy"
    assert result.extractor.startswith("pypdf ")


def test_rtf_decodes_code_page_unicode_escapes_and_skips_tables() -> None:
    result = extract_text(fixture("statement.rtf"), "statement.rtf")
    assert (result.status, result.format) == (TextStatus.OK, "rtf")
    assert result.text == "Заявление о сотрудничестве\n\nJoint statement—adopted in Minsk\n\nМир и {braces}"
    assert "Times" not in result.text and "Secret title" not in result.text


def test_xlsx_rows_with_shared_and_inline_strings() -> None:
    result = extract_text(fixture("budget.xlsx"))
    assert (result.status, result.format) == (TextStatus.OK, "xlsx")
    assert result.text == "Государство\tContribution\nАрмения\t12.5\nTotal budget"


def test_plain_text_in_windows_1251() -> None:
    result = extract_text("Заявление\r\n\r\nвторой абзац".encode("cp1251"), "note.txt")
    assert (result.status, result.text) == (TextStatus.OK, "Заявление\n\nвторой абзац")


def test_the_bytes_decide_the_format_not_the_name() -> None:
    assert extract_text(fixture("en-charter.pdf"), "misnamed.docx").format == "pdf"
    assert extract_text(fixture("en-statement.docx"), "misnamed.pdf").format == "docx"


@pytest.mark.parametrize(
    ("name", "status", "reason"),
    [
        ("encrypted.pdf", TextStatus.ENCRYPTED, "PDF needs a password to open"),
        ("scan-without-text.pdf", TextStatus.EMPTY, "no text layer (scanned pages?)"),
        ("truncated.pdf", TextStatus.CORRUPT, "PdfStreamError"),
        ("truncated.docx", TextStatus.CORRUPT, "not a readable zip package"),
    ],
)
def test_unreadable_files_are_recorded_with_a_reason(name: str, status: TextStatus, reason: str) -> None:
    result = extract_text(fixture(name), name)
    assert (result.status, result.text) == (status, "")
    assert result.reason is not None and reason in result.reason


def test_a_pdf_with_only_an_owner_password_is_read() -> None:
    result = extract_text(fixture("owner-password.pdf"))
    assert result.status is TextStatus.OK
    assert result.reason == "encrypted with an empty password"
    assert token_f1(result.text, REPLICA["en-charter.pdf"]["text"]) >= 0.98


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("data", "status", "fmt"),
    [
        (b"", TextStatus.EMPTY, "empty"),
        (OLE + "EncryptedPackage".encode("utf-16-le"), TextStatus.ENCRYPTED, "encrypted-office"),
        (OLE + "WordDocument".encode("utf-16-le"), TextStatus.UNSUPPORTED, "doc"),
        (b"\x89PNG\r\n\x1a\n" + bytes(40), TextStatus.UNSUPPORTED, "unknown"),
        (b"PK\x03\x04" + bytes(10), TextStatus.CORRUPT, "docx"),
    ],
)
def test_other_files_get_a_status(data: bytes, status: TextStatus, fmt: str) -> None:
    result = extract_text(data, "file.bin")
    assert (result.status, result.format, result.text) == (status, fmt, "")
    assert result.reason


def test_zip_without_office_document_is_unsupported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("photos/1.jpg", b"jpeg")
    result = extract_text(buffer.getvalue(), "photos.zip")
    assert (result.status, result.format) == (TextStatus.UNSUPPORTED, "zip")


def test_limits_file_size_unpacked_size_pages_and_text() -> None:
    result = extract_text(fixture("en-statement.docx"), limits=ReadingLimits(max_file_bytes=1000))
    assert result.status is TextStatus.TOO_LARGE and "over the 1000 byte limit" in (result.reason or "")
    result = extract_text(fixture("en-statement.docx"), limits=ReadingLimits(max_unpacked_bytes=1000))
    assert result.status is TextStatus.TOO_LARGE and "unpacks to more than the 1000 byte limit" in (result.reason or "")

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(fixture("en-geodesy.pdf"))))
    writer.add_page(pypdf.PdfReader(io.BytesIO(fixture("en-charter.pdf"))).pages[0])
    two_pages = io.BytesIO()
    writer.write(two_pages)
    result = extract_text(two_pages.getvalue(), limits=ReadingLimits(max_pdf_pages=1))
    assert result.status is TextStatus.OK and result.reason == "first 1 of 2 pages read"
    assert "orthophotomaps" in result.text and "CHARTER" not in result.text

    result = extract_text(fixture("ru-geodesy.docx"), limits=ReadingLimits(max_text_chars=30))
    assert len(result.text) == 30 and result.reason == "text cut at 30 characters"


@pytest.mark.parametrize("name", ["en-statement.docx", "en-charter.pdf", "statement.rtf", "budget.xlsx"])
def test_damaged_bytes_never_raise(name: str) -> None:
    original = fixture(name)
    chance = random.Random(name)  # noqa: S311  reproducible damage, not cryptography
    for _ in range(40):
        data = bytearray(original)
        for _ in range(chance.randint(1, 12)):
            data[chance.randrange(len(data))] = chance.randrange(256)
        cut = data[: chance.randint(len(data) // 2, len(data))]
        for damaged in (bytes(data), bytes(cut)):
            result = extract_text(damaged, name)
            assert result.status in TextStatus
            assert (result.status is TextStatus.OK) == bool(result.text)


# --- the archive -----------------------------------------------------------------------------------

EN_FILE = "https://en.odkb-csto.org/upload/iblock/a1b/a1b2c3d4e5f60718293a4b5c6d7e8f90.pdf"
RU_FILE = "https://odkb-csto.org/upload/iblock/0f1/0f1e2d3c4b5a69788796a5b4c3d2e1f0.docx"
LOCKED_FILE = "https://en.odkb-csto.org/upload/iblock/e11/encrypted.pdf"
CHARTER_FILE = "https://en.odkb-csto.org/upload/iblock/4e2/charter.pdf"


def attachment_item(url: str, article: str, data: bytes, lang: str = "en") -> AttachmentItem:
    name = url.rsplit("/", 1)[1]
    return AttachmentItem(url, article, name, fetch_record(url, data, kind="attachment", lang=lang, headers={}))


def build(path: Path) -> Path:
    """Two statements whose files hold words their pages do not, a charter and an encrypted file."""
    en = article_item(
        "geodesy",
        element_id="22990",
        title="Statement on cooperation in geodesy",
        body_text="The member states adopted a statement on cooperation in geodesy.",
        attachments=[AttachmentLink(EN_FILE, "statement.pdf"), AttachmentLink(LOCKED_FILE, "secret.pdf")],
    )
    ru = article_item(
        "geodeziya",
        lang="ru",
        element_id="48990",
        title="Заявление о сотрудничестве в области геодезии",
        body_text="Государства — члены ОДКБ приняли заявление.",
        published="2025-11-20",
        attachments=[AttachmentLink(RU_FILE, "Заявление.docx")],
    )
    charter = article_item(
        "charter",
        element_id="4189",
        title="CHARTER of the Collective Security Treaty Organization",
        body_text="The Charter of the Organization, amended in 2010.",
        attachments=[AttachmentLink(CHARTER_FILE, "charter.pdf")],
    )
    files = [
        attachment_item(EN_FILE, en.url, fixture("en-geodesy.pdf")),
        attachment_item(LOCKED_FILE, en.url, fixture("encrypted.pdf")),
        attachment_item(RU_FILE, ru.url, fixture("ru-geodesy.docx"), lang="ru"),
        attachment_item(CHARTER_FILE, charter.url, fixture("en-charter.pdf")),
    ]
    write_run(path, [en, ru, charter], files)
    return path


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return build(tmp_path / "csto.sqlite")


@pytest.fixture
def filled(archive: Path) -> Path:
    db = open_database(archive)
    try:
        fill_texts(db)
    finally:
        db.close()
    return archive


def fill(path: Path, **options: Any) -> Counter[str]:
    db = open_database(path)
    try:
        return fill_texts(db, **options)
    finally:
        db.close()


def test_fill_records_every_file_once_by_sha256(archive: Path) -> None:
    assert fill(archive) == Counter({"ok": 3, "encrypted": 1})
    texts = {r["sha256"]: r for r in rows(archive, "SELECT * FROM attachment_texts")}
    assert set(texts) == {r["sha256"] for r in rows(archive, "SELECT sha256 FROM attachments")}
    ru = texts[hashlib.sha256(fixture("ru-geodesy.docx")).hexdigest()]
    assert (ru["status"], ru["format"], ru["reason"]) == ("ok", "docx", None)
    assert ru["text"] == REPLICA["ru-geodesy.docx"]["text"] and ru["chars"] == len(ru["text"])
    assert ru["extracted_at"].endswith("+00:00") and ru["extractor"].startswith("python-docx ")
    secret = texts[hashlib.sha256(fixture("encrypted.pdf")).hexdigest()]
    assert (secret["status"], secret["text"], secret["chars"]) == ("encrypted", "", 0)
    assert count(archive, "attachment_search") == 3
    assert fill(archive) == Counter()  # nothing left to read
    assert fill(archive, again=True) == Counter({"ok": 3, "encrypted": 1})
    assert count(archive, "attachment_search") == 3  # read again, indexed once


def test_fill_records_a_damaged_stored_file_as_corrupt(archive: Path) -> None:
    sha = hashlib.sha256(fixture("en-charter.pdf")).hexdigest()
    with closing(sqlite3.connect(archive)) as db, db:
        db.execute("UPDATE blobs SET data = ?, codec = 'raw' WHERE sha256 = ?", (b"tampered", sha))
    assert fill(archive)["corrupt"] == 1
    row = rows(archive, "SELECT status, reason FROM attachment_texts WHERE sha256 = ?", sha)[0]
    assert row["status"] == "corrupt" and row["reason"].startswith("stored file damaged: sha256 mismatch")


def test_fill_with_several_readers_gives_the_same_rows(tmp_path: Path) -> None:
    serial, parallel = build(tmp_path / "serial.sqlite"), build(tmp_path / "parallel.sqlite")
    assert fill(serial) == fill(parallel, workers=3)
    sql = "SELECT sha256, status, reason, format, text, chars, extractor FROM attachment_texts ORDER BY sha256"
    assert rows(serial, sql) == rows(parallel, sql)


def test_batches_hold_few_files_and_bounded_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachment_texts, "BATCH", 3)
    monkeypatch.setattr(attachment_texts, "BATCH_BYTES", 100)
    sizes = [10, 10, 10, 10, 95, 500, 1, 1]
    batches = attachment_texts._batches([{"sha256": str(n), "size": size} for n, size in enumerate(sizes)])
    assert [[int(r["sha256"]) for r in batch] for batch in batches] == [[0, 1, 2], [3], [4], [5], [6, 7]]


def test_every_table_and_column_is_in_a_fresh_archive(tmp_path: Path) -> None:
    open_database(tmp_path / "a.sqlite").close()
    columns = [r["name"] for r in rows(tmp_path / "a.sqlite", "SELECT name FROM pragma_table_info('attachment_texts')")]
    assert columns == ["sha256", "status", "reason", "format", "text", "chars", "extractor", "extracted_at"]


# --- search, export, show, list ----------------------------------------------------------------------


def run_search(path: Path, query: str, **flt: Any) -> list[dict[str, Any]]:
    db = open_database(path, create=False, writer=False)
    try:
        return search(db, query, SearchFilter(**flt))
    finally:
        db.close()


def test_a_word_only_in_an_attachment_finds_its_article(filled: Path) -> None:
    hits = run_search(filled, "orthophotomap")
    assert [h["id"] for h in hits] == ["en-22990"]
    assert [place["in"] for place in hits[0]["found_in"]] == ["attachment"]
    place = hits[0]["found_in"][0]
    assert (place["url"], place["filename"]) == (EN_FILE, "a1b2c3d4e5f60718293a4b5c6d7e8f90.pdf")
    assert "[orthophotomaps]" in place["snippet"] and hits[0]["snippet"] == place["snippet"]
    ru = run_search(filled, "аэрофотосъемка")  # another form of аэрофотосъёмки, only in the file
    assert [h["id"] for h in ru] == ["ru-48990"]
    assert ru[0]["found_in"][0]["snippet"].count("[аэрофотосъёмки]") == 1


def test_a_hit_in_the_article_and_in_its_file_names_both(filled: Path) -> None:
    hits = run_search(filled, "charter")
    assert [h["id"] for h in hits] == ["en-4189"]
    assert [place["in"] for place in hits[0]["found_in"]] == ["article", "attachment"]
    assert hits[0]["snippet"] == hits[0]["found_in"][0]["snippet"]


def test_attachment_hits_obey_the_filters_and_are_counted_once(filled: Path) -> None:
    assert run_search(filled, "orthophotomaps", lang="ru") == []
    db = open_database(filled, create=False, writer=False)
    try:
        assert count_matches(db, "charter", SearchFilter()) == 1
        assert count_matches(db, "geodesy", SearchFilter()) == 1
        assert count_matches(db, "orthophotomaps", SearchFilter(since="2026-01-01")) == 1
        assert count_matches(db, "orthophotomaps", SearchFilter(until="2020-01-01")) == 0
    finally:
        db.close()


def test_an_unextracted_or_unreadable_file_is_not_searched(archive: Path) -> None:
    assert run_search(archive, "orthophotomaps") == []  # text not extracted yet


def test_long_snippet_looks_only_around_the_first_hit() -> None:
    text = "filler words here. " * 2000 + "the orthophotomaps annex " + "more text. " * 2000
    cut = long_snippet(text, {stem("orthophotomaps")})
    assert "[orthophotomaps]" in cut and cut.startswith("… ") and cut.endswith(" …")


def test_cli_search_says_which_attachment_matched(filled: Path) -> None:
    result = CliRunner().invoke(main, ["search", "orthophotomaps", "--archive", str(filled)])
    assert result.exit_code == 0
    assert "  [in attachment a1b2c3d4e5f60718293a4b5c6d7e8f90.pdf] … on cooperation in geodesy" in result.stdout


def exported(path: Path, tmp_path: Path, fmt: str) -> list[dict[str, Any]]:
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(main, ["export", "--archive", str(path), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "jsonl":
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    if fmt == "csv":
        records: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    else:
        records = pq.read_table(out).to_pylist()
    return [
        {**r, "attachments": r["attachments"] if fmt == "parquet" else json.loads(r["attachments"])} for r in records
    ]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_carries_attachments_text(filled: Path, tmp_path: Path, fmt: str) -> None:
    records = {r["id"]: r for r in exported(filled, tmp_path, fmt)}
    ru = records["ru-48990"]["attachments"]
    assert ru == [
        {
            "url": RU_FILE,
            "filename": "Заявление.docx",
            "sha256": hashlib.sha256(fixture("ru-geodesy.docx")).hexdigest(),
            "text": REPLICA["ru-geodesy.docx"]["text"],
            "text_status": "ok",
        }
    ]
    secret = records["en-22990"]["attachments"][1]
    assert (secret["text"], secret["text_status"]) == (None, "encrypted")


def test_export_of_versions_carries_the_text_too(filled: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--archive", str(filled), "--versions", "--lang", "ru"])
    record = json.loads(result.stdout.splitlines()[0])
    assert record["attachments"][0]["text"] == REPLICA["ru-geodesy.docx"]["text"]


def test_show_prints_the_start_of_each_text_or_why_there_is_none(filled: Path) -> None:
    result = CliRunner().invoke(main, ["show", "en-22990", "--archive", str(filled)])
    assert result.exit_code == 0
    out = result.stdout
    assert "\nattachments:\n  statement.pdf  (" in out
    assert "    STATEMENT on cooperation in geodesy\n" in out
    assert "  secret.pdf  (no text: encrypted, PDF needs a password to open)" in out


def test_show_cuts_a_long_text_and_says_how_much_is_left(filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from csto_crawler.cli import research

    monkeypatch.setattr(research, "SHOW_TEXT_CHARS", 40)
    out = CliRunner().invoke(main, ["show", "ru-48990", "--archive", str(filled)]).stdout
    total = len(REPLICA["ru-geodesy.docx"]["text"])
    assert re.search(rf"… \[{total - 36} more characters: csto show --json, or csto export\]", out), out


def test_show_json_has_the_whole_text(filled: Path) -> None:
    result = CliRunner().invoke(main, ["show", "ru-48990", "--archive", str(filled), "--json"])
    attachment = json.loads(result.stdout)["attachments"][0]
    assert attachment["text"] == REPLICA["ru-geodesy.docx"]["text"]
    assert (attachment["text_status"], attachment["text_reason"]) == ("ok", None)


def test_show_before_extraction_says_so(archive: Path) -> None:
    out = CliRunner().invoke(main, ["show", "ru-48990", "--archive", str(archive)]).stdout
    assert "  Заявление.docx  (text not extracted yet: csto attachment-text)" in out


def test_attachments_list_names_the_article_and_the_text(filled: Path) -> None:
    result = CliRunner().invoke(main, ["attachments", "--archive", str(filled)])
    lines = {line.split("\t")[2]: line.split("\t") for line in result.stdout.splitlines()}
    assert lines[RU_FILE][:2] == ["ru", "ru-48990"]
    assert lines[RU_FILE][6] == f"ok {len(REPLICA['ru-geodesy.docx']['text'])}"
    assert lines[LOCKED_FILE][1] == "en-22990" and lines[LOCKED_FILE][6] == "encrypted"


def test_attachments_list_names_every_article_that_links_a_file(archive: Path) -> None:
    other = article_item("again", element_id="9000", attachments=[AttachmentLink(CHARTER_FILE, "charter.pdf")])
    write_run(archive, [other])
    result = CliRunner().invoke(main, ["attachments", "--archive", str(archive)])
    line = next(line for line in result.stdout.splitlines() if CHARTER_FILE in line)
    assert line.split("\t")[1] == "en-4189,en-9000"


# --- the command and the crawl -------------------------------------------------------------------


def test_cli_attachment_text_fills_an_existing_archive(archive: Path) -> None:
    result = CliRunner().invoke(main, ["attachment-text", "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    assert unstamped(result.stderr) == "attachment-text: 4 file(s) read: encrypted 1, ok 3\n"
    again = CliRunner().invoke(main, ["attachment-text", "--archive", str(archive)])
    assert "every stored file has its text already" in again.stderr
    redo = CliRunner().invoke(main, ["attachment-text", "--archive", str(archive), "--again", "--workers", "1"])
    assert unstamped(redo.stderr) == "attachment-text: 4 file(s) read: encrypted 1, ok 3\n"


def test_cli_attachment_text_without_archive_is_one_line_and_exit_3(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["attachment-text", "--archive", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 3
    assert unstamped(result.output) == f"csto: error: no archive at {tmp_path / 'none.sqlite'}\n"


def archive_pipeline(path: Path) -> pipelines.ArchivePipeline:
    crawler = get_crawler(settings_dict={"CSTO_ARCHIVE_PATH": str(path)})
    pipeline = pipelines.ArchivePipeline(crawler)
    pipeline.archive = ArchiveWriter.open(path)
    pipeline.driver = RunDriver(pipeline.archive, RunMode.FULL, {})
    return pipeline


def test_the_crawl_fills_the_text_at_its_end(archive: Path) -> None:
    pipeline = archive_pipeline(archive)
    try:
        pipeline.extract_attachment_texts("finished")
    finally:
        pipeline.archive.close()  # type: ignore[union-attr]
    assert pipeline.crawler.stats.get_value("csto/attachments/text/ok") == 3
    assert count(archive, "attachment_texts") == 4


def test_an_extraction_problem_never_fails_the_crawl(
    archive: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Counter[str]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(runs, "fill_texts", broken)
    pipeline = archive_pipeline(archive)
    try:
        with caplog.at_level(logging.ERROR, logger="csto_crawler.pipelines"):
            pipeline.extract_attachment_texts("finished")
    finally:
        pipeline.archive.close()  # type: ignore[union-attr]
    assert pipeline.crawler.stats.get_value("csto/attachments/text_errors") == 1
    assert "Extracting attachments' text failed (run `csto attachment-text` later)" in caplog.text
    assert not pipeline.failed


def test_a_shut_down_crawl_leaves_the_text_for_later(archive: Path) -> None:
    pipeline = archive_pipeline(archive)
    try:
        pipeline.extract_attachment_texts("shutdown")
    finally:
        pipeline.archive.close()  # type: ignore[union-attr]
    assert count(archive, "attachment_texts") == 0


def test_article_links_follow_the_latest_content(archive: Path) -> None:
    # The charter's article drops its file: the file is still listed under the article it was fetched for.
    charter = article_item("charter", element_id="4189", title="CHARTER", body_text="Edited.", attachments=[])
    write_run(archive, [charter])
    result = CliRunner().invoke(main, ["attachments", "--archive", str(archive)])
    line = next(line for line in result.stdout.splitlines() if CHARTER_FILE in line)
    assert line.split("\t")[1] == "en-4189"
