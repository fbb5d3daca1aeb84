"""WorkerProcess and WorkerCall: answers in order, errors with their type, big payloads, a dead worker, close.

Calls sent to a worker are functions pickled by reference: mostly the stdlib's, importable in any
child; the worker imports this module only for ``raise_unrebuildable``. Without a running loop
nothing reads the pipe until ``result()`` (or ``close()``) does, so ``done()`` is deterministic before
that.
"""

from __future__ import annotations

import asyncio
import fcntl
import gc
import math
import operator
import os
import random
import signal
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings
from time_limit import fail_after

from csto_crawler.workers import (
    PIPE_BYTES,
    WORKER_GC_THRESHOLD,
    WorkerCall,
    WorkerDiedError,
    WorkerProcess,
    _read_exactly,
    workers_enabled,
)

# Seconds any one test may take; a call that is never answered fails the test instead of hanging pytest.
DEADLINE = 30
# Answer sizes mixing tiny frames with frames bigger than the pipe (1 MB, 64 KB where it cannot grow), so
# answers arrive split across reads and several in one read.
SIZES = [1, 700_000, 3, 2_500_000, 0, 64_000, 1_200_000, 5, 300_000, 2]
BIG = 6_000_000  # bytes; far more than a pipe holds


class UnrebuildableError(Exception):
    """Pickles, but cannot be rebuilt: unpickling calls ``__init__`` with the one message argument."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"{status} {reason}")


def raise_unrebuildable() -> None:
    """Sent by reference: the worker imports this module (the fork server gets the tests' sys.path)."""
    raise UnrebuildableError(503, "busy")


@pytest.fixture(autouse=True)
def time_limit() -> Iterator[None]:
    with fail_after(DEADLINE):
        yield


@pytest.fixture
def worker() -> Iterator[WorkerProcess]:
    process = WorkerProcess("csto-test-worker")
    yield process
    if not process.closed:  # not closed by the test (or it failed first): do not wait on its calls
        process._process.kill()
        process.close()


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)  # noqa: S311 - reproducible test data, not secrets


def pipe_size(worker: WorkerProcess) -> int:
    return fcntl.fcntl(worker._out_fd, fcntl.F_GETPIPE_SZ)


def submit_sized(worker: WorkerProcess) -> list[WorkerCall]:
    """One call per size; call i answers ``bytes([i]) * size`` (distinct fill byte and length)."""
    return [worker.submit(operator.mul, bytes([i]), size) for i, size in enumerate(SIZES)]


def expected_sized() -> list[bytes]:
    return [bytes([i]) * size for i, size in enumerate(SIZES)]


# --- answers in submission order ---------------------------------------------------------------


def test_worker_call_result_without_a_loop_answers_in_submission_order(worker: WorkerProcess) -> None:
    calls = submit_sized(worker)
    assert not any(call.done() for call in calls)  # no loop and no result() yet: nothing was read
    assert calls[-1].result() == expected_sized()[-1]
    assert all(call.done() for call in calls)  # the last answer arrives after all earlier ones
    assert [call.result() for call in calls] == expected_sized()


def test_worker_call_await_in_a_running_loop_answers_in_submission_order(worker: WorkerProcess) -> None:
    async def main() -> tuple[list[Any], list[Any]]:
        calls = submit_sized(worker)
        last = await calls[-1]  # the loop reads the answers: no result() call drives the pipe
        assert last == expected_sized()[-1]
        assert all(call.done() for call in calls)
        sized = [await call for call in calls]
        squares = await asyncio.gather(*(worker.submit(operator.pow, i, 2) for i in range(300)))
        return sized, squares

    sized, squares = asyncio.run(main())
    assert sized == expected_sized()
    assert squares == [i * i for i in range(300)]


