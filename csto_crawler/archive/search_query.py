"""The query language of ``csto search``, turned into an FTS5 expression over stems.

As a web search box takes it: words (all must match, in any inflected form), ``OR`` between two
words or phrases (either may match), ``-word`` or ``-"a phrase"`` (must not match), and phrases in
double quotes (``"collective security"``, also “…” or «…»: the words next to each other, in that
order, in any inflected form). A chunk of several words without spaces (``Nur-Sultan``, ``U.S.``)
is a phrase. ``OR`` binds the terms either side of it (``security OR peace treaty`` is (security or
peace) and treaty). Every word is reduced to its stem and quoted, so nothing a user types can be
FTS5 syntax or SQL; what cannot be read (an unclosed quote, ``OR`` with nothing on one side, only
words to exclude) is a ``SearchQueryError`` whose message says what is wrong in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..htmltext import norm_ws
from .words import WORD_RE, stem

MAX_QUERY_WORDS = 32
# One token of a query: an optional "-", then a quoted phrase ("...", “...”, «...») or a run of
# non-space characters. A quote that opens and never closes is caught by UNCLOSED_RE.
TOKEN_RE = re.compile(r'(-?)(?:"([^"]*)"|“([^”]*)”|«([^»]*)»|([^\s"“”«»]+))')
UNCLOSED_RE = re.compile(r'["“«]')
OR = "OR"


class SearchQueryError(ValueError):
    """A query that cannot be searched: the message says why, in one line."""


@dataclass(frozen=True)
class Term:
    """A word or a phrase, as stems; ``excluded`` for ``-word``."""

    stems: tuple[str, ...]
    excluded: bool = False

    def fts(self) -> str:
        # A quoted string is a literal for FTS5 (several tokens in one: a phrase); stems are \w+, no quotes.
        return '"' + " ".join(self.stems) + '"'


@dataclass
class Query:
    """All of ``groups`` must match (each group: any one of its terms); none of ``excluded`` may."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def fts(self) -> str:
        """The FTS5 MATCH expression."""
        wanted = " AND ".join(_alternatives(group) for group in self.groups)
        if not self.excluded:
            return wanted
        return f"({wanted}) NOT {_alternatives(self.excluded)}"

    def stems(self) -> list[str]:
        """The stems to mark in snippets (those of the words wanted), in order, once each."""
        return list(dict.fromkeys(s for group in self.groups for term in group for s in term.stems))


def _alternatives(terms: list[Term]) -> str:
    texts = list(dict.fromkeys(term.fts() for term in terms))
    return texts[0] if len(texts) == 1 else "(" + " OR ".join(texts) + ")"


def parse_query(query: str) -> Query:
    """``query`` as groups of terms; SearchQueryError when it cannot be read."""
    text = norm_ws(query)  # as the archive's text: no soft hyphens, NFC
    tokens = _tokens(text)
    parsed = Query()
    pending_or = False
    for token in tokens:
        if token is None:
            if not parsed.groups or pending_or:
                raise SearchQueryError(f"OR needs a word or phrase on each side: {query!r}")
            pending_or = True
        elif token.excluded:
            if pending_or:
                raise SearchQueryError(f"-word excludes a word, it cannot be one side of an OR: {query!r}")
            parsed.excluded.append(token)
        elif pending_or:
            parsed.groups[-1].append(token)
            pending_or = False
        else:
            parsed.groups.append([token])
    if pending_or:
        raise SearchQueryError(f"OR needs a word or phrase on each side: {query!r}")
    _check_size(query, parsed)
    return parsed


def _tokens(text: str) -> list[Term | None]:
    """Terms in order, None for an OR; chunks without a word (``*``, ``--``) are dropped."""
    if UNCLOSED_RE.search(TOKEN_RE.sub(" ", text)):
        raise SearchQueryError(f'unclosed quote in the query: {text!r} (a phrase is written "like this")')
    tokens: list[Term | None] = []
    for match in TOKEN_RE.finditer(text):
        minus, *quoted, bare = match.groups()
        if bare == OR and not minus:
            tokens.append(None)
            continue
        chunk = bare if bare is not None else next(q for q in quoted if q is not None)
        stems = tuple(stem(word) for word in WORD_RE.findall(chunk))
        if stems:
            tokens.append(Term(stems, excluded=bool(minus)))
    return tokens


def _check_size(query: str, parsed: Query) -> None:
    terms = [term for group in parsed.groups for term in group] + parsed.excluded
    count = sum(len(term.stems) for term in terms)
    if not count:
        raise SearchQueryError(f"nothing to search for in {query!r}: give at least one word")
    if not parsed.groups:
        raise SearchQueryError(f"nothing to search for in {query!r}: give at least one word that is not excluded (-)")
    if count > MAX_QUERY_WORDS:
        raise SearchQueryError(f"too many words in the query ({count} > {MAX_QUERY_WORDS})")


def fts_query(query: str) -> tuple[str, list[str]]:
    """User query -> (FTS5 MATCH expression of quoted stems and phrases, the stems wanted)."""
    parsed = parse_query(query)
    return parsed.fts(), parsed.stems()
