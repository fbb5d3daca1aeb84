"""The archive writer behind futures: in the crawl's process, or in a worker process of its own.

Compressing snapshots, fingerprinting content, stemming for the search index and running SQLite
cost as much CPU per page as Scrapy's own work; in a worker process they use another core while
the crawl thread fetches. Either way every call returns a Future, and calls run in order, so the
archive pipeline has one way to talk to the archive (a WorkerCall: ``done()``, ``result()``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..workers import WorkerCall, WorkerProcess
from .store import ArchiveWriter

# The writer's state inside its worker process (one writer per process).
_writer: ArchiveWriter | None = None


def _open(path: str) -> None:
    global _writer  # the worker process holds a single writer
    _writer = ArchiveWriter.open(Path(path))


def _call(method: str, *args: Any) -> Any:
    if _writer is None:
        raise RuntimeError("archive writer not open")
    return getattr(_writer, method)(*args)


class ArchiveClient:
    """Calls ArchiveWriter methods by name; ``call`` returns a Future with the result."""

    def __init__(self, path: Path, in_process: bool) -> None:
        self.worker: WorkerProcess | None = None
        self.writer: ArchiveWriter | None = None
        if in_process:
            self.writer = ArchiveWriter.open(path)
        else:
            self.worker = WorkerProcess("csto-writer")
            self.worker.submit(_open, str(path)).result()  # an ArchiveError surfaces here

    def call(self, method: str, *args: Any) -> WorkerCall:
        if self.worker is not None:
            return self.worker.submit(_call, method, *args)
        return WorkerCall.completed(getattr(self.writer, method), *args)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.submit(_call, "close")
            self.worker.close()
            self.worker = None
        elif self.writer is not None:
            self.writer.close()
            self.writer = None
