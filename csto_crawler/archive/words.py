"""Words and their Snowball stems: what the stemmed search indexes hold and queries are reduced to.

SQLite's FTS5 stems English at best (porter) and Russian not at all, so every word is stemmed
here with Snowball (Russian for Cyrillic words, English for Latin ones, whatever the article's
language: English pages quote Russian datelines). ``безопасность`` and ``безопасности`` both become
``безопасн``; ``meetings`` and ``meeting`` ``meet``.
"""

from __future__ import annotations

import functools
import re

import snowballstemmer

from ..htmltext import norm_ws

WORD_RE = re.compile(r"\w+", re.UNICODE)
CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")

_STEMMERS = {"ru": snowballstemmer.stemmer("russian"), "en": snowballstemmer.stemmer("english")}


def is_cyrillic(word: str) -> bool:
    return CYRILLIC_RE.search(word) is not None


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem of one lower-cased word (Russian stemmer for Cyrillic, English otherwise)."""
    lower = word.lower().replace("ё", "е")
    stemmer = _STEMMERS["ru" if is_cyrillic(lower) else "en"]
    return str(stemmer.stemWord(lower))


def words(text: str | None) -> list[str]:
    """The words of a text as the indexes see it (NFC, no soft hyphens: htmltext.norm_ws)."""
    return WORD_RE.findall(norm_ws(text or ""))


def stem_text(text: str | None) -> str:
    """The stemmed shadow text an index stores: the stems of all words, space separated."""
    return " ".join(map(stem, words(text)))
