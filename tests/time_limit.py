"""A deadline for tests that wait on worker processes: a call that never answers fails the test, not the suite.

SIGALRM interrupts whatever the main thread is blocked in (``select`` in ``WorkerCall.result()``, the
event loop inside ``asyncio.run``) and raises there, so no watchdog thread is needed.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def fail_after(seconds: int) -> Iterator[None]:
    """Raise TimeoutError in the main thread if the block takes longer than ``seconds``."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still waiting after {seconds}s: a worker call hangs")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