def test_worker_call_result_inside_a_running_loop_reads_the_pipe_itself(worker: WorkerProcess) -> None:
    """The archive pipeline blocks on result() from Scrapy's loop (begin_run), then awaits nothing."""

    async def main() -> list[Any]:
        first = worker.submit(operator.add, 1, 2)  # attaches the loop's reader
        answers = [first.result()]  # ...but the loop is not running callbacks while we block here
        answers.append(await worker.submit(operator.add, 3, 4))
        answers.append(worker.submit(operator.add, 5, 6).result())
        return answers

    assert asyncio.run(main()) == [3, 7, 11]


# --- errors ------------------------------------------------------------------------------------


def test_worker_call_reraises_the_workers_exception_with_its_type(worker: WorkerProcess) -> None:
    calls = [
        worker.submit(math.sqrt, -1.0),
        worker.submit(operator.truediv, 1, 0),
        worker.submit(operator.getitem, {}, "missing"),
        worker.submit(math.sqrt, 16.0),
    ]
    with pytest.raises(ValueError, match="math domain error"):
        calls[0].result()
    with pytest.raises(ZeroDivisionError):
        calls[1].result()
    with pytest.raises(KeyError, match="missing"):
        calls[2].result()
    assert calls[3].result() == 4.0  # the worker survives its calls' exceptions
    with pytest.raises(ValueError, match="math domain error"):
        calls[0].result()  # asked again: the same error, not a stale or empty answer


def test_worker_call_await_reraises_the_workers_exception_with_its_type(worker: WorkerProcess) -> None:
    async def main() -> float:
        failing = worker.submit(math.sqrt, -1.0)
        fine = worker.submit(math.sqrt, 9.0)
        with pytest.raises(ValueError, match="math domain error"):
            await failing
        answer: float = await fine
        return answer

    assert asyncio.run(main()) == 3.0


def test_worker_call_completed_runs_inline_with_the_same_interface() -> None:
    call = WorkerCall.completed(operator.add, 2, 3)
    assert call.done()
    assert call.result() == 5
    failed = WorkerCall.completed(math.sqrt, -1.0)
    assert failed.done()
    with pytest.raises(ValueError, match="math domain error"):
        failed.result()

    async def main() -> Any:
        with pytest.raises(ValueError, match="math domain error"):
            await WorkerCall.completed(math.sqrt, -1.0)
        return await WorkerCall.completed(operator.mul, 6, 7)

    assert asyncio.run(main()) == 42


def test_worker_call_whose_answer_cannot_be_rebuilt_fails_alone(worker: WorkerProcess) -> None:
    """An answer that does not unpickle fails its own call; later answers still meet their calls."""
    calls = [worker.submit(raise_unrebuildable), worker.submit(operator.add, 1, 1), worker.submit(operator.add, 2, 2)]
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        calls[0].result()
    assert [calls[1].result(), calls[2].result()] == [2, 4]

    async def main() -> list[Any]:
        failing, fine = worker.submit(raise_unrebuildable), worker.submit(operator.add, 3, 3)
        with pytest.raises(TypeError, match="missing 1 required positional argument"):
            await failing  # read by the loop's reader this time
        return [await fine]

    assert asyncio.run(main()) == [6]


def test_worker_call_whose_answer_cannot_be_pickled_fails_alone_and_the_worker_lives(worker: WorkerProcess) -> None:
    """A lock cannot be pickled: the call says why, and the worker goes on serving calls."""
    calls = [worker.submit(threading.Lock), worker.submit(operator.add, 20, 22)]
    with pytest.raises(RuntimeError, match="answer could not be sent back"):
        calls[0].result()
    assert calls[1].result() == 42
    assert worker.submit(operator.mul, 6, 7).result() == 42


# --- payloads larger than the pipe -------------------------------------------------------------


def test_worker_process_round_trips_payloads_bigger_than_the_pipe(worker: WorkerProcess) -> None:
    first, second = random_bytes(BIG, seed=1), random_bytes(BIG + 12_345, seed=2)
    assert len(first) > 5 * pipe_size(worker)
    calls = [
        worker.submit(bytes, first),  # several MB each way
        worker.submit(zlib.crc32, second),  # several MB out, a small answer back
        worker.submit(zlib.decompress, zlib.compress(second)),  # small out, several MB back
        worker.submit(bytes, second),
    ]
    assert calls[0].result() == first
    assert calls[1].result() == zlib.crc32(second)
    assert calls[2].result() == second
    assert calls[3].result() == second


