"""Small test sites of other outlets, served on 127.0.0.1, and crawls of them as subprocesses.

A ``SiteServer`` answers each request from its ``answer(path)`` (status, content type, body,
extra headers) and logs every request, so a test can count what a crawl asked for. The crawl is
``scrapy crawl news`` in a subprocess (Scrapy's reactor cannot restart in one process) with the
run's sources in ``CSTO_SOURCES``, politeness off.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CRAWL_TIMEOUT = 120
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "0", "CSTO_PREFLIGHT_TIMEOUT": "5", "LOG_LEVEL": "INFO"}


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] | None = None


def page(status: int, html: str, **headers: str) -> Answer:
    return Answer(status, html.encode("utf-8"), headers=headers or None)


class SiteServer:
    """A site on 127.0.0.1 on a free port (or ``port``); ``answer`` maps a path (with query) to an Answer."""

    def __init__(self, answer: Callable[[str], Answer], port: int = 0) -> None:
        self.answer = answer
        self.log: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.log.append(self.path)
                found = server.answer(self.path)
                self.send_response(found.status)
                self.send_header("Content-Type", found.content_type)
                self.send_header("Content-Length", str(len(found.body)))
                for name, value in (found.headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(found.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class SourceCrawl:
    returncode: int
    stderr: str
    requests: list[str]


def crawl_sources(server: SiteServer, archive: Path, sources: list[dict[str, Any]], *settings: str) -> SourceCrawl:
    """``scrapy crawl news`` over ``sources`` into ``archive``; the server's log is this crawl's."""
    server.log.clear()
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"CSTO_ARCHIVE_PATH={archive}"]
    command += ["-s", f"CSTO_SOURCES={json.dumps(sources)}"]
    for name, value in FAST.items():
        command += ["-s", f"{name}={value}"]
    for setting in settings:
        command += ["-s", setting]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "csto_crawler.settings"}
    result = subprocess.run(
        command, cwd=archive.parent, env=env, capture_output=True, text=True, timeout=CRAWL_TIMEOUT, check=False
    )
    return SourceCrawl(result.returncode, result.stderr, list(server.log))


def rows(archive: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(archive)) as connection:
        return list(connection.execute(sql, params))


def articles(archive: Path) -> Iterator[dict[str, Any]]:
    """The archive's articles as dicts (url, title, published, body_text, gone_at, versions)."""
    sql = (
        "SELECT a.url, a.title, a.published, a.body_text, a.gone_at, a.author,"
        " (SELECT count(*) FROM versions v WHERE v.article_id = a.id) FROM articles a ORDER BY a.url"
    )
    for url, title, published, body, gone, author, versions in rows(archive, sql):
        yield {
            "url": url, "title": title, "published": published, "body_text": body, "gone_at": gone,
            "author": author, "versions": versions,
        }  # fmt: skip
