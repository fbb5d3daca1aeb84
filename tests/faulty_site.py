"""A demo site that fails on purpose: 5xx, 429, connection reset, cut-short body, slow answer.

The package's DemoSite serves the recording; the faults the end-to-end tests inject live here, in
a subclass, through DemoSite's hooks (``handler_class`` answers each connection, ``record`` logs).
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from csto_crawler.demo import DemoHandler, DemoRequest, DemoResponse, DemoSite, normalize_target


class FaultKind(StrEnum):
    """Ways the site can fail one request (see ``FaultySite.fault``)."""

    ERROR_500 = "500"  # HTTP 500 with the site's error page
    ERROR_503 = "503"  # HTTP 503, as an overloaded Bitrix answers
    TOO_MANY = "429"  # HTTP 429 with ``Retry-After`` (``Fault.retry_after`` seconds)
    RESET = "reset"  # TCP RST instead of an answer (SO_LINGER 0, then close)
    TRUNCATE = "truncate"  # the full Content-Length announced, half the body sent, then close
    SLOW = "slow"  # the normal answer after ``Fault.delay`` seconds (past DOWNLOAD_TIMEOUT: a timeout)
    DEAD = "dead"  # HTTP 500 on every request, whatever ``times`` says


# The faults answered with an HTTP error status (the others break or delay the transport).
ERROR_STATUS = {FaultKind.ERROR_500: 500, FaultKind.DEAD: 500, FaultKind.ERROR_503: 503, FaultKind.TOO_MANY: 429}


@dataclass
class Fault:
    """A fault armed on one target: ``remaining`` requests still fail (DEAD never runs out)."""

    kind: FaultKind
    remaining: int
    delay: float = 0.0
    retry_after: int = 1


class FaultySite(DemoSite):
    """DemoSite plus ``fault``: the next requests of a target fail as asked, then it is served again.

    Example::

        with FaultySite() as site:
            site.fault("ru", "/news/news_odkb/", "503", times=2)            # overloaded twice, then fine
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handler_class = FaultyHandler
        self._faults: dict[tuple[str, str], Fault] = {}

    def fault(
        self,
        lang: str,
        target: str,
        kind: FaultKind | str,
        times: int = 1,
        *,
        delay: float = 1.0,
        retry_after: int = 1,
    ) -> None:
        """Make the next ``times`` requests of ``target`` fail as ``kind``, then serve it normally.

        ``delay`` is how long a SLOW answer waits; ``retry_after`` the seconds a 429 asks for.
        ``clear_fault`` (or ``clear_overrides``) disarms it; a DEAD target fails until then.
        """
        with self._lock:
            self._faults[(lang, normalize_target(target))] = Fault(FaultKind(kind), times, delay, retry_after)

    def clear_fault(self, lang: str, target: str) -> None:
        with self._lock:
            self._faults.pop((lang, normalize_target(target)), None)

    def clear_overrides(self) -> None:
        """Clear every override and every fault."""
        super().clear_overrides()
        with self._lock:
            self._faults.clear()

    def take_fault(self, lang: str, target: str) -> Fault | None:
        """The fault this request meets, counted down."""
        key = (lang, normalize_target(target))
        with self._lock:
            armed = self._faults.get(key)
            if armed is not None and armed.kind is not FaultKind.DEAD:
                armed.remaining -= 1
                if armed.remaining <= 0:
                    del self._faults[key]
        return armed

    def error_response(self, lang: str, armed: Fault) -> DemoResponse:
        headers = {"Retry-After": str(armed.retry_after)} if armed.kind is FaultKind.TOO_MANY else {}
        page = self.not_found(lang)
        return DemoResponse(ERROR_STATUS[armed.kind], page.content_type, page.body, headers)


class FaultyHandler(DemoHandler):
    """Answers as DemoHandler unless the target has a fault armed."""

    server: Any  # a demo _SiteServer whose site is a FaultySite

    def respond(self, send_body: bool) -> None:
        site: FaultySite = self.server.site
        lang, arrived = self.server.lang, time.monotonic()
        armed = site.take_fault(lang, self.path)
        if armed is None:
            super().respond(send_body)
            return
        if armed.kind is FaultKind.RESET:
            site.record(DemoRequest(lang, self.command, self.path, 0, armed.kind, arrived))
            self.reset()
            return
        response = site.error_response(lang, armed) if armed.kind in ERROR_STATUS else site.served(lang, self.path)
        site.record(DemoRequest(lang, self.command, self.path, response.status, armed.kind, arrived))
        body = response.body if send_body else b""
        if armed.kind is FaultKind.SLOW:
            time.sleep(armed.delay)
        if armed.kind is FaultKind.TRUNCATE:
            body, self.close_connection = body[: len(body) // 2], True
        self.send(response, body)

    def reset(self) -> None:
        """Abort the connection with a TCP RST: SO_LINGER on with a zero timeout, then close."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
