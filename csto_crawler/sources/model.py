"""A source as data: its name, home, languages (hosts or path prefixes), start pages and filter.

A language is a base URL: its own host (``https://en.odkb-csto.org/``) or a path prefix on a shared
host (``https://www.inform.kz/ru/``). Hosts match without ``www.`` and across http/https, as the
CSTO sites always have; the longest matching base wins. A source that declares no languages learns
them from its URLs (``languages.language_from_url``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from .languages import Address, Language, address_of, language_from_url

# Requests into one endless space (day archive, calendar) per host: enough to see that it is one.
DEFAULT_MAX_TRAP_REQUESTS = 40

# How a source's articles are found (``walk``): by discovery (feeds, sitemaps, listings, learned URL
# shapes; spiders/discovering.py), or by walking declared section listings with Bitrix's numbered
# pager (``?PAGEN_1=N``) and the sitemaps at declared paths, the way 1C-Bitrix sites (the CSTO's,
# many ministries' of its member states) are built; their listing readers and coverage ledger
# (walks.py, sitemap_ledger.py) count every section to its end.
DISCOVER = "discover"
SECTIONS = "sections"
WALKS = (DISCOVER, SECTIONS)


class SourceError(ValueError):
    """A source description that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Source:
    """An outlet whose articles the archive keeps. See docs/decisions/0010-discovery.md and examples/."""

    name: str
    home: str
    languages: tuple[Language, ...] = ()
    start: tuple[str, ...] = ()  # where discovery starts: tag pages, sections, feeds, sitemaps
    must_mention: re.Pattern[str] | None = None  # keep only articles whose title or text matches
    url_ids: bool = True  # read the article's own ID from its URL (the CSTO's IDs come from the page)
    id_pattern: re.Pattern[str] | None = None  # one group: the ID; None = the built-in ID shapes
    bare_ids: bool = False  # IDs without the source name (the CSTO's en-8573, kept from before sources)
    query_keys: tuple[str, ...] | None = None  # keep only these query keys; None = all but tracking
    trailing_slash: bool | None = None  # True add, False strip, None keep as linked
    variant_prefixes: tuple[str, ...] = ()  # more path prefixes of copies of an article ("/print/")
    max_trap_requests: int = DEFAULT_MAX_TRAP_REQUESTS
    walk: str = DISCOVER  # how its articles are found: DISCOVER or SECTIONS
    sections: tuple[str, ...] = ()  # SECTIONS: the section listings walked, as paths ("news/news_odkb")
    sitemaps: tuple[str, ...] = ()  # SECTIONS: sitemap paths on each language's host ("/sitemap.xml")
    hosts: frozenset[Address] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        found = {address_of(self.home)}
        for language in self.languages:
            found.update(address_of(base) for base in (language.base, *language.aliases))
        found.update(address_of(url) for url in self.start)
        object.__setattr__(self, "hosts", frozenset(a for a in found if a is not None))

    @property
    def walks_sections(self) -> bool:
        return self.walk == SECTIONS

    @property
    def start_urls(self) -> tuple[str, ...]:
        return self.start or (self.home,)

    def owns(self, url: str) -> bool:
        """The URL is on one of the source's hosts (requests go only there)."""
        return address_of(url) in self.hosts

    def language_of(self, url: str) -> Language | None:
        """The declared language whose base is the longest prefix of the URL; for a source that
        declares none, the language its URL names (``/ru/…``, ``en.host``)."""
        if not self.owns(url):
            return None
        if not self.languages:
            return language_from_url(url)
        scored = [(language.matches(url), language) for language in self.languages]
        best = max(scored, key=lambda pair: pair[0])
        return best[1] if best[0] else None

    def keeps(self, title: str, text: str) -> bool:
        """Does an article belong in the archive: no filter, or the filter matches title or text."""
        if self.must_mention is None:
            return True
        return bool(self.must_mention.search(title) or self.must_mention.search(text))

    def id_scope(self, lang: str) -> str:
        """What an article ID starts with: ``en`` for the CSTO, ``agency-ru`` for others."""
        return lang if self.bare_ids else f"{self.name}-{lang}"

    def relocated(self, origins: Mapping[str, str]) -> Source:
        """The source moved to other origins (``--site ru=http://127.0.0.1:8802``): a key names a
        language (its base moves) or the source (every URL on the home's host moves)."""
        moves: dict[Address, str] = {}
        for key, origin in origins.items():
            new = _origin(origin)
            if key == self.name:
                moves[_required_address(self.home)] = new
            for language in self.languages:
                if key == language.code:
                    moves[_required_address(language.base)] = new
        if not moves:
            return self
        languages = tuple(_moved_language(lang, moves) for lang in self.languages)
        return dataclasses.replace(
            self, home=_moved(self.home, moves), languages=languages, start=tuple(_moved(u, moves) for u in self.start)
        )


def _moved_language(language: Language, moves: Mapping[Address, str]) -> Language:
    aliases = tuple(_moved(alias, moves) for alias in language.aliases)
    return dataclasses.replace(language, base=_moved(language.base, moves), aliases=aliases)


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"an origin must be http(s)://host[:port], got {url!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _required_address(url: str) -> Address:
    address = address_of(url)
    if address is None:
        raise SourceError(f"not an http(s) URL: {url!r}")
    return address


def _moved(url: str, moves: Mapping[Address, str]) -> str:
    new = moves.get(address_of(url) or ("", None))
    if new is None:
        return url
    parts, origin = urlsplit(url), urlsplit(new)
    return urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, parts.fragment))
