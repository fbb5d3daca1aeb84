"""Which new links are articles, learned from the URLs a crawl has confirmed.

A small explicit model, per source, with four levels of evidence tried in order:

1. **Template** (``/{lang}/news/{slug-id}``): the URL's exact shape (urlshape). When confirmed URLs
   of that template are at least ``MIN_SUPPORT`` and ``MIN_AGREEMENT`` of them are one kind, that kind.
2. **Parent** (``/tag/*``): the path above the last segment, the last one's literal word hidden and
   the query ignored: pages under ``/tag/`` are listings once two were, whatever the tag.
3. **Outline** (``/news/smi/{slug}/`` becomes ``3:{slug}``): the path depth and the last token,
   literal words hidden. Catches articles of a section not seen yet (``/news/smi/{slug}/`` once
   ``/news/news_odkb/{slug}/`` is known), with the same thresholds.
4. **Shape**: no confirmed evidence; the URL's own shape decides: a last segment that names an
   item (slug, slug with ID, ID, file) is an article, a date page or a page number a listing.

Confirmations come from the reader's verdict (an article page read as one) and from listing
pages that listed items; every verdict says which level decided and on how many confirmations.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .urlshape import Shape, Token, is_dated_page, names_an_item, shape_of

MIN_SUPPORT = 2
MIN_AGREEMENT = 0.9
LISTING_QUERY_TOKENS = frozenset({Token.NUM.value})


class PageKind(enum.StrEnum):
    ARTICLE = "article"
    LISTING = "listing"
    UNKNOWN = "unknown"


class Evidence(enum.StrEnum):
    TEMPLATE = "template"
    PARENT = "parent"
    OUTLINE = "outline"
    SHAPE = "shape"


@dataclass(frozen=True)
class Verdict:
    kind: PageKind
    evidence: Evidence
    support: int  # confirmed URLs behind the verdict (0 for SHAPE)


def parent(shape: Shape) -> str:
    """The path above the last segment, and the last one's token or ``*``: ``/{lang}/tag/*``."""
    if not shape.segments:
        return "/"
    last = shape.last if shape.last in {t.value for t in Token} else "*"
    return "/" + "/".join([*shape.segments[:-1], last or "*"])


def outline(shape: Shape) -> str:
    """Depth and last token, literal words hidden: ``3:{slug-id}``; query keys kept (``1:*?page``)."""
    last = shape.last if shape.last in {t.value for t in Token} else "*"
    keys = ",".join(k for k, _ in shape.query)
    return f"{shape.depth}:{last}" + (f"?{keys}" if keys else "")


class UrlShapeLearner:
    """Counts confirmed kinds per template and per outline; classifies new URLs (see module doc)."""

    def __init__(self) -> None:
        self.by_template: defaultdict[str, Counter[PageKind]] = defaultdict(Counter)
        self.by_parent: defaultdict[str, Counter[PageKind]] = defaultdict(Counter)
        self.by_outline: defaultdict[str, Counter[PageKind]] = defaultdict(Counter)

    @classmethod
    def from_examples(cls, articles: Iterable[str] = (), listings: Iterable[str] = ()) -> UrlShapeLearner:
        learner = cls()
        for url in articles:
            learner.confirm(url, PageKind.ARTICLE)
        for url in listings:
            learner.confirm(url, PageKind.LISTING)
        return learner

    def confirm(self, url: str, kind: PageKind) -> None:
        """Record what a fetched URL turned out to be (UNKNOWN: neither, e.g. a static page)."""
        shape = shape_of(url)
        self.by_template[shape.template][kind] += 1
        self.by_parent[parent(shape)][kind] += 1
        self.by_outline[outline(shape)][kind] += 1

    def classify(self, url: str) -> Verdict:
        shape = shape_of(url)
        for evidence, counts in (
            (Evidence.TEMPLATE, self.by_template.get(shape.template)),
            (Evidence.PARENT, self.by_parent.get(parent(shape))),
            (Evidence.OUTLINE, self.by_outline.get(outline(shape))),
        ):
            decided = _decided(counts)
            if decided is not None:
                return Verdict(decided[0], evidence, decided[1])
        return Verdict(shape_guess(shape), Evidence.SHAPE, 0)


def _decided(counts: Counter[PageKind] | None) -> tuple[PageKind, int] | None:
    if not counts:
        return None
    total = sum(counts.values())
    kind, count = counts.most_common(1)[0]
    if total >= MIN_SUPPORT and count / total >= MIN_AGREEMENT:
        return kind, total
    return None


def shape_guess(shape: Shape) -> PageKind:
    """The URL's shape alone: an item's name is an article, a date or page number a listing."""
    if is_dated_page(shape):
        return PageKind.LISTING
    if names_an_item(shape):
        return PageKind.ARTICLE
    if shape.last == Token.NUM or any(v in LISTING_QUERY_TOKENS for _, v in shape.query) or shape.depth <= 1:
        return PageKind.LISTING
    return PageKind.UNKNOWN
