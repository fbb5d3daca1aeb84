"""``csto verify``, ``csto failures`` and ``csto coverage``: is the archive sound and complete?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..archive.coverage import coverage_report
from ..archive.verify import verify_archive
from .common import DamagedError, GapsError, TerminalProgress, archive_option, open_reader


@click.command()
@archive_option()
def verify(archive_path: Path) -> None:
    """Check the archive: SQLite integrity, every snapshot re-hashed, every reference resolved.

    Exits 0 when sound, 6 when damaged.

    \b
    Example:
      csto verify --archive archive/csto.sqlite
    """
    with open_reader(archive_path) as reader:
        report = verify_archive(reader, TerminalProgress("csto verify", "snapshot(s) re-hashed"))
    click.echo(f"integrity_check: {report.integrity}")
    click.echo(f"snapshots re-hashed: {report.blobs_checked}")
    for problem in report.problems:
        click.echo(f"problem: {problem}")
    if not report.sound:
        first = report.integrity if report.integrity != "ok" else report.problems[0]
        count = len(report.problems) + (report.integrity != "ok")
        raise DamagedError(f"{archive_path} is damaged ({count} problem(s)), first: {first[:200]}")
    click.echo("archive is sound")


@click.command()
@archive_option()
def failures(archive_path: Path) -> None:
    """URLs that could not be fetched, one per line: URL, kind, attempts, last failure, error.

    They are retried first by the next crawl, and disappear once fetched.

    \b
    Example:
      csto failures --archive archive/csto.sqlite
    """
    with open_reader(archive_path) as reader:
        rows = reader.failures()
    for row in rows:
        click.echo(f"{row['url']}\t{row['kind']}\t{row['attempts']}\t{row['last_failed_at']}\t{row['error']}")
    click.echo(f"{len(rows)} failing URL(s)", err=True)


@click.command()
@archive_option()
def coverage(archive_path: Path) -> None:
    """Reconcile the archive with the listings and sitemaps it has seen; exit 7 when there are gaps.

    \b
    Example:
      csto coverage --archive archive/csto.sqlite
    """
    with open_reader(archive_path) as reader:
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
