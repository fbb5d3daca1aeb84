"""A page as a reader sees it: its visible text as lines in document order, each tied to its element.

Markup-independent extraction (``pages.fallback``) reads pages through this view: which text comes
first, which line is a heading, how much of a line is link text, which element a line sits in.
Block elements and ``<br>`` end a line exactly as ``htmltext.element_paragraphs`` ends a paragraph,
so a body read line by line and a body read from its container give the same paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ..htmltext import BLOCK_TAGS, SKIP_TAGS, norm_ws

HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
EMPHASIS_TAGS = frozenset({"b", "strong", "i", "em"})
BOLD_STYLE_RE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)
# Markup a reader never sees: display:none blocks (the accessibility panel's settings) and the
# HTML ``hidden`` attribute.
HIDDEN_STYLE_MARKERS = ("display:none", "display: none", "visibility:hidden", "visibility: hidden")


@dataclass(slots=True)
class Line:
    """One line of visible text and where it sits."""

    index: int
    text: str
    block: etree._Element  # the nearest block element around the line's text
    first: etree._Element  # the element whose own text (or tail) opens the line
    first_text: str  # that opening piece of text
    link_chars: int  # characters inside <a href>
    heading: int  # 1-6 inside <hN>, else 0
    emphasised: bool  # every character inside <b>, <strong>, <i> or <em>
    hrefs: list[str] = field(default_factory=list)  # links the line's text sits in, in order

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


# One piece of a line's text: (text, element, innermost link, heading level, emphasised).
_Piece = tuple[str, etree._Element, str | None, int, bool]


def _flush(lines: list[Line], pieces: list[_Piece], block: etree._Element) -> None:
    """The pieces collected since the last block boundary as a line of ``block`` (none when they
    are only whitespace: three flushes in four are the whitespace between blocks)."""
    visible = [p for p in pieces if not p[0].isspace()]
    if not visible:
        return
    text = norm_ws("".join(p[0] for p in pieces))
    if not text:
        return
    link_chars = sum(len(norm_ws(p[0])) for p in visible if p[2] is not None)
    hrefs: list[str] = []
    for p in visible:
        if p[2] is not None and p[2] not in hrefs:
            hrefs.append(p[2])
    lines.append(
        Line(
            index=len(lines),
            text=text,
            block=block,
            first=visible[0][1],
            first_text=norm_ws(visible[0][0]),
            link_chars=min(link_chars, len(text)),
            heading=max(p[3] for p in visible),
            emphasised=all(p[4] for p in visible),
            hrefs=hrefs,
        )
    )


def _tag(element: etree._Element) -> str:
    tag = element.tag
    name = tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""
    if len(_TAG_NAMES) < MAX_TAG_NAMES:
        _TAG_NAMES[tag] = name
    return name


# Each raw tag's name, worked out once (``{ns}Tag`` -> ``tag``); a page that invents tags stops
# adding them past MAX_TAG_NAMES.
_TAG_NAMES: dict[object, str] = {}
MAX_TAG_NAMES = 2000


def is_hidden(element: etree._Element) -> bool:
    """Hidden by the ``hidden`` attribute or an inline display:none / visibility:hidden style."""
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return bool(style) and any(marker in style.lower() for marker in HIDDEN_STYLE_MARKERS)


def _bold_style(style: str | None) -> bool:
    """Bold set by an inline style (``font-weight:bold`` or 600-900), as templates without <b> do."""
    return bool(style) and BOLD_STYLE_RE.search(style or "") is not None


def page_lines(root: etree._Element) -> list[Line]:
    """The visible lines of ``root``, in document order.

    One pass with lxml's ``iterwalk``; scripts, styles, forms and hidden blocks are skipped whole.
    Each element's context (innermost link, heading level, emphasis, block, skipped) is kept on a
    stack, so that an element's attributes are read once. (The loop is written out: it runs for
    every element of every page, a fifth of the generic reader's own time.)
    """
    lines: list[Line] = []
    pieces: list[_Piece] = []
    # (element, href, heading, emphasised, block, skipped) of every open element
    stack: list[tuple[etree._Element, str | None, int, bool, etree._Element, bool]] = []
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event in ("comment", "pi"):
            if stack and element.tail:
                _, href, heading, emphasised, block, _ = stack[-1]
                pieces.append((element.tail, stack[-1][0], href, heading, emphasised))
            continue
        tag = _TAG_NAMES.get(element.tag) or _tag(element)
        if event == "start":
            if tag in SKIP_TAGS or is_hidden(element):
                walker.skip_subtree()
                stack.append((element, None, 0, False, stack[-1][4] if stack else element, True))
                continue
            parent = stack[-1] if stack else (element, None, 0, True, element, False)
            block_here = tag in BLOCK_TAGS or not stack
            if block_here and pieces:
                _flush(lines, pieces, parent[4])
                pieces = []
            href = element.get("href") if tag == "a" else None
            href = parent[1] if href is None else href
            heading = HEADING_LEVELS.get(tag, parent[2])
            emphasised = parent[3] if stack else False
            emphasised = emphasised or tag in EMPHASIS_TAGS or _bold_style(element.get("style"))
            block = element if block_here else parent[4]
            stack.append((element, href, heading, emphasised, block, False))
            if element.text:
                pieces.append((element.text, element, href, heading, emphasised))
            continue
        # end
        _, _, _, _, block, skipped = stack.pop()
        if not skipped and (tag in BLOCK_TAGS or not stack) and pieces:
            _flush(lines, pieces, block)
            pieces = []
        if stack and element.tail:
            _, href, heading, emphasised, _parent_block, _ = stack[-1]
            pieces.append((element.tail, element, href, heading, emphasised))
    return lines
