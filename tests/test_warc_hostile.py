"""WARC files from elsewhere are untrusted: a bad record is skipped and counted and the rest imported,
garbage after the last record ends the file with a warning, and no payload is read past the crawl's
DOWNLOAD_MAXSIZE however small its compressed record (gzip bombs, kept small here: they prove the limit)."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from pathlib import Path

from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from csto_crawler.cli import main
from csto_crawler.warc.captures import Capture, Passed, WarcRecords

SITE = "http://127.0.0.1:9"  # the captures' site (never contacted)
BOMB_BYTES = 64 * 1024 * 1024  # what the bomb inflates to
LIMIT = 4 * 1024 * 1024  # the DOWNLOAD_MAXSIZE the tests read under
# warcio inflates a compressed block at a time (at most ~1,000 times its 16 KB); nothing holds a whole
# payload past the limit. Measured: 45 MB for a payload and 61 MB for a record that inflate to 64 MB
# or to 256 MB alike (the peak does not grow with the bomb).
PEAK_BOUND = 100 * 1024 * 1024


def record(
    writer: WARCWriter,
    path: str,
    body: bytes,
    status: str = "200 OK",
    date: str | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> None:
    http = StatusAndHeaders(status, headers or [("Content-Type", "text/html; charset=UTF-8")], protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": date} if date else None
    made = writer.create_warc_record(
        f"{SITE}{path}", "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
        warc_headers_dict=warc_headers,
    )  # fmt: skip
    writer.write_record(made)


def page(title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>Text.</p></body></html>".encode()


def warc_file(path: Path, *records: tuple[str, bytes, dict[str, object]], tail: bytes = b"") -> Path:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for target, body, options in records:
        record(writer, target, body, **options)  # type: ignore[arg-type]
    path.write_bytes(out.getvalue() + tail)
    return path


def read_all(path: Path, max_bytes: int = LIMIT) -> list[Capture | Passed]:
    return list(WarcRecords(path, max_bytes).read(lambda _url: "body"))


def read_traced(path: Path) -> tuple[list[Capture | Passed], int]:
    """Every record of the file, and the peak of Python's allocations while reading them."""
    tracemalloc.start()
    try:
        found = read_all(path)
        return found, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_record_with_a_bad_date_or_status_is_passed_over_and_the_rest_read(tmp_path: Path) -> None:
    path = warc_file(
        tmp_path / "bad.warc.gz",
        ("/news/a/", page("A"), {}),
        ("/news/b/", page("B"), {"date": "yesterday-ish"}),
        ("/news/c/", page("C"), {"status": "abc Weird"}),
        ("/news/d/", page("D"), {"status": "99999999999999999999 Huge"}),
        ("/news/e/", page("E"), {}),
    )
    found = read_all(path)
    assert [e.url.rsplit("/", 2)[-2] for e in found if isinstance(e, Capture)] == ["a", "e"]
    reasons = [e.reason for e in found if isinstance(e, Passed)]
    assert reasons == ["bad WARC-Date", "bad HTTP status", "bad HTTP status"]


def test_garbage_after_the_last_good_record_ends_the_file_with_a_warning(tmp_path: Path, caplog: object) -> None:
    path = warc_file(tmp_path / "tail.warc.gz", ("/news/a/", page("A"), {}), tail=b"garbage" * 10_000)
    found = read_all(path)
    assert isinstance(found[0], Capture) and found[0].body == page("A")
    assert isinstance(found[-1], Passed) and found[-1].reason == "unreadable rest of a file"
    assert "unreadable from here on" in caplog.text  # type: ignore[attr-defined]


def test_a_gzip_bombed_payload_is_passed_over_in_bounded_memory(tmp_path: Path) -> None:
    bomb = gzip.compress(b"\0" * BOMB_BYTES, compresslevel=9)
    assert len(bomb) < BOMB_BYTES // 500  # a few hundred KB that inflate to 64 MB
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    path = warc_file(
        tmp_path / "bomb.warc.gz",
        ("/news/bomb/", bomb, {"headers": headers}),
        ("/news/after/", page("After"), {}),
    )
    found, peak = read_traced(path)
    assert isinstance(found[0], Passed) and found[0].reason == "payload over DOWNLOAD_MAXSIZE"
    assert isinstance(found[1], Capture) and found[1].body == page("After")
    assert peak < PEAK_BOUND, peak


def test_a_record_that_inflates_past_the_limit_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    """The WARC record itself (its gzip member) inflating to 64 MB: skipped while being read, not held."""
    path = warc_file(
        tmp_path / "big.warc.gz",
        ("/news/big/", b"\0" * BOMB_BYTES, {}),
        ("/news/after/", page("After"), {}),
    )
    assert path.stat().st_size < BOMB_BYTES // 500
    found, peak = read_traced(path)
    assert [type(e).__name__ for e in found] == ["Passed", "Capture"]
    assert peak < PEAK_BOUND, peak


def test_an_import_counts_the_bad_records_and_archives_the_others(tmp_path: Path) -> None:
    path = warc_file(
        tmp_path / "mixed.warc.gz",
        ("/sitemap_iblock_1.xml", b"<urlset></urlset>", {"headers": [("Content-Type", "application/xml")]}),
        ("/news/x/", page("X"), {"date": "not a date"}),
        ("/news/y/", page("Y"), {"status": "OK OK"}),
        tail=b"garbage" * 10_000,
    )
    archive = tmp_path / "a.sqlite"
    result = CliRunner().invoke(
        main, ["warc", "import", str(path), "--archive", str(archive), "--site", f"en={SITE}", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "bad WARC-Date 1" in result.stderr
    assert "bad HTTP status 1" in result.stderr
    assert "unreadable rest of a file 1" in result.stderr
    assert "sitemap fetched 1" in result.stderr  # the good record before them was imported
