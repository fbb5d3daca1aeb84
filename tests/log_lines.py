"""What the scheduled commands' stderr lines carry when no terminal watches: a time first (cli/logs.py)."""

from __future__ import annotations

import re

# "2026-02-13 03:17:05 " at the start of a line (Scrapy's LOG_DATEFORMAT).
STAMP_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", re.M)


def unstamped(text: str) -> str:
    """``text`` with the time taken off the start of each line."""
    return STAMP_RE.sub("", text)


def all_stamped(text: str) -> bool:
    """Every non-empty line starts with a time."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(STAMP_RE.match(line) for line in lines)
