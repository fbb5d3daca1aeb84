"""Is an extracted article believable? Per-page doubts, and the run's extraction health.

A redesign of the site does not raise errors: pages still answer 200 and still parse. What
changes is what comes out of them: empty bodies, missing dates, a menu item read as the title.
Each article is checked against itself and against what its listing said (title, lead); a
doubtful article is held back (its snapshot kept, no version written), and a run where too many
pages of a language or section are doubtful ends with the drift exit code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .htmltext import norm_ws
from .items import ArticleItem
from .outcomes import Doubt
from .pages.health import MAINTENANCE_RE
from .resemblance import stems

# A body shorter than this share of the listing's lead is not the article's body: the lead is
# the first paragraph, or the start of it.
MIN_BODY_TO_LEAD = 0.8
# An edit rarely removes three quarters of an article; a broken template or an emptied page does.
MIN_BODY_TO_ARCHIVED = 0.25
MIN_ARCHIVED_CHARS = 400
# A maintenance notice is a line or two, not an article that mentions maintenance.
MAX_NOTICE_CHARS = 600
# A body this short that names nothing of its title, on a page that shows no date of its own, standing
# where the archive holds the article's text, is a notice: the shortest articles of the CSTO sites
# (250-300 characters) mostly repeat their title's words and carry their date. A new article is never
# held for it: a real short one (an interview opening on its first question, a caption-like report on a
# layout that dates pages only in listings) would be lost, while a notice archived as a first version
# is replaced by the article's text when it comes back. Where a date comes from when the page shows
# none (the listing, the sitemap).
MAX_NOTICE_LIKE_CHARS = 300
DATES_NOT_ON_PAGE = frozenset({"listing", "sitemap"})


def article_doubts(item: ArticleItem, archived_body_chars: int | None = None) -> list[Doubt]:
    """What is wrong with a cleaned article item (empty when nothing is); ``archived_body_chars``:
    the length of the body the archive holds for it (0 when new; by default the item's own)."""
    if archived_body_chars is None:
        archived_body_chars = item.archived_body_chars
    doubts: list[Doubt] = []
    title = norm_ws(item.title)
    if not title:
        doubts.append(Doubt.NO_TITLE)
    elif item.listed_title and not item.title_repeated and norm_ws(item.listed_title).casefold() != title.casefold():
        # A title the page repeats in its head line is the page's own (an edit the listing does not
        # show yet); one the page does not confirm and the listing contradicts was misread.
        doubts.append(Doubt.TITLE_MISMATCH)
    body = item.body_text.strip()
    if not body:
        doubts.append(Doubt.NO_BODY)
    elif item.listed_lead and len(body) < MIN_BODY_TO_LEAD * len(norm_ws(item.listed_lead)):
        doubts.append(Doubt.SHORT_BODY)
    if body and len(body) <= MAX_NOTICE_CHARS and MAINTENANCE_RE.search(body):
        doubts.append(Doubt.MAINTENANCE)  # a phrase list: an extra signal, never the only one (stand_ins.py)
    dates = {candidate.source for candidate in item.date_candidates}
    if body and archived_body_chars > 0 and is_notice_like(body, title, dates):
        doubts.append(Doubt.NOTICE_LIKE)
    if archived_body_chars >= MIN_ARCHIVED_CHARS and len(body) < MIN_BODY_TO_ARCHIVED * archived_body_chars:
        doubts.append(Doubt.BODY_SHRANK)
    if item.published is None:
        doubts.append(Doubt.NO_DATE)
    return doubts


def is_notice_like(body: str, title: str, date_sources: set[str]) -> bool:
    """A line or two that shares no word with the page's title, on a page that shows no date (the
    dates it has came from the listing or the sitemap): a notice in the site's layout, whatever its wording."""
    if len(body) > MAX_NOTICE_LIKE_CHARS or not date_sources or not date_sources <= DATES_NOT_ON_PAGE:
        return False  # a page with no date at all is held for that (Doubt.NO_DATE)
    return not stems(title) & stems(body)


@dataclass
class Drift:
    """A language and section where too many pages were doubtful, and which fields."""

    lang: str
    section: str
    kind: str  # article | listing
    pages: int
    doubtful: int
    fields: dict[str, int]

    def describe(self) -> str:
        fields = ", ".join(f"{name} {count}" for name, count in sorted(self.fields.items()))
        return f"{self.lang} {self.section}: {self.doubtful} of {self.pages} {self.kind} pages doubtful ({fields})"


@dataclass
class HealthReport:
    """Pages read per language, section and kind: by which method, and which doubts they raised."""

    methods: dict[tuple[str, str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    doubts: dict[tuple[str, str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    doubtful: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def record(self, lang: str, section: str, kind: str, method: str, doubts: list[Doubt]) -> None:
        key = (lang, section, kind)
        self.methods[key][method] += 1
        if doubts:
            self.doubtful[key] += 1
            for doubt in doubts:
                self.doubts[key][doubt.field] += 1

    def drifted(self, max_share: float, min_pages: int) -> list[Drift]:
        """Sections (and whole languages) where the doubtful share exceeds ``max_share``."""
        found: list[Drift] = []
        groups: dict[tuple[str, str, str], list[tuple[str, str, str]]] = defaultdict(list)
        for key in self.methods:
            lang, _, kind = key
            groups[key].append(key)
            groups[(lang, "(all sections)", kind)].append(key)
        for (lang, section, kind), keys in sorted(groups.items()):
            pages = sum(sum(self.methods[k].values()) for k in keys)
            doubtful = sum(self.doubtful[k] for k in keys)
            if pages >= min_pages and doubtful > max_share * pages:
                fields: Counter[str] = Counter()
                for k in keys:
                    fields.update(self.doubts[k])
                found.append(Drift(lang, section, kind, pages, doubtful, dict(fields)))
        return found

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: {lang: {section: {kind: {"methods": {...}, "doubtful": n, "fields": {...}}}}}."""
        out: dict[str, Any] = {}
        for (lang, section, kind), methods in sorted(self.methods.items()):
            out.setdefault(lang, {}).setdefault(section, {})[kind] = {
                "methods": dict(methods),
                "doubtful": self.doubtful[(lang, section, kind)],
                "fields": dict(self.doubts[(lang, section, kind)]),
            }
        return out
