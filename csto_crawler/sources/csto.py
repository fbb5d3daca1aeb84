"""The CSTO's own sites as the default source of a new archive, described like any other source.

Its description comes from the settings that already say it (settings.py: ``CSTO_SITES``,
``CSTO_SECTIONS``, ``CSTO_SITEMAP_PATHS``; urls.py: the query keys that address content), so
``-s CSTO_SITES=…`` and ``--site en=…`` move it as they always did. It is found by a section walk
(``walk = "sections"``), as any 1C-Bitrix site may be. Its article IDs stay what they were before
sources existed: ``en-8573`` from the page's Bitrix element ID, else ``en-u<digest of the path>``
(no source name, no ID read from the URL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .. import settings
from ..urls import SIGNIFICANT_QUERY_KEYS
from .languages import Language
from .model import SECTIONS, Source, SourceError

DEFAULT_SOURCE_NAME = "csto"


def csto_source(
    sites: Mapping[str, str] | None = None,
    sections: Iterable[str] | None = None,
    sitemaps: Iterable[str] | None = None,
) -> Source:
    """One source, two languages on their own hosts, walked by sections then sitemaps; each part
    from the settings module unless the run's settings give it."""
    bases = settings.CSTO_SITES if sites is None else sites
    if not bases:
        raise SourceError("the CSTO's source needs at least one site")
    languages = tuple(Language(lang, f"{base.rstrip('/')}/") for lang, base in bases.items())
    return Source(
        name=DEFAULT_SOURCE_NAME,
        home=languages[0].base,
        languages=languages,
        url_ids=False,
        bare_ids=True,
        query_keys=tuple(sorted(SIGNIFICANT_QUERY_KEYS)),
        trailing_slash=True,
        walk=SECTIONS,
        sections=tuple(s.strip("/") for s in (settings.CSTO_SECTIONS if sections is None else sections)),
        sitemaps=tuple(settings.CSTO_SITEMAP_PATHS if sitemaps is None else sitemaps),
    )


def default_sources() -> tuple[Source, ...]:
    """The sources a new archive holds before any ``csto sources add``."""
    return (csto_source(),)
