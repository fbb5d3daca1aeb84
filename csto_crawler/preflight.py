"""The checks before a crawl writes anything, the same whichever way it is started.

``csto crawl`` runs them before it takes the run lock; ``scrapy crawl news`` (the way Scrapyd runs
a crawl) runs them when the archive pipeline opens, before it begins a run, and the spider reads
nothing from an archive that fails them (it is made before the pipeline). Each failure is one
line: a language without a site, a malformed site URL, a source table that does not read
(``CSTO_SOURCES``), a path that cannot hold an archive (a
folder, a foreign file, a newer schema), no configured site reachable (``CSTO_PREFLIGHT_TIMEOUT``,
reachability.py). Offline, a crawl therefore stops within seconds and leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

from scrapy.settings import BaseSettings

from .archive.database import ArchiveError, check_archive
from .reachability import unreachable
from .replay import origin
from .run_sources import discovered, run_sources, section_sites, section_walked
from .sources.model import Source, SourceError
from .urls import Sites


class CrawlRefusedError(Exception):
    """The crawl could not start; ``locked`` tells a busy archive from a broken configuration."""

    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def check_before_crawl(settings: BaseSettings) -> None:
    """Every pre-flight check, in order; CrawlRefusedError (one line) for the first that fails."""
    check_configuration(settings)
    check_network(settings, crawled_bases(settings))


def checked_sources(settings: BaseSettings) -> list[Source]:
    """The run's sources (run_sources.py), or CrawlRefusedError naming the mistake."""
    try:
        sources = run_sources(settings)  # CSTO_SOURCES: a list, or JSON text from `scrapy crawl -s`
        section_walked(sources)
    except (SourceError, ValueError, TypeError) as exc:  # SourceError, or JSON that is no list of tables
        raise CrawlRefusedError(str(exc).replace("\n", "; ")) from exc
    return sources


def crawled_langs(settings: BaseSettings, walked: Source) -> list[str]:
    """The languages of the section-walked source this run crawls (``CSTO_LANGS`` narrows them)."""
    own = [language.code for language in walked.languages]
    return [lang for lang in settings.getlist("CSTO_LANGS") if lang in own] or own


def crawled_bases(settings: BaseSettings) -> list[str]:
    """Where the run's requests go: the section-walked source's sites of the crawled languages,
    and every other source's language bases (its home when it declares none)."""
    sources = checked_sources(settings)
    bases: list[str] = []
    walked = section_walked(sources)
    if walked is not None:
        sites = section_sites(walked)
        bases += [sites.by_lang[lang].base for lang in crawled_langs(settings, walked)]
    for source in discovered(sources):
        bases += [language.base for language in source.languages] or [source.home]
    return bases


def check_configuration(settings: BaseSettings) -> None:
    """The checks that need no network: the sources, their sites and languages, the archive's path."""
    try:
        Sites(settings.getdict("CSTO_SITES"))  # the default source's description
    except ValueError as exc:
        raise CrawlRefusedError(str(exc)) from exc
    walked = section_walked(checked_sources(settings))
    own = [language.code for language in walked.languages] if walked is not None else []
    unknown = [lang for lang in settings.getlist("CSTO_LANGS") if walked is not None and lang not in own]
    if unknown:
        raise CrawlRefusedError(f"no site configured for language(s): {', '.join(unknown)}")
    try:
        # A path whose parent is a file, a file that is not a csto archive, or one from a newer
        # schema, is refused without creating anything (nor <archive>.lock next to it).
        check_archive(Path(settings.get("CSTO_ARCHIVE_PATH")), create=True)
    except ArchiveError as exc:
        raise CrawlRefusedError(str(exc)) from exc


def check_network(settings: BaseSettings, bases: list[str]) -> None:
    """Refuse the crawl at once when none of the sites to crawl can be reached (CSTO_PREFLIGHT_TIMEOUT)."""
    timeout = settings.getfloat("CSTO_PREFLIGHT_TIMEOUT")
    if timeout <= 0:
        return
    replayed = {origin(real): replay for real, replay in settings.getdict("CSTO_REPLAY_ORIGINS").items()}
    bases = [replayed.get(origin(base), base) for base in bases]  # csto demo: its loopback copy answers
    failed = unreachable(bases, timeout)
    if failed:
        details = "; ".join(f"{reach.base}: {reach.problem}" for reach in failed)
        raise CrawlRefusedError(f"no site can be reached, is the network up? {details}")
