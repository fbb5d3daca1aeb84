"""Downloads that a stop signal ends at once: transfers cancelled, requests waiting for their slot dropped.

Scrapy's graceful stop waits for every request already handed to the downloader: one waiting out a
robots.txt ``Crawl-delay`` in its slot, one trickling in for ``DOWNLOAD_TIMEOUT``. On a stop
(``stopping.request``, from SIGTERM or SIGINT) this handler cancels its transfers and fails the
requests queued in the download slots with ``CrawlStoppedError``, which the spider does not count as
a failure (the next run asks for those URLs again), so the run closes within seconds.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import defer

from . import stopping

logger = logging.getLogger(__name__)


class CrawlStoppedError(IgnoreRequest):
    """A request given up because the crawl is stopping: not a failure of the URL."""


class StoppableDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler (http and https), whose transfers and queued requests a stop ends."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        self.transfers: set[defer.Deferred[Response]] = set()
        stopping.on_request(self._stop_soon)

    async def download_request(self, request: Request) -> Response:
        transfer: defer.Deferred[Response] = deferred_from_coro(super().download_request(request))
        self.transfers.add(transfer)
        try:
            return await maybe_deferred_to_future(transfer)
        except (defer.CancelledError, asyncio.CancelledError):
            if stopping.requested():
                raise CrawlStoppedError(f"crawl stopping: {request.url}") from None
            raise
        finally:
            self.transfers.discard(transfer)

    def _stop_soon(self) -> None:
        """Called from the signal handler: the work is done by the reactor."""
        from twisted.internet import reactor

        reactor.callFromThread(self.stop_downloads)

    def stop_downloads(self) -> None:
        """Cancel every transfer and fail every request still waiting in a download slot."""
        engine: Any = self.crawler.engine
        waiting = 0
        for slot in list(engine.downloader.slots.values()) if engine is not None else []:
            slot.close()  # its pending delayed call, a Crawl-delay among them
            while slot.queue:
                request, queued = slot.queue.popleft()
                queued.errback(CrawlStoppedError(f"crawl stopping: {request.url}"))
                waiting += 1
        transfers = list(self.transfers)
        for transfer in transfers:
            transfer.cancel()
        if waiting or transfers:
            logger.info("Stopping: %d transfer(s) cancelled, %d waiting request(s) dropped", len(transfers), waiting)
