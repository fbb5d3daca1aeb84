"""The generic reader: any HTML news page -> an article; the last resort after the site rules
(``pages.named``) and the anchored reading (``pages.anchored``).

The main text is found by trafilatura, the field's well-kept extractor (docs/decisions/0012), in
its fast mode. What it returns is trimmed by rules of our own that hold on any site and name none:
the headline and the standfirst it repeats from the page's head, lines that are links to other
pages ("READ MORE: <a>...</a>", a back link to the section), lists of other articles, and contact
lines at the end (``pages.generic_trim``); what its fast mode drops of a body (subheadings, lists,
loose text, later chunks) is put back (``pages.generic_text``). Title, dates and author come from the
page's own statements (``pages.metadata``) checked against its visible text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from lxml import etree

from ..dates import find_date_in_text, split_leading_date
from ..htmltext import norm_ws
from ..items import DateCandidate
from .anchored import SENTENCE_END, TITLE_SEPARATOR_RE, Hints, fold
from .generic_text import Block, body_blocks
from .generic_trim import is_title_text, trim_blocks
from .lines import Line, page_lines
from .metadata import PageMetadata, byline_name, read_metadata
from .reading import ArticleReading, ReadingMethod

# Lines after the title that may hold its date or byline ("By Jane Doe | 18 November 2019").
HEAD_WINDOW = 8
# A line that states a date, a byline or a "Share" row is short; a sentence that mentions a date is not.
MAX_HEAD_LINE_CHARS = 120
# A subtitle is a line of its own, not a sentence, and a body follows it.
MAX_SUBTITLE_CHARS = 250
SUBTITLE_MIN_BLOCKS = 2
# A date line under the title: the date and a few words (a byline, the time, a view counter).
DATE_LINE_EXTRA_CHARS = 45
# A title is a line, not a paragraph.
MAX_TITLE_CHARS = 400
# Links that may be attachments: those at or after the title's element, in document order,
# outside the page's navigation, header, footer and sidebars.
OUTSIDE_CHROME = "not(ancestor::nav or ancestor::header or ancestor::footer or ancestor::aside)"
LINKS_FROM = etree.XPath(f"descendant-or-self::a[@href][{OUTSIDE_CHROME}] | following::a[@href][{OUTSIDE_CHROME}]")
# A page whose main text is more than this share news items is a listing.
LISTED_SHARE = 0.5
# ... looked for when this many blocks show a date in their first characters, as news items do.
MIN_DATED_ITEMS = 3
DATED_PREFIX_CHARS = 40


@dataclass
class _Head:
    """The page's title line and what stands right under it."""

    title: str
    index: int | None  # its line in page_lines, when the page shows it
    date: str | None
    author: str | None


def read_generic(
    root: etree._Element,
    url: str,
    hints: Hints,
    listed: Callable[[], frozenset[etree._Element]] = frozenset,
    lines: list[Line] | None = None,
) -> ArticleReading | None:
    """The article on any HTML page; None when the page shows no title, neither a date nor any
    sign that it is an article (og:type, JSON-LD, a listing that links it), or when its main text
    is mostly items of news lists (``listed``: their elements; a listing page, not an article)."""
    meta = read_metadata(root, url)
    lines = page_lines(root) if lines is None else lines
    title = choose_title(lines, meta, hints)
    if not title or (hints.title and not _names(lines, meta, hints.title)):
        return None  # no title; or not the page the listing linked (a captcha, an error page)
    head = _head(lines, title)
    if not (meta.article_typed or hints.title or hints.date_raw or _dates(meta, head)):
        return None  # no date and no word that it is an article: a home, section or static page
    blocks = body_blocks(root, url, lines)
    if _mostly_listed(blocks, listed):
        return None  # a listing of news items, not an article
    blocks = trim_blocks(blocks, [title, *meta.titles], meta.descriptions, lines)
    glued, blocks = _split_glued_date(blocks)
    subtitle, blocks = _split_subtitle(blocks, head)
    return ArticleReading(
        method=ReadingMethod.GENERIC,
        title=title,
        title_repeated=False,
        subtitle=subtitle,
        date_candidates=_dates(meta, head) + ([DateCandidate(glued, "detail_body")] if glued else []),
        body_paragraphs=[block.text for block in blocks],
        body_html=_body_html(blocks),
        link_hrefs=_document_hrefs(root, lines, head) + [href for block in blocks for href in block.hrefs],
        author=", ".join(meta.authors[:3]) or head.author,
    )


