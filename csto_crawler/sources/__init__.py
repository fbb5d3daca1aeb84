"""Sources: the outlets the archive keeps (the CSTO's sites, news agencies, regional sites), as data.

``model`` (Source), ``languages`` (hosts and path prefixes), ``config`` (TOML and options),
``ids`` (stable article IDs), ``csto`` (the default source).
"""

from __future__ import annotations

from .config import (
    FIELDS,
    SourceConfigError,
    load_sources,
    parse_sources,
    source_from_options,
    source_table,
    sources_from_setting,
    sources_setting,
)
from .csto import DEFAULT_SOURCE_NAME, csto_source, default_sources
from .ids import article_id, url_native_id
from .languages import Language, language_from_url
from .model import Source, SourceError

__all__ = [
    "DEFAULT_SOURCE_NAME",
    "FIELDS",
    "Language",
    "Source",
    "SourceConfigError",
    "SourceError",
    "article_id",
    "csto_source",
    "default_sources",
    "language_from_url",
    "load_sources",
    "parse_sources",
    "source_from_options",
    "source_table",
    "sources_from_setting",
    "sources_setting",
    "url_native_id",
]
