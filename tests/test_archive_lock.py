"""RunLock: one crawl per archive; another process is refused with the holder's pid; a killed holder never blocks."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from csto_crawler.archive.lock import ArchiveLockedError, RunLock

PROCESS_TIMEOUT = 20  # seconds; starting Python and taking a lock takes well under one
# Takes the lock, says so, then holds it until stdin closes or the process is killed.
HOLD_LOCK = """
import sys
from pathlib import Path
from csto_crawler.archive.lock import RunLock
RunLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
sys.stdin.read()
"""
# Tries once, prints what happened, exits (releasing the lock if it got it).
TRY_LOCK = """
import sys
from pathlib import Path
from csto_crawler.archive.lock import ArchiveLockedError, RunLock
try:
    RunLock(Path(sys.argv[1])).acquire()
except ArchiveLockedError as exc:
    print("refused:", exc)
else:
    print("locked")
"""


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return tmp_path / "csto.sqlite"


@pytest.fixture
def holder(archive: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the archive's run lock."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(archive)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "locked"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=PROCESS_TIMEOUT)


def try_lock_elsewhere(archive: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", TRY_LOCK, str(archive)],
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=True,
    )
    return result.stdout.strip()


def test_run_lock_records_the_holder_and_releases(archive: Path) -> None:
    lock_file = archive.with_name("csto.sqlite.lock")
    with RunLock(archive):
        info = json.loads(lock_file.read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid()
        assert try_lock_elsewhere(archive).startswith("refused:")
    assert lock_file.exists() and lock_file.read_text(encoding="utf-8") == ""  # never deleted, emptied
    assert try_lock_elsewhere(archive) == "locked"
    assert not archive.exists()  # the lock never creates the archive itself


def test_run_lock_held_by_another_process_is_refused_with_its_pid(archive: Path, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(ArchiveLockedError, match=f"another crawl is writing {archive} \\(pid {holder.pid} on "):
        RunLock(archive).acquire()


def test_run_lock_left_by_a_killed_process_is_taken_over(
    archive: Path, holder: subprocess.Popen[str], caplog: pytest.LogCaptureFixture
) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=PROCESS_TIMEOUT)
    lock = RunLock(archive)
    with caplog.at_level(logging.WARNING, logger="csto_crawler.archive.lock"):
        lock.acquire()
    try:
        assert f"Taking over the run lock left by a run that is gone (pid {holder.pid} on " in caplog.text
        assert json.loads(archive.with_name("csto.sqlite.lock").read_text(encoding="utf-8"))["pid"] == os.getpid()
    finally:
        lock.release()


def test_run_lock_is_reentrant_within_a_process(archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(archive.parent)
    outer, inner = RunLock(archive), RunLock(Path(archive.name))  # the same file, named two ways
    outer.acquire()
    inner.acquire()
    inner.release()
    assert try_lock_elsewhere(archive).startswith("refused:")  # the outer holder still has it
    outer.release()
    assert try_lock_elsewhere(archive) == "locked"


def test_run_lock_release_without_acquire_is_harmless(archive: Path) -> None:
    RunLock(archive).release()
    with RunLock(archive):
        RunLock(archive).release()  # another, never-acquired instance must not drop the lock
        assert try_lock_elsewhere(archive).startswith("refused:")


def test_the_same_archive_through_a_symlink_takes_the_same_lock(
    archive: Path, holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    archive.touch()
    other_folder = tmp_path / "elsewhere"
    other_folder.mkdir()
    link = other_folder / "link.sqlite"
    link.symlink_to(archive)
    with pytest.raises(ArchiveLockedError):
        RunLock(link).acquire()
    with pytest.raises(ArchiveLockedError):
        RunLock(tmp_path / "elsewhere" / ".." / archive.name).acquire()
