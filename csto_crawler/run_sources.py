"""The sources one run crawls, from its settings: ``CSTO_SOURCES``, else the default source built
from ``CSTO_SITES``, ``CSTO_SECTIONS`` and ``CSTO_SITEMAP_PATHS`` (sources/csto.py).

One definition read by the spider, its host filter, the pipelines, the checks before a run and
``csto crawl``: which source is walked by its sections (``walk = "sections"``), which by discovery.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scrapy.settings import BaseSettings

from .sources import Source, SourceError, csto_source, sources_from_setting
from .urls import Sites


def named_sources(value: Any) -> list[Source]:
    """The sources of a ``CSTO_SOURCES`` value: a list of tables, or that list as JSON text
    (``scrapy crawl news -s CSTO_SOURCES='[{"name": ...}]'``); empty when it names none."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    if isinstance(value, Mapping):
        value = [value]
    return sources_from_setting(list(value or []))


def run_sources(settings: BaseSettings) -> list[Source]:
    """The run's sources: those ``CSTO_SOURCES`` names, else the default source as the run's
    settings describe it. Raises SourceError (or ValueError for JSON that is no list of tables)."""
    named = named_sources(settings.get("CSTO_SOURCES"))
    if named:
        return named
    sites = settings.getdict("CSTO_SITES")
    if not sites:
        raise SourceError("CSTO_SITES is empty and CSTO_SOURCES names no source: nothing to crawl")
    return [csto_source(sites, settings.getlist("CSTO_SECTIONS"), settings.getlist("CSTO_SITEMAP_PATHS"))]


def section_walked(sources: list[Source]) -> Source | None:
    """The run's source walked by its sections, if any: one per run, since the section walk's
    books (walks.py, sitemap_ledger.py, the archive's section ledger) are kept per language."""
    walked = [source for source in sources if source.walks_sections]
    if len(walked) > 1:
        names = ", ".join(source.name for source in walked)
        raise SourceError(f"one source per run may be walked by sections; crawl {names} in separate runs")
    return walked[0] if walked else None


def discovered(sources: list[Source]) -> list[Source]:
    """The run's sources walked by discovery (spiders/discovering.py)."""
    return [source for source in sources if not source.walks_sections]


def section_sites(source: Source | None) -> Sites:
    """The language sites of the section-walked source (none when the run has no such source)."""
    if source is None:
        return Sites({}, required=False)
    return Sites({language.code: language.base.rstrip("/") for language in source.languages})
