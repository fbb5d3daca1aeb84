"""Fetch one origin's URLs from another: how ``csto demo`` archives the real sites' URLs offline.

``CSTO_REPLAY_ORIGINS`` maps an origin the crawl asks for (``https://en.odkb-csto.org``) to one that
serves a recording of it (``http://127.0.0.1:18811``, the demo site). ``ReplayDownloadHandler``,
installed for http and https through ``DOWNLOAD_HANDLERS``, sits where Scrapy fetches a request:
it downloads the recording's copy and hands back a response under the requested URL (a redirect's
``Location`` mapped back too), so everything above it (robots.txt, the allowed hosts, retries, the
spider, the archive) only ever sees the real URLs. Requests for other origins are fetched as they
are. Only ``csto demo`` sets it (demo.replay_settings); a crawl of the live sites never does.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased (``https://en.odkb-csto.org``)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class ReplayMap:
    """Which origins are fetched from which replays, both ways."""

    def __init__(self, origins: dict[str, str]) -> None:
        self.to_replay = {origin(real): origin(replay) for real, replay in origins.items()}
        self.to_real = {replay: real for real, replay in self.to_replay.items()}

    def replay_url(self, url: str) -> str | None:
        """Where to fetch ``url`` from, None when its origin is not replayed."""
        replay = self.to_replay.get(origin(url))
        return None if replay is None else replay + url[len(origin(url)) :]

    def real_url(self, url: str) -> str:
        """A URL of a replay origin as the real origin's (others as they are)."""
        real = self.to_real.get(origin(url))
        return url if real is None else real + url[len(origin(url)) :]


class ReplayDownloadHandler(BaseDownloadHandler):
    """Downloads the requests of the mapped origins from their replays, under their own URLs."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.origins = ReplayMap(crawler.settings.getdict("CSTO_REPLAY_ORIGINS"))
        self.http = build_from_crawler(HTTP11DownloadHandler, crawler)

    async def download_request(self, request: Request) -> Response:
        replay = self.origins.replay_url(request.url)
        if replay is None:
            return await self.http.download_request(request)
        response = await self.http.download_request(request.replace(url=replay))
        headers = response.headers.copy()
        location = headers.get(b"Location")
        if location:
            headers[b"Location"] = self.origins.real_url(urljoin(response.url, location.decode("latin-1")))
        return response.replace(url=request.url, headers=headers)

    async def close(self) -> None:
        await self.http.close()
