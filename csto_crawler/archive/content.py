"""What counts as an article's content: the fields whose change makes a new version.

Only extracted, normalised fields enter the fingerprint, never page bytes, so a new sidebar,
counter or menu (chrome that changes daily) leaves the fingerprint, and the version, unchanged.
Nothing in it depends on the site's origin: attachments count by their path, so a site moved to
https, to ``www.`` or to another port keeps every fingerprint.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any
from urllib.parse import urlsplit

import dataset

from ..htmltext import norm_ws
from ..items import ArticleItem
from .registry import JSON_KINDS, Fill
from .tables import ARTICLES

# The clean content columns an article and its versions share (the registry's CONTENT columns).
CONTENT_COLUMNS = tuple(ARTICLES[name] for name in ARTICLES.filled_by(Fill.CONTENT))

# Field order is part of the fingerprint: never reorder, only append (and bump the prefix).
FINGERPRINT_FIELDS = ("title", "subtitle", "published", "body_text", "signature", "attachment_paths")
# v1 counted attachments by their absolute URL (host and port included); v2 by their path.
FINGERPRINT_PREFIX = "csto-content-v2"


def content_values(item: ArticleItem) -> dict[str, Any]:
    """The content columns of ``item`` as the archive stores them (lists and links as JSON text)."""
    values: dict[str, Any] = {}
    for column in CONTENT_COLUMNS:
        value = column.item_value(item)
        if column.kind in JSON_KINDS:
            plain = [_plain(v) for v in value]
            value = json.dumps(plain, ensure_ascii=False)
        values[column.name] = value
    return values


def _plain(value: Any) -> Any:
    """A list element as JSON can hold it (an attachment link as its fields)."""
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) and not isinstance(value, type) else value


def attachment_paths(attachments_json: str) -> list[str]:
    """The paths of an article's attachments (its ``attachments`` column, JSON [{url, filename}])."""
    return [urlsplit(str(a["url"])).path for a in json.loads(attachments_json or "[]")]


def content_fingerprint(fields: dict[str, Any]) -> str:
    """sha256 over the normalised content fields (whitespace-insensitive); ``fields`` holds the
    article columns, the attachments as their JSON column."""
    values = {**fields, "attachment_paths": attachment_paths(fields.get("attachments") or "[]")}
    parts: list[Any] = [FINGERPRINT_PREFIX]
    for name in FINGERPRINT_FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            value = "\n\n".join(norm_ws(p) for p in value.split("\n\n"))
        parts.append(value)
    blob = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def refingerprint_all(db: dataset.Database) -> None:
    """Migration step: every article and version fingerprinted again with this definition."""
    for table in ("articles", "versions"):  # both keyed by ``id``
        rows = [dict(r) for r in db.query(f"SELECT * FROM {table}")]  # noqa: S608  two table names
        for row in rows:
            sha = content_fingerprint(row)
            db.query(f"UPDATE {table} SET content_sha256 = :sha WHERE id = :id", sha=sha, id=row["id"])  # noqa: S608