def _mostly_listed(blocks: list[Block], listed: Callable[[], frozenset[etree._Element]]) -> bool:
    """Most of the main text sits in news items (a date, a linked title, a lead: a listing).
    The page's lists are looked for only when several blocks open with a date, as items do."""
    dated = sum(1 for block in blocks if find_date_in_text(block.text[:DATED_PREFIX_CHARS]))
    items = listed() if dated >= MIN_DATED_ITEMS else frozenset()
    if not items:
        return False
    total = sum(len(block.text) for block in blocks)
    inside = sum(len(block.text) for block in blocks if any(_within(line.block, items) for line in block.source))
    return inside > LISTED_SHARE * total


def _within(element: etree._Element, ancestors: frozenset[etree._Element]) -> bool:
    return element in ancestors or any(a in ancestors for a in element.iterancestors())


# --- title ----------------------------------------------------------------------------------------


def choose_title(lines: list[Line], meta: PageMetadata, hints: Hints) -> str:
    """The headline: the listing's title where the page shows or states it; else the heading the
    page's own metadata (JSON-LD, og:title, <title>) confirms; else the only <h1>; else the
    metadata's; else the only <h2>; else the longest part of <title>."""
    shown = [line for line in lines if len(line.text) <= MAX_TITLE_CHARS]
    if hints.title and any(fold(line.text) == fold(hints.title) for line in shown):
        return norm_ws(hints.title)
    stated = _stated_titles(meta)
    if hints.title and fold(hints.title) in stated:  # the listing and the page's own statements agree
        return norm_ws(hints.title)
    headings = [line for line in shown if line.heading]
    for line in headings:
        if fold(line.text) in stated:
            return line.text
    for line in shown:  # a title set in bold or a styled block rather than a heading
        if fold(line.text) in stated and line.link_density < 1:
            return line.text
    first_level = {fold(line.text): line for line in headings if line.heading == 1}
    if len(first_level) == 1:
        return next(iter(first_level.values())).text
    if meta.titles:
        return meta.titles[0]
    second_level = {fold(line.text): line for line in headings if line.heading == 2}
    if not first_level and len(second_level) == 1:  # a template that sets its title in <h2>
        return next(iter(second_level.values())).text
    return _longest_part(meta.document_title)


def _names(lines: list[Line], meta: PageMetadata, title: str) -> bool:
    """The page shows or states ``title`` somewhere: in a line ("Press release <title>") or in its
    metadata (og:title, <title> with the site's name)."""
    key = fold(title)
    return any(key in fold(text) for text in [*meta.titles, meta.document_title]) or any(
        key in fold(line.text) for line in lines if len(line.text) <= MAX_TITLE_CHARS
    )


def _stated_titles(meta: PageMetadata) -> set[str]:
    """The titles the page states about itself, and their parts around a site-name separator."""
    stated: set[str] = set()
    for text in [*meta.titles, meta.document_title]:
        if text:
            stated.add(fold(text))
            stated.update(fold(part) for part in TITLE_SEPARATOR_RE.split(text) if len(part) >= 8)
    return stated


def _longest_part(document_title: str) -> str:
    parts = [norm_ws(part) for part in TITLE_SEPARATOR_RE.split(document_title)]
    return max(parts, key=len, default="")


# --- date and byline under the title --------------------------------------------------------------


