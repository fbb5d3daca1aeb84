"""``csto export`` and ``csto stats``: the archive as files and counts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..archive.export import write_jsonl, write_parquet
from ..archive.filters import RowFilter
from ..archive.postgres import PostgresError, engine_url
from ..archive.registry import Export
from ..archive.tables import ARTICLE_EXPORT, VERSION_EXPORT
from ..archive.typed_tables import arrow_schema, research_rows, text_row, typed_row
from ..spreadsheet_csv import write_csv
from .common import BadUsageError, CstoError, TerminalProgress, archive_option, iso_day, open_reader
from .errors import LanguageCode
from .outputs import OutputFormat, atomic_output, check_output_folder, output_format
from .postgres import export_to_url

# What `csto export` writes, and what it writes when neither --format nor the file's name says.
EXPORT_FORMATS = (OutputFormat.JSONL, OutputFormat.CSV, OutputFormat.PARQUET)
DEFAULT_FORMAT = OutputFormat.JSONL


@click.command()
@archive_option()
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in EXPORT_FORMATS]),
    help="jsonl, csv or parquet (default: from the -o file's name, .jsonl .csv .parquet; else jsonl).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Output file (default stdout).")
@click.option("--versions", is_flag=True, help="One row per version instead of one per article.")
@click.option("--lang", type=LanguageCode(), help="Only this language (en, ru, or another source's: kk...).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before this date.")
@click.option("--source", "source_names", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@click.option("--to", "to_url", metavar="URL", help="Load into PostgreSQL (postgresql://USER@HOST/DB).")
def export(
    archive_path: Path,
    fmt: str | None,
    output: str | None,
    versions: bool,
    lang: str | None,
    since: Any,
    until: Any,
    source_names: tuple[str, ...],
    to_url: str | None,
) -> None:
    """Export articles (or every version) as JSONL, CSV or Parquet, same columns in each.

    The format is --format, else the output file's name (.jsonl, .csv, .parquet). CSV is for
    spreadsheets: UTF-8 with a BOM, and a cell that starts like a formula (=, +, -, @) gets a
    leading ' so that it shows as text. Each attachment carries its file's sha256, text status and
    extracted text (`attachments[].text`; CSV holds the attachments as JSON text, Parquet as a list).

    \b
    Example:
      csto export -o articles.jsonl
      csto export -o articles.csv                               # opens in Excel, Cyrillic intact
      csto export --versions --lang ru --since 2024-01-01 -o ru-versions.parquet
      csto export --to postgresql://postgres@127.0.0.1/csto    # articles, versions, attachments
      csto export --source agency -o agency.jsonl               # one source's articles
    """
    if to_url is not None:
        try:
            engine_url(to_url)  # a URL that is not PostgreSQL's is a bad argument (exit 2), found before any work
        except PostgresError as exc:
            raise BadUsageError(str(exc)) from exc
        return export_to_url(
            archive_path, to_url, RowFilter(lang, iso_day(since), iso_day(until), sources=source_names)
        )
    chosen = output_format(Path(output) if output else None, fmt, EXPORT_FORMATS, DEFAULT_FORMAT)
    if chosen is OutputFormat.PARQUET and not output:
        raise BadUsageError("Parquet is binary: give an output file with -o")
    if output is not None:
        check_output_folder(Path(output))
    flt = RowFilter(lang, iso_day(since), iso_day(until), sources=source_names)
    table = VERSION_EXPORT if versions else ARTICLE_EXPORT
    render = typed_row if chosen is OutputFormat.PARQUET else text_row
    with open_reader(archive_path) as reader:
        rendered = (render(row, table) for row in research_rows(reader, table, flt))
        rows = TerminalProgress("csto export", "row(s)").counted(rendered)
        try:
            count = _write_rows(rows, table, chosen, output)
        except OSError as exc:
            if output is None:
                raise
            raise CstoError(f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(f"exported {count} rows", err=True)


def _write_rows(rows: Any, table: Export, fmt: OutputFormat, output: str | None) -> int:
    writer = write_csv if fmt is OutputFormat.CSV else write_jsonl
    columns = table.names
    if output is None:
        return writer(rows, columns, sys.stdout)
    with atomic_output(Path(output)) as partial:
        if fmt is OutputFormat.PARQUET:
            return write_parquet(rows, columns, str(partial), arrow_schema(table))
        with partial.open("w", encoding="utf-8", newline="") as out:
            return writer(rows, columns, out)


@click.command()
@archive_option()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(archive_path: Path, as_json: bool) -> None:
    """Article counts per language, section and year.

    \b
    Example:
      csto stats --archive archive/csto.sqlite
    """
    with open_reader(archive_path) as reader:
        rows, totals, by_source = reader.stats(), reader.totals(), reader.stats_by_source()
    if as_json:
        found = {"totals": totals, "by_source": by_source, "by_lang_section_year": rows}
        click.echo(json.dumps(found, ensure_ascii=False, indent=1))
        return
    click.echo(f"{'lang':4} {'section':40} {'year':4} {'articles':>8} {'edited':>6} {'gone':>5}")
    for row in rows:
        click.echo(
            f"{row['lang']:4} {row['section']:40} {row['year'] or '----':4} {row['articles']:8d}"
            f" {row['edited'] or 0:6d} {row['gone'] or 0:5d}"
        )
    if len(by_source) > 1:  # an archive of the CSTO alone prints what it printed before sources
        for row in by_source:
            click.echo(
                f"source {row['source']}: {row['articles']} articles ({row['languages']}), {row['edited'] or 0}"
                f" edited, {row['gone'] or 0} gone"
            )
    ratio = totals["stored_bytes"] / totals["raw_bytes"] if totals["raw_bytes"] else 0.0
    click.echo(
        f"total: {totals['articles']} articles, {totals['versions']} versions, {totals['fetches']} fetches, "
        f"{totals['snapshots']} snapshots ({ratio:.2f} of raw size), {totals['failures']} failures, "
        f"{totals['runs']} runs"
    )
