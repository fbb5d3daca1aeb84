"""A URL's shape: its path and query as a template of literal words and typed tokens.

``/ru/news/sostoyalas-sessiya-odkb-e3a91d`` has the shape ``/ru/news/{slug-id}``; the Kazinform
form ``/en/kazakh-head-of-state-attends-csto-meeting_a3837269`` is ``/en/{slug-id}``; a Bitrix
listing page ``/news/news_odkb/?PAGEN_1=3`` is ``/news/news_odkb/?PAGEN_1={num}``. Links that
share a shape on one page are one kind of link; the listing reader and the URL-shape learner
compare shapes, never class names. Pure functions over strings.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from ..sources.languages import language_code


class Token(enum.StrEnum):
    """What a path segment is, when it is not a literal word."""

    SLUG = "{slug}"  # words joined by - or _: generalnyy-sekretar-odkb-vstretilsya
    SLUG_ID = "{slug-id}"  # a slug that ends in an ID: ...-e3a91d, ..._a3837269, ...-13566, ...-156789-2023
    ID = "{id}"  # an opaque ID on its own: 8573, 4d721a9f
    NUM = "{num}"  # a short number: a page number, 3
    YEAR = "{yyyy}"  # 2024
    MONTH = "{mm}"  # 01..12 after a year
    DAY = "{dd}"  # 01..31 after a month
    DATE = "{date}"  # 2026-02-10, 20260210, 10.02.2026
    FILE = "{file}"  # a slug with an extension: 12345-news-title.html
    LANG = "{lang}"  # a language as the first segment: /ru/, /en/, /kz/ (sources.languages)


# A slug has at least four words, or three and 20 characters: "news-rayon-ru", "75-letie-pobedy" and
# "priorities_kyrgyzstan" are section names; "the_brotherhood_of_war_2019", "intervyu-generalnogo-sekretarya"
# and "dogovor_o_kollektivnoy_bezopasnosti" are slugs.
SLUG_MIN_WORDS = 4
SLUG_MIN_WORDS_LONG = 3
SLUG_LONG_CHARS = 20
# The trailing ID of a slug: Kazinform's ``_a3780271`` (7 digits, 2012-2022), the agency's and
# qazinform.com's 6 hex ``-4d721a``, Belarusian district sites' ``-13566``, BelTA's ``-156789-2023``.
SLUG_ID_RE = re.compile(r"(?:_a\d{5,}|[-_](?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,12}|[-_]\d{5,}(?:-\d{4})?)/?$")
# A leading ID before a slug (DLE and many Russian CMSs): 123456-sammit-odkb-v-minske.html
LEADING_ID_RE = re.compile(r"^\d{5,}[-_]")
# An opaque ID on its own: at least 5 digits (4 would be a year), or hex with a digit and a letter.
ID_RE = re.compile(r"^(?:\d{5,}|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,32})$")
NUM_RE = re.compile(r"^\d{1,4}$")
YEAR_RE = re.compile(r"^(19[89]\d|20[0-4]\d)$")
DATE_RE = re.compile(r"^(?:(19[89]\d|20[0-4]\d)[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])|\d{2}\.\d{2}\.\d{4})$")
FILE_EXT_RE = re.compile(r"\.(html?|php|aspx?|shtml)$", re.I)
WORD_SPLIT_RE = re.compile(r"[-_.\s]+")
# A query value that is a date: ?date=2026-02-10, ?arrFilter_DATE=10.02.2026
QUERY_DATE_RE = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}$")
# A query key that names an item, whatever the length of its number: a small site's
# /News/Detail?id=812 (tests/portal_site.py), ?news_id=57, Bitrix's ?ELEMENT_ID=901. Never ?p=
# (WordPress's post, but a page number on as many sites).
ID_KEY_RE = re.compile(r"^(?:id|nid|(?:news|article|post|element|item|doc|story|material|publication)[_-]?id)$", re.I)


def segment_words(segment: str) -> list[str]:
    return [w for w in WORD_SPLIT_RE.split(segment) if w]


def is_slug(segment: str) -> bool:
    """Words joined by hyphens or underscores, long enough not to be a section name."""
    words = segment_words(segment)
    if not words or not any(ch.isalpha() for ch in segment):
        return False
    return len(words) >= SLUG_MIN_WORDS or (len(words) >= SLUG_MIN_WORDS_LONG and len(segment) >= SLUG_LONG_CHARS)


def classify_segment(segment: str, previous: Token | None = None) -> Token | None:
    """The token a decoded path segment stands for, or None when it is a literal word."""
    low = segment.lower()
    if DATE_RE.match(low):
        return Token.DATE
    if previous is Token.YEAR and NUM_RE.match(low) and 1 <= int(low) <= 12 and len(low) == 2:
        return Token.MONTH
    if previous is Token.MONTH and NUM_RE.match(low) and 1 <= int(low) <= 31 and len(low) == 2:
        return Token.DAY
    if YEAR_RE.match(low):
        return Token.YEAR
    if NUM_RE.match(low):
        return Token.NUM
    if ID_RE.match(low):
        return Token.ID
    if FILE_EXT_RE.search(low) and (is_slug(FILE_EXT_RE.sub("", low)) or LEADING_ID_RE.match(low)):
        return Token.FILE
    if SLUG_ID_RE.search(low) and is_slug(SLUG_ID_RE.sub("", low)):
        return Token.SLUG_ID
    if LEADING_ID_RE.match(low) and is_slug(low):
        return Token.SLUG_ID
    if is_slug(low):
        return Token.SLUG
    return None


@dataclass(frozen=True)
class Shape:
    """A URL's template: literal segments, typed tokens, and the query as sorted keys with typed values."""

    segments: tuple[str, ...]  # literal words (lower case) or Token values
    trailing_slash: bool
    query: tuple[tuple[str, str], ...]  # (key, literal value or Token value), sorted

    @property
    def template(self) -> str:
        path = "/" + "/".join(self.segments) + ("/" if self.trailing_slash and self.segments else "")
        if not self.query:
            return path
        return path + "?" + "&".join(f"{k}={v}" for k, v in self.query)

    @property
    def last(self) -> str | None:
        return self.segments[-1] if self.segments else None

    @property
    def tokens(self) -> frozenset[Token]:
        found = {Token(s) for s in self.segments if s in TOKEN_VALUES}
        found.update(Token(v) for _, v in self.query if v in TOKEN_VALUES)
        return frozenset(found)

    @property
    def depth(self) -> int:
        return len(self.segments)


