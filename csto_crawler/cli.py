"""The ``csto`` command line: a thin layer over the crawler and the archive that talks to people.

Data goes to stdout, progress and logs to stderr. Every user error (bad option, wrong path,
foreign file, locked archive) is one line on stderr and a documented exit code, never a traceback.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .archive.database import ArchiveError
from .archive.export import FORMATS, with_attachment_hashes, write_csv, write_jsonl, write_parquet
from .archive.queries import ARTICLE_COLUMNS, VERSION_COLUMNS, ArchiveReader, ExportFilter
from .crawl import CrawlOptions, CrawlRefusedError, run_crawl

DEFAULT_ARCHIVE = "archive/csto.sqlite"
F = TypeVar("F", bound=Callable[..., Any])


class ExitCode(IntEnum):
    """Exit codes a scheduler can act on (documented in docs/cli.md)."""

    OK = 0
    USAGE = 2  # bad arguments (click's own code)
    CANNOT_RUN = 3  # the archive or the configuration prevents the command from running
    FAILURES = 4  # the crawl finished, but more URLs failed than CSTO_MAX_FAILURE_RATIO allows
    LOCKED = 5  # another crawl holds the archive's run lock


class CstoError(click.ClickException):
    """A user-facing error: printed as one line; the class says the exit code."""

    exit_code = ExitCode.CANNOT_RUN

    def show(self, file: Any = None) -> None:
        click.echo(f"csto: error: {self.format_message()}", err=True)


class LockedError(CstoError):
    exit_code = ExitCode.LOCKED


class FailuresError(CstoError):
    exit_code = ExitCode.FAILURES


class BadUsageError(CstoError):
    exit_code = ExitCode.USAGE


@contextmanager
def archive_errors() -> Iterator[None]:
    """Turn archive problems into one clear line and exit code 3."""
    try:
        yield
    except ArchiveError as exc:
        raise CstoError(str(exc)) from exc


def archive_option(must_exist: bool) -> Callable[[F], F]:
    return click.option(
        "--archive",
        "archive_path",
        type=click.Path(dir_okay=False, path_type=Path, exists=must_exist),
        default=DEFAULT_ARCHIVE,
        show_default=True,
        help="SQLite archive file.",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="csto")
def main() -> None:
    """Archive of record of the CSTO websites (en.odkb-csto.org, odkb-csto.org).

    \b
    Example:
      csto crawl                                  # crawl the live sites into archive/csto.sqlite
      csto export --format jsonl -o articles.jsonl
    """
    logging.getLogger("alembic").setLevel(logging.WARNING)


# --- crawl ----------------------------------------------------------------------------------------


def parse_pairs(values: tuple[str, ...], what: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=what)
        pairs[name.strip()] = rest
    return pairs


@main.command()
@click.option("--site", "sites", multiple=True, metavar="LANG=BASE_URL", help="Point a language at another base URL.")
@archive_option(must_exist=False)
@click.option("--lang", "langs", multiple=True, type=click.Choice(["en", "ru"]), help="Crawl only these languages.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting.")
@click.option("--full", is_flag=True, help="Walk every listing to the end even if the archive has data.")
@click.option("--no-sitemap", is_flag=True, help="Discover articles from listings only.")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Write the crawl log to a file.")
@click.option("--log-level", default="INFO", show_default=True, type=click.Choice(["DEBUG", "INFO", "WARNING"]))
def crawl(
    sites: tuple[str, ...],
    archive_path: Path,
    langs: tuple[str, ...],
    overrides: tuple[str, ...],
    full: bool,
    no_sitemap: bool,
    log_file: str | None,
    log_level: str,
) -> None:
    """Crawl the sites into the archive (incremental when the archive has data).

    \b
    Example:
      csto crawl
      csto crawl --site en=http://127.0.0.1:8801 --site ru=http://127.0.0.1:8802 -s DOWNLOAD_DELAY=0
      csto crawl --lang en --full --archive /data/csto.sqlite
    """
    options = CrawlOptions(
        archive_path=archive_path,
        sites=parse_pairs(sites, "--site"),
        langs=list(langs),
        overrides=parse_pairs(overrides, "-s"),
        full=full,
        use_sitemap=not no_sitemap,
        log_file=log_file,
        log_level=log_level,
    )
    try:
        outcome = run_crawl(options)
    except CrawlRefusedError as exc:
        raise (LockedError if exc.locked else CstoError)(str(exc)) from exc
    except (ArchiveError, ValueError) as exc:
        raise CstoError(str(exc)) from exc
    click.echo(outcome.summary(), err=True)
    if outcome.finish_reason != "finished":
        raise CstoError(f"the crawl stopped early ({outcome.finish_reason})")
    if outcome.failures_above_threshold:
        raise FailuresError(outcome.failure_message())


# --- export ---------------------------------------------------------------------------------------


@main.command()
@archive_option(must_exist=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Output file (default stdout).")
@click.option("--versions", is_flag=True, help="One row per version instead of one per article.")
@click.option("--lang", type=click.Choice(["en", "ru"]), help="Only this language.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before this date.")
def export(
    archive_path: Path, fmt: str, output: str | None, versions: bool, lang: str | None, since: Any, until: Any
) -> None:
    """Export articles (or every version) as JSONL, CSV or Parquet, same columns in each.

    \b
    Example:
      csto export --format jsonl -o articles.jsonl
      csto export --format parquet --versions --lang ru --since 2024-01-01 -o ru-versions.parquet
    """
    if fmt == "parquet" and not output:
        raise BadUsageError("Parquet is binary: give an output file with -o")
    flt = ExportFilter(lang, since.date().isoformat() if since else None, until.date().isoformat() if until else None)
    with archive_errors():
        reader = ArchiveReader.open(archive_path)
    try:
        rows = reader.iter_versions(flt) if versions else reader.iter_articles(flt)
        rows = with_attachment_hashes(rows, reader.attachment_hashes())
        columns = VERSION_COLUMNS if versions else ARTICLE_COLUMNS
        count = _write_rows(rows, columns, fmt, output)
    finally:
        reader.close()
    click.echo(f"exported {count} rows", err=True)


def _write_rows(rows: Any, columns: tuple[str, ...], fmt: str, output: str | None) -> int:
    if fmt == "parquet" and output is not None:
        return write_parquet(rows, columns, output)
    writer = write_jsonl if fmt == "jsonl" else write_csv
    if output is None:
        return writer(rows, columns, sys.stdout)
    with Path(output).open("w", encoding="utf-8", newline="") as out:
        return writer(rows, columns, out)


# --- stats ----------------------------------------------------------------------------------------


@main.command()
@archive_option(must_exist=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(archive_path: Path, as_json: bool) -> None:
    """Article counts per language, section and year.

    \b
    Example:
      csto stats --archive archive/csto.sqlite
    """
    with archive_errors():
        reader = ArchiveReader.open(archive_path)
    try:
        rows, totals = reader.stats(), reader.totals()
    finally:
        reader.close()
    if as_json:
        click.echo(json.dumps({"totals": totals, "by_lang_section_year": rows}, ensure_ascii=False, indent=1))
        return
    click.echo(f"{'lang':4} {'section':40} {'year':4} {'articles':>8} {'edited':>6} {'gone':>5}")
    for row in rows:
        click.echo(
            f"{row['lang']:4} {row['section']:40} {row['year'] or '----':4} {row['articles']:8d}"
            f" {row['edited'] or 0:6d} {row['gone'] or 0:5d}"
        )
    ratio = totals["stored_bytes"] / totals["raw_bytes"] if totals["raw_bytes"] else 0.0
    click.echo(
        f"total: {totals['articles']} articles, {totals['versions']} versions, {totals['fetches']} fetches, "
        f"{totals['snapshots']} snapshots ({ratio:.2f} of raw size), {totals['failures']} failures, "
        f"{totals['runs']} runs"
    )
