"""`kill -9` of an export at any moment leaves the previous output file intact or a complete new
one: the rows go to a hidden file beside it, renamed over it only when all are written."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive_items import article_item, write_run

ARTICLES = 3000


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "csto.sqlite"
    body = "\n\n".join(f"Paragraph {n} about collective security and cooperation." * 12 for n in range(8))
    items = [article_item(f"a-{n}", element_id=str(n), body_text=body) for n in range(ARTICLES)]
    write_run(path, *[items[i : i + 500] for i in range(0, ARTICLES, 500)])
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_an_export_killed_mid_way_leaves_the_previous_file_intact(big_archive: Path, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"articles.{fmt}"
    previous = b"the previous, complete export\n"
    output.write_bytes(previous)
    command = [sys.executable, "-m", "csto_crawler", "export", "--archive", str(big_archive), "--format", fmt]
    process = subprocess.Popen([*command, "-o", str(output)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    partial = tmp_path / f".articles.{fmt}.part"
    deadline = time.monotonic() + 60
    while not partial.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert output.read_bytes() == previous
    done = subprocess.run([*command, "-o", str(output)], capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert output.read_bytes() != previous
    assert not partial.exists()
    if fmt == "jsonl":
        assert len(output.read_text(encoding="utf-8").splitlines()) == ARTICLES
