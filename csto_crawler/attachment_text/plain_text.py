"""Text of plain-text attachments (.txt, .csv): paragraphs are the blank-line-separated blocks."""

from __future__ import annotations

import re

from .limits import ReadingLimits
from .outcome import Reading


def read_text(data: bytes, limits: ReadingLimits) -> Reading:
    """A plain-text file: UTF-8 (with or without BOM), else windows-1251 (the Russian site's)."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return re.split(r"\n\s*\n", data.decode(encoding)), []
        except UnicodeDecodeError:
            continue
    return re.split(r"\n\s*\n", data.decode("latin-1")), ["decoded as latin-1"]
