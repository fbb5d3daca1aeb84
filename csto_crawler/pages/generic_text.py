"""The main text of any page as trafilatura finds it, as blocks tied to the page's own lines.

trafilatura (fast mode) returns the main text as a small tree: ``<head>``, ``<p>`` split by
``<lb/>``, ``<list><item>``, ``<table><row><cell>``, ``<quote>``, and text left loose between them.
Each line becomes a ``Block`` and learns from the page's own line of the same text
(``pages.lines``) how much of it is link text: trafilatura's ``include_links`` loses words around
some links (a Zyte benchmark page lost half its text with it). Between two blocks, the subheadings,
list items and loose text of the body's container that the fast mode drops are put back.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from ..htmltext import norm_ws
from . import common_ancestor
from .anchored import fold
from .lines import Line

# A gap between two blocks of the main text that may hold a dropped subheading or list, at most.
MAX_GAP_LINES = 12
GAP_LINK_DENSITY = 0.3
SUBHEADING_LEVEL = 2
# A body split into chunks: looked for this many levels above the chunk kept, and taken when a
# later chunk holds this many paragraphs of prose.
CHUNK_LEVELS = 4
CHUNK_MIN_PARAGRAPHS = 2
CHUNK_PARAGRAPH_CHARS = 80
# A lead standing between the headline and the body in a container of its own (an agency's
# "MOSCOW. KAZINFORM – ..." first paragraph in <div class="lead">): looked for this many lines up,
# a paragraph of prose at least this long, sharing an ancestor with the body this few levels up.
LEAD_LOOKBACK_LINES = 6
LEAD_MIN_CHARS = 80
LEAD_LEVELS = 3
# A single block that runs over this many of the page's lines, a top heading among them, is the
# whole article block as one paragraph; its lines of these tags are the article's text.
MIN_WHOLE_ARTICLE_LINES = 4
PROSE_TAGS = frozenset({"p", "li", "blockquote"})
# trafilatura may join this many of the page's lines into one of its paragraphs.
MAX_JOINED_LINES = 400


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
            squashed = [squash(line.text) for line in lines]
        _annotate(block, [match] if match is not None else _source_lines(block.text, lines, squashed or []))
        last = block.source[-1].index if block.source else last
    blocks = _split_whole_article(blocks, lines, squashed)
    blocks = _in_page_order(blocks)
    return _lead(blocks, lines) + _fill_gaps(blocks, lines) + _continuation(blocks, lines)


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
    key = squash(text)
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


def squash(text: str) -> str:
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


def _split_whole_article(blocks: list[Block], lines: list[Line], squashed: list[str] | None) -> list[Block]:
    """trafilatura's fallback on a short page returns the whole article block as one paragraph:
    headline, byline, caption, "Read also" box, tags and share buttons run together (the agency
    fixture of tests/test_pages_generic.py, ``whole-article-as-one-paragraph``). Such a block, one
    that runs over a page's top heading or over two lines that are no paragraph (a byline, a
    caption, a box), is read again line by line: its heading (for the title rules) and its
    paragraphs of prose, not the rest."""
    if len(blocks) != 1:
        return blocks
    run = blocks[0].source or _longest_run(blocks[0].text, lines, squashed or [squash(line.text) for line in lines])
    chrome = [line for line in run if not line.heading and line.block.tag not in PROSE_TAGS]
    if len(run) < MIN_WHOLE_ARTICLE_LINES or not (any(line.heading == 1 for line in run) or len(chrome) >= 2):
        return blocks
    return [_gap_block(line) for line in run if _is_text_line(line)]


def _is_text_line(line: Line) -> bool:
    """A heading, or a paragraph, item, quote or sentence with few links (not a byline, a caption,
    a "Read also" box, a row of tags or share buttons)."""
    if line.heading:
        return True
    if line.link_density >= GAP_LINK_DENSITY:
        return False
    sentence = len(line.text) >= LEAD_MIN_CHARS // 2 and line.text.rstrip("\"'»”) ").endswith((".", "!", "?", "…"))
    return line.block.tag in PROSE_TAGS or sentence


def _longest_run(text: str, lines: list[Line], squashed: list[str]) -> list[Line]:
    """The longest run of the page's lines that ``text`` opens with (buttons and other text the
    lines leave out may follow it)."""
    key, best = squash(text), list[Line]()
    for start, first in enumerate(squashed):
        if not first or not key.startswith(first):
            continue
        joined, end = "", start
        for i in range(start, min(len(lines), start + MAX_JOINED_LINES)):
            if not key.startswith(joined + squashed[i]):
                break
            joined, end = joined + squashed[i], i + 1
        if end - start > len(best):
            best = lines[start:end]
    return best


def _in_page_order(blocks: list[Block]) -> list[Block]:
    """The blocks in the page's order when each is tied to a line of the page: trafilatura's fast
    mode can return a short body first and the headline and lead after it."""
    if not blocks or not all(block.source for block in blocks):
        return blocks
    return sorted(blocks, key=lambda block: block.source[0].index)


def _lead(blocks: list[Block], lines: list[Line]) -> list[Block]:
    """The lead paragraphs right above the body, below the headline, that trafilatura leaves out
    when they stand in a container of their own beside the body's (tests/test_pages_generic.py,
    ``lead-beside-body``): prose paragraphs, few links, in the same article container."""
    first = next((block.source[0] for block in blocks if block.source), None)
    if first is None:
        return []
    near = {first.block, *list(first.block.iterancestors())[:LEAD_LEVELS]}
    read = {fold(block.text) for block in blocks}
    found: list[Line] = []
    for line in reversed(lines[max(0, first.index - LEAD_LOOKBACK_LINES) : first.index]):
        if line.heading:
            break
        beside = any(ancestor in near for ancestor in line.block.iterancestors())
        if _is_lead(line) and fold(line.text) not in read and beside:
            found.append(line)
    return [_gap_block(line) for line in reversed(found)]


def _is_lead(line: Line) -> bool:
    text = line.text.rstrip("\"'»”) ")
    return (
        line.block.tag == "p"
        and len(line.text) >= LEAD_MIN_CHARS
        and line.link_density < GAP_LINK_DENSITY
        and text.endswith((".", "!", "?", "…"))
    )


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


def _continuation(blocks: list[Block], lines: list[Line]) -> list[Block]:
    """The rest of a body that the page splits into chunks of the same markup (the article cut by
    an ad row into several ``<div class="body">``): trafilatura keeps the first chunk only. The
    chunks after the one it kept, when they hold paragraphs of prose."""
    kept = [block.source[0].block for block in blocks if block.source]
    if not kept:
        return []
    chunk = common_ancestor(kept)
    for node in [chunk, *chunk.iterancestors()][:CHUNK_LEVELS]:
        parent, kind = node.getparent(), node.get("class")
        if parent is None or not kind:
            continue
        later = [c for c in node.itersiblings() if c.tag == node.tag and c.get("class") == kind]
        if later:
            return [_gap_block(line) for sibling in later for line in _prose_lines(sibling, lines)]
    return []


def _prose_lines(chunk: etree._Element, lines: list[Line]) -> list[Line]:
    """The lines inside ``chunk``, when they are prose: paragraphs, few links."""
    inside = [line for line in lines if line.block is chunk or chunk in line.block.iterancestors()]
    paragraphs = [line for line in inside if line.block.tag == "p" and len(line.text) >= CHUNK_PARAGRAPH_CHARS]
    links = sum(line.link_chars for line in inside) / max(1, sum(len(line.text) for line in inside))
    if len(paragraphs) < CHUNK_MIN_PARAGRAPHS or links >= GAP_LINK_DENSITY:
        return []
    return [line for line in inside if line.link_density < GAP_LINK_DENSITY]
