"""A stop asked for by a signal (SIGTERM, SIGINT): waits outside the reactor's reach look at it.

Scrapy's own handler stops a crawl gracefully, but only when the reactor gets control, and it
waits for every request already handed to the downloader. ``crawl.StoppableCrawlerProcess`` calls
``request()`` from its signal handler first. Work that blocks the reactor (reading attachments at
the end of a run) and waits that Scrapy cannot cut (a retry's backoff) ask ``requested()``;
``stoppable.StoppableDownloadHandler`` registers an ``on_request`` callback that ends downloads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_REQUESTED = threading.Event()
_CALLBACKS: list[Callable[[], None]] = []


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
