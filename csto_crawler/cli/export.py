"""``csto export`` and ``csto stats``: the archive as files and counts."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..archive.export import FORMATS, write_csv, write_jsonl, write_parquet
from ..archive.filters import RowFilter
from ..archive.registry import Export
from ..archive.tables import ARTICLE_EXPORT, VERSION_EXPORT
from ..archive.typed_tables import arrow_schema, research_rows, text_row, typed_row
from .common import BadUsageError, CstoError, TerminalProgress, archive_option, iso_day, open_reader
from .postgres import export_to_url


@click.command()
@archive_option()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Output file (default stdout).")
@click.option("--versions", is_flag=True, help="One row per version instead of one per article.")
@click.option("--lang", type=click.Choice(["en", "ru"]), help="Only this language.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before this date.")
@click.option("--to", "to_url", metavar="URL", help="Load into PostgreSQL (postgresql://USER@HOST/DB).")
def export(
    archive_path: Path,
    fmt: str,
    output: str | None,
    versions: bool,
    lang: str | None,
    since: Any,
    until: Any,
    to_url: str | None,
) -> None:
    """Export articles (or every version) as JSONL, CSV or Parquet, same columns in each.

    Each attachment carries its file's sha256, text status and extracted text
    (`attachments[].text`; CSV and Parquet hold the attachments as JSON text).

    \b
    Example:
      csto export --format jsonl -o articles.jsonl
      csto export --format parquet --versions --lang ru --since 2024-01-01 -o ru-versions.parquet
      csto export --to postgresql://postgres@127.0.0.1/csto    # articles, versions, attachments
    """
    if to_url is not None:
        return export_to_url(archive_path, to_url, RowFilter(lang, iso_day(since), iso_day(until)))
    if fmt == "parquet" and not output:
        raise BadUsageError("Parquet is binary: give an output file with -o")
    if output is not None:
        check_output_folder(Path(output))
    flt = RowFilter(lang, iso_day(since), iso_day(until))
    table = VERSION_EXPORT if versions else ARTICLE_EXPORT
    render = typed_row if fmt == "parquet" else text_row
    with open_reader(archive_path) as reader:
        rendered = (render(row, table) for row in research_rows(reader, table, flt))
        rows = TerminalProgress("csto export", "row(s)").counted(rendered)
        try:
            count = _write_rows(rows, table, fmt, output)
        except OSError as exc:
            if output is None:
                raise
            raise CstoError(f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(f"exported {count} rows", err=True)


def check_output_folder(output: Path) -> None:
    """One line and exit 3 for an output file whose folder is missing, before the archive is read."""
    parent = output.parent
    if parent.is_dir():
        return
    problem = f"{parent} is not a folder" if parent.exists() else f"no folder {parent}"
    raise CstoError(f"cannot write {output}: {problem}")


def _write_rows(rows: Any, table: Export, fmt: str, output: str | None) -> int:
    writer = write_jsonl if fmt == "jsonl" else write_csv
    columns = table.names
    if output is None:
        return writer(rows, columns, sys.stdout)
    with atomic_output(Path(output)) as partial:
        if fmt == "parquet":
            return write_parquet(rows, columns, str(partial), arrow_schema(table))
        with partial.open("w", encoding="utf-8", newline="") as out:
            return writer(rows, columns, out)


@contextmanager
def atomic_output(output: Path) -> Iterator[Path]:
    """Write beside ``output`` and rename over it at the end: a killed export leaves the previous
    file intact, never a truncated one whose remaining lines all look valid."""
    partial = output.with_name(f".{output.name}.part")
    try:
        yield partial
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


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
        rows, totals = reader.stats(), reader.totals()
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
