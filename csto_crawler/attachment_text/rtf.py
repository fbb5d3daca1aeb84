"""Text of RTF files, read with striprtf, after a check that the groups are not nested past reason.

striprtf keeps a stack entry per open group: 15 million nested ``{`` take gigabytes, so the
deepest nesting is measured first (in C: the braces picked out, then a running sum) and a file
nested deeper than ``max_rtf_depth`` is refused. Raw bytes are decoded in the document's code
page (``\\ansicpgN``); ``\\'hh`` escapes follow each font's charset, as striprtf reads them.
Table cells end with a tab, as in the archive's other tables (striprtf would write ``|``).
"""

from __future__ import annotations

import codecs
import re
from itertools import accumulate

from .limits import ReadingLimits
from .outcome import Reading, RefusedError, TextStatus

ANSICPG_RE = re.compile(rb"\\ansicpg(\d{1,5})")  # \ansicpg1251
# An escaped backslash (kept), or a \cell / \nestcell control word (made a \tab).
CELL_RE = re.compile(rb"(\\\\)|\\(?:nest)?cell(?![a-zA-Z])")
# Braces only, escaped ones (\{ \}) and escaped backslashes removed first; { -> +1, } -> -1.
NOT_BRACES = bytes(b for b in range(256) if b not in b"{}")
SIGNED_BRACES = bytes.maketrans(b"{}", b"\x01\xff")


def nesting_depth(data: bytes) -> int:
    """The deepest group nesting of an RTF file (escaped braces aside)."""
    braces = data.replace(b"\\\\", b"").replace(b"\\{", b"").replace(b"\\}", b"")
    steps = memoryview(braces.translate(None, NOT_BRACES).translate(SIGNED_BRACES)).cast("b")
    return max(accumulate(steps), default=0)


def read_rtf(data: bytes, limits: ReadingLimits) -> Reading:
    """Paragraphs of an RTF file (``\\par`` breaks; ``\\'hh`` bytes in the fonts' code pages)."""
    from striprtf.striprtf import rtf_to_text

    depth = nesting_depth(data)
    if depth > limits.max_rtf_depth:
        raise RefusedError(
            TextStatus.TOO_LARGE, f"RTF groups nested {depth} deep, over the {limits.max_rtf_depth} limit"
        )
    data = CELL_RE.sub(lambda match: match.group(1) or b"\\tab ", data)
    text: str = rtf_to_text(data.decode(_code_page(data), "replace"), errors="replace")  # type: ignore[no-untyped-call]
    return text.split("\n"), []


def _code_page(data: bytes) -> str:
    found = ANSICPG_RE.search(data[:4096])
    if found:
        try:
            return codecs.lookup(f"cp{int(found.group(1))}").name
        except LookupError:
            pass  # an unknown code page: read the bytes as Windows' western one
    return "cp1252"
