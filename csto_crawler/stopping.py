"""A stop asked for by a signal (SIGTERM, SIGINT): waits outside the reactor's reach look at it.

Scrapy's own handler stops a crawl gracefully, but only when the reactor gets control, and it
waits for every request already handed to the downloader. Work that blocks the reactor (reading
attachments at the end of a run) asks ``requested()`` between steps; components that hold
requests (the download stopper, ``downloads.DownloadStopper``) register ``on_request`` callbacks.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

_REQUESTED = threading.Event()
_CALLBACKS: list[Callable[[], None]] = []
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def requested() -> bool:
    """Whether a stop signal has come since ``reset``."""
    return _REQUESTED.is_set()


def request() -> None:
    """Ask for a stop: the flag is set, the callbacks are run (once)."""
    if _REQUESTED.is_set():
        return
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


def chain_handlers() -> None:
    """Put ``request`` in front of the handlers installed now for SIGTERM and SIGINT (Scrapy's)."""
    for number in STOP_SIGNALS:
        previous = signal.getsignal(number)

        def handler(signum: int, frame: FrameType | None, previous: Any = previous) -> None:
            request()
            if callable(previous):
                previous(signum, frame)

        signal.signal(number, handler)
