"""Archives as older versions of csto-crawler left them, built in code from the frozen schemas
(archive/schema_history.sql): schema 5 (308cedb) and schema 6 (main before issue 23: the word indexes,
without the permanent version numbers)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from csto_crawler.archive.database import APPLICATION_ID
from csto_crawler.archive.migrations import historic_statements

Statement = tuple[str, tuple[Any, ...]]
T = "2026-01-0{}T00:00:00+00:00"


def old_archive(path: Path, schema: int, *statements: Statement) -> None:
    """An archive as schema ``schema`` left it, with ``statements`` run on it (rows of a test's choosing)."""
    with closing(sqlite3.connect(path)) as db:
        for version in range(1, schema + 1):
            for statement in historic_statements()[version]:
                db.execute(statement)
        for sql, params in statements:
            db.execute(sql, params)
        db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        db.execute(f"PRAGMA user_version={schema}")
        db.commit()


def v5_archive(path: Path, *statements: Statement) -> None:
    old_archive(path, 5, *statements)


def article(aid: str, url: str, count: int, title: str = "t", body: str = "b") -> Statement:
    return (
        "INSERT INTO articles (id, url, lang, section, slug, title, body_text, body_html, attachments, images,"
        " content_sha256, version_count, first_seen_at, last_seen_at) VALUES (?, ?, 'en', 'news', 's', ?, ?,"
        " '', '[]', '[]', ?, ?, ?, ?)",
        (aid, url, title, body, f"sha-{count}", count, T.format(1), T.format(9)),
    )


def version(vid: int, aid: str, number: int, sha: str, fetch: int | None = None) -> Statement:
    return (
        "INSERT INTO versions (id, article_id, version, content_sha256, url, title, body_text, body_html,"
        " attachments, images, first_seen_at, last_seen_at, fetch_id) VALUES (?, ?, ?, ?, 'u', 't', 'b', '', '[]',"
        " '[]', ?, ?, ?)",
        (vid, aid, number, sha, T.format(vid % 9 + 1), T.format(vid % 9 + 1), fetch),
    )


def imported_fetch(fid: int) -> Statement:
    return (
        "INSERT INTO fetches (id, url, final_url, kind, status, fetched_at, size, crawler_version, warc_record_id)"
        " VALUES (?, 'u', 'u', 'article', 200, ?, 0, 'x', ?)",
        (fid, T.format(1), f"<urn:uuid:{fid}>"),
    )


def attachment_text(sha256: str, text: str) -> Statement:
    return (
        "INSERT INTO attachment_texts (sha256, status, format, text, chars, extractor, extracted_at)"
        " VALUES (?, 'ok', 'text', ?, ?, 'csto', ?)",
        (sha256, text, len(text), T.format(1)),
    )
