"""Hostile attachments: every reader stops at its limit, and the worker process at its time and memory.

Small bombs that prove the limits (tests/hostile_files.py builds them; the trial's sizes are measured
by benchmarks/hostile_attachments.py): lying zip sizes, element floods, workbook padding, RTF nesting,
a PDF repeating one content stream, a looping page tree; then the worker's timeout, memory limit,
crash and stop request, and the archive recording each status once (``--again`` reads them again).
"""

from __future__ import annotations

import io
import os
import signal
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from archive_items import article_item, fetch_record, rows, write_run
from click.testing import CliRunner
from hostile_files import (
    cells_xlsx,
    heavy_pdf,
    looping_pdf,
    lying_docx,
    nested_rtf,
    paragraphs_docx,
    shared_strings_xlsx,
    sparse_xlsx,
)
from log_lines import unstamped
from time_limit import fail_after

from csto_crawler.archive.attachment_texts import fill_texts
from csto_crawler.archive.database import open_database
from csto_crawler.attachment_text import Readers, ReadingLimits, TextStatus, extract_text, read_attachment_text
from csto_crawler.attachment_text.packages import safe_package
from csto_crawler.attachment_text.pdf import read_pdf
from csto_crawler.attachment_text.rtf import nesting_depth
from csto_crawler.cli import main
from csto_crawler.items import AttachmentItem, AttachmentLink

SMALL = ReadingLimits(max_xml_elements=20_000, max_unpacked_bytes=4 * 1024 * 1024, max_cells=5_000)


# --- readers stop at their limits -----------------------------------------------------------------


def test_a_zip_member_that_lies_about_its_size_is_never_inflated_past_it() -> None:
    data = lying_docx(64 * 1024 * 1024)  # headers say 1 KB; 64 MB of text inflate from 130 KB
    assert len(data) < 200_000
    result = read_attachment_text(data, "lying.docx", ReadingLimits(memory_mb=96))
    assert (result.status, result.format) == (TextStatus.CORRUPT, "docx")  # not too_large: nothing blew up
    assert "Bad CRC-32" in (result.reason or "")


def test_unpacked_bytes_are_counted_as_they_stream_not_read_from_headers() -> None:
    truthful = paragraphs_docx(1_000_000)  # 6 MB of XML, 6 KB of zip, headers honest
    result = extract_text(truthful, limits=ReadingLimits(max_unpacked_bytes=1024 * 1024, max_xml_elements=10**9))
    assert result.status is TextStatus.TOO_LARGE
    assert result.reason == "unpacks to more than the 1048576 byte limit"


@pytest.mark.parametrize(
    "build", [lambda: paragraphs_docx(100_000), lambda: shared_strings_xlsx(50_000), lambda: cells_xlsx(50_000)]
)
def test_element_floods_are_refused_at_the_element_limit(build: Any) -> None:
    result = extract_text(build(), limits=SMALL)
    assert result.status is TextStatus.TOO_LARGE and result.reason == "more than the 20000 XML element limit"


def test_the_safe_package_keeps_xml_and_empties_everything_else() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", "<w:document xmlns:w='x'/>")
        package.writestr("word/media/image1.png", b"\x89PNG" + bytes(5000))
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with zipfile.ZipFile(io.BytesIO(safe_package(buffer.getvalue(), SMALL))) as safe:
        assert safe.read("word/document.xml") == b"<w:document xmlns:w='x'/>"
        assert safe.read("word/media/image1.png") == b""
        assert safe.read("mimetype") == b"application/vnd.oasis.opendocument.text"


def test_a_sheet_claiming_the_whole_grid_reads_its_two_cells() -> None:
    result = extract_text(sparse_xlsx())
    assert (result.status, result.format) == (TextStatus.OK, "xlsx")
    assert result.text == "first\n\nlast" or result.text.split() == ["first", "last"]


