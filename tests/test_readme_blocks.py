"""The README's shell blocks run as written on a fresh checkout.

Every ```sh block is listed here with what this test does with it: the offline ones run, in order,
in a fresh folder that has only the README's ``.venv`` (the offline trial, "Using the archive",
"For researchers"); the Datasette block is started, asked a search and stopped; the others say why
they cannot run here (the live sites, a PostgreSQL server of yours, the replica beside the
repository). A block added to the README must be added here, so none is left untried.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK_TIMEOUT = 300  # seconds; the demo crawl takes a few, the release and report a few more
SERVER_START_S = 60
RUN, SERVER, AGENCY = "run", "server", "agency"
AGENCY_PORT = 8811  # where the README's Kazinform block finds its local copy of an agency
# A "## Heading" / "### Heading" line, or a ```sh block (its text).
BLOCK_OR_HEADING_RE = re.compile(r"^#{2,3} (?P<heading>[^\n]+)$|^```sh\n(?P<text>.*?)^```", re.M | re.S)


@dataclass(frozen=True)
class Block:
    heading: str  # the README heading it sits under
    number: int  # 1 for the first block under that heading
    text: str


# (heading, number) -> RUN, SERVER, or why the block cannot run in a test.
BLOCKS = {
    ("Set up and run", 1): "installs from the package index, then crawls the live sites",
    ("Set up and run", 2): "the gate itself (tests/test_docs.py checks that CI runs exactly it)",
    ("Offline trial", 1): RUN,
    ("Using the archive", 1): RUN,
    ("For researchers", 1): RUN,
    ("For researchers", 2): SERVER,
    ("For researchers", 3): "needs your PostgreSQL server (tests/test_postgres.py runs the command)",
    ("Any page: `csto extract`", 1): RUN,
    ("Crawling", 1): "crawls the live sites (tests/test_crawl_e2e.py crawls the demo site)",
    ("Adding a source", 1): AGENCY,
    ("Adding a source", 2): "adds example sources (tests/test_cli_sources.py runs the sources commands)",
    ("WARC in and out", 1): "its files are examples (tests/test_warc.py and test_demo.py run the commands)",
    ("WARC in and out", 2): "installs pywb from the package index and serves it",
    ("Testing against the local replica", 1): "needs ../shared/replica, which only the maintainers have",
}


def readme_blocks() -> list[Block]:
    blocks: list[Block] = []
    heading, counts = "", dict[str, int]()
    for match in BLOCK_OR_HEADING_RE.finditer(README):
        if match.group("heading"):
            heading = match.group("heading")
            continue
        counts[heading] = counts.get(heading, 0) + 1
        blocks.append(Block(heading, counts[heading], match.group("text")))
    return blocks


def test_every_readme_block_is_run_or_says_why_not() -> None:
    assert {(b.heading, b.number) for b in readme_blocks()} == set(BLOCKS)


def blocks(kind: str) -> list[Block]:
    return [b for b in readme_blocks() if BLOCKS[(b.heading, b.number)] == kind]


def search_box(base: str, typed: str) -> list[dict[str, object]]:
    query = urllib.parse.urlencode({"_search": typed, "_shape": "objects"})
    with urllib.request.urlopen(f"{base}/csto/articles.json?{query}", timeout=30) as response:  # noqa: S310 - loopback
        return list(json.loads(response.read())["rows"])


def serve(command: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """A server block's command started as written (on a free port, ``-p 0``), and its address."""
    log = cwd / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            ["bash", "-c", command + " -p 0"], cwd=cwd, env=env, stdout=out, stderr=out, text=True
        )
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline and server.poll() is None:
        found = re.search(r"running on (http://127\.0\.0\.1:\d+)", log.read_text())
        if found:
            return server, found.group(1)
        time.sleep(0.2)
    server.kill()
    raise AssertionError(f"the server did not start: {log.read_text()[-2000:]}")


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "csto").exists(), reason="needs the README's .venv (command 2)")
def test_offline_blocks_run_as_written_in_a_fresh_folder(tmp_path: Path) -> None:
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    script = "set -e\n" + "".join(b.text for b in blocks(RUN))
    env = {key: value for key, value in os.environ.items() if key != "CSTO_ARCHIVE"}
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=BLOCK_TIMEOUT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert (tmp_path / "articles.jsonl").stat().st_size > 0
    assert (tmp_path / "articles.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    pages = [json.loads(line) for line in (tmp_path / "pages.jsonl").read_text().splitlines()]
    read = [page for page in pages if page["title"] and page["body_text"]]
    assert len(read) >= 30  # the demo's articles; its listing pages are printed too, without an article
    assert (tmp_path / "v.parquet").stat().st_size > 0
    assert any((tmp_path / "files").rglob("*.docx")) or any((tmp_path / "files").rglob("*.pdf"))
    assert (tmp_path / "releases" / "2026-02-13" / "SHA256SUMS").is_file()
    assert "Plotly" in (tmp_path / "report.html").read_text(encoding="utf-8")[:100_000]
    assert not (tmp_path / "archive" / "csto.sqlite").exists()  # everything used the demo's archive
    [datasette] = blocks(SERVER)
    *setup, command = datasette.text.strip().splitlines()
    installed = subprocess.run(["bash", "-c", "\n".join(setup)], cwd=tmp_path, env=env, timeout=BLOCK_TIMEOUT)
    assert installed.returncode == 0
    server, base = serve(command, tmp_path, env)
    try:
        assert search_box(base, "безопасность")  # a whole word, in the box, as the README says
        assert search_box(base, '"') == []
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "csto").exists(), reason="needs the README's .venv (command 2)")
def test_the_kazinform_block_runs_as_written_against_a_local_agency(tmp_path: Path) -> None:
    """The block crawls an agency at 127.0.0.1:8811 (tests/agency_site.py, only Russian: its English
    tag page answers 404); on a machine where 8811 is taken, the site listens elsewhere and the block's
    port is replaced, nothing else."""
    from agency_site import AgencySite
    from source_sites import SiteServer

    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "archive").mkdir()  # as in a clone: archive/ is where archives live
    [block] = blocks(AGENCY)
    agency = AgencySite()
    try:
        server = SiteServer(agency.answer, port=AGENCY_PORT)
    except OSError:
        server = SiteServer(agency.answer)
    agency.base = server.url
    script = "set -e\n" + block.text.replace(f"http://127.0.0.1:{AGENCY_PORT}", server.url)
    env = {key: value for key, value in os.environ.items() if key != "CSTO_ARCHIVE"}
    with server:
        result = subprocess.run(
            ["bash", "-c", script],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=BLOCK_TIMEOUT,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    rows = [json.loads(line) for line in (tmp_path / "kazinform.jsonl").read_text().splitlines()]
    tagged = {f"{server.url}{story.path}" for story in agency.live("odkb")}
    assert {row["url"] for row in rows} == tagged and len(rows) == len(tagged)
    assert {row["source"] for row in rows} == {"kazinform"}
    assert [row["id"] for row in rows if not row["id"].startswith("kazinform-ru-")] == []
    assert [row["published"] for row in rows if "T" not in row["published"]] == []  # dates with their times
