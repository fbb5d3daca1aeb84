"""``csto search``, ``csto show`` and ``csto diff``: reading the archive as a researcher."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..archive.attachment_texts import describe
from ..archive.history import ArticleHistory, UnknownArticleError, load_history, version_diff
from ..archive.queries import ArchiveReader
from ..archive.search import SearchFilter, count_matches
from ..archive.search import search as run_search
from ..archive.search_query import SearchQueryError
from .common import ArchiveInt, BadUsageError, CstoError, archive_option, iso_day, open_reader
from .errors import LanguageCode
from .files import printable

# Characters of an attachment's text that `csto show` prints (all of it with --json).
SHOW_TEXT_CHARS = 1_500


@click.command(context_settings={"ignore_unknown_options": True})  # -word is a word to exclude, not an option
@click.argument("query", nargs=-1, required=True)
@archive_option()
@click.option("--lang", type=LanguageCode(), help="Only this language (en, ru, or another source's: kk...).")
@click.option("--section", help="Only this section (and its subsections), e.g. news/news_odkb.")
@click.option("--source", "source_names", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before this date.")
@click.option("--limit", type=ArchiveInt(1, 1000), default=20, show_default=True, help="Show this many results.")
@click.option("--offset", type=ArchiveInt(0), default=0, show_default=True, help="Skip this many results (next page).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def search(
    query: tuple[str, ...],
    archive_path: Path,
    lang: str | None,
    section: str | None,
    source_names: tuple[str, ...],
    since: Any,
    until: Any,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Full-text search in titles, bodies and attachments' text, any inflected form (Russian and
    English stemming).

    All words must match in one text (the article, or one of its attachment files); OR between
    two words or phrases lets either match; -word excludes a word; words in double quotes must
    also stand together, in that order. Each result says where it matched: in the article, or
    in which attachment.

    \b
    Example:
      csto search безопасность --lang ru
      csto search collective security --since 2024-01-01 --limit 5
      csto search '"collective security"' OR treaty -draft --offset 20
      csto search учения --source agency
    """
    text = query_text(query)
    flt = SearchFilter(lang, section, iso_day(since), iso_day(until), limit, offset, source_names)
    with open_reader(archive_path) as reader:
        try:
            hits = run_search(reader.db, text, flt)
            total = count_matches(reader.db, text, flt)
        except SearchQueryError as exc:
            raise BadUsageError(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(hits, ensure_ascii=False, indent=1))
    else:
        for hit in hits:
            gone = "  [gone]" if hit["gone_at"] else ""
            click.echo(f"{hit['id']}  {(hit['published'] or '')[:10]}  {hit['title']}{gone}\n  {hit['url']}")
            for place in hit["found_in"]:
                where = "" if place["in"] == "article" else f"[in attachment {printable(place['filename'])}] "
                click.echo(f"  {where}{place['snippet']}")
            click.echo("")
    click.echo(result_count(len(hits), total, offset), err=True)


def query_text(words: tuple[str, ...]) -> str:
    """The words of ``csto search`` as one query; a misspelt option (``--lmit``) is refused, not searched."""
    for word in words:
        if word.startswith("--") and word[2:3].isalpha():
            raise BadUsageError(f"no such option: {word} (a word to exclude is written -word)")
    return " ".join(words)


def result_count(shown: int, total: int, offset: int) -> str:
    """``5 result(s)`` when all are shown, else which ones of how many and how to see the next ones."""
    if shown == total:
        return f"{total} result(s)"
    line = f"{shown} of {total} result(s)"
    if shown and offset:
        line += f" ({offset + 1}-{offset + shown})"
    elif not shown:
        line += f" (none after --offset {offset})"
    if offset + shown < total:
        line += f"; next: --offset {offset + shown}"
    return line


