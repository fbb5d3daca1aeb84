"""The main text of any page as trafilatura finds it, as blocks, and the rules that trim it.

trafilatura (fast mode) returns the main text as a small tree: ``<head>``, ``<p>`` split by
``<lb/>``, ``<list><item>``, ``<table><row><cell>``, ``<quote>``. Each line becomes a ``Block``,
and learns from the page's own line of the same text (``pages.lines``) how much of it is link
text (trafilatura's ``include_links`` loses words around some links: a news page in the Zyte
benchmark lost half its text with it). The rules then drop what
such extractors keep on news pages and a reader does not count as the article: the headline and
standfirst the page repeats at the top, lines that are a link to another page ("READ MORE: ...",
a back link to the section, whatever its words), lists of other articles, and the contact and
copyright lines that close a page. None of them names a site.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from ..dates import find_date_in_text, split_trailing_date
from ..htmltext import norm_ws
from .anchored import SENTENCE_END, fold
from .lines import Line
from .metadata import byline_name

# A line mostly link text is a link to another page, not a sentence of the article.
LINK_LINE_DENSITY = 0.6
# ... unless it is long: a paragraph with one long linked quotation is still prose.
LINK_LINE_MAX_CHARS = 300
# A list most of whose items open with a link lists other articles ("- Headline Lead").
LINK_LIST_SHARE = 0.5
# ... a headline and a one-line lead, at most.
TEASER_MAX_CHARS = 160
# A gap between two blocks of the main text that may hold a dropped subheading or list, at most.
MAX_GAP_LINES = 12
GAP_LINK_DENSITY = 0.3
SUBHEADING_LEVEL = 2
# Bylines and date lines under the title are short.
BYLINE_MAX_CHARS = 120
DATE_LINE_SLACK = 25  # "Published: ", ", 15:20", "Updated"
# trafilatura may join this many of the page's lines into one of its paragraphs.
MAX_JOINED_LINES = 400
# A label over such links: "DON'T MISS", "Related", "Читайте также" (a few words, no sentence).
LABEL_MAX_WORDS = 5
# How far into the text the page's headline may be repeated.
TITLE_SEARCH = 3
# A rubric label beside the headline in its heading, at most ("Press release", "Новости").
TITLE_LABEL_CHARS = 30
# A headline glued to the first paragraph is cut off only when it is this long (no short words).
MIN_TITLE_PREFIX = 20
# Closing lines of a page: a contact address or a handle (short, at the very end). Copyright lines
# stay: wire copy closes with its agency's ("© 2019 Associated Press"), part of the text.
CONTACT_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|(?:^|\s)@\w{2,}", re.I)
CLOSING_MAX_CHARS = 250
CLOSING_MAX_LINES = 4


@dataclass
class Block:
    """One line of the main text: its words, its kind, and its links."""

    text: str
    kind: str  # head | p | item | row | quote
    link_chars: int = 0
    hrefs: list[str] = field(default_factory=list)
    group: int = 0  # the list or table it belongs to (0: none)
    starts_with_link: bool = False
    source: list[Line] = field(default_factory=list)  # the page's lines it was read from, if known

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


def preload_main_text_finder() -> None:
    """Import trafilatura now (before worker processes fork, so that they share it)."""
    import trafilatura  # noqa: F401


def body_blocks(root: etree._Element, url: str, lines: list[Line]) -> list[Block]:
    """The main text trafilatura finds on the page (it works on a copy of the tree), each line
    with the links of the page's own line of the same text."""
    # Imported here: only pages no other reader could read need it (0.3 s of start-up).
    import trafilatura

    # trafilatura parses without comments and processing instructions, and loses the words after
    # one inside a paragraph (a Zyte benchmark page lost half its text): a copy without them.
    tree = copy.deepcopy(root)
    etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=True,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
    )
    body = getattr(document, "body", None)
    blocks = list(_blocks(body)) if body is not None else []
    shown: dict[str, list[Line]] = {}
    for line in lines:
        shown.setdefault(fold(line.text), []).append(line)
    squashed: list[str] | None = None
    last = -1
    for block in blocks:
        match = _same_text_line(shown.get(fold(block.text), []), last)
        if match is None and squashed is None:
            squashed = [_squash(line.text) for line in lines]
        _annotate(block, [match] if match is not None else _source_lines(block.text, lines, squashed or []))
        last = block.source[-1].index if block.source else last
    return blocks


