"""Endless spaces recognised and not walked: day-by-day archives, calendars, date filters.

A URL is in an endless space when it addresses a date and nothing after it: ``/ru/archive/2026-02-10/``,
``/news/2024/01/17/``, ``?arrFilter_DATE=10.02.2026``, ``?month=5&year=2023``, ``?date=…``. Such pages
exist for every day (most empty), each linking the day before and after: a crawler that follows
them walks thousands of pages for articles the listings, feeds and sitemaps already give. The
space is the URL's shape with its date generalised, per host; a TrapBudget lets a few requests in
(enough to learn nothing is lost) and refuses the rest. Articles under dated paths
(``/news/2024/01/17/csto-exercise-ends/``) are not in a space.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

from ..sources.languages import address_of
from ..sources.model import DEFAULT_MAX_TRAP_REQUESTS
from .urlshape import DATE_TOKENS, Token, is_dated_page, shape_of

# Query keys of calendars and date filters, whatever their value: Bitrix's arrFilter_DATE=, ?date=,
# ?day=, ?calendar=, ?set_filter=Y with a date range (arrFilter_DATE_1=..&arrFilter_DATE_2=..)
CALENDAR_KEY_RE = re.compile(r"(^|_)(date|day|days|calendar|month|year|from_date|to_date)(_\d+)?$|^arrfilter", re.I)


def trap_space(url: str) -> str | None:
    """The endless space a URL lies in (host + generalised shape), or None."""
    shape = shape_of(url)
    keys = [key for key, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)]
    if not is_dated_page(shape) and not any(CALENDAR_KEY_RE.search(key) for key in keys):
        return None
    address = address_of(url)
    host = "" if address is None else address[0] if address[1] is None else f"{address[0]}:{address[1]}"
    segments = [Token.DATE.value if s in DATE_TOKENS else s for s in shape.segments]
    return f"{host}/{'/'.join(segments)}?{'&'.join(sorted({k.lower() for k in keys}))}"


class TrapBudget:
    """At most ``limit`` requests into endless spaces per host, over all its spaces."""

    def __init__(self, limit: int = DEFAULT_MAX_TRAP_REQUESTS) -> None:
        self.limit = limit
        self.admitted: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()

    def admit(self, url: str) -> bool:
        """True when the URL may be requested: outside every space, or inside with budget left."""
        space = trap_space(url)
        if space is None:
            return True
        host = space.split("/", 1)[0]
        if self.admitted[host] >= self.limit:
            self.refused[space] += 1
            return False
        self.admitted[host] += 1
        return True
