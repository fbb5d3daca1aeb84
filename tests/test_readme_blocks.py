"""The README's offline blocks run as written, in order, on a fresh checkout: the offline trial,
then every command of "Using the archive" (which set CSTO_ARCHIVE to the demo's archive)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK_TIMEOUT = 300  # seconds; the demo crawl takes a few


def section_block(heading: str) -> str:
    """The first ```sh block under a README heading."""
    section = README.split(heading, 1)[1]
    found = re.search(r"```sh\n(.*?)```", section, re.S)
    assert found, heading
    return found.group(1)


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "csto").exists(), reason="needs the README's .venv (command 2)")
def test_offline_blocks_run_as_written_in_a_fresh_folder(tmp_path: Path) -> None:
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    script = "set -e\n" + section_block("### Offline trial") + section_block("## Using the archive")
    env = {key: value for key, value in os.environ.items() if key != "CSTO_ARCHIVE"}
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=BLOCK_TIMEOUT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert (tmp_path / "articles.jsonl").stat().st_size > 0
    assert (tmp_path / "v.parquet").stat().st_size > 0
    assert any((tmp_path / "files").rglob("*.docx")) or any((tmp_path / "files").rglob("*.pdf"))
    assert not (tmp_path / "archive" / "csto.sqlite").exists()  # everything used the demo's archive
