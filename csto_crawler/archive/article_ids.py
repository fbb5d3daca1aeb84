"""Where an article lives: its citable ID and its section, both derived from its URL.

Shared by the history (IDs of new articles, sections of unknown URLs) and the ledger (the section
of a failed article page), so that neither module imports the other for them.
"""

from __future__ import annotations

import hashlib


def article_id(lang: str, element_id: str | None, url: str) -> str:
    """Stable, citable ID: ``en-8573`` from the Bitrix element ID (survives slug edits), else a
    hash of the URL path (``en-u1f3a9c2b1d``)."""
    if element_id:
        return f"{lang}-{element_id}"
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    return f"{lang}-u{hashlib.sha256(path.encode()).hexdigest()[:10]}"


def section_of(url: str) -> str:
    parts = [p for p in url.split("://", 1)[-1].split("?", 1)[0].split("/")[1:] if p]
    return "/".join(parts[:-1])
