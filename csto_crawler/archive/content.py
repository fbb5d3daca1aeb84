"""What counts as an article's content: the fields whose change makes a new version.

Only extracted, normalised fields enter the fingerprint, never page bytes, so a new sidebar,
counter or menu (chrome that changes daily) leaves the fingerprint, and the version, unchanged.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..htmltext import norm_ws

# Field order is part of the fingerprint: never reorder, only append (and bump the prefix).
FINGERPRINT_FIELDS = ("title", "subtitle", "published", "body_text", "signature", "attachment_urls")
FINGERPRINT_PREFIX = "csto-content-v1"


def content_fingerprint(fields: dict[str, Any]) -> str:
    """sha256 over the normalised content fields (whitespace-insensitive)."""
    parts: list[Any] = [FINGERPRINT_PREFIX]
    for name in FINGERPRINT_FIELDS:
        value = fields.get(name)
        if isinstance(value, str):
            value = "\n\n".join(norm_ws(p) for p in value.split("\n\n"))
        parts.append(value)
    blob = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