TOKEN_VALUES = frozenset(t.value for t in Token)
# Tokens that name one item (an article) rather than a page of a list.
ITEM_TOKENS = frozenset({Token.SLUG, Token.SLUG_ID, Token.ID, Token.FILE})
DATE_TOKENS = frozenset({Token.DATE, Token.YEAR, Token.MONTH, Token.DAY})


def path_parts(url: str) -> list[str]:
    """Decoded, non-empty path segments."""
    return [unquote(s) for s in urlsplit(url).path.split("/") if s]


def shape_of(url: str) -> Shape:
    """The shape of an absolute or relative URL (scheme, host and fragment play no part)."""
    parts = urlsplit(url)
    segments: list[str] = []
    previous: Token | None = None
    for index, segment in enumerate(path_parts(url)):
        token = Token.LANG if index == 0 and language_code(segment) else classify_segment(segment, previous)
        segments.append(token.value if token else segment.lower())
        previous = token
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = tuple(sorted((key, _query_value(value, ID_KEY_RE.match(key) is not None)) for key, value in pairs))
    return Shape(tuple(segments), parts.path.endswith("/"), query)


def _query_value(value: str, id_key: bool = False) -> str:
    if QUERY_DATE_RE.match(value) or DATE_RE.match(value):
        return Token.DATE.value
    if id_key and value.isdigit():
        return Token.ID.value
    if value.isdigit():
        return Token.NUM.value if len(value) <= 4 else Token.ID.value
    if ID_RE.match(value.lower()):
        return Token.ID.value
    return value if len(value) <= 20 else Token.SLUG.value


def names_an_item(shape: Shape) -> bool:
    """The last path segment names one item (slug, slug with ID, ID, file), or the query carries an ID."""
    last = shape.last
    if last in (Token.SLUG, Token.SLUG_ID, Token.ID, Token.FILE):
        return True
    return any(v == Token.ID for _, v in shape.query)


def is_dated_page(shape: Shape) -> bool:
    """A page addressed by a date and nothing after it: a day or month of an archive or calendar."""
    if shape.last in DATE_TOKENS:
        return True
    return any(v == Token.DATE for _, v in shape.query) or _has_month_year_query(shape)


def _has_month_year_query(shape: Shape) -> bool:
    keys = {k.lower() for k, _ in shape.query}
    return bool(keys & {"month", "m", "mon"}) and bool(keys & {"year", "y"})
