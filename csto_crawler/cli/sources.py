"""``csto sources``: the outlets an archive keeps, added, listed, shown and removed without code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .. import settings
from ..archive.source_rows import ReaderRows, SourceReader, SourceRefusedError, SourceRows, StoredSource
from ..sources.config import SourceConfigError, load_sources, source_from_options, source_table
from ..sources.csto import default_sources
from ..sources.model import Source, SourceError
from .common import DEFAULT_ARCHIVE, BadUsageError, CstoError, archive_option, check_archive_folder, locked_writer
from .common import open_reader as open_archive_reader

HEADER = f"{'name':16}  {'status':8}  {'articles':>8}  {'gone':>6}  {'languages':24}  home"


@click.group()
def sources() -> None:
    """The sources an archive keeps: the CSTO's sites (``csto``) and any outlet added here.

    \b
    Example:
      csto sources add agency https://agency.example/ --start https://agency.example/ru/tag/odkb/
      csto sources add --config examples/kazinform.toml
      csto sources list
      csto crawl --source agency
    """


@sources.command()
@click.argument("name", required=False)
@click.argument("url", required=False)
@click.option("--start", "start", multiple=True, metavar="URL", help="Where discovery starts (default: URL).")
@click.option("--must-mention", metavar="REGEX", help="Keep only articles whose title or text matches.")
@click.option("--lang", "langs", multiple=True, metavar="L[=BASE]", help="A language: /L/ on URL's host, or BASE.")
@click.option("--config", "config", type=click.Path(path_type=Path), help="Add every source of a TOML file.")
@click.option("--replace", is_flag=True, help="Change a source the archive holds already.")
@archive_option()
def add(
    name: str | None,
    url: str | None,
    start: tuple[str, ...],
    must_mention: str | None,
    langs: tuple[str, ...],
    config: Path | None,
    replace: bool,
    archive_path: Path,
) -> None:
    """Store a source in the archive (NAME and home URL, or every source of --config FILE).

    A source is data: its home page, its languages (a host or a path prefix each; none: read from
    /ru/, /en/ in its URLs), the pages where discovery starts and a filter on title or text. The
    fields of a --config file are those of examples/kazinform.toml (docs/cli.md lists them).

    \b
    Example:
      csto sources add agency https://agency.example/ --start https://agency.example/ru/tag/odkb/ \\
          --start https://agency.example/en/tag/csto/
      csto sources add agency https://agency.example/ --must-mention 'CSTO|ОДКБ' --lang ru --lang en
      csto sources add --config examples/kazinform.toml --archive archive/csto.sqlite
    """
    found = given_sources(name, url, start, must_mention, langs, config)
    check_archive_folder(archive_path, DEFAULT_ARCHIVE)
    with locked_writer(archive_path, create=True) as writer, writer.db:
        table = SourceRows(writer.sql)
        try:
            done = [(source.name, table.add(source, replace)) for source in found]
        except SourceRefusedError as exc:
            raise BadUsageError(str(exc)) from exc
    for source_name, what in done:
        click.echo(f"{source_name}: {what}")


def given_sources(
    name: str | None,
    url: str | None,
    start: tuple[str, ...],
    must_mention: str | None,
    langs: tuple[str, ...],
    config: Path | None,
) -> list[Source]:
    """The sources the options describe; a mistake is one line (several for a file), exit 2."""
    if config is not None:
        if name or url or start or must_mention or langs:
            raise BadUsageError("--config FILE takes no NAME, URL, --start, --must-mention or --lang")
        try:
            return load_sources(config)
        except SourceConfigError as exc:
            raise BadUsageError(str(exc)) from exc
    if not name or not url:
        raise BadUsageError("give NAME and URL (csto sources add agency https://agency.example/), or --config FILE")
    try:
        return [source_from_options(name, url, start, must_mention, langs)]
    except SourceConfigError as exc:
        raise BadUsageError(str(exc).replace("options: sources.", "")) from exc


@contextmanager
def source_reader(archive_path: Path) -> Iterator[SourceReader]:
    with open_archive_reader(archive_path) as reader:
        yield SourceReader(ReaderRows(reader))


@sources.command(name="list")
@archive_option()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output: a JSON list.")
def list_sources(archive_path: Path, as_json: bool) -> None:
    """Every source of the archive: whether it is crawled, its articles (gone among them), languages, home.

    \b
    Example:
      csto sources list --archive archive/csto.sqlite
      csto sources list --json | jq '.[].name'
    """
    with source_reader(archive_path) as reader:
        stored = reader.all()
    if as_json:
        click.echo(json.dumps([as_dict(each) for each in stored], ensure_ascii=False, indent=1))
        return
    click.echo(HEADER)
    for each in stored:
        languages = ", ".join(lang.code for lang in each.source.languages) or "from URLs"
        click.echo(
            f"{each.name:16}  {status(each):8}  {each.articles:>8}  {each.gone:>6}  {languages:24}  {each.source.home}"
        )


@sources.command()
@click.argument("name")
@archive_option()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output: one JSON object.")
def show(name: str, archive_path: Path, as_json: bool) -> None:
    """One source: its table (as a sources file writes it), when it was added, what the archive holds of it.

    \b
    Example:
      csto sources show agency
    """
    with source_reader(archive_path) as reader:
        stored = reader.get(name)
        known = [each.name for each in reader.all()]
    if stored is None:
        raise BadUsageError(f"the archive holds no source named {name} (it holds {', '.join(known)})")
    if as_json:
        click.echo(json.dumps(as_dict(stored), ensure_ascii=False, indent=1))
        return
    click.echo(f"{stored.name} ({status(stored)}), added {stored.added_at}")
    if stored.removed_at:
        click.echo(f"removed from the crawls {stored.removed_at}; its articles stay")
    per_lang = ", ".join(f"{lang} {n}" for lang, n in sorted(stored.languages.items())) or "none"
    click.echo(f"articles: {stored.articles} ({per_lang}), gone {stored.gone}")
    for key, value in source_table(stored.source).items():
        click.echo(f"  {key} = {json.dumps(value, ensure_ascii=False)}")


@sources.command()
@click.argument("name")
@click.option("--force", is_flag=True, help="Remove a source that has archived articles (they stay).")
@archive_option()
def remove(name: str, force: bool, archive_path: Path) -> None:
    """Take a source out of the archive's crawls. Archived articles are never deleted.

    A source with no articles or held pages is deleted. One with articles is refused unless --force,
    which keeps its row marked removed (the archive still says where its articles came from) and
    keeps its articles; `csto sources add --replace` brings it back. The CSTO cannot be removed.

    \b
    Example:
      csto sources remove agency --force
    """
    with locked_writer(archive_path, create=False) as writer, writer.db:
        try:
            done = SourceRows(writer.sql).remove(name, force)
        except SourceRefusedError as exc:
            raise BadUsageError(str(exc)) from exc
    click.echo(f"{name}: {done}")


def status(stored: StoredSource) -> str:
    return "removed" if stored.removed_at else "crawled"


def as_dict(stored: StoredSource) -> dict[str, Any]:
    return {
        "name": stored.name,
        "status": status(stored),
        "config": source_table(stored.source),
        "added_at": stored.added_at,
        "changed_at": stored.changed_at,
        "removed_at": stored.removed_at,
        "articles": stored.articles,
        "gone": stored.gone,
        "languages": stored.languages,
    }


def crawl_sources(archive_path: Path, names: tuple[str, ...]) -> list[Source]:
    """The sources ``csto crawl`` crawls: those named (each must be in the archive, exit 2 otherwise),
    else every source not removed. An archive that does not exist yet holds the CSTO alone."""
    if not archive_path.exists():
        known = crawled = list(default_sources())
    else:
        with source_reader(archive_path) as reader:
            stored = reader.all()
        # The CSTO as today's settings build it (its row records what it was when the archive began).
        fresh = {source.name: source for source in default_sources()}
        known = [fresh.get(each.name, each.source) for each in stored]
        crawled = [fresh.get(each.name, each.source) for each in stored if not each.removed_at]
    if not names:
        if not crawled:
            raise CstoError("the archive crawls no source: add one with csto sources add")
        return crawled
    by_name = {source.name: source for source in known}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise BadUsageError(f"--source {unknown[0]}: no such source (the archive holds {', '.join(by_name)})")
    return [by_name[name] for name in dict.fromkeys(names)]


def csto_site_pairs(pairs: dict[str, str], chosen: list[Source]) -> dict[str, str]:
    """The ``--site KEY=URL`` pairs for the CSTO's sites: a language of CSTO_SITES, or any key no
    other chosen source claims (left to settings_check to refuse, as before sources)."""
    names = {source.name for source in chosen}
    return {
        key: url
        for key, url in pairs.items()
        if key in settings.CSTO_SITES
        or not (key.split(".", 1)[0] in names or any(lang.code == key for s in chosen for lang in s.languages))
    }


def moved_sources(pairs: dict[str, str], chosen: list[Source]) -> list[Source]:
    """The chosen sources moved by ``--site``: ``NAME=URL`` the whole source, ``NAME.LANG=URL`` one
    language of it, a bare language code that language of every chosen source that has it."""
    moved = []
    for source in chosen:
        origins = {k.split(".", 1)[-1] if "." in k else k: url for k, url in pairs.items() if _for(source, k)}
        try:
            moved.append(source.relocated(origins) if origins else source)
        except SourceError as exc:
            raise BadUsageError(f"--site: {exc}") from exc
    return moved


def _for(source: Source, key: str) -> bool:
    """Whether a ``--site`` key names this source, one of its languages, or NAME.LANG of it."""
    name, _, lang = key.partition(".")
    if lang:
        return name == source.name
    return key == source.name or any(language.code == key for language in source.languages)