def test_worker_process_round_trips_big_payloads_through_the_loop(worker: WorkerProcess) -> None:
    payloads = [random_bytes(BIG, seed=3), b"small", random_bytes(BIG // 2, seed=4)]

    async def main() -> list[Any]:
        calls = [worker.submit(bytes, payload) for payload in payloads]  # queued beyond what the pipe takes
        return [await call for call in calls]

    assert asyncio.run(main()) == payloads


def test_worker_process_pipes_hold_many_pages_where_the_system_allows() -> None:
    """A busy crawl thread must not leave the worker waiting for the rest of a page (64 KB pipes did)."""
    limit = Path("/proc/sys/fs/pipe-max-size")
    if not hasattr(fcntl, "F_GETPIPE_SZ") or not limit.exists():
        pytest.skip("pipe sizes are a Linux setting")
    worker = WorkerProcess("csto-test-pipes")
    try:
        expected = min(PIPE_BYTES, int(limit.read_text()))
        assert fcntl.fcntl(worker._out_fd, fcntl.F_GETPIPE_SZ) >= expected
        assert fcntl.fcntl(worker._fd, fcntl.F_GETPIPE_SZ) >= expected
        assert worker.submit(operator.add, 1, 2).result() == 3
    finally:
        worker.close()


# --- a dead worker, close ----------------------------------------------------------------------


def test_worker_process_killed_fails_pending_and_later_calls(worker: WorkerProcess) -> None:
    pending = [worker.submit(time.sleep, 60), worker.submit(operator.add, 1, 2)]
    os.kill(worker._process.pid, signal.SIGKILL)  # type: ignore[arg-type]
    for call in pending:
        with pytest.raises(WorkerDiedError, match="csto-test-worker ended"):
            call.result()
    later = worker.submit(operator.add, 1, 2)
    assert later.done()  # failed at once, never sent
    with pytest.raises(WorkerDiedError):
        later.result()
    worker.close()  # returns: nothing left to wait for
    assert worker._process.exitcode == -signal.SIGKILL


def test_worker_process_killed_fails_awaited_calls(worker: WorkerProcess) -> None:
    async def main() -> None:
        pending = worker.submit(time.sleep, 60)
        os.kill(worker._process.pid, signal.SIGKILL)  # type: ignore[arg-type]
        with pytest.raises(WorkerDiedError):
            await pending  # the loop's reader sees the worker's end of the pipe close
        with pytest.raises(WorkerDiedError):
            await worker.submit(operator.add, 1, 2)

    asyncio.run(main())
    worker.close()
    assert worker._process.exitcode == -signal.SIGKILL


def test_worker_process_exits_by_itself_when_the_crawler_is_gone(worker: WorkerProcess) -> None:
    """A crawler killed by SIGKILL only leaves its end of the pipe closed: the worker must not linger."""
    worker.submit(time.sleep, 0.2)  # a small frame, sent whole: the worker is busy with it
    worker._calls.close()  # ...when the crawler vanishes; it finishes, fails to answer, and stops
    worker._process.join(DEADLINE)
    assert worker._process.exitcode == 0


def test_worker_process_close_waits_for_pending_calls_and_the_worker_exits(worker: WorkerProcess) -> None:
    payload = random_bytes(BIG, seed=5)
    calls = [worker.submit(bytes, payload), worker.submit(operator.mul, 6, 7)]
    assert not any(call.done() for call in calls)
    worker.close()
    assert all(call.done() for call in calls)
    assert calls[0].result() == payload
    assert calls[1].result() == 42
    assert not worker._process.is_alive()
    assert worker._process.exitcode == 0  # it stopped when asked, not terminated


def test_worker_process_close_inside_the_loop_waits_for_awaited_calls(worker: WorkerProcess) -> None:
    """The spider and the archive pipeline close their workers from spider_closed, inside the loop."""

    async def main() -> list[Any]:
        calls = [worker.submit(operator.pow, 2, n) for n in range(50)]
        worker.close()
        return [await call for call in calls]

    assert asyncio.run(main()) == [2**n for n in range(50)]
    assert worker._process.exitcode == 0


# --- workers_enabled ---------------------------------------------------------------------------

FULL_SPEED = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}
POLITE = {"DOWNLOAD_DELAY": 1.0, "AUTOTHROTTLE_ENABLED": True}


@pytest.mark.parametrize(
    ("settings", "cpus", "expected"),
    [
        pytest.param({**FULL_SPEED, "CSTO_WORKER_PROCESSES": "auto"}, 2, True, id="auto-full-speed-2-cpus"),
        pytest.param({**FULL_SPEED}, 8, True, id="unset-means-auto"),
        pytest.param({**FULL_SPEED, "CSTO_WORKER_PROCESSES": " AUTO "}, 2, True, id="auto-any-case"),
        pytest.param({**FULL_SPEED, "CSTO_WORKER_PROCESSES": "auto"}, 1, False, id="auto-1-cpu"),
        pytest.param({**FULL_SPEED, "CSTO_WORKER_PROCESSES": "auto"}, None, False, id="auto-cpus-unknown"),
        pytest.param({**FULL_SPEED, "DOWNLOAD_DELAY": 0.5, "CSTO_WORKER_PROCESSES": "auto"}, 8, False, id="delay"),
        pytest.param(
            {**FULL_SPEED, "AUTOTHROTTLE_ENABLED": True, "CSTO_WORKER_PROCESSES": "auto"}, 8, False, id="autothrottle"
        ),
        pytest.param({**POLITE, "CSTO_WORKER_PROCESSES": "true"}, 1, True, id="true-forces-on"),
        pytest.param({**POLITE, "CSTO_WORKER_PROCESSES": True}, 1, True, id="bool-true-forces-on"),
        pytest.param({**FULL_SPEED, "CSTO_WORKER_PROCESSES": "false"}, 8, False, id="false-forces-off"),
        pytest.param({**FULL_SPEED, "CSTO_WORKER_PROCESSES": False}, 8, False, id="bool-false-forces-off"),
    ],
)
def test_workers_enabled(
    monkeypatch: pytest.MonkeyPatch, settings: dict[str, Any], cpus: int | None, expected: bool
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert workers_enabled(Settings(settings)) is expected


def test_workers_enabled_is_off_with_the_project_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's polite defaults (a delay, AutoThrottle) keep the crawl in one process."""
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    settings = Settings()
    settings.setmodule("csto_crawler.settings")
    assert settings.get("CSTO_WORKER_PROCESSES") == "auto"
    assert workers_enabled(settings) is False
    settings.setdict(FULL_SPEED, priority="cmdline")
    assert workers_enabled(settings) is True


def test_read_exactly_gathers_a_message_written_in_small_pieces_and_names_a_cut_one() -> None:
    read_end, write_end = os.pipe()
    payload = bytes(range(256)) * 4096  # 1 MB, far more than one pipe buffer

    def write_in_pieces() -> None:
        for start in range(0, len(payload), 1000):
            os.write(write_end, payload[start : start + 1000])
        os.write(write_end, b"cut")
        os.close(write_end)

    writer = threading.Thread(target=write_in_pieces)
    writer.start()
    try:
        assert _read_exactly(read_end, len(payload)) == payload
        with pytest.raises(EOFError):
            _read_exactly(read_end, 10)  # only 3 bytes come before the end
    finally:
        writer.join()
        os.close(read_end)


def test_worker_process_collects_garbage_rarely_and_never_walks_what_it_inherited(worker: WorkerProcess) -> None:
    assert worker.submit(gc.get_threshold).result()[0] == WORKER_GC_THRESHOLD
    assert worker.submit(gc.get_freeze_count).result() > 0
