"""The rules that trim the main text of any page (``pages.generic_text``) to the article.

Extractors such as trafilatura keep, on news pages, what a reader does not count as the article:
the headline and standfirst the page repeats at the top, the byline, lines that are a link to
another page ("READ MORE: ...", a back link to the section, whatever its words), lists of other
articles and the labels over them, and the contact lines that close a page. None of these rules
names a site.
"""

from __future__ import annotations

import re

from ..dates import find_date_in_text, split_trailing_date
from .anchored import SENTENCE_END, fold
from .generic_text import Block, squash
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
# Bylines and date lines under the title are short.
BYLINE_MAX_CHARS = 120
DATE_LINE_SLACK = 25  # "Published: ", ", 15:20", "Updated"
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


def trim_blocks(blocks: list[Block], titles: list[str], descriptions: list[str], lines: list[Line]) -> list[Block]:
    """The article's own text: without the headline, standfirst and byline repeated at the top,
    link lines and link lists (and the labels over them), and closing contact lines."""
    blocks = _drop_head(blocks, titles, descriptions)
    blocks = _drop_link_lists(blocks)
    blocks = _drop_link_lines(blocks, lines)
    return _drop_closing_lines(blocks)


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
    squashed = squash(block.text)
    for key in keys:
        title = squash(key)
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
    """On the page, the line right after this label (ending in a colon, or a heading: WordPress's
    "Похожие записи" over related posts the extractor dropped, tests/wordpress_site.py) is a link line."""
    if not block.source or not (block.text.endswith(":") or block.kind == "head"):
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
