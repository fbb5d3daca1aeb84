"""``csto crawl`` and ``csto demo``: run the spider into an archive."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from ..archive.database import ArchiveError
from ..crawl import CrawlOptions, CrawlOutcome, CrawlRefusedError, run_crawl
from ..demo import DEMO_CRAWL_SETTINGS, REAL_BASES, DemoSite, replay_settings
from ..outcomes import ExitCode
from ..settings_check import SettingError, check_overrides, check_sites
from ..sources.config import sources_setting
from ..sources.csto import DEFAULT_SOURCE_NAME
from .common import (
    DEFAULT_ARCHIVE,
    ArchiveInt,
    BadUsageError,
    CstoError,
    archive_option,
    check_archive_folder,
    crawl_error,
    exit_error,
    parse_pairs,
    settings_option,
)
from .export import stats
from .logs import say, scheduled
from .sources import crawl_sources, csto_site_pairs, moved_sources

DEMO_ARCHIVE = "archive/demo.sqlite"
logger = logging.getLogger(__name__)


@click.command()
@click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="KEY=BASE_URL",
    help="Point a language (en, ru), a source (NAME) or a source's language (NAME.LANG) at another origin.",
)
@click.option("--source", "source_names", multiple=True, metavar="NAME", help="Crawl only this source (repeatable).")
@archive_option()
@click.option("--lang", "langs", multiple=True, type=click.Choice(["en", "ru"]), help="Crawl only these languages.")
@settings_option("Override a Scrapy or CSTO_* setting (checked before anything runs).")
@click.option("--full", is_flag=True, help="Walk every listing to the end even if the archive has data.")
@click.option("--no-sitemap", is_flag=True, help="Discover articles from listings only.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Write the crawl log to a file.")
@click.option("--log-level", default="INFO", show_default=True, type=click.Choice(["DEBUG", "INFO", "WARNING"]))
@scheduled
def crawl(
    sites: tuple[str, ...],
    source_names: tuple[str, ...],
    archive_path: Path,
    langs: tuple[str, ...],
    overrides: tuple[str, ...],
    full: bool,
    no_sitemap: bool,
    log_file: str | None,
    log_level: str,
) -> None:
    """Crawl the archive's sources (incremental when the archive has data): every source it holds
    (`csto sources list`), or those named with --source.

    \b
    Example:
      csto crawl
      csto crawl --site en=http://127.0.0.1:8801 --site ru=http://127.0.0.1:8802 -s DOWNLOAD_DELAY=0
      csto crawl --lang en --full --archive /data/csto.sqlite
      csto crawl --source agency --site agency=http://127.0.0.1:8811 --full
    """
    site_pairs, override_pairs = parse_pairs(sites, "--site"), parse_pairs(overrides, "-s")
    # Before anything else: a misspelt setting, a value of the wrong type, a source or a language we
    # have no site for is refused here (exit 2), not ignored or found out after the crawl.
    try:
        check_overrides(override_pairs)
        chosen = crawl_sources(archive_path, source_names)
        csto_pairs = csto_site_pairs(site_pairs, chosen)
        check_sites(csto_pairs, override_pairs)
    except SettingError as exc:
        raise BadUsageError(str(exc)) from exc
    moved = moved_sources(site_pairs, chosen)
    check_archive_folder(archive_path, DEFAULT_ARCHIVE)
    # The CSTO alone is crawled as before sources existed (CSTO_SOURCES empty: the default source).
    only_csto = [source.name for source in moved] == [DEFAULT_SOURCE_NAME]
    options = CrawlOptions(
        archive_path=archive_path,
        sources=[] if only_csto else sources_setting(moved),
        sites=csto_pairs,
        langs=list(langs),
        overrides=override_pairs,
        full=full,
        use_sitemap=not no_sitemap,
        log_file=log_file,
        log_level=log_level,
    )
    try:
        outcome = run_crawl(options)
    except (CrawlRefusedError, ArchiveError, ValueError) as exc:
        raise crawl_error(exc) from exc
    report(outcome, log_file)
    check_outcome(outcome, "crawl")


def report(outcome: CrawlOutcome, log_file: str | None) -> None:
    """The run report on stderr, and in the log file too when there is one: a record per line, so
    that each line carries its time there as well."""
    say(outcome.summary())
    if log_file:
        for line in outcome.summary().splitlines():
            logger.info("%s", line)


def check_outcome(outcome: CrawlOutcome, what: str) -> None:
    """Exit with the code the run was recorded with (runs.judge): interrupted (130), stopped early (3),
    drift (8), callback errors or too many failures (4)."""
    verdict = outcome.verdict(what)
    if verdict.exit_code is ExitCode.OK:
        return
    message = verdict.message
    if outcome.callback_errors and verdict.exit_code is ExitCode.FAILURES:
        message = outcome.callback_error_message()
    raise exit_error(verdict.exit_code)(message)


@click.command()
@click.option(
    "--archive",
    "archive_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEMO_ARCHIVE,
    show_default=True,
    help="SQLite archive the demo crawl writes.",
)
@click.option(
    "--port",
    type=ArchiveInt(0, 65534),
    default=18811,
    show_default=True,
    help="Serve en on PORT and ru on PORT+1 (0: any free ports).",
)
@click.option("--log-level", default="WARNING", show_default=True, type=click.Choice(["DEBUG", "INFO", "WARNING"]))
@click.pass_context
@scheduled
def demo(ctx: click.Context, archive_path: Path, port: int, log_level: str) -> None:
    """Crawl the bundled offline copy of both sites and show what was archived; no network needed.

    Serves the recorded demo site on 127.0.0.1 and crawls the real sites' URLs from it, with
    politeness off, into the demo archive (which holds https://en.odkb-csto.org/... URLs, as a
    real crawl's would), then prints the archive's article counts. Run it again: the second crawl
    adds nothing.

    \b
    Example:
      csto demo
      csto demo --archive /tmp/demo.sqlite --port 0
      csto export --archive archive/demo.sqlite -o demo.jsonl
    """
    check_archive_folder(archive_path, DEMO_ARCHIVE)
    ports = {"en": port, "ru": port + 1} if port else {}
    try:
        site = DemoSite(ports=ports, links_to=REAL_BASES).start()
    except OSError as exc:
        raise CstoError(f"cannot serve the demo site on 127.0.0.1:{port}: {exc}; try --port 0") from exc
    # The real sites' URLs, fetched from the loopback copy: the archive looks like a real crawl's.
    overrides = {**DEMO_CRAWL_SETTINGS, **replay_settings(site)}
    options = CrawlOptions(archive_path, dict(REAL_BASES), overrides=overrides, log_level=log_level)
    try:
        outcome = run_crawl(options)
    except (CrawlRefusedError, ArchiveError, ValueError) as exc:
        raise crawl_error(exc) from exc
    finally:
        site.stop()
    say(outcome.summary())
    check_outcome(outcome, "demo crawl")
    ctx.invoke(stats, archive_path=archive_path, as_json=False)
