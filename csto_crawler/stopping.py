"""A stop asked for by a signal (SIGTERM, SIGINT): waits outside the reactor's reach look at it, and
the run's exit code says which signal it was.

Scrapy's own handler stops a crawl gracefully, but only when the reactor gets control, and it
waits for every request already handed to the downloader. ``crawl.StoppableCrawlerProcess`` calls
``request()`` from its signal handler first. Work that blocks the reactor (reading attachments at
the end of a run) and waits that Scrapy cannot cut (a retry's backoff) ask ``requested()``;
``stoppable.StoppableDownloadHandler`` registers an ``on_request`` callback that ends downloads.
Commands that are not crawls run inside ``interrupting()``: either signal raises KeyboardInterrupt
where the command is, so a batch run (reextract, warc import) closes its row as a crawl does.
A run a signal stopped exits 128 + the signal's number (``outcomes.ExitCode.of_signal``).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

_REQUESTED = threading.Event()
_CALLBACKS: list[Callable[[], None]] = []
_SIGNALS: list[int] = []  # the signal that asked for the stop (one at most)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def requested() -> bool:
    """Whether a stop signal has come since ``reset``."""
    return _REQUESTED.is_set()


def stop_signal() -> int | None:
    """The signal that asked for the stop since ``reset`` (None: none did)."""
    return _SIGNALS[0] if _SIGNALS else None


def request(signum: int = signal.SIGINT) -> None:
    """Ask for a stop: the flag is set, the signal noted, the callbacks are run (once)."""
    if _REQUESTED.is_set():
        return
    _SIGNALS[:] = [signum]
    _REQUESTED.set()
    for callback in list(_CALLBACKS):
        callback()


def on_request(callback: Callable[[], None]) -> None:
    """Run ``callback`` when a stop is asked for (from the signal handler: schedule, do not work)."""
    _CALLBACKS.append(callback)


def reset() -> None:
    """A new run: no stop asked for, no callbacks."""
    _REQUESTED.clear()
    _CALLBACKS.clear()
    _SIGNALS.clear()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    request(signum)
    raise KeyboardInterrupt


@contextmanager
def interrupting() -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt in the block, the signal noted; the block is a run of its
    own (``reset`` before and after it: what it noted never outlives it), and the handlers before it are
    put back after. Signals can be handled in the main thread only."""
    reset()
    main = threading.current_thread() is threading.main_thread()
    before = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS} if main else {}
    for signum in before:
        signal.signal(signum, _interrupt)
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
        reset()