def _same_text_line(candidates: list[Line], last: int) -> Line | None:
    """Of the page's lines with a block's text, the one it was read from: after the line of the
    block before it, and the least linked (a sidebar teaser can repeat a body's first paragraph
    as a link, before it)."""
    later = [line for line in candidates if line.index > last] or candidates
    return min(later, key=lambda line: line.link_density, default=None)


def _annotate(block: Block, source: list[Line]) -> None:
    block.source = source
    if source:
        block.link_chars = min(len(block.text), sum(line.link_chars for line in source))
        block.hrefs = list(dict.fromkeys(href for line in source for href in line.hrefs))
        block.starts_with_link = _opens_with_link(source[0])


def _source_lines(text: str, lines: list[Line], squashed: list[str]) -> list[Line]:
    """The run of the page's lines that make up ``text`` (trafilatura joins a menu's items into
    one paragraph), ``squashed``: each line's text without spaces; empty when the text was
    reshaped beyond that."""
    key = _squash(text)
    for start, first in enumerate(squashed):
        if not key.startswith(first):
            continue
        joined = ""
        for i in range(start, min(len(lines), start + MAX_JOINED_LINES)):
            joined += squashed[i]
            if joined == key:
                return lines[start : i + 1]
            if not key.startswith(joined):
                break
    return []


def _squash(text: str) -> str:
    """Text without its spaces, folded: trafilatura joins lines with a space, or with none
    ("13.02.2026Sergey Lavrov met ...")."""
    return "".join(text.split()).casefold()


def _opens_with_link(line: Line) -> bool:
    """The line's first words are inside a link (<a href> at or above its first element)."""
    for element in (line.first, *line.first.iterancestors()):
        if element.tag == "a" and element.get("href") is not None:
            return True
        if element is line.block:
            return False
    return False


def _blocks(body: etree._Element) -> Iterator[Block]:
    """The body's blocks in order; text standing loose in it (before or after an element, as
    trafilatura leaves a paragraph after a heading) is a paragraph of its own."""
    group = 0
    yield from _line([body.text or ""], "p", 0)
    for child in body:
        kind = child.tag if isinstance(child.tag, str) else ""
        if kind in ("list", "table"):
            group += 1
            for part in child.iter("item", "row"):
                if part.tag == "row":
                    text = norm_ws(" ".join(norm_ws("".join(cell.itertext())) for cell in part))
                    if text:
                        yield Block(text, "row", group=group)
                elif part.getparent() is child:
                    yield from _lines(part, "item", group)
        elif kind:
            yield from _lines(child, kind if kind in ("head", "quote") else "p", 0)
        yield from _line([child.tail or ""], "p", 0)


def _lines(element: etree._Element, kind: str, group: int) -> Iterator[Block]:
    """The element's lines (``<lb/>`` ends one), read without recursion."""
    pieces: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if event == "start":
            if node.tag == "lb":
                yield from _line(pieces, kind, group)
                pieces = []
            pieces.append(node.text or "")
        elif node is not element:
            pieces.append(node.tail or "")
    yield from _line(pieces, kind, group)


def _line(pieces: list[str], kind: str, group: int) -> Iterator[Block]:
    text = norm_ws("".join(pieces))
    if text:
        yield Block(text, kind, group=group)


# --- trimming -------------------------------------------------------------------------------------


