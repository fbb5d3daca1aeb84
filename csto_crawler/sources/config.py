"""Sources from a TOML file or from command-line options, with a one-line error for every mistake.

The file holds one table per source (examples/kazinform.toml, examples/belta.toml)::

    [sources.kazinform]
    home = "https://qazinform.com/"
    start = ["https://qazinform.com/tag/csto"]
    must_mention = "CSTO|ОДКБ"
    [sources.kazinform.languages]
    en = "https://qazinform.com/"
    ru = { base = "https://www.inform.kz/ru/", aliases = ["https://inform.kz/ru/"] }

FIELDS below is the list of keys and what each means; docs and examples are checked against it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .languages import Language, address_of
from .model import DEFAULT_MAX_TRAP_REQUESTS, DISCOVER, SECTIONS, WALKS, Source, SourceError

# Every key a source table may hold, and what it means.
FIELDS: dict[str, str] = {
    "home": "the source's home page (required); discovery starts here when there is no start",
    "languages": "language code = base URL (its own host, or a path prefix such as /ru/), or "
    "{ base = URL, aliases = [mirror URLs serving the same paths] }; none: read from /xx/ in URLs",
    "start": "list of pages where discovery starts: tag pages, sections, feeds, sitemaps (default: home)",
    "must_mention": "regular expression (case-insensitive): keep only articles whose title or text matches",
    "id_pattern": "regular expression with one group, searched in the URL path: the article's own ID",
    "url_ids": "false when the URLs carry no article ID (IDs are then digests of the canonical URL)",
    "bare_ids": "true: article IDs without the source's name (the CSTO's en-8573, as before sources)",
    "query_keys": "list of the only query keys that address content (others are dropped from URLs)",
    "trailing_slash": "true: canonical URLs end with /, false: never; absent: as the site links them",
    "variant_prefixes": "more path prefixes of copies of an article (print, accessibility), e.g. /print/",
    "max_trap_requests": "requests into endless spaces (day archives, calendars) per host "
    f"(default {DEFAULT_MAX_TRAP_REQUESTS})",
    "walk": f'how articles are found: "{DISCOVER}" (default: feeds, sitemaps, listings, learned) or '
    f'"{SECTIONS}" (the listed sections to their last ?PAGEN_1= page, then the sitemaps: 1C-Bitrix sites)',
    "sections": 'walk = "sections": the section listings, as paths on every language\'s host ("news/news_odkb")',
    "sitemaps": 'walk = "sections": sitemap paths on every language\'s host (["/sitemap.xml"])',
}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
LANG_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
MAX_TRAP_REQUESTS_LIMIT = 1000


class SourceConfigError(SourceError):
    """Every mistake of a sources file, one line each (``str()`` joins them with newlines)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


class _Problems:
    """Collects one-line mistakes, each prefixed with where it is."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.lines: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.lines.append(f"{self.where}: {key}: {message}")


def load_sources(path: Path) -> list[Source]:
    """The sources of a TOML file; raises SourceConfigError naming every mistake."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceConfigError([f"{path}: cannot read: {exc}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceConfigError([f"{path}: not TOML: {exc}"]) from exc
    return parse_sources(data, str(path))


def parse_sources(data: Mapping[str, Any], where: str) -> list[Source]:
    problems = _Problems(where)
    for key in data:
        if key != "sources":
            problems.add(key, "unknown top-level key (sources are [sources.NAME] tables)")
    tables = data.get("sources", {})
    if not isinstance(tables, dict) or not tables:
        problems.add("sources", "no [sources.NAME] table")
        raise SourceConfigError(problems.lines)
    found = [_source(name, table, problems) for name, table in tables.items()]
    if problems.lines:
        raise SourceConfigError(problems.lines)
    return [source for source in found if source is not None]


def source_from_options(
    name: str, home: str, start: Iterable[str] = (), must_mention: str | None = None, langs: Iterable[str] = ()
) -> Source:
    """A source from ``csto sources add NAME URL [--start URL] [--must-mention RE] [--lang L]``:
    ``--lang ru`` is the path prefix ``/ru/`` on the home's host, ``--lang ru=URL`` any base."""
    table: dict[str, Any] = {"home": home, "start": list(start)}
    if must_mention is not None:
        table["must_mention"] = must_mention
    languages: dict[str, str] = {}
    for option in langs:
        code, _, base = option.partition("=")
        languages[code.strip()] = base.strip() or _prefix_base(home, code.strip())
    if languages:
        table["languages"] = languages
    return parse_sources({"sources": {name: table}}, "options")[0]