@click.command()
@click.argument("article")
@archive_option()
@click.option("--versions", is_flag=True, help="List every version, the events and the URL aliases.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show(article: str, archive_path: Path, versions: bool, as_json: bool) -> None:
    """Show one article (by ID such as en-8573, or by URL) and optionally its history.

    Its attachments follow, each with the start of its text (all of it with --json), or why it
    has none.

    \b
    Example:
      csto show en-8573
      csto show https://en.odkb-csto.org/news/news_odkb/some-slug/ --versions
    """
    with open_reader(archive_path) as reader:
        history = _history(reader, article)
        history.article["attachments"] = describe(reader.db, history.article["attachments"])
    if as_json:
        payload = {**history.article, "aliases": history.aliases, "events": history.events}
        if versions:
            payload["versions"] = history.versions
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    a = history.article
    click.echo(f"{a['id']}  {a['lang']}  {a['section']}  published {a['published'] or 'unknown'}")
    click.echo(f"{a['url']}\n\n{a['title']}\n")
    if a["subtitle"]:
        click.echo(f"{a['subtitle']}\n")
    click.echo(a["body_text"])
    if a["signature"]:
        click.echo(f"\n{a['signature']}")
    _echo_attachments(a["attachments"])
    state = f"gone since {a['gone_at']} ({a['gone_reason']})" if a["gone_at"] else "live"
    click.echo(f"\n[{state}; seen {a['first_seen_at']} .. {a['last_seen_at']}; {a['version_count']} version(s)]")
    if versions:
        _echo_history(history)


def _echo_attachments(attachments: list[dict[str, Any]]) -> None:
    if attachments:
        click.echo("\nattachments:")
    for attachment in attachments:
        name = printable(attachment["filename"] or attachment["url"])
        text = attachment["text"]
        if attachment["sha256"] is None:
            click.echo(f"  {name}  (not downloaded)")
        elif text is not None:
            click.echo(f"  {name}  ({len(text)} characters of text)")
            click.echo(indent_preview(text, SHOW_TEXT_CHARS))
        elif attachment["text_status"] is None:
            click.echo(f"  {name}  (text not extracted yet: csto attachment-text)")
        else:
            click.echo(
                f"  {name}  (no text: {attachment['text_status']}, {attachment['text_reason'] or 'no reason given'})"
            )


def indent_preview(text: str, limit: int) -> str:
    """The first ``limit`` characters (cut at a word), indented; says how much is left out."""
    shown = text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]
    lines = ["    " + line if line else "" for line in shown.split("\n")]
    if len(shown) < len(text):
        lines[-1] += f" … [{len(text) - len(shown)} more characters: csto show --json, or csto export]"
    return "\n".join(lines)


def _echo_history(history: Any) -> None:
    click.echo("\nversions:")
    for v in history.versions:
        click.echo(
            f"  v{v['version']}  {v['first_seen_at']} .. {v['last_seen_at']}"
            f"  runs {v['first_run_id']}..{v['last_run_id']}  {v['content_sha256'][:12]}  {v['title']}"
        )
    for e in history.events:
        click.echo(f"  event {e['event']} at {e['at']} (run {e['run_id']}): {e['detail'] or ''}")
    for alias in history.aliases:
        click.echo(f"  alias {alias}")


@click.command()
@click.argument("article")
@click.argument("versions", nargs=-1, type=ArchiveInt(1))
@archive_option()
def diff(article: str, versions: tuple[int, ...], archive_path: Path) -> None:
    """Unified diff between two versions of an article (default: the last two).

    \b
    Example:
      csto diff en-8573
      csto diff en-8573 1 3
    """
    if len(versions) not in (0, 2):
        raise BadUsageError("give two version numbers, or none for the last two")
    with open_reader(archive_path) as reader:
        history = _history(reader, article)
    if len(history.versions) < 2 and not versions:
        click.echo(f"{history.article['id']} has a single version: nothing to compare", err=True)
        return
    try:
        text = version_diff(history, *versions)
    except UnknownArticleError as exc:
        raise BadUsageError(str(exc)) from exc
    click.echo(text or "versions are identical in title, date, signature and body")


def _history(reader: ArchiveReader, key: str) -> ArticleHistory:
    try:
        return load_history(reader, key)
    except UnknownArticleError as exc:
        raise CstoError(str(exc)) from exc