def trim_blocks(blocks: list[Block], titles: list[str], descriptions: list[str], lines: list[Line]) -> list[Block]:
    """The article's own text: the subheadings and lists trafilatura's fast mode leaves out put
    back, without the headline, standfirst and byline repeated at the top, link lines and link
    lists (and the labels over them), and closing contact lines."""
    blocks = _fill_gaps(blocks, lines)
    blocks = _drop_head(blocks, titles, descriptions)
    blocks = _drop_link_lists(blocks)
    blocks = _drop_link_lines(blocks, lines)
    return _drop_closing_lines(blocks)


def _fill_gaps(blocks: list[Block], lines: list[Line]) -> list[Block]:
    """Between two blocks of the main text, the page's subheadings and list items that lead up to
    the next block, and list items that follow the previous one (trafilatura's fast mode drops
    some <h2> and <ul> of a body); never link lines, never anything else standing between them."""
    out: list[Block] = []
    for block in blocks:
        if out and out[-1].source and block.source:
            gap = lines[out[-1].source[-1].index + 1 : block.source[0].index]
            if len(gap) <= MAX_GAP_LINES:
                out.extend(_gap_block(line) for line in _kept(gap, block.source[0].block.getparent()))
        out.append(block)
    return out


def _gap_block(line: Line) -> Block:
    kind = "head" if line.heading else "item" if line.block.tag == "li" else "p"
    return Block(line.text, kind, line.link_chars, list(line.hrefs), source=[line])


def _kept(gap: list[Line], container: etree._Element | None) -> list[Line]:
    """The list items opening a gap and the subheadings and list items closing it; and text that
    stands loose in the body's own container ("<div>text<p>...</p></div>": the fast mode drops it)."""
    start = 0
    while start < len(gap) and _is_item(gap[start]):
        start += 1
    end = len(gap)
    while end > start and (_is_item(gap[end - 1]) or _is_subheading(gap[end - 1])):
        end -= 1
    loose = [line for line in gap[start:end] if line.block is container and line.link_density < GAP_LINK_DENSITY]
    return gap[:start] + loose + gap[end:]


def _is_item(line: Line) -> bool:
    return line.block.tag == "li" and line.link_density < GAP_LINK_DENSITY


def _is_subheading(line: Line) -> bool:
    return line.heading >= SUBHEADING_LEVEL and line.link_density < GAP_LINK_DENSITY


def _drop_head(blocks: list[Block], titles: list[str], descriptions: list[str]) -> list[Block]:
    """The headline repeated near the top, the standfirst right under it (a heading, or the page's
    own description standing apart from the body) and a byline or date line there."""
    keys = {fold(title) for title in titles if title}
    described = {fold(d) for d in descriptions}
    head = blocks[:TITLE_SEARCH]
    titled = next((i for i, b in enumerate(head) if is_title_text(b.text, keys, b.kind == "head")), None)
    if titled is None:
        head = [_without_title_prefix(block, keys) for block in head]
    kept = []
    for i, block in enumerate(head):
        after_title = titled is not None and i == titled + 1
        standfirst = (after_title and block.kind == "head") or (
            fold(block.text) in described and _apart(block, [b for b in blocks[i + 1 : i + 4] if not _is_byline(b)])
        )
        if i == titled or standfirst or _is_byline(block):
            continue
        kept.append(block)
    return kept + blocks[TITLE_SEARCH:]


def is_title_text(text: str, keys: set[str], heading: bool) -> bool:
    """The headline (folded in ``keys``), with a date after it, or (a heading) with a rubric label
    around it: "News <title>", "<title> | Photo"."""
    folded = fold(split_trailing_date(text)[0])
    if folded in keys:
        return True
    return heading and any(key and key in folded and len(folded) <= len(key) + TITLE_LABEL_CHARS for key in keys)


def _without_title_prefix(block: Block, keys: set[str]) -> Block:
    """A block that opens with the headline glued to the text ("Title.November 20, 2019 - Text..."),
    without it."""
    squashed = _squash(block.text)
    for key in keys:
        title = _squash(key)
        if len(title) >= MIN_TITLE_PREFIX and squashed.startswith(title) and len(squashed) > len(title):
            rest = _after_chars(block.text, len(title))
            return Block(rest, block.kind, block.link_chars, block.hrefs, block.group, False, block.source)
    return block


