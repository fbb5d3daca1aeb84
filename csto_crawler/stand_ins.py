"""Pages that stand in for the article: a maintenance notice, an error text or another page's body
served in the site's normal layout, known by what the page does, never by its wording.

Two judgements, in any language, neither reading a phrase list:

- against the archived text (``replacement_doubts``, asked by the history writer when a capture
  would become an article's new version): a body far shorter than the archived one that shares
  almost none of its wording is not an edit of it (``Doubt.UNRELATED_BODY``);
- against the run (``RepeatedBodies``, kept by the run driver): the same short body on several
  articles of one run is none of theirs (``Doubt.REPEATED_BODY``). A short body is kept back until
  the run knows whether it repeats, so a page read before the pattern shows is held as well.

Such a page is held (``held_pages``, listed by ``csto health``) with the doubt that names why; the
archived text stays the current version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .items import ArticleItem, HeldPage
from .outcomes import Doubt
from .resemblance import body_fingerprint, shared_share

# (length, shared): a body shorter than ``length`` times the archived one that has fewer than ``shared``
# of its word pairs in the archived text is another text. An edit that cuts an article keeps nearly all
# the pairs of what remains (0.9 and more); a notice shares a pair by chance ("of the", "ОДКБ в"), under
# 0.05 against every article of the demo site. A body merely shorter must share next to nothing: a
# two-line notice in place of a one-paragraph statement is not "far" shorter, and a new translation
# of an article keeps its names and terms.
UNRELATED_IF = ((0.5, 0.3), (0.8, 0.1))

# Bodies up to this length are remembered: notices are a line or two; real articles this short are
# one-paragraph statements, each with its own text.
SHORT_BODY_CHARS = 600
# The same short body on this many articles of one run is none of theirs. Two is not enough: one
# article may be published under two URLs of different sections (counted once when the site gives
# an element ID, twice otherwise).
REPEATED_BODY_PAGES = 3
# A body holding this share of the listing's lead (its first lines) is the article the listing announced.
MIN_SHARED_WITH_LEAD = 0.5
# Short pages kept back at most, waiting to see whether their body repeats (about 60 KB of raw page
# each); past it the oldest is written. An incremental run stays well under it; a first crawl of a
# site in maintenance shows the pattern within its first pages.
MAX_WAITING = 256
# Fingerprints remembered at most per run (a few bytes each); past it new bodies are not remembered.
MAX_FINGERPRINTS = 200_000


def replacement_doubts(body: str, archived: str) -> list[Doubt]:
    """Why ``body`` cannot be a new version of an article whose current text is ``archived``."""
    ratio = len(body.strip()) / max(1, len(archived.strip()))
    if not archived.strip() or ratio >= max(length for length, _ in UNRELATED_IF):
        return []
    shared = shared_share(body, archived)
    if any(ratio < length and shared < least for length, least in UNRELATED_IF):
        return [Doubt.UNRELATED_BODY]
    return []


def held(item: ArticleItem, doubt: Doubt) -> HeldPage:
    """The page held back with ``doubt`` (and whatever else was doubted of it)."""
    return HeldPage.of(item, [*item.doubts, doubt] if doubt not in item.doubts else list(item.doubts))


@dataclass
class RepeatedBodies:
    """The run's memory of short bodies: which articles showed each, and the pages kept back meanwhile.

    Example::

        memory = RepeatedBodies()
        writable = memory.admit(batch)     # pages to write now: held ones included, short ones kept back
        ...
        writable = memory.release()        # at the run's end: the short pages whose body never repeated
    """

    pages: int = REPEATED_BODY_PAGES
    max_waiting: int = MAX_WAITING
    seen: dict[str, set[str]] = field(default_factory=dict)  # fingerprint -> articles (element ID or URL)
    waiting: list[tuple[str, ArticleItem]] = field(default_factory=list)  # in arrival order

    def admit(self, items: Iterable[object]) -> list[object]:
        """What to write now of ``items``: pages as they are, pages held for a repeated body (with
        the pages kept back that showed it), never the short pages still waiting."""
        out: list[object] = []
        for item in items:
            out.extend(self._admit(item))
        return out

    def release(self) -> list[object]:
        """Every page still waiting, in arrival order: its body did not repeat in this run."""
        pages: list[object] = [item for _, item in self.waiting]
        self.waiting = []
        return pages

    def _admit(self, item: object) -> list[object]:
        key = self.key(item)
        if key is None or not isinstance(item, ArticleItem | HeldPage):
            return [item]
        articles = self.seen.setdefault(key, set())
        articles.add(getattr(item, "element_id", None) or item.url)
        repeated = len(articles) >= self.pages
        if isinstance(item, HeldPage):  # held for another doubt already; its body counts all the same
            return [*self.hold(key), item] if repeated else [item]
        if repeated:
            return [*self.hold(key), held(item, Doubt.REPEATED_BODY)]
        self.waiting.append((key, item))
        if len(self.waiting) > self.max_waiting:
            return [self.waiting.pop(0)[1]]
        return []

    def hold(self, key: str) -> list[HeldPage]:
        """The pages kept back with the body of ``key``, held: it repeated."""
        kept = [page for fingerprint, page in self.waiting if fingerprint == key]
        self.waiting = [(fingerprint, page) for fingerprint, page in self.waiting if fingerprint != key]
        return [held(page, Doubt.REPEATED_BODY) for page in kept]

    def key(self, item: object) -> str | None:
        """The fingerprint of a page whose body may be a stand-in, or None: a body too long to be a notice
        is not remembered, nor one that says what the listing said of the page (its lead): that is the
        article, however many pages repeat it (a photo report's credit line under each gallery). Bodies
        repeat within one source only: outlets reprinting one press release word for word are not a
        stand-in (a site's notice stands in on that site's pages)."""
        if not isinstance(item, ArticleItem | HeldPage):
            return None
        body = item.body_text.strip()
        if not body or len(body) > SHORT_BODY_CHARS:
            return None
        lead = item.listed_lead if isinstance(item, ArticleItem) else None
        if lead and shared_share(lead, body) >= MIN_SHARED_WITH_LEAD:
            return None
        key = f"{item.source}\n{body_fingerprint(body, item.title or '')}"
        if key not in self.seen and len(self.seen) >= MAX_FINGERPRINTS:
            return None
        return key
