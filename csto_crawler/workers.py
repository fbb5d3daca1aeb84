"""A worker process for CPU-heavy calls, driven from the crawl's event loop without helper threads.

Scrapy's thread is the crawl's bottleneck at full speed; parsing pages and writing the archive
each cost about as much CPU as Scrapy's own work per page. A worker runs such calls on another
core. The pipe to it is read and written by the crawl's own asyncio loop (non-blocking, no
threads): helper threads that wake per message make the busy crawl thread hand over the GIL
thousands of times, which measured slower than doing the work inline.

Calls run in submission order and return a ``WorkerCall``: ``await`` it from a coroutine, or call
``result()`` to block until it is done (the pipe is then read directly). When the worker dies,
pending and later calls fail with WorkerDiedError; when the crawler dies (even by SIGKILL) the
worker reads end-of-file and exits after its current call, so an archive transaction is never cut
short.
"""

from __future__ import annotations

import asyncio
import collections
import fcntl
import gc
import itertools
import logging
import multiprocessing
import os
import pickle
import selectors
import struct
from collections.abc import Callable, Generator
from multiprocessing.connection import Connection
from typing import Any

from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

# multiprocessing.Connection's framing: a 4-byte big-endian signed length, then the pickle.
HEADER = struct.Struct("!i")
# What each pipe to and from a worker holds. Linux's default, 64 KB, is about one page: the worker
# then waited for the busy crawl thread to write the rest of each page, and a tenth of both cores
# idled in a full-speed crawl. 1 MB (the limit for unprivileged processes) queues about twenty pages.
PIPE_BYTES = 1 << 20
# Answers are read into one reusable buffer: os.read(fd, n) allocates n bytes per call, and at
# 1 MB that allocation cost more than the read itself.
READ_BUFFER_BYTES = 1 << 18
# Buffers per writev call (the system limit is 1024).
WRITEV_MAX = 64
# Modules the fork server imports once, before it forks any worker (see WorkerProcess).
FORKSERVER_PRELOAD = ("csto_crawler.archive.writer_process", "csto_crawler.extraction")
# Allocations between collections of the youngest generation in a worker (Python's default: 700).
WORKER_GC_THRESHOLD = 10_000
# Worker processes only help when there is another core to run them.
MIN_CPUS_FOR_WORKERS = 2


class WorkerDiedError(RuntimeError):
    """The worker process ended while calls were pending."""


def _read_exactly(fd: int, size: int) -> bytearray:
    """``size`` bytes from a blocking descriptor, read straight into one buffer."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = os.readv(fd, [view[got:]])
        if count == 0:
            raise EOFError("the crawler closed its end")
        got += count
    return buffer


def _receive(connection: Connection) -> Any:
    """One message (Connection's framing), read into a buffer of its size.

    Connection.recv asks os.read for all the bytes still missing on every call, so a 5 MB batch
    arriving 64 KB at a time allocated 5 MB about eighty times: a quarter of the writer's CPU.
    """
    fd = connection.fileno()
    (size,) = HEADER.unpack(_read_exactly(fd, HEADER.size))
    return pickle.loads(_read_exactly(fd, size))  # noqa: S301  the crawler's own calls


def _serve(calls: Connection, answers: Connection) -> None:
    """The worker's loop: run each call it receives, send back (ok, value)."""
    # What the worker inherits from the fork server (the preloaded modules) never becomes garbage,
    # and pages form no reference cycles: keep the collector off the former and run it less often
    # (it took ~5 % of the extraction worker's time, as GarbageCollectorTuning does for the crawl).
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])
    while True:
        try:
            message = _receive(calls)
        except (EOFError, OSError):
            return  # the crawler is gone
        if message is None:
            return  # asked to stop
        function, args = message
        try:
            outcome = (True, function(*args))
        except Exception as exc:  # noqa: BLE001  every failure goes back to its caller
            outcome = (False, exc)
        try:
            # Plain pickle, framed as Connection.send frames it: Connection.send builds a
            # ForkingPickler per message, copying the copyreg table each time (a tenth of a page's
            # cost here), for reducers (sockets, connections) no answer of ours needs.
            answer = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001  the answer cannot be pickled: the caller gets why
            name = getattr(function, "__name__", repr(function))
            answer = pickle.dumps((False, RuntimeError(f"{name}: answer could not be sent back: {exc!r}")))
        try:
            answers.send_bytes(answer)
        except (BrokenPipeError, OSError):
            return