def _after_chars(text: str, count: int) -> str:
    """``text`` after its first ``count`` non-space characters."""
    seen = 0
    for i, char in enumerate(text):
        if not char.isspace():
            seen += 1
            if seen == count:
                return text[i + 1 :].strip()
    return ""


def _apart(block: Block, following: list[Block]) -> bool:
    """The block stands in another container than the text after it (a standfirst in the page's
    head, not the body's first paragraph that the description repeats)."""
    parents = [b.source[0].block.getparent() for b in following if b.source]
    return bool(block.source) and bool(parents) and block.source[0].block.getparent() not in parents


def _is_byline(block: Block) -> bool:
    """'By Jane Doe · 7 April 2021 · 12 min read', 'Автор: Иван Петров', or a date standing alone."""
    if len(block.text) > BYLINE_MAX_CHARS:
        return False
    if byline_name(block.text) is not None:
        return True
    date = find_date_in_text(block.text)
    return date is not None and len(block.text) <= len(date) + DATE_LINE_SLACK


def _is_label(block: Block) -> bool:
    """A short heading over a block of links: 'DON'T MISS', 'Related news', 'Читайте также:'."""
    return len(block.text.split()) <= LABEL_MAX_WORDS and not block.text.rstrip(":").endswith(SENTENCE_END)


def _is_link_line(block: Block) -> bool:
    return block.link_density >= LINK_LINE_DENSITY and len(block.text) <= LINK_LINE_MAX_CHARS


def _drop_link_lines(blocks: list[Block], lines: list[Line]) -> list[Block]:
    """Lines that are links to other pages, and the label just above a run of them (on the page:
    "Читайте также:" over a link the main text no longer shows)."""
    kept: list[Block] = []
    dropped_last = False
    for block in blocks:
        if _is_link_line(block):
            if kept and not dropped_last and _is_label(kept[-1]) and not kept[-1].link_chars:
                kept.pop()
            dropped_last = True
            continue
        dropped_last = False
        if not (_is_label(block) and _links_follow(block, lines)):
            kept.append(block)
    return kept


def _links_follow(block: Block, lines: list[Line]) -> bool:
    """On the page, the line right after this one is a link line."""
    if not block.source or not block.text.endswith(":"):
        return False
    after = block.source[-1].index + 1
    return after < len(lines) and lines[after].link_density >= LINK_LINE_DENSITY


def _drop_link_lists(blocks: list[Block]) -> list[Block]:
    """Lists whose items mostly open with a link: other articles ("- Headline Lead ...")."""
    groups: dict[int, list[Block]] = {}
    for block in blocks:
        if block.kind == "item" and block.group:
            groups.setdefault(block.group, []).append(block)
    linked = {
        group for group, items in groups.items() if sum(_teaser(item) for item in items) > LINK_LIST_SHARE * len(items)
    }
    kept: list[Block] = []
    for block in blocks:
        if block.kind == "item" and block.group in linked:
            if kept and _is_label(kept[-1]) and kept[-1].kind != "item":
                kept.pop()
            continue
        kept.append(block)
    return kept


def _teaser(item: Block) -> bool:
    """An item that opens with a link and is mostly that link, or short: a headline and its lead,
    not a paragraph that links its first words ("- The attorney general is investigating ...")."""
    return item.starts_with_link and (item.link_density >= LINK_LINE_DENSITY or len(item.text) <= TEASER_MAX_CHARS)


def _drop_closing_lines(blocks: list[Block]) -> list[Block]:
    """Short lines at the very end with an e-mail address, a handle or a copyright."""
    end = len(blocks)
    while end > 0 and len(blocks) - end < CLOSING_MAX_LINES:
        last = blocks[end - 1]
        if len(last.text) > CLOSING_MAX_CHARS or not CONTACT_RE.search(last.text):
            break
        end -= 1
    return blocks[:end]
