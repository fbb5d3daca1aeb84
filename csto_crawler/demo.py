"""The bundled demo site: a recording of both CSTO sites, served on loopback by ``DemoSite``.

Why it exists: ``csto demo`` shows the whole crawler working with no network and no replica checkout,
and tests crawl it end to end through real sockets. The recording (``demo_site/``, regenerated only by
``scripts/build_demo_site.py``) holds every response one crawl needs; anything else answers 404.
``csto demo`` serves it with links to the real sites' URLs and crawls those URLs, which the replay
download handler (replay.py) fetches from the loopback server: what is archived, exported and cited
is ``https://en.odkb-csto.org/...``, as after a real crawl (``replay_settings``). Tests change what the
site serves with per-target overrides (an edited body, a deleted article), read the request log to
see what the crawler asked for, and add transport faults in a subclass (tests/faulty_site.py, through
``handler_class`` and ``record``).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from .demo_mirror import (  # noqa: F401  (re-exported: tests and scripts import them from here)
    DEMO_LANGS,
    DEMO_SITE_DIR,
    DemoArticle,
    DemoAttachment,
    DemoResponse,
    SiteMirror,
    base_rewriter,
    is_text,
    load_mirrors,
    normalize_target,
)
from .settings import CSTO_SITES

# Base URLs the recorded bodies link to (the replica's default ports); rewritten to the live ports.
DEMO_BASES = {"en": "http://127.0.0.1:8801", "ru": "http://127.0.0.1:8802"}
# What the recording is a recording of: ``csto demo`` archives these URLs (csto_crawler/settings.py).
REAL_BASES = dict(CSTO_SITES)
# Politeness protects the live sites; the demo server is our own, on loopback, so it is switched off.
DEMO_CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",  # no pause between requests
    "AUTOTHROTTLE_ENABLED": "False",  # nothing to adapt to on loopback
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",  # the demo server runs a thread per connection
    "CONCURRENT_REQUESTS": "16",  # both sites together
    "CSTO_WRITE_BATCH_SECONDS": "0.5",  # the whole crawl takes a few seconds
}


@dataclass(frozen=True)
class DemoRequest:
    """One request the demo server answered."""

    host: str  # language label: en | ru
    method: str
    path: str  # request target as sent: path and query
    status: int  # 0 when the connection was reset
    fault: str | None = None  # the fault a test made this request meet, if any (tests/faulty_site.py)
    at: float = 0.0  # time.monotonic() when the request arrived


class DemoSite:
    """Serves the recorded en and ru sites on two free loopback ports; a context manager.

    Links in the pages point at the running ports, or at ``links_to`` (``csto demo``: the real
    sites' base URLs, which the replay handler maps back here).

    Example::

        with DemoSite() as site:
            site.override("en", "/news/news_odkb/some-slug/", status=404)   # the article was deleted
            ...crawl site.base_urls...
            assert ("GET", "/robots.txt") in [(r.method, r.path) for r in site.requests("en")]
    """

    def __init__(
        self,
        directory: Path = DEMO_SITE_DIR,
        host: str = "127.0.0.1",
        ports: Mapping[str, int] | None = None,
        links_to: Mapping[str, str] | None = None,
    ) -> None:
        self.mirrors = load_mirrors(directory)
        self.host = host
        self.ports = dict(ports or {})  # lang -> port; 0 or absent: any free port
        self.links_to = dict(links_to or {})  # lang -> base URL the pages link to (default: base_urls)
        self.base_urls: dict[str, str] = {}
        self.handler_class: type[DemoHandler] = DemoHandler  # a test's subclass may add faults
        self._servers: dict[str, _SiteServer] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._overrides: dict[tuple[str, str], DemoResponse] = {}
        self._log: list[DemoRequest] = []
        self._lock = threading.Lock()
        self._rewrite: Callable[[bytes], bytes] = bytes

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> DemoSite:
        """Bind both sites and serve them in daemon threads; OSError when a requested port is busy."""
        try:
            for lang in DEMO_LANGS:
                self._servers[lang] = _SiteServer((self.host, self.ports.get(lang, 0)), lang, self)
        except OSError:
            self.stop()
            raise
        for lang, server in self._servers.items():
            self.base_urls[lang] = f"http://{self.host}:{server.server_address[1]}"
        links = {lang: self.links_to.get(lang, base) for lang, base in self.base_urls.items()}
        self._rewrite = base_rewriter({lang: m.base for lang, m in self.mirrors.items()}, links)
        for lang, server in self._servers.items():
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"demo-site-{lang}", daemon=True
            )
            thread.start()
            self._threads[lang] = thread
        return self

    def stop(self) -> None:
        for lang, server in self._servers.items():
            if lang in self._threads:  # shutdown() waits for serve_forever, so only on a serving socket
                server.shutdown()
                self._threads[lang].join()
            server.server_close()
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- what is served --------------------------------------------------------------------------

    def url(self, lang: str, target: str) -> str:
        """Absolute URL of a target (``/news/news_odkb/slug/``) on the running site."""
        return self.base_urls[lang] + target

    def articles(self, lang: str) -> tuple[DemoArticle, ...]:
        return self.mirrors[lang].articles

    def served(self, lang: str, target: str) -> DemoResponse:
        """What a GET of ``target`` answers now: an override, the recording (links rewritten), or 404."""
        key = normalize_target(target)
        with self._lock:
            override = self._overrides.get((lang, key))
        if override is not None:
            return override
        mirror = self.mirrors[lang]
        recorded = mirror.responses.get(key, mirror.not_found)
        if is_text(recorded.content_type):
            return replace(recorded, body=self._rewrite(recorded.body))
        return recorded

    def not_found(self, lang: str) -> DemoResponse:
        """The site's 404 page, links rewritten."""
        page = self.mirrors[lang].not_found
        return replace(page, body=self._rewrite(page.body))

    def override(
        self,
        lang: str,
        target: str,
        *,
        status: int | None = None,
        body: bytes | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Serve something else at ``target`` until cleared; bodies are served as given.

        Fields not given keep those of the current answer, except that an error status without a body
        serves the site's not-found page (``status=404`` deletes an article).
        """
        current = self.served(lang, target)
        if body is None and status is not None and status >= 400:
            current = self.not_found(lang)
        response = DemoResponse(
            status if status is not None else current.status,
            content_type if content_type is not None else current.content_type,
            body if body is not None else current.body,
            dict(headers) if headers is not None else dict(current.headers),
        )
        with self._lock:
            self._overrides[(lang, normalize_target(target))] = response

    def clear_override(self, lang: str, target: str) -> None:
        with self._lock:
            self._overrides.pop((lang, normalize_target(target)), None)

    def clear_overrides(self) -> None:
        """Clear every override."""
        with self._lock:
            self._overrides.clear()

    # --- request log -----------------------------------------------------------------------------

    def requests(self, host: str | None = None) -> list[DemoRequest]:
        """Requests answered so far (of one host label when given), oldest first."""
        with self._lock:
            return [r for r in self._log if host is None or r.host == host]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def record(self, request: DemoRequest) -> None:
        with self._lock:
            self._log.append(request)

    def answer(self, lang: str, method: str, target: str, if_none_match: str | None) -> DemoResponse:
        """The response to one request, logged; ETag revalidation answers 304."""
        arrived = time.monotonic()
        response = self.served(lang, target)
        etag = next((v for k, v in response.headers.items() if k.lower() == "etag"), None)
        if etag and if_none_match == etag and response.status == 200:
            response = DemoResponse(304, response.content_type, b"", {"ETag": etag})
        self.record(DemoRequest(lang, method, target, response.status, None, arrived))
        return response


def replay_settings(site: DemoSite) -> dict[str, str]:
    """Crawl settings that fetch the real sites' URLs from the running demo site (replay.py)."""
    handler = "csto_crawler.replay.ReplayDownloadHandler"
    return {
        "CSTO_REPLAY_ORIGINS": json.dumps({REAL_BASES[lang]: site.base_urls[lang] for lang in site.base_urls}),
        "DOWNLOAD_HANDLERS": json.dumps({"http": handler, "https": handler}),
    }


class _SiteServer(ThreadingHTTPServer):
    """One listening socket for one language of a DemoSite."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 overflows when a crawl opens 8+ connections at once; the
    # kernel then drops SYNs and the client retries a second later, which looks like a slow server.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], lang: str, site: DemoSite) -> None:
        self.lang, self.site = lang, site
        super().__init__(address, site.handler_class)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a cancelled download, a timeout) is normal; anything else is printed."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class DemoHandler(BaseHTTPRequestHandler):
    """Answers one connection of a demo site: the site's answer, sent as HTTP/1.1."""

    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy's HTTP/1.1 client expects
    server_version = "csto-demo"
    timeout = 30  # an idle keep-alive connection is dropped after 30 s
    server: _SiteServer

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    @property
    def site(self) -> DemoSite:
        return self.server.site

    def respond(self, send_body: bool) -> None:
        response = self.site.answer(self.server.lang, self.command, self.path, self.headers.get("If-None-Match"))
        self.send(response, response.body if send_body else b"")

    def send(self, response: DemoResponse, body: bytes) -> None:
        """Status, headers (Content-Length: the whole body's) and ``body`` (all of it, or less)."""
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up first (a slow answer past its timeout): nothing left to tell it.
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """The DemoSite request log replaces the default stderr lines."""
