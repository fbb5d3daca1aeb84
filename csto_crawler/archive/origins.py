"""The site bases the archive's URLs are stored under, and moving them when the site moves.

An article is its language and its path: the same article served from https instead of http,
from ``www.``, or from a replica on another port is the same article. The archive stores full
URLs (what researchers click); when a crawl's base for a language differs from the one the
archive's URLs were stored under, every stored *current* URL is moved to the new base before the
crawl starts, so lookups, listings, sitemap absence and 404s keep meeting the same articles.
Provenance is never rewritten: ``fetches`` and ``versions.url`` keep the URL each capture came from.
"""

from __future__ import annotations

import logging
import sqlite3
from urllib.parse import urlsplit

import dataset

from .database import dbapi_connection
from .schema import TABLES

logger = logging.getLogger(__name__)

META_KEY = "site_base.{lang}"
# (table, column) holding a current URL of the site, or text with such URLs (JSON, HTML): the
# registry's ``site_url`` columns.
URL_COLUMNS = tuple((table.name, column.name) for table in TABLES for column in table.stored if column.site_url)


def stored_base(db: dataset.Database, lang: str) -> str | None:
    """The base the archive's URLs of ``lang`` are stored under: recorded, else read off an article."""
    connection = dbapi_connection(db)
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (META_KEY.format(lang=lang),)).fetchone()
    if row is not None:
        return str(row[0])
    row = connection.execute("SELECT url FROM articles WHERE lang = ? LIMIT 1", (lang,)).fetchone()
    if row is None:
        return None
    parts = urlsplit(str(row[0]))
    return f"{parts.scheme}://{parts.netloc}"


def move_sites(db: dataset.Database, bases: dict[str, str]) -> dict[str, int]:
    """Move the stored URLs of each language whose base changed; record the bases. Returns the
    number of values rewritten per language that moved (one transaction)."""
    moved: dict[str, int] = {}
    with db:
        connection = dbapi_connection(db)
        for lang, base in bases.items():
            old = stored_base(db, lang)
            if old is not None and old != base:
                moved[lang] = _rewrite(connection, old + "/", base + "/")
                logger.warning("The %s site moved from %s to %s: %d values rewritten", lang, old, base, moved[lang])
            connection.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (META_KEY.format(lang=lang), base),
            )
    return moved


def _rewrite(connection: sqlite3.Connection, old: str, new: str) -> int:
    """Replace the base in every URL column. OR IGNORE: a row whose moved URL another row already
    has (an archive that mixed two bases before bases were recorded) keeps its old URL. Table and
    column names are constants of this module; the URLs are bound."""
    changed = 0
    for table, column in URL_COLUMNS:
        sql = f"UPDATE OR IGNORE {table} SET {column} = replace({column}, ?, ?) WHERE instr({column}, ?) > 0"  # noqa: S608
        cursor = connection.execute(sql, (old, new, old))
        changed += cursor.rowcount
    return changed
