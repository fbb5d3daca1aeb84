"""A request that failed for good, as the FetchFailure item the archive records (or nothing)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ..items import FetchFailure, FetchRecord
from ..stoppable import CrawlStoppedError

logger = logging.getLogger(__name__)

# The message of Scrapy's RobotsTxtMiddleware when it refuses a request: the only way to tell it.
ROBOTS_FORBIDDEN = "Forbidden by robots.txt"


def failure_item(
    failure: Failure,
    canonicalize: Callable[[str], str],
    fetch_record: Callable[[Response, str, str | None], FetchRecord],
) -> FetchFailure | None:
    """What to record for a request Scrapy gave up on; None when robots.txt forbade it (a decision
    of the site, not a failure to retry or to count) or the crawl was stopping."""
    request = failure.request  # type: ignore[attr-defined]
    kind = request.meta.get("csto_kind", "other")
    lang = request.meta.get("csto_lang")
    exc = failure.value
    if isinstance(exc, IgnoreRequest) and ROBOTS_FORBIDDEN in str(exc):
        logger.info("Not fetching %s: forbidden by robots.txt", request.url)
        return None
    if isinstance(exc, CrawlStoppedError):  # stopped by a signal: asked for again by the next run
        return None
    status, fetch = None, None
    if isinstance(exc, HttpError):
        status = exc.response.status
        fetch = fetch_record(exc.response, kind, lang)
    error = f"HTTP {status}" if status is not None else f"{type(exc).__name__}: {failure.getErrorMessage()}"
    attempts = int(request.meta.get("retry_times", 0)) + 1
    logger.warning("Giving up on %s after %d attempt(s): %s", request.url, attempts, error)
    # The failure belongs to the URL the spider asked for: after a redirect, request.url may be
    # the redirect target, on a foreign host (Location: http://elsewhere/...) or in a loop.
    redirects = request.meta.get("redirect_urls")
    url = redirects[0] if redirects else request.url
    return FetchFailure(canonicalize(url) if kind == "article" else url, lang, kind, error, attempts, status, fetch)
