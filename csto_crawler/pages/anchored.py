"""An article read from the text every CSTO detail page shows, whatever its markup.

What holds on any template of the site (research/site.md): a detail page reads, in order, a
sidebar of the newest news (date + lead), the title, the title again with the date appended
(``Title dd.mm.yyyy``), an optional subtitle, the body, an optional attachments line
(``dd.mm.yyyy Download document <hash>.docx``), an optional signature, then the back links
("Go back / Back to the section / Back to the all news"). Those texts are the anchors: the
title (confirmed by its repetition, the listing's title for this URL, the document ``<title>``
and heading levels), the date beside it, and the back links that end the article. Between the
anchors, lists of other news (a "related news" block) and link-dense rows (share, tags) are
dropped by structure and link density, never by class name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ..boilerplate import ATTACHMENT_LINE_RE, signature_start
from ..dates import TRAILING_DATE_RE, split_leading_date, split_trailing_date
from ..htmltext import folded, norm_ws
from .ends import LINK_DENSE, find_end, is_back_link, is_widget
from .items import ItemList, is_date_text
from .lines import Line

# Separators between an article title and the site name in <title> ("Title | CSTO", "Title - ОДКБ").
TITLE_SEPARATOR_RE = re.compile(r"\s+(?:[|\-–—:/»«]|::)\s+")
# Lines after the title that may be the head line's date or the subtitle, at most.
HEAD_WINDOW = 3
# Title lines repeat within this many lines (the <h1>, then the head line).
REPEAT_WINDOW = 4
# A subtitle is a short line, not a sentence: "Exclusive for “Sputnik Belarus”".
MAX_SUBTITLE_CHARS = 250
SENTENCE_END = (".", "!", "?", "…", ":", ";")
# Photo credits open a body (kept there): "© BelTA", "Photo: CSTO Press Service", "Фото: пресс-служба ОДКБ".
CREDIT_RE = re.compile(r"^(?:©|\(c\)|photo\b|фото\b)", re.I)
# Links at the end of a body region: share rows, tag clouds, "related news" titles.
TRAILING_JUNK_MAX_CHARS = 300
# A list of other news inside the article region: items are short, and most show a date.
RELATED_ITEM_MAX_CHARS = 1200
RELATED_MIN_DATED_SHARE = 0.5


@dataclass
class Hints:
    """What a listing already said about this URL: its title, date and lead (any may be unknown)."""

    title: str | None = None
    date_raw: str | None = None
    lead: str | None = None
    element_id: str | None = None  # the Bitrix element ID the listing item carried
    lastmod: str | None = None  # the sitemap's <lastmod>: a page without any date gets its day


@dataclass
class AnchoredArticle:
    """The article as found between its anchors."""

    title: str
    title_source: str  # listing | repeated | document_title | heading
    first: int  # index of the first title line
    head: int  # index of the last head line (title repeat or date line)
    head_date: str | None
    subtitle: str | None
    body: list[Line]
    glued_date: str | None
    tail: list[Line]  # attachments line and signature, between the body and the back links
    end: int  # index of the line that ends the article (a back link), or len(lines)
    end_source: str  # back_links | widget | navigation | page_end
    attachments_date: str | None = None
    signature: list[str] = field(default_factory=list)
    title_stated: bool = True  # the document <title> (or og:title) names it, or names nothing

    @property
    def on_site_marks(self) -> bool:
        """Anchored on what CSTO-like templates show and other news pages do not: the listing's
        title for this URL, the title repeated with its date as the head line, or back links
        (with a title the document <title> names)."""
        repeated_head = self.title_source == "repeated" and self.head_date is not None
        marks = repeated_head or self.end_source == "back_links"
        return self.title_source == "listing" or (marks and self.title_stated)

    @property
    def confident(self) -> bool:
        """Anchored on more than one heading: a title repeated as the head line, the listing's
        title, or a date beside the title. A static page has an <h1> that is its <title> too."""
        return self.title_source in ("listing", "repeated") or self.head_date is not None


def fold(text: str) -> str:
    return folded(text)


@dataclass
class _Frame:
    """Where the article stands: its title line, its head line and date, the line that ends it."""

    title: str
    source: str
    first: int
    head: int
    head_date: str | None
    end: int
    end_source: str
    title_stated: bool

    @property
    def on_site_marks(self) -> bool:
        """Confident (``AnchoredArticle.confident``) and on CSTO-like marks (``on_site_marks``)."""
        if self.source not in ("listing", "repeated") and self.head_date is None:
            return False
        repeated_head = self.source == "repeated" and self.head_date is not None
        marks = repeated_head or self.end_source == "back_links"
        return self.source == "listing" or (marks and self.title_stated)


def stands_on_site_marks(lines: list[Line], document_title: str, hints: Hints, url: str = "") -> bool:
    """Would the anchored reading stand on CSTO-like marks (``AnchoredArticle.on_site_marks``)?
    Asked first, on the lines alone: the page's lists of news are looked for only when it would."""
    if hints.title:
        return True
    frame = _frame(lines, document_title, hints, frozenset(), url)
    return frame is not None and frame.on_site_marks


