"""HTML fragments -> clean paragraphs and sanitised HTML (block-aware, whitespace-normalised).

Block elements and ``<br>`` end a paragraph, so Word pastes (MsoNormal paragraphs, split spans,
``&nbsp;`` runs, empty ``<o:p>`` paragraphs) and ``<br><br>``-separated text both come out as
plain paragraphs. Scripts, styles, embedded players and comments never contribute text.
"""

from __future__ import annotations

import copy
import functools
import re
import unicodedata

from lxml import etree
from lxml import html as lxml_html

BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "blockquote",
        "pre",
        "br",
        "hr",
        "section",
        "article",
        "aside",
        "figure",
        "figcaption",
        "header",
        "footer",
        "address",
        "center",
    }
)
# Elements whose content is never article text (players, scripts, forms, vector art).
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "noscript",
        "template",
        "svg",
        "object",
        "embed",
        "form",
        "button",
        "input",
        "select",
        "textarea",
        "head",
        "title",
        "meta",
        "link",
    }
)
# What survives in the cleaned body HTML; other tags are unwrapped (their text kept).
KEPT_TAGS = frozenset(
    {
        "p",
        "br",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "s",
        "sup",
        "sub",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "a",
        "img",
        "figure",
        "figcaption",
    }
)
KEPT_ATTRIBUTES = frozenset({"href", "src", "alt", "colspan", "rowspan"})


# Invisible format characters (Unicode category Cf): soft hyphens, zero-width spaces and joiners,
# byte-order marks, bidi marks. Editors paste them from Word and the web; a reader never sees them,
# but they split words for search ("безо\xadпасность") and make equal texts differ.
# Every Cf character lies in planes 0, 1 and 14 (Unicode 15: U+00AD ... U+E007F); looking only
# there takes a tenth of the start-up a scan of all 1.1 million code points took.
CF_PLANES = (range(0x00000, 0x20000), range(0xE0000, 0xF0000))
FORMAT_CHARACTERS = "".join(chr(c) for plane in CF_PLANES for c in plane if unicodedata.category(chr(c)) == "Cf")


def _character_class(characters: str) -> str:
    """A regex character class of consecutive runs as ranges (15x faster to match than each
    character listed on its own)."""
    runs: list[list[int]] = []
    for code in map(ord, characters):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    parts = (re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in runs)
    return "[" + "".join(parts) + "]"


FORMAT_CHARACTER_RE = re.compile(_character_class(FORMAT_CHARACTERS))
# Control characters (Unicode category Cc: C0, DEL, C1), line breaks and tabs included.
CONTROL_CHARACTER_RE = re.compile("[\x00-\x1f\x7f-\x9f]")


def norm_ws(text: str) -> str:
    """Text as a reader sees it: no invisible format characters, control characters as spaces
    (a hostile page's ESC sequences never reach a terminal), NFC, every whitespace run (NBSP
    included) one space, trimmed.

    str.split() and the regular expression ``\\s+`` know the same whitespace (every code point
    checked); splitting is ~4x faster, and this runs for every text node of every page.
    """
    if not text.isprintable():  # str.isprintable is C-fast; most text nodes pass it
        text = CONTROL_CHARACTER_RE.sub(" ", text)
    if text.isascii():  # no format character and nothing to compose: most text of the en site
        return " ".join(text.split())
    text = " ".join(FORMAT_CHARACTER_RE.sub("", text).split())
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# The readers compare the same lines' texts again and again (title, head, ends, trimming): about
# 450 folds per page of the Zyte benchmark for 120 distinct texts.
@functools.lru_cache(maxsize=4096)
def folded(text: str) -> str:
    """Text as the readers compare it: ``norm_ws``, then case-folded (remembered)."""
    return norm_ws(text).casefold()


def join_paragraphs(paragraphs: list[str]) -> str:
    """The archive's body_text convention: normalised non-empty paragraphs, one blank line apart."""
    return "\n\n".join(p for p in (norm_ws(x) for x in paragraphs) if p)


def _is_element(node: etree._Element) -> bool:
    return isinstance(node.tag, str)


def _tag(node: etree._Element) -> str:
    """Lower-case local tag name ('o:p' and '{urn:...}p' both become 'p'-like names we ignore)."""
    return node.tag.rsplit("}", 1)[-1].lower() if _is_element(node) else ""


class _ParagraphCollector:
    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self._buffer: list[str] = []

    def flush(self) -> None:
        text = norm_ws("".join(self._buffer))
        if text:
            self.paragraphs.append(text)
        self._buffer = []

    def add(self, text: str | None) -> None:
        if text:
            self._buffer.append(text)

    def walk(self, root: etree._Element) -> None:
        """Collect the text under ``root`` in document order; a loop over lxml's ``iterwalk``, not
        recursion, so a page of a thousand nested <div>s cannot exhaust Python's stack."""
        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        for event, node in walker:
            if event in ("comment", "pi"):
                self.add(node.tail)  # comments and instructions still pass on their tail
                continue
            tag = _tag(node)
            if event == "start":
                if tag in SKIP_TAGS:
                    walker.skip_subtree()  # its "end" event still comes, and passes on its tail
                    continue
                if tag in BLOCK_TAGS:
                    self.flush()
                self.add(node.text)
                continue
            if tag in BLOCK_TAGS and tag not in SKIP_TAGS:
                self.flush()
            if node is not root:
                self.add(node.tail)


def element_paragraphs(element: etree._Element) -> list[str]:
    """Visible text of an element (its tail excluded) as normalised paragraphs."""
    collector = _ParagraphCollector()
    tail, element.tail = element.tail, None
    try:
        collector.walk(element)
    finally:
        element.tail = tail
    collector.flush()
    return collector.paragraphs


def fragment_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment given as a string."""
    if not fragment.strip():
        return []
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    return element_paragraphs(root)


def clean_html(element: etree._Element) -> str:
    """Sanitised inner HTML of an element: only KEPT_TAGS with KEPT_ATTRIBUTES, no scripts or comments.

    Relative links stay as the page wrote them; the caller makes them absolute first when needed.
    """
    root = copy.deepcopy(element)
    root.tail = None
    for node in list(root.iter()):
        if node is root:
            continue
        if not _is_element(node) or _tag(node) in SKIP_TAGS:
            remove_keep_tail(node)
    for node in list(root.iter()):
        if node is root or not _is_element(node):
            continue
        if _tag(node) not in KEPT_TAGS:
            node.drop_tag()
            continue
        for name in list(node.attrib):
            if name not in KEPT_ATTRIBUTES or str(node.attrib[name]).strip().lower().startswith("javascript:"):
                del node.attrib[name]
    inner = (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode", with_tail=True) for child in root)
    return _collapse_blank_paragraphs(inner).strip()


_EMPTY_P_RE = re.compile(r"<p>(?:\s|&nbsp;|\xa0)*</p>")


def _collapse_blank_paragraphs(markup: str) -> str:
    return _EMPTY_P_RE.sub("", markup)


def remove_keep_tail(node: etree._Element) -> None:
    """Remove a node (element or comment) but keep the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    previous = node.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)