def _grow_pipe(fd: int) -> None:
    """Let the pipe hold PIPE_BYTES (Linux; elsewhere, or above the system's limit, it stays as is)."""
    if not hasattr(fcntl, "F_SETPIPE_SZ"):
        return
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except OSError as exc:  # EPERM above /proc/sys/fs/pipe-max-size: the default size still works
        logger.debug("Pipe to a worker keeps its default size: %s", exc)


class WorkerCall:
    """The pending result of one call (``WorkerCall.completed`` runs a call inline instead)."""

    def __init__(self, worker: WorkerProcess | None) -> None:
        self._worker = worker
        self._outcome: tuple[bool, Any] | None = None
        self._future: asyncio.Future[Any] | None = None

    def done(self) -> bool:
        return self._outcome is not None

    def _settle(self, ok: bool, value: Any) -> None:
        self._outcome = (ok, value)
        if self._future is not None and not self._future.done():
            if ok:
                self._future.set_result(value)
            else:
                self._future.set_exception(value)

    @classmethod
    def completed(cls, function: Callable[..., Any], *args: Any) -> WorkerCall:
        """Run the call here and now; the same interface as a call sent to a worker."""
        call = cls(None)
        try:
            call._settle(True, function(*args))
        except Exception as exc:  # noqa: BLE001  delivered through result(), as from a worker
            call._settle(False, exc)
        return call

    def result(self) -> Any:
        """Block until the worker answered (reading the pipe directly); raise what the call raised."""
        while self._outcome is None and self._worker is not None:
            self._worker.pump()
        if self._outcome is None:
            raise RuntimeError("call never sent")
        ok, value = self._outcome
        if not ok:
            raise value
        return value

    def __await__(self) -> Generator[Any, None, Any]:
        if self._outcome is None:
            self._future = asyncio.get_running_loop().create_future()
            return (yield from self._future.__await__())
        return self.result()


