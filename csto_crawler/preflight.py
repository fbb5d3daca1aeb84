"""The checks before a crawl writes anything, the same whichever way it is started.

``csto crawl`` runs them before it takes the run lock; ``scrapy crawl news`` (the way Scrapyd runs
a crawl) runs them when the archive pipeline opens, before it begins a run, and the spider reads
nothing from an archive that fails them (it is made before the pipeline). Each failure is one
line: a language without a site, a malformed site URL, a path that cannot hold an archive (a
folder, a foreign file, a newer schema), no configured site reachable (``CSTO_PREFLIGHT_TIMEOUT``,
reachability.py). Offline, a crawl therefore stops within seconds and leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

from scrapy.settings import BaseSettings

from .archive.database import ArchiveError, check_archive
from .reachability import unreachable
from .replay import origin
from .source_books import discovered, run_sources, walks_sections
from .urls import Sites


class CrawlRefusedError(Exception):
    """The crawl could not start; ``locked`` tells a busy archive from a broken configuration."""

    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def check_before_crawl(settings: BaseSettings) -> None:
    """Every pre-flight check, in order; CrawlRefusedError (one line) for the first that fails."""
    check_configuration(settings)
    sites = Sites(settings.getdict("CSTO_SITES"))
    sources = run_sources(settings.get("CSTO_SOURCES"))
    bases = [sites.by_lang[lang].base for lang in settings.getlist("CSTO_LANGS")] if walks_sections(sources) else []
    check_network(settings, bases + [source.home for source in discovered(sources)])


def check_configuration(settings: BaseSettings) -> None:
    """The checks that need no network: the sites and languages, the archive's path."""
    try:
        sites = Sites(settings.getdict("CSTO_SITES"))
    except ValueError as exc:
        raise CrawlRefusedError(str(exc)) from exc
    try:
        run_sources(settings.get("CSTO_SOURCES"))
    except (ValueError, TypeError) as exc:  # SourceError, or JSON that is not a list of tables
        raise CrawlRefusedError(f"CSTO_SOURCES: {exc}") from exc
    unknown = [lang for lang in settings.getlist("CSTO_LANGS") if lang not in sites.by_lang]
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
