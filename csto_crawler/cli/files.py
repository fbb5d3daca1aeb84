"""``csto attachments`` and ``csto attachment-text``: the downloaded attachment files, listed or
written out under safe names, and their text extracted from the stored bytes."""

from __future__ import annotations

import os
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import click

from ..archive.attachment_texts import fill_texts
from ..archive.attachments import StoredAttachment, attachment_bytes, list_attachments
from ..archive.blobs import BlobError
from ..archive.database import open_database
from ..archive.queries import ArchiveReader
from ..filenames import UnsafePathError, path_inside, safe_filename, with_hash_suffix
from ..work_pool import WorkPool
from .common import CstoError, DamagedError, archive_errors, archive_option, open_reader

# Characters never printed raw in a listing: controls (ESC, NUL, CR, LF, TAB, DEL, C1), invisible
# format characters (bidi overrides, zero-width), line and paragraph separators, surrogates.
ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
NAMED_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def printable(value: str) -> str:
    """``value`` safe for one tab-separated terminal line: a backslash doubled, control and
    invisible characters written as escapes (``\\t``, ``\\n``, ``\\x1b``, ``\\u202e``)."""
    if value.isprintable() and "\\" not in value:
        return value
    out = []
    for char in value:
        if char in NAMED_ESCAPES:
            out.append(NAMED_ESCAPES[char])
        elif unicodedata.category(char) in ESCAPED_CATEGORIES:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


@click.command()
@archive_option()
@click.option(
    "--extract",
    "extract_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write every file into DIR/<lang>/<file name> instead of listing them.",
)
def attachments(archive_path: Path, extract_dir: Path | None) -> None:
    """List the downloaded attachment files, or write them out.

    One tab-separated line per file: language, the linking article's ID (several comma-separated,
    '-' when none), URL, name, size, sha256, and its text: 'ok N' (characters), the reason there
    is none ('encrypted', 'corrupt', ...), or '-' while not extracted (`csto attachment-text`).
    Control and invisible characters in names are printed as escapes (\\x1b, \\n, \\t).

    Names come from the sites' pages and are made safe before anything is written: no folders,
    no '..', no control characters or Windows device names, at most 200 bytes; a name with nothing
    usable left becomes the file's sha256. Two different files with one name are told apart by a
    sha256 prefix. Exits 6 if a stored file no longer matches its sha256.

    \b
    Example:
      csto attachments --archive archive/csto.sqlite
      csto attachments --extract attachments/ --archive archive/csto.sqlite
    """
    with open_reader(archive_path) as reader:
        stored = list_attachments(reader)
        if extract_dir is None:
            for a in stored:
                fields = (a.lang or "-", ",".join(a.article_ids) or "-", a.url, a.filename, str(a.size), a.sha256)
                click.echo("\t".join([*map(printable, fields), text_column(a)]))
            click.echo(f"{len(stored)} attachment(s)", err=True)
            return
        damaged = [a.url for a in stored if not _extract(reader, a, extract_dir)]
    click.echo(f"wrote {len(stored) - len(damaged)} file(s) under {extract_dir}", err=True)
    if damaged:
        raise DamagedError(f"{len(damaged)} stored file(s) damaged, e.g. {damaged[0]}; run `csto verify`")


def _extract(reader: ArchiveReader, attachment: StoredAttachment, root: Path) -> bool:
    """Write one file (its path to stdout); False when its stored bytes are damaged."""
    try:
        data = attachment_bytes(reader, attachment.sha256)
    except BlobError as exc:
        click.echo(f"csto: damaged: {printable(attachment.url)}: {exc}", err=True)
        return False
    folder = safe_filename(attachment.lang or "", "unknown")
    name = safe_filename(attachment.filename, attachment.sha256)
    try:
        target = path_inside(root, folder, name)
        if target.exists() and target.read_bytes() != data:
            target = path_inside(root, folder, with_hash_suffix(name, attachment.sha256))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except (OSError, UnsafePathError) as exc:
        raise CstoError(f"cannot write {attachment.url} into {root}: {exc}") from exc
    click.echo(str(target))
    return True


def text_column(attachment: StoredAttachment) -> str:
    if attachment.text_status is None:
        return "-"
    if attachment.text_status == "ok":
        return f"ok {attachment.text_chars}"
    return attachment.text_status


@click.command("attachment-text")
@archive_option()
@click.option("--again", is_flag=True, help="Read every file again, also those read before (after a reader upgrade).")
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=os.cpu_count() or 1,
    show_default="CPU count",
    help="Processes reading files (used for 24 files or more).",
)
def attachment_text(archive_path: Path, again: bool, workers: int) -> None:
    """Extract the text of the stored attachment files, with no network.

    Reads .docx, .pdf, .rtf, .xlsx and plain-text files from the archive's own copies and stores
    their text, searchable (`csto search`), exported (`attachments[].text`) and shown (`csto
    show`). A crawl does this at its end; this command does it for an archive made before, or
    again with --again. A file that cannot be read is recorded with the reason (encrypted,
    corrupt, empty, too large, unsupported) and never stops the others. Safe while a crawl runs.

    \b
    Example:
      csto attachment-text --archive archive/csto.sqlite
      csto attachment-text --again --workers 4
    """
    with archive_errors():
        db = open_database(archive_path, create=False)
    progress = _progress if sys.stderr.isatty() else None
    try:
        with WorkPool(workers) as pool:
            counts = fill_texts(db, pool=pool, again=again, progress=progress)
    finally:
        db.close()
    click.echo(f"attachment-text: {_summary(counts)}", err=True)


def _summary(counts: Counter[str]) -> str:
    total = sum(counts.values())
    if not total:
        return "every stored file has its text already (--again reads them all again)"
    return f"{total} file(s) read: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))


def _progress(counts: Counter[str]) -> None:
    click.echo(f"attachment-text: {sum(counts.values())} file(s) read so far", err=True)
