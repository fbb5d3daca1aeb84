"""``csto snapshot``: the raw page an article version was read from, as the site served it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..archive.history import UnknownArticleError, load_history, version_snapshot
from ..dates import utc_now
from ..extraction import stored_response
from ..items import FetchRecord
from .common import ArchiveInt, CstoError, archive_option, open_reader


@click.command()
@click.argument("article")
@archive_option()
@click.option("--version", "number", type=ArchiveInt(1), help="This version (default: the latest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@click.option("--text", "as_text", is_flag=True, help="Decode to UTF-8 (as the crawl did) instead of raw bytes.")
def snapshot(article: str, archive_path: Path, number: int | None, output: Path | None, as_text: bool) -> None:
    """Write the raw page an article version was read from, as fetched (decompressed, in its
    original encoding), or decoded to UTF-8 with --text.

    \b
    Example:
      csto snapshot en-8573 -o page.html
      csto snapshot en-8573 --version 1 --text | less
    """
    with open_reader(archive_path) as reader:
        try:
            history = load_history(reader, article)
        except UnknownArticleError as exc:
            raise CstoError(str(exc)) from exc
        versions = history.versions
        chosen = versions[-1] if number is None else next((v for v in versions if v["version"] == number), None)
        if chosen is None:
            raise CstoError(f"{history.article['id']} has versions 1..{len(versions)}, not {number}")
        snapshot_of = version_snapshot(reader, chosen)
    stored = snapshot_of.data
    if stored is None:
        raise CstoError(f"the snapshot of {history.article['id']} version {chosen['version']} is not in the archive")
    data = stored
    if as_text:
        headers = snapshot_of.headers
        url = snapshot_of.final_url or history.article["url"]
        data = stored_response(FetchRecord(url, url, 200, headers, stored, utc_now(), "article")).text.encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if not output.parent.is_dir():
        raise CstoError(f"cannot write {output}: no folder {output.parent}")
    output.write_bytes(data)
    click.echo(f"{output}: {len(data)} bytes, {history.article['id']} version {chosen['version']}", err=True)
