"""``csto extract``: one page, stdin, a whole WARC; bad input gets one line and exit 4."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from fixture_cases import FETCHED_AT, case_params
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from csto_crawler.cli import ExitCode, main

GENERIC = Path(__file__).resolve().parent / "fixtures" / "generic"
PAGE = GENERIC / "en-blog-byline-share-comments"
PAGE_URL = json.loads((PAGE / "response.json").read_text(encoding="utf-8"))["url"]
CSTO_CASE = next(p.values[0] for p in case_params("article") if p.values[0].name == "en-plain-news")


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["extract", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_extract_one_page_prints_the_export_fields() -> None:
    code, out, _ = run(str(PAGE / "response.html"), "--url", PAGE_URL)
    fields = json.loads(out)
    assert code == 0
    assert fields["title"] == "Border talks resume in Dushanbe after two-year pause"
    assert fields["author"] == "Jane Doe"
    assert fields["method"] == "generic"
    assert fields["url"] == PAGE_URL


def test_extract_a_replica_page_gives_the_gold_title_date_and_body() -> None:
    expected = CSTO_CASE.expected()
    code, out, _ = run("-", "--url", CSTO_CASE.url, stdin=CSTO_CASE.body())
    fields = json.loads(out)
    assert code == 0
    assert (fields["title"], fields["body_text"]) == (expected["title"], CSTO_CASE.expected_text())
    assert fields["published"] == expected["published"]


def warc_of(records: list[tuple[str, str, bytes]], garbage: bytes = b"") -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, content_type, body in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers,
            warc_headers_dict={"WARC-Date": FETCHED_AT.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )  # fmt: skip
        writer.write_record(record)
    return out.getvalue() + garbage


def test_extract_a_warc_prints_one_line_per_html_response(tmp_path: Path) -> None:
    pages = [(PAGE_URL, "text/html; charset=utf-8", (PAGE / "response.html").read_bytes())]
    pages.append(("https://example.org/logo.png", "image/png", b"\x89PNG\r\n"))
    pages.append((CSTO_CASE.url, "text/html; charset=UTF-8", CSTO_CASE.body()))
    path = tmp_path / "pages.warc.gz"
    path.write_bytes(warc_of(pages))
    code, out, err = run(str(path))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0, err
    assert [row["url"] for row in rows] == [PAGE_URL, CSTO_CASE.url]
    assert rows[1]["title"] == CSTO_CASE.expected()["title"]


def test_extract_reads_a_warc_without_loading_scrapy(tmp_path: Path) -> None:
    """The reading path decodes pages as Scrapy's HtmlResponse does without importing Scrapy
    (Twisted, TLS, the reactor: half of the start-up, docs/decisions/0012)."""
    path = tmp_path / "pages.warc.gz"
    path.write_bytes(warc_of([(PAGE_URL, "text/html; charset=utf-8", (PAGE / "response.html").read_bytes())]))
    probe = (
        "import sys\n"
        "from csto_crawler.cli import main\n"
        "try:\n"
        f"    main(['extract', {str(path)!r}, '--workers', '1'], prog_name='csto')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(name for name in ('scrapy', 'twisted') if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    first, loaded = done.stdout.strip().splitlines()
    assert json.loads(first)["title"] == "Border talks resume in Dushanbe after two-year pause"
    assert loaded == "[]"


def test_extract_a_broken_warc_prints_the_good_records_and_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.warc.gz"
    good = (PAGE_URL, "text/html", (PAGE / "response.html").read_bytes())
    path.write_bytes(warc_of([good], garbage=b"\x1f\x8b\x08garbage-not-a-record" * 4))
    code, out, err = run(str(path))
    assert code == ExitCode.FAILURES
    assert len(out.splitlines()) == 1
    assert len(err.strip().splitlines()) == 1 and "broken record" in err


def test_extract_empty_or_not_html_input_is_one_line_and_exit_4(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4\n%binary\x00\x01")
    for name, message in (("empty.html", "empty page"), ("doc.pdf", "not HTML")):
        code, out, err = run(str(tmp_path / name))
        assert (code, out) == (ExitCode.FAILURES, "")
        assert message in err and len(err.strip().splitlines()) == 1


def test_extract_a_missing_file_is_a_usage_error() -> None:
    code, _, err = run("/nonexistent/page.html")
    assert code == ExitCode.USAGE
    assert "cannot read" in err


def test_extract_an_error_page_in_a_warc_is_not_an_article(tmp_path: Path) -> None:
    """A 404 response holds no article, however article-like its page: no reader answers."""
    path = tmp_path / "gone.warc.gz"
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    body = (PAGE / "response.html").read_bytes()
    headers = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            PAGE_URL, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
        )
    )
    path.write_bytes(out.getvalue())
    code, stdout, _ = run(str(path))
    fields = json.loads(stdout)
    assert code == 0
    assert (fields["method"], fields["title"], fields["doubts"]) == ("none", None, ["unreadable"])
