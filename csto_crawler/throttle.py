"""How often a progress line may be shown: a throttle every long command shares (no Scrapy needed)."""

from __future__ import annotations

import time
from collections.abc import Callable


class Throttle:
    """True at most once every ``seconds``: how often a progress line may be shown."""

    def __init__(self, seconds: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self.started = self.last = clock()

    def due(self) -> bool:
        if self.clock() - self.last < self.seconds:
            return False
        self.last = self.clock()
        return True

    def elapsed(self) -> float:
        return self.clock() - self.started