def _frame(
    lines: list[Line], document_title: str, hints: Hints, listed: frozenset[etree._Element], url: str
) -> _Frame | None:
    found = find_title(lines, document_title, hints, listed)
    if found is None:
        return None
    title, source, first = found
    head = _last_title_line(lines, title, first)
    head_date = split_trailing_date(lines[head].text)[1] if fold(lines[head].text) != fold(title) else None
    if (
        head_date is None
        and head + 1 < len(lines)
        and head + 1 - first <= HEAD_WINDOW
        and _is_date_line(lines[head + 1])
    ):
        head += 1
        head_date = _line_date(lines[head])
    end, end_source = find_end(lines, head + 1, url)
    stated = _document_titles(document_title)
    return _Frame(title, source, first, head, head_date, end, end_source, not stated or fold(title) in stated)


def read_anchored(
    lines: list[Line], document_title: str, hints: Hints, lists: list[ItemList], url: str = ""
) -> AnchoredArticle | None:
    """The article between its anchors, or None when no title can be told from the page."""
    frame = _frame(lines, document_title, hints, _list_elements(lists), url)
    if frame is None:
        return None
    head, end = frame.head, frame.end
    region = [line for line in _drop_lists(lines[head + 1 : end], lists) if not is_widget(line)]
    subtitle, region = _split_subtitle(region, hints)
    glued = None
    if frame.head_date is None and region:
        glued, region = _split_glued_date(region)
    body, tail = _split_tail(region)
    body = _trim_trailing_navigation(body)
    attachments_date = next((_attachment_date(tail, i) for i, line in enumerate(tail) if _is_attachment(line)), None)
    rest = [line.text for line in tail if not _is_attachment(line) and not _is_date_line(line)]
    start = signature_start(rest)
    signature = rest[start:] if start is not None else []
    return AnchoredArticle(
        frame.title, frame.source, frame.first, head, frame.head_date, subtitle, body, glued, tail, end,
        frame.end_source, attachments_date, signature, title_stated=frame.title_stated,
    )  # fmt: skip


# --- title ----------------------------------------------------------------------------------------


def find_title(
    lines: list[Line], document_title: str, hints: Hints, listed: frozenset[etree._Element] = frozenset()
) -> tuple[str, str, int] | None:
    """(title, how it was recognised, index of its first line), best evidence first:
    the listing's title for this URL, a line repeated as the head line, a heading that is the
    document <title>, the only <h1>.

    The listing's title is looked for outside lists of news and links first: a "related news"
    block may link another article of the same title and date (a ru/en or republished pair), and
    taking it for the head left the article without a body.
    """
    if hints.title:
        key = fold(hints.title)
        matches = [line for line in lines if fold(line.text) == key or fold(split_trailing_date(line.text)[0]) == key]
        own = [line for line in matches if line.link_density < LINK_DENSE and not _within(line.block, listed)]
        for line in own or matches:
            return line.text if fold(line.text) == key else split_trailing_date(line.text)[0], "listing", line.index
    repeated = _repeated_title(lines)
    if repeated is not None:
        return repeated[0], "repeated", repeated[1]
    titles = _document_titles(document_title)
    headings = [line for line in lines if line.heading and line.link_density < LINK_DENSE]
    for line in headings:
        if fold(line.text) in titles:
            return line.text, "document_title", line.index
    first_level = [line for line in headings if line.heading == 1]
    if len(first_level) == 1:
        return first_level[0].text, "heading", first_level[0].index
    return None


