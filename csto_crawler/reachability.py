"""Can any configured site be reached at all? Asked once before a crawl starts.

Without a network (no DNS, no route) a crawl would otherwise retry every request with backoff for
minutes, print a wall of retries and end in "N URLs failed". Each site's host is resolved and
connected to, both sites at once, each within a time limit; when none answers, the crawl is
refused with one line naming what failed for each host. One reachable site is enough to crawl.
"""

from __future__ import annotations

import os
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

# Proxies make a direct connection meaningless: Scrapy would go through them (HttpProxyMiddleware).
PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


@dataclass(frozen=True)
class Reach:
    """Whether one site answered a TCP connection, and if not, why."""

    base: str
    ok: bool
    problem: str = ""


def check_site(base: str, timeout: float) -> Reach:
    """Resolve the base URL's host and open (then close) a TCP connection to its port."""
    parts = urlsplit(base)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return Reach(base, False, f"{host} does not resolve ({exc.strerror})")
    problems = []
    for family, kind, proto, _, address in addresses:
        try:
            with socket.socket(family, kind, proto) as connection:
                connection.settimeout(timeout)
                connection.connect(address)
            return Reach(base, True)
        except OSError as exc:
            where = ":".join(str(part) for part in address[:2])
            problems.append(f"{where} {exc.strerror or type(exc).__name__}")
    return Reach(base, False, f"cannot connect to {host} ({'; '.join(problems[:2])})")


def unreachable(bases: list[str], timeout: float) -> list[Reach] | None:
    """None when at least one site answers (or a proxy is configured); else why each one failed.

    Hosts are checked in parallel; a check that hangs (a resolver that never answers) counts as
    failed after ``timeout`` seconds more.
    """
    if not bases or any(os.environ.get(name) for name in PROXY_VARIABLES):
        return None
    pool = ThreadPoolExecutor(max_workers=len(bases), thread_name_prefix="csto-reach")
    futures = [pool.submit(check_site, base, timeout) for base in bases]
    results = []
    for base, future in zip(bases, futures, strict=True):
        try:
            results.append(future.result(timeout=2 * timeout))
        except FuturesTimeout:
            results.append(Reach(base, False, f"no answer within {2 * timeout:.0f} s"))
    pool.shutdown(wait=False, cancel_futures=True)
    return None if any(result.ok for result in results) else results
