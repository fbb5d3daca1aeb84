"""How much two texts share, by their words: what tells an edit of an article from a page standing in for it.

Pure functions over strings, in any language and script: no phrase lists. An edit keeps most of the
article's wording; a maintenance notice, an error text or another page's body shares almost none of it.
"""

from __future__ import annotations

import hashlib
import itertools
import re

# A word in any script ("ОДКБ", "CSTO", "2024"); punctuation and spacing never count.
WORD_RE = re.compile(r"\w+")
# Words this short ("на", "of", "и") say nothing of what a text is about.
MIN_CONTENT_WORD = 4
# Words are compared by their first letters, so that "Секретариат" and "Секретариата", "meeting" and
# "meetings" count as one: a crude stem that needs no language's rules.
STEM_LETTERS = 6


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded."""
    return WORD_RE.findall(text.casefold())


def word_pairs(tokens: list[str]) -> set[tuple[str, ...]]:
    """Adjacent word pairs with a content word in them ("of the", "и в" say nothing; all pairs when
    every one is of short words); a one-word text is its word."""
    if len(tokens) < 2:
        return {tuple(tokens)} if tokens else set()
    pairs: set[tuple[str, ...]] = set(itertools.pairwise(tokens))
    content = {pair for pair in pairs if max(len(word) for word in pair) >= MIN_CONTENT_WORD}
    return content or pairs


def shared_share(text: str, other: str) -> float:
    """The share of ``text``'s word pairs that ``other`` also holds (1.0 for an empty ``text``).

    Pairs, not single words: any two texts in one language share "the", "of", "ОДКБ"; a notice and an
    article rarely share two words in a row.
    """
    pairs = word_pairs(words(text))
    if not pairs:
        return 1.0
    return len(pairs & word_pairs(words(other))) / len(pairs)


def stems(text: str) -> set[str]:
    """The content words of ``text`` (``MIN_CONTENT_WORD`` letters or more), cut to ``STEM_LETTERS``."""
    return {word[:STEM_LETTERS] for word in words(text) if len(word) >= MIN_CONTENT_WORD and not word.isdigit()}


def body_fingerprint(body: str, title: str = "") -> str:
    """A short digest of a body's words, the page's own title taken out: two pages that show the
    same text (a notice naming each page's title included) get the same fingerprint."""
    text = " ".join(words(body))
    own = " ".join(words(title))
    if own:
        text = text.replace(own, " ")
    return hashlib.blake2b(" ".join(text.split()).encode("utf-8"), digest_size=12).hexdigest()
