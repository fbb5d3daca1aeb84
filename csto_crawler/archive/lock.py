"""The run lock: one crawl per archive at a time, and a lock left by a killed run never blocks.

An exclusive ``flock`` on ``<archive>.lock``: the kernel releases it when the holding process dies,
even by ``kill -9``, so a stale lock cannot exist; the file's contents (pid, host, start time)
only tell the next run whose lock it was. The file is never deleted, because unlinking a lock file
lets two processes lock two different inodes.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import socket
from pathlib import Path
from typing import IO, Any, ClassVar

from .database import ArchiveError, ArchiveUnwritableError

logger = logging.getLogger(__name__)


class ArchiveLockedError(ArchiveError):
    """Another live process holds the archive's run lock."""


class RunLock:
    """Exclusive, non-blocking, process-lifetime lock next to an archive file.

    Re-entrant within one process (``csto crawl`` takes it before Scrapy starts, the archive
    pipeline takes it again so that ``scrapy crawl`` and Scrapyd runs are covered too).
    """

    # Lock file path -> (file handle, holders in this process).
    _held: ClassVar[dict[Path, list[Any]]] = {}

    def __init__(self, archive_path: Path) -> None:
        # Keyed on the real file: the same archive reached through a symlink or another spelling
        # of its path takes the same lock.
        real = archive_path.resolve()
        self.path = real.with_name(real.name + ".lock")
        self._fh: IO[str] | None = None
        self._mine = False

    def acquire(self) -> None:
        held = RunLock._held.get(self.path)
        if held is not None:
            held[1] += 1
            self._mine = True
            return
        self._lock_file()
        RunLock._held[self.path] = [self._fh, 1]
        self._mine = True

    def _lock_file(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise ArchiveUnwritableError(f"cannot create the run lock {self.path}: {exc.strerror}") from exc
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fh)
            fh.close()
            raise ArchiveLockedError(
                f"another crawl is writing {self.path.with_suffix('')} ({holder}); try again when it ends"
            ) from None
        previous = _read_holder(fh)
        if previous != "unknown holder":
            logger.warning("Taking over the run lock left by a run that is gone (%s)", previous)
        fh.seek(0)
        fh.truncate()
        fh.write(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                }
            )
        )
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if not self._mine:
            return
        self._mine = False
        held = RunLock._held[self.path]
        held[1] -= 1
        if held[1] > 0:
            return
        del RunLock._held[self.path]
        fh = held[0]
        fh.seek(0)
        fh.truncate()
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        fh.close()
        self._fh = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(fh: IO[str]) -> str:
    fh.seek(0)
    text = fh.read().strip()
    if not text:
        return "unknown holder"
    try:
        info = json.loads(text)
    except json.JSONDecodeError:
        return "unknown holder"
    return f"pid {info.get('pid')} on {info.get('host')} since {info.get('since')}"