def test_workbook_cells_past_the_cell_limit_are_left_out_and_noted() -> None:
    result = extract_text(cells_xlsx(10_000), limits=ReadingLimits(max_cells=2_500))
    assert result.status is TextStatus.OK and result.reason == "first 2500 cells read"
    assert result.text.count("1") == 2_500


def test_rtf_nesting_is_measured_before_striprtf_builds_its_stack() -> None:
    assert nesting_depth(b"{\\rtf1 {a}{{b}} \\{ \\\\{c}}") == 3
    result = extract_text(nested_rtf(200_000))
    assert result.status is TextStatus.TOO_LARGE
    assert result.reason == "RTF groups nested 200001 deep, over the 1000 limit"
    assert extract_text(nested_rtf(20)).text == "deep"


def test_pages_sharing_one_content_stream_are_read_once() -> None:
    started = time.monotonic()
    result = extract_text(heavy_pdf(300, 20_000))
    assert result.status is TextStatus.OK and result.text.count("\n\n") == 299
    single = time.monotonic()
    extract_text(heavy_pdf(1, 20_000))
    # 300 pages cost little more than one (generous: the machine is shared)
    assert time.monotonic() - single < 5 + (single - started)


def test_a_pdf_stops_turning_pages_at_half_its_time() -> None:
    ticks = iter(range(1000))
    paragraphs, notes = read_pdf(heavy_pdf(10, 2_000), ReadingLimits(seconds=6), clock=lambda: float(next(ticks)))
    assert len(paragraphs) == 3 and notes == ["first 3 of 10 pages read in 3s"]  # at t=1, 2, 3; not at 4


def test_a_looping_page_tree_is_a_status_not_a_hang() -> None:
    with fail_after(30):
        result = read_attachment_text(looping_pdf(), "loop.pdf")
    assert result.status in (TextStatus.CORRUPT, TextStatus.TOO_LARGE)


# --- the worker ------------------------------------------------------------------------------------


def sleep_forever(data: bytes, filename: str, limits: ReadingLimits) -> Any:
    time.sleep(3600)


def allocate(data: bytes, filename: str, limits: ReadingLimits) -> Any:
    return bytearray(int(data))  # past the memory limit: MemoryError


def die(data: bytes, filename: str, limits: ReadingLimits) -> Any:
    os.kill(os.getpid(), signal.SIGSEGV)


def test_a_reader_past_its_time_is_killed_and_recorded_as_timeout() -> None:
    started = time.monotonic()
    with fail_after(30):
        [(key, result)] = Readers[str](1, ReadingLimits(seconds=1), sleep_forever).read_all([("a", b"x", "a.pdf")])
    assert key == "a" and result.status is TextStatus.TIMEOUT
    assert result.reason == "reading took more than 1s"
    assert time.monotonic() - started < 10


def test_a_reader_past_its_memory_is_too_large_and_the_caller_unharmed() -> None:
    readers = Readers[str](1, ReadingLimits(memory_mb=64), allocate)
    with fail_after(30):
        [(_, result)] = readers.read_all([("a", str(2 * 1024**3).encode(), "a.docx")])
    assert result.status is TextStatus.TOO_LARGE and "memory" in (result.reason or "")


def test_a_reader_that_dies_is_crashed_and_never_retried_here() -> None:
    with fail_after(30):
        found = dict(Readers[str](2, ReadingLimits(), die).read_all([("a", b"x", "a"), ("b", b"y", "b")]))
    assert {key: r.status for key, r in found.items()} == {"a": TextStatus.CRASHED, "b": TextStatus.CRASHED}
    assert found["a"].reason == f"reader process died (signal {signal.SIGSEGV})"


def test_a_stop_request_ends_the_readers_at_once_with_no_outcome() -> None:
    stop_at = time.monotonic() + 0.5
    readers = Readers[int](2, ReadingLimits(seconds=60), sleep_forever, stop=lambda: time.monotonic() > stop_at)
    started = time.monotonic()
    with fail_after(30):
        assert list(readers.read_all([(n, b"x", "x") for n in range(5)])) == []
    assert time.monotonic() - started < 5 and readers.running == {}


