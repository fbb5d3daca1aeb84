"""One article's history: its record, versions in time order, events and aliases, and diffs between versions.

A version is cited by its number, which never changes; the versions are shown in time order (an
older capture imported later has a higher number but comes first).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from . import blobs
from .connection import dbapi_connection
from .queries import ArchiveReader, decode_row
from .version_rows import TIME_ORDER

# Fields compared line by line in a diff, in this order.
DIFF_FIELDS = ("title", "subtitle", "published", "signature", "body_text")


class UnknownArticleError(LookupError):
    """No article with that ID or URL."""


@dataclass
class ArticleHistory:
    article: dict[str, Any]
    versions: list[dict[str, Any]]
    events: list[dict[str, Any]]
    aliases: list[str]


def load_history(reader: ArchiveReader, key: str) -> ArticleHistory:
    """An article by ID (``en-8573``), canonical URL or alias URL."""
    rows = reader.query(
        "SELECT * FROM articles WHERE id = :key OR url = :key"
        " OR id = (SELECT article_id FROM url_aliases WHERE url = :key)"
        " ORDER BY id = :key DESC, vacated_by IS NOT NULL",  # the ID, else the article that holds the URL
        key=key,
    )
    if not rows:
        raise UnknownArticleError(f"no article {key!r} in the archive (give an ID such as en-8573, or a URL)")
    article = decode_row(rows[0])
    versions = [
        decode_row(v)
        for v in reader.query(
            f"SELECT * FROM versions WHERE article_id = :id ORDER BY {TIME_ORDER}",  # noqa: S608  a constant
            id=article["id"],
        )
    ]
    events = reader.query(
        "SELECT event, at, run_id, detail FROM article_events WHERE article_id = :id ORDER BY id", id=article["id"]
    )
    aliases = [r["url"] for r in reader.query("SELECT url FROM url_aliases WHERE article_id = :id", id=article["id"])]
    return ArticleHistory(article, versions, events, aliases)


@dataclass(frozen=True)
class Snapshot:
    """The raw page a version was read from: its bytes (None when not in this archive), headers, URL."""

    data: bytes | None
    headers: dict[str, str]
    final_url: str | None


def version_snapshot(reader: ArchiveReader, version: dict[str, Any]) -> Snapshot:
    """The snapshot of one version (a row of ``ArticleHistory.versions``)."""
    data = blobs.load(dbapi_connection(reader.db), version["snapshot_sha256"] or "")
    fetch = reader.query("SELECT headers, final_url FROM fetches WHERE id = :id", id=version["fetch_id"])
    headers = json.loads(fetch[0]["headers"] or "{}") if fetch else {}
    return Snapshot(data, headers, fetch[0]["final_url"] if fetch else None)


def version_diff(history: ArticleHistory, old: int | None = None, new: int | None = None) -> str:
    """Unified diff of two versions by number (default: the last two in time), field by field, paragraph by line."""
    count = len(history.versions)
    by_number = {int(v["version"]): v for v in history.versions}
    if new is None:
        new = int(history.versions[-1]["version"])
    if old is None:
        old = int(history.versions[-2]["version"]) if count > 1 else new
    for number in (old, new):
        if number not in by_number:
            raise UnknownArticleError(f"{history.article['id']} has versions 1..{count}, not {number}")
    a, b = by_number[old], by_number[new]
    out: list[str] = []
    for name in DIFF_FIELDS:
        before = _lines(a.get(name))
        after = _lines(b.get(name))
        out.extend(
            difflib.unified_diff(
                before, after, f"{history.article['id']} v{old} {name}", f"{history.article['id']} v{new} {name}", n=1
            )
        )
    return "\n".join(line.rstrip("\n") for line in out)


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    return [p for p in str(value).split("\n") if p.strip()]