def _repeated_title(lines: list[Line]) -> tuple[str, int] | None:
    """A line followed, within a few lines, by itself with a date appended ("Title" then
    "Title 14.09.2022"), or by itself then a date line: the head line every detail page has.
    (Each line's folded text and trailing date are worked out once: this runs on every page.)"""
    folds = [fold(line.text) for line in lines]
    heads = [fold(text) if date else None for text, date in (split_trailing_date(line.text) for line in lines)]
    for line in lines:
        if len(line.text) < 8 or line.link_density >= LINK_DENSE or _is_date_line(line):
            continue
        key = folds[line.index]
        for later in range(line.index + 1, min(len(lines), line.index + REPEAT_WINDOW)):
            if heads[later] == key:
                return line.text, line.index
            if folds[later] == key and later + 1 < len(lines) and _is_date_line(lines[later + 1]):
                return line.text, line.index
    for line in lines:  # no date anywhere near: a plain repeat of a heading (or of bold text set as one)
        if not (line.heading or line.emphasised) or len(line.text) < 8 or line.link_density >= LINK_DENSE:
            continue
        key = folds[line.index]
        if key in folds[line.index + 1 : line.index + REPEAT_WINDOW]:
            return line.text, line.index
    return None


def _document_titles(document_title: str) -> set[str]:
    """The document <title> and its parts around a site-name separator, folded."""
    text = norm_ws(document_title)
    if not text:
        return set()
    return {fold(text), *(fold(part) for part in TITLE_SEPARATOR_RE.split(text) if len(part) >= 8)}


def _last_title_line(lines: list[Line], title: str, first: int) -> int:
    """The last repeat of the title (or title + date) close after its first line."""
    key = fold(title)
    last = first
    for line in lines[first + 1 : first + REPEAT_WINDOW]:
        if fold(line.text) == key or (
            fold(split_trailing_date(line.text)[0]) == key and TRAILING_DATE_RE.search(line.text)
        ):
            last = line.index
    return last


# --- dates ----------------------------------------------------------------------------------------


def _is_date_line(line: Line) -> bool:
    return _line_date(line) is not None


def _line_date(line: Line) -> str | None:
    """The date a line consists of (its text, or the datetime of a <time> holding it)."""
    if is_date_text(line.text):
        return line.text
    element = line.first
    if isinstance(element.tag, str) and element.tag == "time" and len(line.text) <= 40:
        stamp = (element.get("datetime") or "").strip()
        if is_date_text(stamp):
            return stamp
    return None


def _split_glued_date(region: list[Line]) -> tuple[str | None, list[Line]]:
    """A date glued to the first words of the body ("21.05.2020On May 26, ..."), or standing in
    its own element right before them, is the article's date, not body text."""
    first = region[0]
    rest, date = split_leading_date(first.text)
    glued = date is not None and (
        first.first_text == date or (rest[:1].isalpha() and first.text[len(date) :][:1] != " ")
    )
    if not glued or not rest:
        return None, region
    trimmed = Line(first.index, rest, first.block, first.first, rest, first.link_chars, first.heading, first.emphasised)
    return date, [trimmed, *region[1:]]


def _attachment_date(tail: list[Line], index: int) -> str | None:
    """The date of an attachments line: in it ("10.06.2022 Download document ...") or just before."""
    _, date = split_leading_date(tail[index].text)
    if date:
        return date
    return _line_date(tail[index - 1]) if index > 0 else None


