"""``csto attachments``: the downloaded attachment files, listed or written out under safe names."""

from __future__ import annotations

from pathlib import Path

import click

from ..archive.attachments import StoredAttachment, attachment_bytes, list_attachments
from ..archive.blobs import BlobError
from ..archive.queries import ArchiveReader
from ..filenames import UnsafePathError, path_inside, safe_filename, with_hash_suffix
from .common import CstoError, DamagedError, archive_option, open_reader


@click.command()
@archive_option()
@click.option(
    "--extract",
    "extract_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write every file into DIR/<lang>/<file name> instead of listing them.",
)
def attachments(archive_path: Path, extract_dir: Path | None) -> None:
    """List the downloaded attachment files (lang, URL, name, size, sha256), or write them out.

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
                click.echo(f"{a.lang or '-'}\t{a.url}\t{a.filename}\t{a.size}\t{a.sha256}")
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
        click.echo(f"csto: damaged: {attachment.url}: {exc}", err=True)
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
