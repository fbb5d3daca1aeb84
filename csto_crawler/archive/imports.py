"""What a WARC import asks the archive about the captures it reads (warc/importer.py and its helpers)."""

from __future__ import annotations

import sqlite3


def imported_before(connection: sqlite3.Connection, record_id: str) -> bool:
    """Whether a fetch already names this WARC record (importing a file again adds nothing)."""
    found = connection.execute("SELECT 1 FROM fetches WHERE warc_record_id = ? LIMIT 1", (record_id,)).fetchone()
    return found is not None


def payload_of_record(connection: sqlite3.Connection, record_id: str) -> str | None:
    """The sha256 of the payload an imported record carried (a revisit names the record it repeats)."""
    row = connection.execute("SELECT sha256 FROM fetches WHERE warc_record_id = ? LIMIT 1", (record_id,)).fetchone()
    return str(row[0]) if row else None


def standing(connection: sqlite3.Connection, url: str) -> tuple[bool, bool]:
    """(archived: an article or an alias holds the URL, listed: a listing or a sitemap named it)."""
    row = connection.execute(
        "SELECT EXISTS (SELECT 1 FROM articles WHERE url = :url AND vacated_by IS NULL)"
        " OR EXISTS (SELECT 1 FROM url_aliases WHERE url = :url),"
        " EXISTS (SELECT 1 FROM listing_sightings WHERE article_url = :url)"
        " OR EXISTS (SELECT 1 FROM sitemap_entries WHERE url = :url)",
        {"url": url},
    ).fetchone()
    return bool(row[0]), bool(row[1])


def attachment_owner(connection: sqlite3.Connection, url: str) -> tuple[str, str] | None:
    """The article an attachment was stored for, and its file name there."""
    row = connection.execute("SELECT article_url, filename FROM attachments WHERE url = ?", (url,)).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def links_seen(connection: sqlite3.Connection, article_url: str) -> set[str]:
    """The links listings wrote for an article other than its canonical URL (its aliases)."""
    rows = connection.execute(
        "SELECT DISTINCT linked_url FROM listing_sightings WHERE article_url = ? AND linked_url != article_url",
        (article_url,),
    ).fetchall()
    return {str(row[0]) for row in rows}
