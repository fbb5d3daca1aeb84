"""``csto health`` and ``csto reextract``: how well pages were read, and reading them again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from .. import settings as defaults
from ..archive.filters import RowFilter
from ..archive.run_records import held_pages, latest_runs, summary
from ..outcomes import ExitCode, ReadingMethod
from ..reextract import reextract as run_reextract
from ..runs import RunLimits
from ..work_pool import WorkPool
from .common import ArchiveInt, TerminalProgress, archive_option, exit_error, iso_day, locked_writer, open_reader
from .logs import say, scheduled
from .runs import outcome_line


@click.command()
@archive_option()
@click.option("--runs", default=1, show_default=True, type=ArchiveInt(1), help="Show this many latest runs.")
def health(archive_path: Path, runs: int) -> None:
    """Extraction health: how the latest runs ended and read pages, what drifted, and the pages held back.

    Each run's line says how it ended, as `csto runs` does (exit code, pages, failures).
    A NOTICE names the sections whose pages only the generic reader could read: archived all
    the same (when not doubtful), but the site's layout has changed there.
    A held page was fetched but not read confidently (no title, no body, no date, a title the
    listing contradicts, a body shorter than the listing's lead), or stands in for the article (a
    notice in the site's layout: another text than the archived one, the same short body on several
    articles of a run): its snapshot is kept, no version was written. `csto reextract` reads held
    pages again.

    \b
    Example:
      csto health --archive archive/csto.sqlite --runs 3
    """
    with open_reader(archive_path) as reader:
        run_rows = latest_runs(reader, runs)
        held = held_pages(reader)
    for row in run_rows:
        run = summary(row)
        click.echo(f"run {run.id} ({run.mode}, {run.started_at}): {outcome_line(run)}")
        for line in health_lines(row["health"]):
            click.echo("  " + line)
    click.echo(f"held pages: {len(held)}")
    for page in held:
        doubts = ",".join(page["doubts"])
        click.echo(
            f"  {page['url']}\t{page['lang']}\t{page['section']}\t{page['method']}\t{doubts}\t{page['last_held_at']}"
        )


def health_lines(report: dict[str, Any]) -> list[str]:
    """One line per language, section and page kind, then the drift found."""
    lines = []
    for lang, sections in sorted(report.get("pages", {}).items()):
        for section, kinds in sorted(sections.items()):
            for kind, figures in sorted(kinds.items()):
                methods = ", ".join(f"{name} {n}" for name, n in sorted(figures["methods"].items()))
                doubts = ", ".join(f"{name} {n}" for name, n in sorted(figures["fields"].items()))
                lines.append(
                    f"{lang} {section} {kind}: {methods}; doubtful {figures['doubtful']}"
                    + (f" ({doubts})" if doubts else "")
                )
    lines.extend(generic_notices(report))
    lines.extend(f"DRIFT: {found}" for found in report.get("drift", []))
    return lines or ["no health recorded"]


def generic_notices(report: dict[str, Any]) -> list[str]:
    """A notice per section whose article pages the generic reader had to read: neither the site
    rules nor the anchored reading found the template's marks, so its layout has probably changed."""
    notices = []
    for lang, sections in sorted(report.get("pages", {}).items()):
        for section, kinds in sorted(sections.items()):
            methods = kinds.get("article", {}).get("methods", {})
            generic = methods.get(ReadingMethod.GENERIC.value, 0)
            if generic:
                notices.append(
                    f"NOTICE: {lang} {section}: {generic} of {sum(methods.values())} article pages read by the"
                    " generic reader (the layout lost the marks the site rules and the anchored reading use)"
                )
    return notices


@click.command()
@archive_option()
@click.option("--lang", "langs", multiple=True, type=click.Choice(["en", "ru"]), help="Only these languages.")
@click.option("--section", "sections", multiple=True, metavar="PATH", help="Only this section and its subsections.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only snapshots fetched on or after this day.")
@click.option(
    "--workers",
    type=ArchiveInt(1),
    default=os.cpu_count() or 1,
    show_default="CPU count",
    help="Processes reading snapshots.",
)
@scheduled
def reextract(archive_path: Path, langs: tuple[str, ...], sections: tuple[str, ...], since: Any, workers: int) -> None:
    """Run today's extractor over the stored snapshots, with no network.

    Fills in the pages the drift alarm held back, and records a new version of an article only
    where the extracted content changed, marked as an extractor change (`versions.change =
    'extractor'`, with the extractor version). Exits 8 when pages are still read doubtfully
    beyond CSTO_MAX_DOUBTFUL_SHARE.

    \b
    Example:
      csto reextract --archive archive/csto.sqlite
      csto reextract --lang ru --section news --since 2026-01-01
    """
    scope = RowFilter(langs=tuple(langs), sections=tuple(s.strip("/") for s in sections), fetched_since=iso_day(since))
    arguments = {"langs": list(langs), "sections": list(sections), "since": scope.fetched_since, "workers": workers}
    limits = RunLimits(defaults.CSTO_MAX_DOUBTFUL_SHARE, defaults.CSTO_DRIFT_MIN_PAGES)
    progress = TerminalProgress("csto reextract", "page(s) read")
    with locked_writer(archive_path, create=False) as writer, WorkPool(workers) as pool:
        end = run_reextract(writer, scope, defaults.CSTO_SITE_TIMEZONE, limits, pool, progress, arguments)
    counts = end.counts.get("reextract", {})
    say(
        f"reextract run {end.run_id}: {end.pages_fetched} page(s) read; "
        + ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
    )
    if end.verdict.exit_code is not ExitCode.OK:
        message = "pages still read doubtfully: " + "; ".join(end.drift) if end.drift else end.verdict.message
        raise exit_error(end.verdict.exit_code)(message)
