"""Each attachment read in its own child process, which a time limit and a memory limit can kill.

A reader's own caps (``limits``) stop the hostile files we know; the child process stops the ones
we do not: it cannot map more than ``memory_mb`` beyond what it starts with (``RLIMIT_AS``: an
allocation past it fails, the file is ``too_large``), it is killed at ``seconds`` (``timeout``),
and if it dies anyway (a crash in a C parser, the kernel's OOM killer) the file is ``crashed``.
Nothing of a dead child is retried in the caller's process. Children are forked from
multiprocessing's fork server, a clean process started once with the readers imported, so a
child costs milliseconds, never inherits a crawl's threads, and gives all its memory back.

``read_attachment_text`` reads one file; ``Readers`` keeps up to N children busy over many files
and stops at once when asked (a crawl's SIGTERM): the files it was reading get no outcome, so the
next run reads them again.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from .extract import extract_text, extractor_name
from .limits import DEFAULT_LIMITS, ReadingLimits
from .outcome import ExtractedText, TextStatus

logger = logging.getLogger(__name__)

K = TypeVar("K")
# What a child does with a file: module-level (the fork server finds it by name).
Work = Callable[[bytes, str, ReadingLimits], Any]
# The longest the caller sleeps between looks at its children, a stop request and the clock.
TICK = 0.2
# Extra CPU seconds past the time limit before the kernel ends a child the caller no longer
# watches (its caller killed with SIGKILL).
CPU_GRACE = 10

_CONTEXT = multiprocessing.get_context("forkserver")


@dataclass(frozen=True)
class _Format:
    """The child's first message: the file's format and its reader, for an outcome it may not send."""

    kind: str
    extractor: str


@dataclass
class _Child(Generic[K]):
    key: K
    process: Any
    connection: Connection
    deadline: float
    kind: str = "unknown"  # the format, as the child told it before reading
    extractor: str = "csto"


@dataclass
class Readers(Generic[K]):
    """Up to ``workers`` children at once, each reading one file under ``limits``.

    ``work`` is what a child does with a file (``extract_text`` by default; the archive adds its
    search stems): a module-level function of (data, filename, limits) whose result the caller
    gets back; when the child is killed or dies, the caller gets an ``ExtractedText`` instead.
    """

    workers: int = 1
    limits: ReadingLimits = DEFAULT_LIMITS
    work: Work = extract_text
    stop: Callable[[], bool] = lambda: False
    clock: Callable[[], float] = time.monotonic
    running: dict[Connection, _Child[K]] = field(default_factory=dict)

    def read_all(self, files: Iterable[tuple[K, bytes, str]]) -> Iterator[tuple[K, Any]]:
        """(key, result) for each (key, data, filename), in the order the files finish; nothing for
        the files still being read when ``stop()`` turns true."""
        waiting = iter(files)
        try:
            while True:
                while len(self.running) < self.workers and not self.stop():
                    nxt = next(waiting, None)
                    if nxt is None:
                        break
                    self._start(*nxt)
                if not self.running or self.stop():
                    return
                yield from self._collect()
        finally:
            self.kill_all()

    def _start(self, key: K, data: bytes, filename: str) -> None:
        ours, theirs = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_child, args=(theirs, self.work, filename, self.limits), daemon=True)
        process.start()
        theirs.close()
        child = _Child(key, process, ours, self.clock() + self.limits.seconds)
        self.running[ours] = child
        with contextlib.suppress(OSError):  # the child died before it read the file: _collect sees it
            ours.send_bytes(data)

    def _collect(self) -> Iterator[tuple[K, Any]]:
        ready = wait(list(self.running), timeout=TICK)
        for connection in ready:
            child = self.running[connection]  # type: ignore[index]
            result = self._receive(child)
            if result is not None:
                yield child.key, result
        now = self.clock()
        for child in [c for c in self.running.values() if c.deadline <= now]:
            self._end(child)
            reason = f"reading took more than {self.limits.seconds:g}s"
            yield child.key, ExtractedText(TextStatus.TIMEOUT, "", reason, child.kind, child.extractor)

    def _receive(self, child: _Child[K]) -> Any:
        """The child's next message: its format (None, read on), its result, or its death."""
        try:
            message = child.connection.recv()
        except (EOFError, OSError):
            child.process.join(timeout=1)
            death = self._death(child)
            self._end(child)
            return death
        if isinstance(message, _Format):
            child.kind, child.extractor = message.kind, message.extractor
            return None
        self._end(child)
        return message

    def _death(self, child: _Child[K]) -> ExtractedText:
        code = child.process.exitcode
        if code == -signal.SIGXCPU:
            return ExtractedText(TextStatus.TIMEOUT, "", "reader ran out of CPU time", child.kind, child.extractor)
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return ExtractedText(TextStatus.CRASHED, "", f"reader process died ({how})", child.kind, child.extractor)

    def _end(self, child: _Child[K]) -> None:
        self.running.pop(child.connection, None)
        child.connection.close()
        if child.process.is_alive():
            child.process.kill()
        child.process.join()
        child.process.close()

    def kill_all(self) -> None:
        for child in list(self.running.values()):
            self._end(child)


def read_attachment_text(data: bytes, filename: str = "", limits: ReadingLimits = DEFAULT_LIMITS) -> ExtractedText:
    """The text of one file, read in a child process under ``limits``; never raises for the file's sake."""
    for _, result in Readers[int](1, limits).read_all([(0, data, filename)]):
        return result  # type: ignore[no-any-return]
    raise RuntimeError("attachment reader gave no result")  # only a stop request gives none, and there is none


def _child(connection: Connection, work: Work, filename: str, limits: ReadingLimits) -> None:
    """In the child: limit memory and CPU, take the file, say its format, read it, send the result."""
    # The caller decides when a child ends (a signal to the crawl's process group must not kill a
    # child midway and make it look like a crash); the caller kills it, with SIGKILL, when it must.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _limit_resources(limits)
    data = connection.recv_bytes()
    from .formats import detect_format

    kind = detect_format(data, filename)
    connection.send(_Format(kind, extractor_name(kind)))
    try:
        result = work(data, filename, limits)
    except MemoryError:  # past RLIMIT_AS (extract_text catches its own; other work may not)
        del data
        reason = f"over the {limits.memory_mb} MB memory limit"
        result = ExtractedText(TextStatus.TOO_LARGE, "", reason, kind, extractor_name(kind))
    connection.send(result)
    connection.close()


def _limit_resources(limits: ReadingLimits) -> None:
    cpu = int(limits.seconds) + CPU_GRACE
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    memory = _address_space() + limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _address_space() -> int:
    """This process's mapped address space now (the fork server's modules, inherited)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:  # noqa: PTH123  a /proc file
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# Modules the fork server imports once, so that each child starts with them loaded.
_PRELOADED = [__name__, "docx", "pypdf", "openpyxl", "odfdo", "striprtf.striprtf", "xlrd"]


def preload(module: str) -> None:
    """Have the fork server import ``module`` too (the module of a ``work`` function), if it has not
    started yet; otherwise each child imports it."""
    if module not in _PRELOADED:
        _PRELOADED.append(module)
    _CONTEXT.set_forkserver_preload(_PRELOADED)


_CONTEXT.set_forkserver_preload(_PRELOADED)
