"""One process pool for the CPU-bound batch work of a run: reading stored or captured pages (attachments' text
is read file by file in killable children of its own: attachment_text/worker.py).

``concurrent.futures``' process pool, started on first use. Processes are forked from a process that
runs a single thread (``csto reextract``, ``csto warc import``: fast to start) and spawned from one
that runs several (forking a threaded process can deadlock its children). With one worker
the work runs in this process, lazily, as ``map`` would.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class WorkPool:
    """Up to ``workers`` processes; a context manager that shuts them down (pending work cancelled)."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._executor: ProcessPoolExecutor | None = None

    @property
    def parallel(self) -> bool:
        return self.workers > 1

    def map(self, function: Callable[[T], R], items: Iterable[T], chunksize: int = 1) -> Iterator[R]:
        """``function`` over ``items``, results in order: submitted now, in the pool when it has workers."""
        if not self.parallel:
            return map(function, items)
        if self._executor is None:
            method = "fork" if threading.active_count() == 1 else "spawn"
            context = multiprocessing.get_context(method)
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._executor.map(function, items, chunksize=chunksize)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def __enter__(self) -> WorkPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