def _prefix_base(home: str, code: str) -> str:
    parts = urlsplit(home)
    return f"{parts.scheme}://{parts.netloc}/{code}/"


def _source(name: str, table: Any, problems: _Problems) -> Source | None:
    key = f"sources.{name}"
    if not NAME_RE.match(name):
        problems.add(key, "a name is 1-40 lower-case letters, digits, - or _, starting with a letter or digit")
    if not isinstance(table, dict):
        problems.add(key, "must be a table of fields")
        return None
    for unknown in sorted(set(table) - set(FIELDS)):
        problems.add(f"{key}.{unknown}", f"unknown field (known: {', '.join(FIELDS)})")
    before = len(problems.lines)
    home = _url(table.get("home"), f"{key}.home", problems, required=True)
    languages = _languages(table.get("languages", {}), f"{key}.languages", problems)
    fields = _optional_fields(table, key, problems)
    if len(problems.lines) > before or home is None:
        return None
    source = Source(name=name, home=home, languages=languages, **fields)
    _check_hosts(source, key, problems)
    _check_walk(source, key, problems)
    return source


def _optional_fields(table: Mapping[str, Any], key: str, problems: _Problems) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for field, read in FIELD_READERS.items():
        if field in table:
            fields[field] = read(table[field], f"{key}.{field}", problems)
    return fields


def _check_hosts(source: Source, key: str, problems: _Problems) -> None:
    """Start pages and home lie on the source's declared hosts when it declares languages."""
    if not source.languages:
        return
    declared = {address_of(base) for lang in source.languages for base in (lang.base, *lang.aliases)}
    for url in (source.home, *source.start):
        if address_of(url) not in declared:
            problems.add(key, f"{url} is on none of the languages' hosts")


def _check_walk(source: Source, key: str, problems: _Problems) -> None:
    """A section walk needs its sections and, per language, a host of its own (section listings
    sit at the root of each language's site); sections and sitemaps mean nothing to discovery."""
    if not source.walks_sections:
        for field in ("sections", "sitemaps"):
            if getattr(source, field):
                problems.add(f"{key}.{field}", f'only for walk = "{SECTIONS}"')
        return
    if not source.sections:
        problems.add(f"{key}.sections", f'walk = "{SECTIONS}" needs at least one section')
    if not source.languages:
        problems.add(f"{key}.languages", f'walk = "{SECTIONS}" needs its languages, each on a host of its own')
    for language in source.languages:
        if urlsplit(language.base).path != "/":
            problems.add(f"{key}.languages.{language.code}", f'walk = "{SECTIONS}": a language is a host, not a path')
    hosts = [address_of(language.base) for language in source.languages]
    if len(set(hosts)) < len(hosts):
        problems.add(f"{key}.languages", f'walk = "{SECTIONS}": two languages share a host')


