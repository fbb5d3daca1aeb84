"""``csto warc export`` and ``csto warc import``: the archive as WARC files, and WARC captures into it."""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path
from typing import Any

import click
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .. import settings as defaults
from ..archive.filters import RowFilter
from ..outcomes import ExitCode
from ..runs import RunLimits
from ..settings_check import SettingError, check_sites
from ..urls import Sites
from ..warc.export import ExportReport, export_warc
from ..warc.import_report import ImportReport
from ..warc.importer import WarcImporter
from ..work_pool import WorkPool
from .common import (
    DEFAULT_ARCHIVE,
    ArchiveInt,
    BadUsageError,
    CstoError,
    DriftError,
    archive_option,
    check_archive_folder,
    exit_error,
    iso_day,
    locked_writer,
    open_reader,
    parse_pairs,
)
from .logs import say, scheduled
from .outputs import OutputFormat, check_output_folder, output_format

# What a broken or foreign file raises while warcio reads it.
UNREADABLE = (ArchiveLoadFailed, zlib.error, EOFError, ValueError)


@click.group()
def warc() -> None:
    """WARC in and out: the archive's captures as WARC files, other tools' captures into the archive.

    \b
    Example:
      csto warc export -o csto.warc.gz
      csto warc import site.warc.gz --site en=http://127.0.0.1:8801 --site ru=http://127.0.0.1:8802
    """


@warc.command("export")
@archive_option()
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="WARC file to write: NAME.warc.gz (gzipped per record) or NAME.warc.",
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only fetches made on or after this day.")
@click.option("--lang", type=click.Choice(["en", "ru"]), help="Only this language's fetches.")
def export_warc_command(archive_path: Path, output: Path, since: Any, lang: str | None) -> None:
    """Write every stored fetch as WARC 1.1 records: request, response (or revisit), metadata.

    Responses carry the stored status, headers and raw payload, dated by the fetch time, with
    sha256 payload and block digests; a payload already written becomes a revisit record; a
    metadata record links each response to its article, version and run. Attachments are
    included. Only the response headers the archive keeps are written (see the warcinfo record).

    \b
    Example:
      csto warc export -o csto.warc.gz
      csto warc export --lang ru --since 2026-01-01 -o ru-2026.warc.gz
    """
    output_format(output, None, (OutputFormat.WARC_GZ, OutputFormat.WARC), None)
    check_output_folder(output)
    with open_reader(archive_path) as reader:
        try:
            report = export_warc(
                reader,
                archive_path,
                output,
                RowFilter(lang=lang, fetched_since=iso_day(since)),
                _export_progress if sys.stderr.isatty() else None,
            )
        except OSError as exc:
            raise CstoError(f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(report.summary(), err=True)


@warc.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="LANG=BASE_URL",
    help="The base URL a language's captures were made from (default: the live sites).",
)
@archive_option()
@click.option(
    "--workers",
    type=ArchiveInt(1),
    default=os.cpu_count() or 1,
    show_default="CPU count",
    help="Processes reading pages.",
)
@scheduled
def import_warc_command(files: tuple[Path, ...], sites: tuple[str, ...], archive_path: Path, workers: int) -> None:
    """Import captures from WARC or ARC files through the crawl's extraction and archive rules.

    Responses on the configured sites are taken: article pages become versions dated by their
    capture time (older captures slot into an article's history before what the archive holds),
    listing pages and sitemaps are recorded as seen, attachments are stored; everything else is
    skipped with a count. Each imported fetch names its file and record; importing a file again
    adds nothing. Exits 8 when pages read doubtfully beyond CSTO_MAX_DOUBTFUL_SHARE.

    \b
    Example:
      csto warc import captures/*.warc.gz
      wget --mirror --warc-file=site http://127.0.0.1:8801/
      csto warc import site.warc.gz --site en=http://127.0.0.1:8801 --archive archive/replica.sqlite
    """
    site_pairs = parse_pairs(sites, "--site")
    try:
        check_sites(site_pairs, {})
        configured = Sites({**defaults.CSTO_SITES, **site_pairs})
    except (SettingError, ValueError) as exc:
        raise BadUsageError(str(exc)) from exc
    for path in files:
        check_readable(path)
    check_archive_folder(archive_path, DEFAULT_ARCHIVE)
    arguments = {
        "files": [str(path) for path in files],
        "sites": {site.lang: site.base for site in configured},
        "workers": workers,
    }
    with locked_writer(archive_path, create=True) as writer, WorkPool(workers) as pool:
        importer = WarcImporter(
            writer,
            configured,
            list(defaults.CSTO_SECTIONS),
            defaults.CSTO_SITE_TIMEZONE,
            pool,
            _import_progress if sys.stderr.isatty() else None,
            defaults.CSTO_MAX_SITEMAP_ABSENT_SHARE,
            defaults.DOWNLOAD_MAXSIZE,
        )
        limits = RunLimits(defaults.CSTO_MAX_DOUBTFUL_SHARE, defaults.CSTO_DRIFT_MIN_PAGES)
        report = importer.run(list(files), arguments, limits)
    say(report.summary())
    verdict = report.end.verdict if report.end is not None else None
    if report.drift:
        raise DriftError("pages read doubtfully: " + "; ".join(report.drift))
    if verdict is not None and verdict.exit_code is not ExitCode.OK:
        raise exit_error(verdict.exit_code)(verdict.message)


def check_readable(path: Path) -> None:
    """Refuse (exit 3) a file whose first record is not a WARC or ARC record, before anything is written."""
    try:
        with path.open("rb") as fh:
            next(iter(ArchiveIterator(fh, arc2warc=True)), None)
    except UNREADABLE as exc:
        raise CstoError(f"{path} is not a WARC or ARC file: {str(exc).strip() or type(exc).__name__}") from exc
    except OSError as exc:
        raise CstoError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _export_progress(report: ExportReport) -> None:
    click.echo(
        f"warc export: {sum(report.records.values())} records, {report.payload_bytes / 1e6:.0f} MB of payload so far",
        err=True,
    )


def _import_progress(report: ImportReport) -> None:
    click.echo(
        f"warc import ({report.phase}): {report.records} records, {report.pages} article pages read so far",
        err=True,
    )
