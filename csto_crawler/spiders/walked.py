"""Items of the section walk carry the name of the source walked by sections.

The section walk's callbacks (listings, sitemaps, articles, attachments, their failures) build
items whose ``source`` defaults to the archive's default source; the run's section-walked source
may be another (``walk = "sections"`` is data, sources/model.py), so each item is named after it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from ..items import ArticleItem, FetchFailure, GoneNotice, HeldPage, NotModified, SkippedPage

# The items that say which source they belong to.
SOURCED_ITEMS = (ArticleItem, HeldPage, FetchFailure, GoneNotice, NotModified, SkippedPage)

P = ParamSpec("P")
T = TypeVar("T")


class WalksSections(Protocol):
    section_source: str | None  # the run's source walked by sections, None when there is none


S = TypeVar("S", bound=WalksSections)


def of_walked_source(
    method: Callable[Concatenate[S, P], Iterator[T]],
) -> Callable[Concatenate[S, P], Iterator[T]]:
    """Name every sourced item the callback yields after the spider's section-walked source."""

    @functools.wraps(method)
    def named(spider: S, /, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        for output in method(spider, *args, **kwargs):
            if spider.section_source is not None and isinstance(output, SOURCED_ITEMS):
                named_output: Any = output
                named_output.source = spider.section_source
            yield output

    return named
