"""One article's history: its record, versions, events and aliases, and diffs between versions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .queries import ArchiveReader, decode_row

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
        " OR id = (SELECT article_id FROM url_aliases WHERE url = :key)",
        key=key,
    )
    if not rows:
        raise UnknownArticleError(f"no article {key!r} in the archive (give an ID such as en-8573, or a URL)")
    article = decode_row(rows[0])
    versions = [
        decode_row(v)
        for v in reader.query("SELECT * FROM versions WHERE article_id = :id ORDER BY version", id=article["id"])
    ]
    events = reader.query(
        "SELECT event, at, run_id, detail FROM article_events WHERE article_id = :id ORDER BY id", id=article["id"]
    )
    aliases = [r["url"] for r in reader.query("SELECT url FROM url_aliases WHERE article_id = :id", id=article["id"])]
    return ArticleHistory(article, versions, events, aliases)


def version_diff(history: ArticleHistory, old: int | None = None, new: int | None = None) -> str:
    """Unified diff of two versions (default: the last two), field by field, paragraph by line."""
    count = len(history.versions)
    new = new or count
    old = old or max(1, new - 1)
    for number in (old, new):
        if not 1 <= number <= count:
            raise UnknownArticleError(f"{history.article['id']} has versions 1..{count}, not {number}")
    a, b = history.versions[old - 1], history.versions[new - 1]
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
