"""Output files of the commands that write one (``-o``): the format a name asks for, its folder, an
atomic write.

A file's name says what it holds (``articles.csv``, ``ru.parquet``, ``csto.warc.gz``): a command
writes the format its name asks for when ``--format`` is not given, and refuses (exit 2, one line)
a name and a ``--format`` that disagree, or a name that says another kind of file, rather than
write JSONL into ``articles.csv`` and leave the surprise for whoever opens it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

from .common import BadUsageError, CstoError


class OutputFormat(StrEnum):
    """What an output file holds; the value is the ``--format`` name."""

    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"
    WARC = "warc"
    WARC_GZ = "warc.gz"
    HTML = "html"


# File name endings -> format, longest first (``.warc.gz`` before ``.gz``).
SUFFIXES: dict[str, OutputFormat] = {
    ".warc.gz": OutputFormat.WARC_GZ,
    ".jsonl": OutputFormat.JSONL,
    ".ndjson": OutputFormat.JSONL,
    ".csv": OutputFormat.CSV,
    ".parquet": OutputFormat.PARQUET,
    ".warc": OutputFormat.WARC,
    ".html": OutputFormat.HTML,
    ".htm": OutputFormat.HTML,
}
# Names that say a format no command writes: refused rather than filled with something else.
FOREIGN_SUFFIXES = (".json", ".tsv", ".xlsx", ".xls", ".ods", ".gz", ".zip", ".pdf", ".txt")


def format_of_name(path: Path) -> OutputFormat | None:
    """The format a file name asks for, None when its ending says nothing we know."""
    name = path.name.lower()
    return next((fmt for suffix, fmt in SUFFIXES.items() if name.endswith(suffix)), None)


def output_format(
    path: Path | None, given: str | None, allowed: tuple[OutputFormat, ...], default: OutputFormat | None
) -> OutputFormat:
    """The format to write: ``--format`` when given, else the name's, else ``default``.

    Exit 2 (one line) when the name asks for a format other than ``--format``, or for one this
    command does not write (``report -o r.csv``, ``export -o a.xlsx``), or says nothing and the
    command has no ``default`` (a WARC file must be named ``.warc.gz`` or ``.warc``).
    """
    named = format_of_name(path) if path is not None else None
    choices = ", ".join(f".{fmt.value}" for fmt in allowed)
    if given is not None:
        chosen = OutputFormat(given)
        if named is not None and named is not chosen:
            raise BadUsageError(f"--format {chosen.value} but the output file {path} is named .{named.value}")
        return chosen
    if named is not None and named in allowed:
        return named
    if default is None or (path is not None and (named or path.name.lower().endswith(FOREIGN_SUFFIXES))):
        raise BadUsageError(f"cannot write {path}: this command writes {choices} files (name it so)")
    return default


def check_output_folder(output: Path) -> None:
    """One line and exit 3 for an output file whose folder is missing, before the archive is read."""
    parent = output.parent
    if parent.is_dir():
        return
    problem = f"{parent} is not a folder" if parent.exists() else f"no folder {parent}"
    raise CstoError(f"cannot write {output}: {problem}")


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
