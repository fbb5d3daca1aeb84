"""Which encoding really decodes an HTML body, when the HTTP header and the page disagree.

The Russian site serves windows-1251 (header and ``<meta>``); a misconfigured proxy or template
can announce UTF-8 for cp1251 bytes or the reverse. Scrapy trusts the header, which would store
mojibake; this checks that the announced encoding decodes the bytes and otherwise tries the
``<meta>`` declaration, then UTF-8, then windows-1251. Valid UTF-8 with non-ASCII bytes is taken as
UTF-8 whatever was announced.
"""

from __future__ import annotations

import codecs
import re

META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
FALLBACK_ENCODINGS = ("utf-8", "windows-1251")
# How much more text-like the page's own declaration must read before it beats the header.
PLAUSIBILITY_MARGIN = 0.2
# Letters of Latin-1's upper half (À..ÿ): what Cyrillic bytes become when read as iso-8859-1/cp1252.
LATIN_SUPPLEMENT_RE = re.compile("[\u00c0-\u00ff]")
LATIN_RUN_RE = re.compile("[\\u00c0-\\u00ff]{2,}")
CYRILLIC_LOWER_RE = re.compile("[\u0430-\u044f\u0451]")
CYRILLIC_UPPER_RE = re.compile("[\u0410-\u042f\u0401]")


def reads_better(body: bytes, declared: str, announced: str) -> bool:
    if not decodes_cleanly(body, declared):
        return False
    return plausibility(body.decode(declared)) > plausibility(body.decode(announced)) + PLAUSIBILITY_MARGIN


def plausibility(text: str) -> float:
    """How much the non-ASCII letters of a decoded page read like text (0..1). Lower-case Cyrillic
    counts, and accented Latin letters standing alone in a word (café); runs of accented Latin
    letters (Cyrillic read as Latin-1: "Ñîâåò") do not, nor a majority of Cyrillic capitals
    (windows-1251 read as KOI8-R swaps the case). A page without such letters scores 1."""
    sample = text[:50_000]
    lower = len(CYRILLIC_LOWER_RE.findall(sample))
    upper = len(CYRILLIC_UPPER_RE.findall(sample))
    accented = len(LATIN_SUPPLEMENT_RE.findall(sample))
    in_runs = sum(len(run) for run in LATIN_RUN_RE.findall(sample))
    letters = lower + upper + accented
    if not letters:
        return 1.0
    return (lower + min(upper, lower // 4) + accented - in_runs) / letters


def normalise(name: str | None) -> str | None:
    """Python's canonical codec name, or None for an unknown encoding."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares in its ``<meta>`` tags (first 4 KB)."""
    match = META_CHARSET_RE.search(body[:4096])
    return normalise(match.group(1).decode("ascii", "ignore")) if match else None


def decodes_cleanly(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def choose_encoding(body: bytes, announced: str | None) -> tuple[str | None, str | None]:
    """(encoding to use, note) — the announced one when it decodes the bytes, else the first that does.

    Returns (None, note) when nothing decodes cleanly: keep the announced encoding and flag the page.
    """
    announced = normalise(announced)
    if not body.isascii() and decodes_cleanly(body, "utf-8"):
        # Non-ASCII bytes that form valid UTF-8 are UTF-8: single-byte encodings such as
        # windows-1251 decode any bytes "cleanly", so their success proves nothing.
        return "utf-8", None if announced == "utf-8" else f"announced {announced or 'no encoding'}, bytes are UTF-8"
    declared = meta_charset(body)
    if announced and decodes_cleanly(body, announced):
        # Single-byte encodings decode any bytes: a header that says iso-8859-1 or koi8-r over a
        # page that declares windows-1251 yields mojibake, not an error. Read both, keep the text.
        if declared and declared != announced and reads_better(body, declared, announced):
            return declared, f"announced {announced}, the page declares {declared}, which reads as text"
        return announced, None
    candidates = [declared, *FALLBACK_ENCODINGS]
    for candidate in candidates:
        if candidate and candidate != announced and decodes_cleanly(body, candidate):
            return candidate, f"announced {announced or 'no encoding'}, bytes decode as {candidate}"
    return None, f"no encoding decodes the bytes cleanly (announced {announced or 'none'})"
