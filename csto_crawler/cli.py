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
from .archive.coverage import coverage_report
from .archive.database import ArchiveError
from .archive.export import FORMATS, with_attachment_hashes, write_csv, write_jsonl, write_parquet
from .archive.history import ArticleHistory, UnknownArticleError, load_history, version_diff
from .archive.queries import ARTICLE_COLUMNS, VERSION_COLUMNS, ArchiveReader, ExportFilter
from .archive.search import SearchFilter, SearchQueryError
from .archive.search import search as run_search
from .archive.verify import verify_archive
from .crawl import CrawlOptions, CrawlRefusedError, run_crawl
from .demo import DEMO_CRAWL_SETTINGS, DemoSite

DEFAULT_ARCHIVE = "archive/csto.sqlite"
F = TypeVar("F", bound=Callable[..., Any])


class ExitCode(IntEnum):
    """Exit codes a scheduler can act on (documented in docs/cli.md)."""

    OK = 0
    USAGE = 2  # bad arguments (click's own code)
    CANNOT_RUN = 3  # the archive or the configuration prevents the command from running
    FAILURES = 4  # the crawl finished, but more URLs failed than CSTO_MAX_FAILURE_RATIO allows
    LOCKED = 5  # another crawl holds the archive's run lock
    DAMAGED = 6  # `csto verify` found the archive damaged
    GAPS = 7  # `csto coverage` found articles listed but not archived (or the reverse)


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


class DamagedError(CstoError):
    exit_code = ExitCode.DAMAGED


class GapsError(CstoError):
    exit_code = ExitCode.GAPS


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


# --- research: search, show, diff ---------------------------------------------------------------


@main.command()
@click.argument("query")
@archive_option(must_exist=True)
@click.option("--lang", type=click.Choice(["en", "ru"]), help="Only this language.")
@click.option("--section", help="Only this section (and its subsections), e.g. news/news_odkb.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before this date.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def search(
    query: str,
    archive_path: Path,
    lang: str | None,
    section: str | None,
    since: Any,
    until: Any,
    limit: int,
    as_json: bool,
) -> None:
    """Full-text search in titles and bodies, any inflected form (Russian and English stemming).

    \b
    Example:
      csto search "безопасность" --lang ru
      csto search "meetings" --since 2024-01-01 --limit 5
    """
    flt = SearchFilter(lang, section, _iso(since), _iso(until), limit)
    with archive_errors(), _reader(archive_path) as reader:
        try:
            hits = run_search(reader.db, query, flt)
        except SearchQueryError as exc:
            raise BadUsageError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False, indent=1))
        return
    for hit in hits:
        gone = "  [gone]" if hit["gone_at"] else ""
        click.echo(f"{hit['id']}  {(hit['published'] or '')[:10]}  {hit['title']}{gone}\n  {hit['url']}")
        click.echo(f"  {hit['snippet']}\n")
    click.echo(f"{len(hits)} result(s)", err=True)