def _url(value: Any, key: str, problems: _Problems, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        problems.add(key, "required: an http(s) URL" if value is None else "must be a string URL")
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or address_of(value.strip()) is None:
        problems.add(key, f"not an http(s) URL with a host: {value!r}")
        return None
    return value.strip()


def _base(value: Any, key: str, problems: _Problems) -> str | None:
    url = _url(value, key, problems, required=True)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        problems.add(key, f"a language base has no query or fragment: {value!r}")
        return None
    path = parts.path if parts.path.endswith("/") else f"{parts.path}/"
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def _languages(value: Any, key: str, problems: _Problems) -> tuple[Language, ...]:
    if not isinstance(value, dict):
        problems.add(key, "must be a table: code = base URL")
        return ()
    languages: list[Language] = []
    for code, spec in value.items():
        where = f"{key}.{code}"
        if not LANG_RE.match(code):
            problems.add(where, "a language code is 2-3 lower-case letters (ru, en, kk), optionally -variant")
        table = spec if isinstance(spec, dict) else {"base": spec}
        for unknown in sorted(set(table) - {"base", "aliases"}):
            problems.add(f"{where}.{unknown}", "unknown field (known: base, aliases)")
        base = _base(table.get("base"), f"{where}.base" if isinstance(spec, dict) else where, problems)
        aliases = [_base(a, f"{where}.aliases", problems) for a in _strings(table.get("aliases", []), where, problems)]
        if base is not None and all(aliases):
            languages.append(Language(code, base, tuple(a for a in aliases if a)))
    bases = [lang.base for lang in languages]
    for base in sorted({b for b in bases if bases.count(b) > 1}):
        problems.add(key, f"two languages share the base {base}")
    return tuple(languages)


def _strings(value: Any, key: str, problems: _Problems) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(key, "must be a list of strings")
        return []
    return list(value)


def _start(value: Any, key: str, problems: _Problems) -> tuple[str, ...]:
    return tuple(u for u in (_url(v, key, problems, required=True) for v in _strings(value, key, problems)) if u)


def _regex(value: Any, key: str, problems: _Problems, groups: int | None = None) -> re.Pattern[str] | None:
    if not isinstance(value, str) or not value.strip():
        problems.add(key, "must be a non-empty regular expression string")
        return None
    try:
        pattern = re.compile(value, re.IGNORECASE)
    except re.error as exc:
        problems.add(key, f"not a regular expression: {exc}")
        return None
    if groups is not None and pattern.groups != groups:
        problems.add(key, f"needs exactly {groups} group (the ID), has {pattern.groups}")
        return None
    return pattern


def _flag(value: Any, key: str, problems: _Problems) -> bool | None:
    if not isinstance(value, bool):
        problems.add(key, "must be true or false")
        return None
    return value


def _prefixes(value: Any, key: str, problems: _Problems) -> tuple[str, ...]:
    found = _strings(value, key, problems)
    for prefix in found:
        if not (prefix.startswith("/") and prefix.endswith("/") and len(prefix) > 2):
            problems.add(key, f"a path prefix starts and ends with /: {prefix!r}")
    return tuple(found)


def _walk(value: Any, key: str, problems: _Problems) -> str:
    if value not in WALKS:
        problems.add(key, f"must be one of {', '.join(repr(w) for w in WALKS)}, got {value!r}")
        return DISCOVER
    return str(value)


def _sections(value: Any, key: str, problems: _Problems) -> tuple[str, ...]:
    found = [section.strip().strip("/") for section in _strings(value, key, problems)]
    for section in found:
        if not section or "?" in section or "#" in section or "://" in section:
            problems.add(key, f"a section is a path such as news/news_odkb, got {section!r}")
    return tuple(found)


def _paths(value: Any, key: str, problems: _Problems) -> tuple[str, ...]:
    found = _strings(value, key, problems)
    for path in found:
        if not path.startswith("/") or "://" in path:
            problems.add(key, f"a sitemap path starts with /, got {path!r}")
    return tuple(found)


def _trap_budget(value: Any, key: str, problems: _Problems) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TRAP_REQUESTS_LIMIT:
        problems.add(key, f"must be a whole number from 0 to {MAX_TRAP_REQUESTS_LIMIT}")
        return DEFAULT_MAX_TRAP_REQUESTS
    return value


FIELD_READERS: dict[str, Callable[[Any, str, _Problems], Any]] = {
    "start": _start,
    "must_mention": _regex,
    "id_pattern": lambda value, key, problems: _regex(value, key, problems, groups=1),
    "url_ids": _flag,
    "bare_ids": _flag,
    "query_keys": lambda value, key, problems: tuple(_strings(value, key, problems)),
    "trailing_slash": _flag,
    "variant_prefixes": _prefixes,
    "max_trap_requests": _trap_budget,
    "walk": _walk,
    "sections": _sections,
    "sitemaps": _paths,
}


def source_table(source: Source) -> dict[str, Any]:
    """The source as a TOML/JSON table that ``parse_sources`` reads back to an equal Source: how the
    archive stores a source and how ``csto crawl`` hands the run's sources to the spider
    (setting ``CSTO_SOURCES``). Fields at their defaults are left out."""
    table: dict[str, Any] = {"home": source.home}
    if source.languages:
        table["languages"] = {
            lang.code: {"base": lang.base, "aliases": list(lang.aliases)} if lang.aliases else lang.base
            for lang in source.languages
        }
    defaults = Source(name=source.name, home=source.home)
    for name in FIELD_READERS:
        value = getattr(source, name)
        if value == getattr(defaults, name):
            continue
        if isinstance(value, re.Pattern):
            value = value.pattern
        table[name] = list(value) if isinstance(value, tuple) else value
    return table


def sources_setting(sources: Iterable[Source]) -> list[dict[str, Any]]:
    """The value of the ``CSTO_SOURCES`` setting for these sources (tables with their ``name``)."""
    return [{"name": source.name, **source_table(source)} for source in sources]


def sources_from_setting(value: Iterable[Mapping[str, Any]]) -> list[Source]:
    """The sources a ``CSTO_SOURCES`` setting names; raises SourceConfigError on a bad table."""
    tables: dict[str, Any] = {}
    for table in value:
        rest = dict(table)
        tables[str(rest.pop("name", ""))] = rest
    if not tables:
        return []
    return parse_sources({"sources": tables}, "CSTO_SOURCES")
