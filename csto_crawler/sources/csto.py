"""The CSTO's own sites as the default source of a new archive, described like any other source.

Everything comes from the one place that already says it (settings.py: hosts, sections, sitemap
paths; urls.py: the query keys that address content): nothing is restated here. Its article IDs
stay what they were before sources existed: ``en-8573`` from the page's Bitrix element ID, else
``en-u<digest of the path>`` (no source name, no ID read from the URL).
"""

from __future__ import annotations

from .. import settings
from ..urls import SIGNIFICANT_QUERY_KEYS, listing_url
from .languages import Language
from .model import Source

DEFAULT_SOURCE_NAME = "csto"


def csto_source() -> Source:
    """One source, two languages on their own hosts; start pages: every section listing, then the sitemaps."""
    languages = tuple(Language(lang, f"{base.rstrip('/')}/") for lang, base in settings.CSTO_SITES.items())
    start: list[str] = []
    for language in languages:
        origin = language.base.rstrip("/")
        start.extend(listing_url(origin, section) for section in settings.CSTO_SECTIONS)
        start.extend(f"{origin}{path}" for path in settings.CSTO_SITEMAP_PATHS)
    return Source(
        name=DEFAULT_SOURCE_NAME,
        home=languages[0].base,
        languages=languages,
        start=tuple(start),
        url_ids=False,
        bare_ids=True,
        query_keys=tuple(sorted(SIGNIFICANT_QUERY_KEYS)),
        trailing_slash=True,
    )


def default_sources() -> tuple[Source, ...]:
    """The sources a new archive holds before any ``csto sources add``."""
    return (csto_source(),)