class WorkerProcess:
    """One worker process fed through a pipe that the running asyncio loop services."""

    def __init__(self, name: str, preload: tuple[str, ...] = ()) -> None:
        # A fork server starts workers from a clean process: forking the crawler (threads, an
        # event loop) is unsafe.
        context = multiprocessing.get_context("forkserver")
        # The fork server starts with the first worker and only then imports its preload list:
        # it loads what every kind of worker runs, so no worker imports its modules itself (the
        # archive writer's dataset, SQLAlchemy and Alembic cost ~0.4 s of CPU per crawl).
        context.set_forkserver_preload(sorted({*FORKSERVER_PRELOAD, *preload}))
        # One pipe each way: a pipe's size can be raised (a socket pair's is capped by net.core.wmem_max).
        calls_in, self._calls = context.Pipe(duplex=False)
        self._answers, answers_out = context.Pipe(duplex=False)
        self._process = context.Process(target=_serve, args=(calls_in, answers_out), name=name, daemon=True)
        self._process.start()
        calls_in.close()
        answers_out.close()
        self.name = name
        self._fd = self._answers.fileno()  # answers are read from here
        self._out_fd = self._calls.fileno()  # calls are written here
        os.set_blocking(self._fd, False)
        os.set_blocking(self._out_fd, False)
        _grow_pipe(self._out_fd)
        _grow_pipe(self._fd)
        self._outgoing: collections.deque[memoryview] = collections.deque()  # frames not yet fully sent
        self._incoming = bytearray()
        self._read_buffer = bytearray(READ_BUFFER_BYTES)
        self._read_view = memoryview(self._read_buffer)
        self._pending: list[WorkerCall] = []  # answers arrive in this order
        self._dead: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._writing = False

    # --- calls ----------------------------------------------------------------------------------

    def submit(self, function: Callable[..., Any], *args: Any) -> WorkerCall:
        call = WorkerCall(self)
        if self._dead is not None:
            call._settle(False, WorkerDiedError(f"{self.name} ended: {self._dead!r}"))
            return call
        self._queue_frame((function, args))
        self._pending.append(call)
        self._attach()
        self._write_some()
        return call

    def _queue_frame(self, message: Any) -> None:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self._outgoing.append(memoryview(HEADER.pack(len(payload))))
        self._outgoing.append(memoryview(payload))

    def _attach(self) -> None:
        """Let the running loop (Scrapy's asyncio reactor) read answers as they arrive."""
        if self._loop is not None:
            return
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop: callers use result(), which reads the pipe itself
        self._loop.add_reader(self._fd, self._read_some)

    # --- non-blocking I/O (from the loop) --------------------------------------------------------

    def _write_some(self) -> None:
        while self._outgoing:
            try:
                sent = os.writev(self._out_fd, list(itertools.islice(self._outgoing, WRITEV_MAX)))
            except BlockingIOError:
                break
            except OSError as exc:
                self._die(exc)
                return
            while sent:
                head = self._outgoing[0]
                if sent >= len(head):
                    sent -= len(head)
                    self._outgoing.popleft()
                else:
                    self._outgoing[0] = head[sent:]
                    sent = 0
        want = bool(self._outgoing) and self._loop is not None
        if want and not self._writing and self._loop is not None:
            self._loop.add_writer(self._out_fd, self._write_some)
            self._writing = True
        elif not want and self._writing and self._loop is not None:
            self._loop.remove_writer(self._out_fd)
            self._writing = False

    def _read_some(self) -> None:
        while True:
            try:
                size = os.readv(self._fd, [self._read_buffer])
            except BlockingIOError:
                break
            except OSError as exc:
                self._die(exc)
                return
            if not size:
                self._die(EOFError("worker closed its end"))
                return
            self._incoming += self._read_view[:size]
        self._dispatch()

    def _dispatch(self) -> None:
        while len(self._incoming) >= HEADER.size:
            (size,) = HEADER.unpack_from(self._incoming)
            if len(self._incoming) < HEADER.size + size:
                return
            payload = bytes(self._incoming[HEADER.size : HEADER.size + size])
            del self._incoming[: HEADER.size + size]
            call = self._pending.pop(0)  # this frame answers this call, even if it cannot be unpickled
            try:
                ok, value = pickle.loads(payload)  # noqa: S301  our own worker's answers
            except Exception as exc:  # noqa: BLE001  e.g. an exception whose __init__ takes other arguments
                ok, value = False, exc
            call._settle(ok, value)

    def pump(self) -> None:
        """Make progress without the loop: send what is queued, wait for and read some answers."""
        if self._dead is not None:
            self._fail_pending()
            return
        with selectors.DefaultSelector() as selector:
            selector.register(self._fd, selectors.EVENT_READ)
            if self._outgoing:
                selector.register(self._out_fd, selectors.EVENT_WRITE)
            for _, mask in selector.select(timeout=1.0):
                if mask & selectors.EVENT_WRITE:
                    self._write_some()
                if mask & selectors.EVENT_READ:
                    self._read_some()

    # --- end ------------------------------------------------------------------------------------

    def _die(self, exc: BaseException) -> None:
        if self._dead is None:
            self._dead = exc
            if self._loop is not None and not self._loop.is_closed():
                self._loop.remove_reader(self._fd)
                if self._writing:
                    self._loop.remove_writer(self._out_fd)
                    self._writing = False
        self._fail_pending()

    def _fail_pending(self) -> None:
        pending, self._pending = self._pending, []
        for call in pending:
            call._settle(False, WorkerDiedError(f"{self.name} ended: {self._dead!r}"))

    def close(self, timeout: float = 60.0) -> None:
        """Wait for the pending calls, tell the worker to stop, and reap it."""
        while self._pending and self._dead is None:
            self.pump()
        if self._dead is None:
            self._queue_frame(None)
            while self._outgoing and self._dead is None:
                self.pump()
        if self._loop is not None and not self._loop.is_closed() and self._dead is None:
            self._loop.remove_reader(self._fd)
            if self._writing:
                self._loop.remove_writer(self._out_fd)
        self._process.join(timeout)
        if self._process.is_alive():
            logger.warning("Worker %s did not stop in %.0fs; terminating it", self.name, timeout)
            self._process.terminate()
            self._process.join(5)
        self._calls.close()
        self._answers.close()

    @property
    def closed(self) -> bool:
        """Whether ``close`` ran (the pipes to the worker are closed)."""
        return self._calls.closed


def workers_enabled(settings: BaseSettings) -> bool:
    """Resolve ``CSTO_WORKER_PROCESSES``: "auto" means yes when the crawl runs at full speed.

    Polite crawls wait a second between requests and their thread idles; at full speed (a local
    replica, a benchmark) parsing and writing on the crawl thread would halve throughput.
    """
    value = str(settings.get("CSTO_WORKER_PROCESSES", "auto")).strip().lower()
    if value != "auto":
        return settings.getbool("CSTO_WORKER_PROCESSES")
    full_speed = settings.getfloat("DOWNLOAD_DELAY") == 0 and not settings.getbool("AUTOTHROTTLE_ENABLED")
    return full_speed and (os.cpu_count() or 1) >= MIN_CPUS_FOR_WORKERS