def _within(element: etree._Element, ancestors: set[etree._Element] | frozenset[etree._Element]) -> bool:
    return element in ancestors or any(a in ancestors for a in element.iterancestors())


def _list_elements(lists: list[ItemList]) -> frozenset[etree._Element]:
    """The items of every list of news on the page (related news, sidebars)."""
    return frozenset(item.element for found in lists for item in found.items)


def _drop_lists(region: list[Line], lists: list[ItemList]) -> list[Line]:
    """Remove lists of other news ("related news") and the short heading just above each."""
    related = {
        item.element
        for found in lists
        if found.dated_share >= RELATED_MIN_DATED_SHARE
        for item in found.items
        if len(" ".join(item.element.itertext())) <= RELATED_ITEM_MAX_CHARS
    }
    if not related or not region:
        return region
    kept: list[Line] = []
    for line in region:
        if _within(line.block, related) or _within(line.first, related):
            if kept and _is_list_heading(kept[-1]):
                kept.pop()
            continue
        kept.append(line)
    return kept


def _is_list_heading(line: Line) -> bool:
    """'Related news', 'Читайте также': a few words, no sentence punctuation."""
    return len(line.text.split()) <= 5 and not line.text.endswith(SENTENCE_END)


def _is_attachment(line: Line) -> bool:
    return ATTACHMENT_LINE_RE.match(line.text) is not None


def _split_tail(region: list[Line]) -> tuple[list[Line], list[Line]]:
    """Body, then the attachments line and what follows it (the signature): the attachments line
    ends the body (a date standing alone just before it belongs to it)."""
    for i, line in enumerate(region):
        if _is_attachment(line):
            cut = i - 1 if i > 0 and _is_date_line(region[i - 1]) else i
            return region[:cut], region[cut:]
    return region, []


def _trim_trailing_navigation(body: list[Line]) -> list[Line]:
    """Drop link rows at the end of the body (share buttons, tags, titles of other news), the
    labels and dates among them, and the heading of such a block once two or more links went."""
    links_dropped = 0
    while body:
        last = body[-1]
        if last.link_density >= LINK_DENSE and len(last.text) <= TRAILING_JUNK_MAX_CHARS:
            links_dropped += 1
        elif not (is_widget(last) or _is_date_line(last)):
            break
        body = body[:-1]
    if links_dropped >= 2 and body and _is_list_heading(body[-1]):
        body = body[:-1]
    return body


# --- subtitle -------------------------------------------------------------------------------------


def _split_subtitle(region: list[Line], hints: Hints) -> tuple[str | None, list[Line]]:
    """A short line between the head line and the body: a subtitle when the listing's lead starts
    the line after it, or, without a lead, when it is set apart (emphasis, a lower heading)."""
    if len(region) < 2:
        return None, region
    first, following = region[0], region[1]
    if not _may_be_subtitle(first):
        return None, region
    if hints.lead:
        lead = fold(hints.lead)[:40]
        if fold(first.text).startswith(lead) or not fold(following.text).startswith(lead):
            return None, region
        return first.text, region[1:]
    # Without a lead: standing outside the body's own container, and set apart by emphasis or by
    # a body that begins in a container of its own (a bold first line inside the body is a heading
    # of the text: "ДОГОВОР О КОЛЛЕКТИВНОЙ БЕЗОПАСНОСТИ").
    apart = first.block.getparent() is not following.block.getparent()
    if apart and not following.emphasised and (first.emphasised or _shares_container(region[1:3])):
        return first.text, region[1:]
    return None, region


def _shares_container(lines: list[Line]) -> bool:
    """Two body lines in one container: the body proper begins there (what stands before it, in
    a block of its own, is not part of it)."""
    return len(lines) == 2 and lines[0].block.getparent() is lines[1].block.getparent()


def _may_be_subtitle(line: Line) -> bool:
    text = line.text
    return (
        len(text) <= MAX_SUBTITLE_CHARS
        and not text.endswith(SENTENCE_END)
        and not CREDIT_RE.match(text)
        and line.link_density < LINK_DENSE
        and not _is_date_line(line)
        and not is_back_link(line)
    )