@main.command()
@click.argument("article")
@archive_option(must_exist=True)
@click.option("--versions", is_flag=True, help="List every version, the events and the URL aliases.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show(article: str, archive_path: Path, versions: bool, as_json: bool) -> None:
    """Show one article (by ID such as en-8573, or by URL) and optionally its history.

    \b
    Example:
      csto show en-8573
      csto show https://en.odkb-csto.org/news/news_odkb/some-slug/ --versions
    """
    with archive_errors(), _reader(archive_path) as reader:
        history = _history(reader, article)
    if as_json:
        payload = {**history.article, "aliases": history.aliases, "events": history.events}
        if versions:
            payload["versions"] = history.versions
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    a = history.article
    click.echo(f"{a['id']}  {a['lang']}  {a['section']}  published {a['published'] or 'unknown'}")
    click.echo(f"{a['url']}\n\n{a['title']}\n")
    if a["subtitle"]:
        click.echo(f"{a['subtitle']}\n")
    click.echo(a["body_text"])
    if a["signature"]:
        click.echo(f"\n{a['signature']}")
    state = f"gone since {a['gone_at']} ({a['gone_reason']})" if a["gone_at"] else "live"
    click.echo(f"\n[{state}; seen {a['first_seen_at']} .. {a['last_seen_at']}; {a['version_count']} version(s)]")
    if versions:
        _echo_history(history)


def _echo_history(history: Any) -> None:
    click.echo("\nversions:")
    for v in history.versions:
        click.echo(
            f"  v{v['version']}  {v['first_seen_at']} .. {v['last_seen_at']}"
            f"  runs {v['first_run_id']}..{v['last_run_id']}  {v['content_sha256'][:12]}  {v['title']}"
        )
    for e in history.events:
        click.echo(f"  event {e['event']} at {e['at']} (run {e['run_id']}): {e['detail'] or ''}")
    for alias in history.aliases:
        click.echo(f"  alias {alias}")


@main.command()
@click.argument("article")
@click.argument("versions", nargs=-1, type=click.IntRange(min=1))
@archive_option(must_exist=True)
def diff(article: str, versions: tuple[int, ...], archive_path: Path) -> None:
    """Unified diff between two versions of an article (default: the last two).

    \b
    Example:
      csto diff en-8573
      csto diff en-8573 1 3
    """
    if len(versions) not in (0, 2):
        raise BadUsageError("give two version numbers, or none for the last two")
    with archive_errors(), _reader(archive_path) as reader:
        history = _history(reader, article)
    if len(history.versions) < 2 and not versions:
        click.echo(f"{history.article['id']} has a single version: nothing to compare", err=True)
        return
    try:
        text = version_diff(history, *versions)
    except UnknownArticleError as exc:
        raise BadUsageError(str(exc)) from exc
    click.echo(text or "versions are identical in title, date, signature and body")


# --- archive care: verify, failures, coverage -----------------------------------------------------


@main.command()
@archive_option(must_exist=True)
def verify(archive_path: Path) -> None:
    """Check the archive: SQLite integrity, every snapshot re-hashed, every reference resolved.

    Exits 0 when sound, 6 when damaged.

    \b
    Example:
      csto verify --archive archive/csto.sqlite
    """
    with archive_errors(), _reader(archive_path) as reader:
        report = verify_archive(reader)
    click.echo(f"integrity_check: {report.integrity}")
    click.echo(f"snapshots re-hashed: {report.blobs_checked}")
    for problem in report.problems:
        click.echo(f"problem: {problem}")
    if not report.sound:
        raise DamagedError(f"{archive_path} is damaged ({len(report.problems)} problem(s))")
    click.echo("archive is sound")


@main.command()
@archive_option(must_exist=True)
def failures(archive_path: Path) -> None:
    """URLs that could not be fetched, one per line: URL, kind, attempts, last failure, error.

    They are retried first by the next crawl, and disappear once fetched.

    \b
    Example:
      csto failures --archive archive/csto.sqlite
    """
    with archive_errors(), _reader(archive_path) as reader:
        rows = reader.failures()
    for row in rows:
        click.echo(f"{row['url']}\t{row['kind']}\t{row['attempts']}\t{row['last_failed_at']}\t{row['error']}")
    click.echo(f"{len(rows)} failing URL(s)", err=True)


@main.command()
@archive_option(must_exist=True)
def coverage(archive_path: Path) -> None:
    """Reconcile the archive with the listings and sitemaps it has seen; exit 7 when there are gaps.

    \b
    Example:
      csto coverage --archive archive/csto.sqlite
    """
    with archive_errors(), _reader(archive_path) as reader:
        report = coverage_report(reader)
    _echo_rows("listed but never archived", report.listed_not_archived)
    _echo_rows("in the sitemap but never archived", report.in_sitemap_not_archived)
    _echo_rows("archived, live, but no longer listed", report.no_longer_listed)
    click.echo("observations:")
    for lang, count in sorted(report.one_language_only.items()):
        click.echo(f"  {count} live {lang} article(s) without a counterpart in the other language")
    click.echo(f"  {report.never_listed} article(s) reached through sitemaps or links only, never seen in a listing")
    for lang, stretches in sorted(report.empty_stretches.items()):
        longest = ", ".join(f"{a}..{b} ({n} days)" for a, b, n in stretches[:3])
        click.echo(f"  {lang}: longest stretches without articles: {longest or 'none'}")
    if report.gaps:
        raise GapsError(f"{report.gaps} gap(s) between the archive and the site's listings/sitemaps")
    click.echo("no gaps")


def _echo_rows(title: str, rows: list[dict[str, Any]]) -> None:
    click.echo(f"{title}: {len(rows)}")
    for row in rows[:20]:
        click.echo("  " + "  ".join(str(v) for v in row.values() if v is not None))


@contextmanager
def _reader(archive_path: Path) -> Iterator[ArchiveReader]:
    reader = ArchiveReader.open(archive_path)
    try:
        yield reader
    finally:
        reader.close()


def _history(reader: ArchiveReader, key: str) -> ArticleHistory:
    try:
        return load_history(reader, key)
    except UnknownArticleError as exc:
        raise CstoError(str(exc)) from exc


def _iso(value: Any) -> str | None:
    return value.date().isoformat() if value else None


# --- demo -----------------------------------------------------------------------------------------


@main.command()
@click.option(
    "--archive",
    "archive_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="archive/demo.sqlite",
    show_default=True,
    help="SQLite archive the demo crawl writes.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65534),
    default=18811,
    show_default=True,
    help="Serve en on PORT and ru on PORT+1 (0: any free ports; article URLs then differ from run to run).",
)
@click.option("--log-level", default="WARNING", show_default=True, type=click.Choice(["DEBUG", "INFO", "WARNING"]))
@click.pass_context
def demo(ctx: click.Context, archive_path: Path, port: int, log_level: str) -> None:
    """Crawl the bundled offline copy of both sites and show what was archived; no network needed.

    Serves the recorded demo site on 127.0.0.1, crawls it with politeness off into the demo archive,
    then prints the archive's article counts. Run it again: the second crawl adds nothing.

    \b
    Example:
      csto demo
      csto demo --archive /tmp/demo.sqlite --port 0
      csto export --archive archive/demo.sqlite -o demo.jsonl
    """
    ports = {"en": port, "ru": port + 1} if port else {}
    try:
        site = DemoSite(ports=ports).start()
    except OSError as exc:
        raise CstoError(f"cannot serve the demo site on 127.0.0.1:{port}: {exc}; try --port 0") from exc
    options = CrawlOptions(archive_path, dict(site.base_urls), overrides=dict(DEMO_CRAWL_SETTINGS), log_level=log_level)
    try:
        outcome = run_crawl(options)
    except CrawlRefusedError as exc:
        raise (LockedError if exc.locked else CstoError)(str(exc)) from exc
    except (ArchiveError, ValueError) as exc:
        raise CstoError(str(exc)) from exc
    finally:
        site.stop()
    click.echo(outcome.summary(), err=True)
    if outcome.finish_reason != "finished":
        raise CstoError(f"the demo crawl stopped early ({outcome.finish_reason})")
    if outcome.failures_above_threshold:
        raise FailuresError(outcome.failure_message())
    ctx.invoke(stats, archive_path=archive_path, as_json=False)
