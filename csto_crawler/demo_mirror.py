"""The demo site's recording: the responses of both CSTO sites one crawl needs, loaded from
``demo_site/`` (regenerated only by ``scripts/build_demo_site.py``), with their links pointing at
whatever base URLs the loopback server runs on."""

from __future__ import annotations

import functools
import io
import json
import lzma
import re
import tarfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

DEMO_SITE_DIR = Path(__file__).resolve().parent / "demo_site"
DEMO_LANGS = ("en", "ru")
PATH_SAFE = "/:@!$&'()*+,;=-._~"
TEXT_TYPES = ("text/", "application/xml")


@dataclass(frozen=True)
class DemoResponse:
    """One answer of the demo server; ``headers`` are extra headers (ETag, Last-Modified, ...)."""

    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoAttachment:
    url: str  # path on the site, e.g. /upload/iblock/393/<32hex>.docx
    filename: str
    sha256: str
    size: int


@dataclass(frozen=True)
class DemoArticle:
    """An article of the recorded site as a perfect crawl archives it (from the replica's gold)."""

    lang: str
    path: str  # canonical, percent-encoded, trailing slash
    section: str
    title: str
    subtitle: str | None
    date: str  # YYYY-MM-DD, also when the page shows no date (no_date_line)
    datetime: str | None  # YYYY-MM-DDTHH:MM:SS where the en authorized_organs listing shows a time
    quirks: tuple[str, ...]
    signature: str | None
    body: str
    pair: str | None
    attachments: tuple[DemoAttachment, ...]


@dataclass(frozen=True)
class SiteMirror:
    """The recorded responses of one language site, keyed by normalised request target."""

    lang: str
    base: str  # base URL the recorded bodies link to
    responses: Mapping[str, DemoResponse]
    not_found: DemoResponse
    articles: tuple[DemoArticle, ...]


def normalize_target(target: str) -> str:
    """Request target with its path percent-encoding normalised; the query is kept as sent."""
    path, sep, query = target.partition("?")
    return quote(unquote(path), safe=PATH_SAFE) + sep + query


def base_rewriter(old: Mapping[str, str], new: Mapping[str, str]) -> Callable[[bytes], bytes]:
    """A function replacing each language's base URL ``old[lang]`` by ``new[lang]`` in one pass.

    Plain and percent-encoded forms (share links carry ``http%3A%2F%2F127.0.0.1%3A8801``) are both
    replaced; one pass, so a new port that equals another language's old port is not rewritten twice.
    """
    table: dict[bytes, bytes] = {}
    for lang, base in old.items():
        table[base.encode()] = new[lang].encode()
        table[quote(base, safe="").encode()] = quote(new[lang], safe="").encode()
    alternatives = b"|".join(re.escape(key) for key in sorted(table, key=len, reverse=True))
    pattern = re.compile(b"(?:" + alternatives + rb")(?![0-9])")  # :8801 must not match :88010
    return lambda body: pattern.sub(lambda m: table[m.group(0)], body)


def is_text(content_type: str) -> bool:
    return content_type.startswith(TEXT_TYPES)


@functools.cache
def load_mirrors(directory: Path = DEMO_SITE_DIR) -> dict[str, SiteMirror]:
    """Both recorded sites (read once per process; the mirrors are immutable)."""
    with tarfile.open(fileobj=io.BytesIO(lzma.decompress((directory / "bodies.tar.xz").read_bytes()))) as tar:
        bodies = {m.name: _member_bytes(tar, m) for m in tar.getmembers() if m.isfile()}
    mirrors = {}
    for lang in DEMO_LANGS:
        index = json.loads((directory / f"{lang}.json").read_text(encoding="utf-8"))
        responses = {normalize_target(t): _response(r, bodies) for t, r in index["responses"].items()}
        articles = tuple(_article(lang, a) for a in index["articles"])
        not_found = _response(index["not_found"], bodies)
        mirrors[lang] = SiteMirror(lang, index["base"], responses, not_found, articles)
    return mirrors


def _member_bytes(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    extracted = tar.extractfile(member)
    if extracted is None:
        raise ValueError(f"demo site archive member {member.name} has no data")
    return extracted.read()


def _response(record: dict[str, Any], bodies: Mapping[str, bytes]) -> DemoResponse:
    return DemoResponse(record["status"], record["content_type"], bodies[record["body"]], dict(record["headers"]))


def _article(lang: str, record: dict[str, Any]) -> DemoArticle:
    attachments = tuple(DemoAttachment(**a) for a in record["attachments"])
    fields = {k: record[k] for k in ("path", "section", "title", "subtitle", "date", "datetime", "signature", "body")}
    return DemoArticle(
        lang=lang, quirks=tuple(record["quirks"]), pair=record["pair"], attachments=attachments, **fields
    )
