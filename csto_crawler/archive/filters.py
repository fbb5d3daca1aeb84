"""One filter over archive rows and the one WHERE builder: source, language, section, publication and fetch dates.

Exports, search, ``csto reextract`` and ``csto warc export`` narrow their rows with a ``RowFilter``;
``where`` turns it into SQL over the columns a query names (``Columns``). The clauses are fixed text
and every value is a bound parameter; a section matches itself and its subsections, with the
``LIKE`` pattern escaped (``news_odkb`` does not match ``newsXodkb``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class RowFilter:
    """Which rows: a language (or several), sections, published on or after ``since`` and on or before
    ``until`` (ISO days), fetched on or after ``fetched_since``."""

    lang: str | None = None
    since: str | None = None
    until: str | None = None
    langs: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    fetched_since: str | None = None
    sources: tuple[str, ...] = ()  # names of sources (``articles.source``); none: every source


@dataclass(frozen=True)
class Columns:
    """Where a query holds the filtered fields (table alias and column)."""

    lang: str = "a.lang"
    section: str = "a.section"
    published: str = "a.published"
    fetched: str = "f.fetched_at"
    source: str = "a.source"


def escape_like(value: str) -> str:
    """``value`` as a literal inside a LIKE pattern (``ESCAPE '\\'``)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def clauses(flt: RowFilter, columns: Columns = Columns()) -> tuple[list[str], dict[str, Any]]:
    """The filter's conditions (fixed text over ``columns``) and their bound parameters."""
    found: list[str] = []
    params: dict[str, Any] = {}
    langs = (*((flt.lang,) if flt.lang else ()), *flt.langs)
    if langs:
        marks = ", ".join(f":lang{i}" for i in range(len(langs)))
        found.append(f"{columns.lang} IN ({marks})")
        params.update({f"lang{i}": lang for i, lang in enumerate(langs)})
    if flt.sources:
        marks = ", ".join(f":source{i}" for i in range(len(flt.sources)))
        found.append(f"{columns.source} IN ({marks})")
        params.update({f"source{i}": source for i, source in enumerate(flt.sources)})
    if flt.sections:
        parts = []
        for i, section in enumerate(flt.sections):
            parts.append(f"({columns.section} = :sec{i} OR {columns.section} LIKE :sub{i} ESCAPE '{LIKE_ESCAPE}')")
            params[f"sec{i}"] = section.strip("/")
            params[f"sub{i}"] = escape_like(section.strip("/")) + "/%"
        found.append("(" + " OR ".join(parts) + ")")
    for value, test, name in (
        (flt.since, f"substr({columns.published}, 1, 10) >= :since", "since"),
        (flt.until, f"substr({columns.published}, 1, 10) <= :until", "until"),
        (flt.fetched_since, f"{columns.fetched} >= :fetched_since", "fetched_since"),
    ):
        if value:
            found.append(test)
            params[name] = value
    return found, params


def where(flt: RowFilter, columns: Columns = Columns(), joiner: str = " WHERE ") -> tuple[str, dict[str, Any]]:
    """``" WHERE a AND b"`` (or ``joiner`` first, e.g. ``" AND "`` after a fixed condition), or ``""``."""
    found, params = clauses(flt, columns)
    return (joiner + " AND ".join(found)) if found else "", params