def _head(lines: list[Line], title: str) -> _Head:
    keys = {fold(title)}
    index = next((line.index for line in lines if fold(line.text) in keys), None)
    if index is None:  # the title in a heading beside a rubric label
        index = next((line.index for line in lines if line.heading and is_title_text(line.text, keys, True)), None)
    if index is None:
        return _Head(title, None, None, None)
    date = author = None
    for line in lines[index + 1 : index + 1 + HEAD_WINDOW]:
        if len(line.text) > MAX_HEAD_LINE_CHARS:
            break
        date = date or _line_date(line)
        author = author or byline_name(line.text)
    return _Head(title, index, date, author)


def _line_date(line: Line) -> str | None:
    """The date a line under the title shows: a <time datetime>, or a line that is mostly a date
    ("14 ноября 2023, 15:20 · 1532", "By Jane Doe · 7 April 2021"), not a sentence that names one."""
    for element in (line.first, *line.block.iter("time")):
        shown = norm_ws(" ".join(element.itertext())) if element.tag == "time" else ""
        # A byline and its <time> on one line ("By Jane Doe <time datetime=...>"): the time's own.
        if element.tag == "time" and element.get("datetime") and shown in line.text:
            return find_date_in_text(str(element.get("datetime")))
    found = find_date_in_text(line.text)
    return found if found and len(line.text) <= len(found) + DATE_LINE_EXTRA_CHARS else None


def _dates(meta: PageMetadata, head: _Head) -> list[DateCandidate]:
    """Structured dates first (JSON-LD, meta tags), then the date shown under the title, then the URL's."""
    stated = [d for d in meta.dates if d.source == "metadata"]
    shown = [DateCandidate(head.date, "detail")] if head.date else []
    return stated + shown + [d for d in meta.dates if d.source == "url"]


def _split_glued_date(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """A date in its own element glued to the body's first words ("<span>01.06.2018</span>1 June
    2018, ..."): the article's date, not text."""
    if not blocks or not blocks[0].source:
        return None, blocks
    first = blocks[0]
    rest, date = split_leading_date(first.text)
    if date is None or first.source[0].first_text != date or not rest:
        return None, blocks
    return date, [Block(rest, first.kind, first.link_chars, first.hrefs, first.group, False, first.source), *blocks[1:]]


def _split_subtitle(blocks: list[Block], head: _Head) -> tuple[str | None, list[Block]]:
    """A short emphasised line right under the title, standing apart from the body ("Exclusive for
    Sputnik Belarus"): the subtitle, not the body's first paragraph."""
    if len(blocks) < SUBTITLE_MIN_BLOCKS or not blocks[0].source or head.index is None:
        return None, blocks
    first, line = blocks[0], blocks[0].source[0]
    apart = line.block.getparent() not in {b.source[0].block.getparent() for b in blocks[1:3] if b.source}
    short = len(first.text) <= MAX_SUBTITLE_CHARS and not first.text.endswith(SENTENCE_END)
    if line.index > head.index and apart and short and line.emphasised and not line.link_chars:
        return first.text, blocks[1:]
    return None, blocks


# --- links and markup -----------------------------------------------------------------------------


def _document_hrefs(root: etree._Element, lines: list[Line], head: _Head) -> list[str]:
    """Links from the title on, outside the page's navigation, header, footer and sidebars: the
    attachments are among them (``ArticlePage.attachments`` keeps the document links)."""
    if head.index is None:
        return []
    start = lines[head.index].first
    return [str(link.get("href")) for link in LINKS_FROM(start)]


def _body_html(blocks: list[Block]) -> str:
    """Plain markup of the kept blocks: headings as <h2>, list items as <li>, the rest as <p>."""
    parts = []
    for block in blocks:
        tag = {"head": "h2", "item": "li"}.get(block.kind, "p")
        parts.append(f"<{tag}>{escape(block.text)}</{tag}>")
    return "\n".join(parts)