# --- the archive -----------------------------------------------------------------------------------

FILES = {
    "lying.docx": lambda: lying_docx(8 * 1024 * 1024),
    "paragraphs.docx": lambda: paragraphs_docx(60_000),
    "nested.rtf": lambda: nested_rtf(50_000),
    "loop.pdf": looping_pdf,
}


@pytest.fixture
def hostile_archive(tmp_path: Path) -> Path:
    path = tmp_path / "csto.sqlite"
    urls = {name: f"https://en.odkb-csto.org/upload/iblock/bad/{name}" for name in FILES}
    article = article_item("bombs", attachments=[AttachmentLink(url, name) for name, url in urls.items()])
    items = [
        AttachmentItem(url, article.url, name, fetch_record(url, FILES[name](), kind="attachment", headers={}))
        for name, url in urls.items()
    ]
    write_run(path, [article], items)
    return path


def test_each_hostile_file_is_recorded_once_with_its_status(
    hostile_archive: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(hostile_archive)
    try:
        with fail_after(120):
            counts = fill_texts(db, workers=2, limits=ReadingLimits(max_xml_elements=50_000))
            assert fill_texts(db, workers=2) == Counter()  # recorded: not read again
    finally:
        db.close()
    assert counts == Counter({"corrupt": 2, "too_large": 2})
    sql = "SELECT a.filename, t.status FROM attachments a JOIN attachment_texts t USING (sha256)"
    statuses = {row["filename"]: row["status"] for row in rows(hostile_archive, sql)}
    assert statuses == {
        "lying.docx": "corrupt",
        "paragraphs.docx": "too_large",
        "nested.rtf": "too_large",
        "loop.pdf": "corrupt",
    }
    again = CliRunner().invoke(
        main, ["attachment-text", "--again", "--archive", str(hostile_archive), "--workers", "2"]
    )
    assert again.exit_code == 0, again.output
    assert (
        unstamped(again.stderr) == "attachment-text: 4 file(s) read: corrupt 2, ok 1, too_large 1\n"
    )  # the default limit reads it


def test_cli_limits_are_settings_checked_before_reading(hostile_archive: Path) -> None:
    result = CliRunner().invoke(
        main, ["attachment-text", "--archive", str(hostile_archive), "-s", "CSTO_ATTACHMENT_SECONDS=soon"]
    )
    assert result.exit_code == 2 and unstamped(result.stderr).startswith("csto: error: -s CSTO_ATTACHMENT_SECONDS=soon")
    timed = CliRunner().invoke(
        main, ["attachment-text", "--archive", str(hostile_archive), "-s", "CSTO_ATTACHMENT_MAX_XML_ELEMENTS=100"]
    )
    assert unstamped(timed.stderr) == "attachment-text: 4 file(s) read: corrupt 2, too_large 2\n"


def test_a_stop_request_leaves_every_unread_file_for_the_next_run(hostile_archive: Path) -> None:
    asked: list[int] = []

    def stop_after_a_look() -> bool:
        asked.append(1)
        return len(asked) > 3  # a SIGTERM while the first files are being read

    db = open_database(hostile_archive)
    try:
        with fail_after(60):
            fill_texts(db, workers=1, limits=ReadingLimits(max_xml_elements=50_000), stop=stop_after_a_look)
        left = len(rows(hostile_archive, "SELECT sha256 FROM attachments")) - len(
            rows(hostile_archive, "SELECT sha256 FROM attachment_texts")
        )
        assert left > 0  # not read, not recorded: the next run reads them
        assert fill_texts(db, workers=2, limits=ReadingLimits(max_xml_elements=50_000)).total() == left
    finally:
        db.close()
