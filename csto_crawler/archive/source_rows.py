"""The ``sources`` table: which outlets an archive keeps and where from (issue 22).

A row holds a source's table as a sources file writes it (``sources.config.source_table``), so it
reads back to an equal Source. Every archive holds the CSTO (``csto``), seeded when the archive is
created or upgraded to schema 8. A source is never deleted while it has articles: ``remove`` then
needs ``force`` and only marks it removed (``removed_at``); its articles stay and keep its name.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Protocol

from ..dates import utc_now
from ..sources.config import parse_sources, source_table
from ..sources.csto import DEFAULT_SOURCE_NAME, default_sources
from ..sources.model import Source
from .statements import Statements
from .tables import SOURCES

INSERT_SOURCE = SOURCES.insert(("name", "config", "added_at"), " ON CONFLICT (name) DO NOTHING")


class SourceRefusedError(ValueError):
    """A change to the sources table that would lose or confuse what the archive holds (one line)."""


@dataclass(frozen=True)
class StoredSource:
    """A row of ``sources`` with what the archive holds of it."""

    source: Source
    added_at: str
    changed_at: str | None
    removed_at: str | None
    articles: int
    gone: int
    languages: dict[str, int]  # articles per language

    @property
    def name(self) -> str:
        return self.source.name


def config_json(source: Source) -> str:
    return json.dumps(source_table(source), ensure_ascii=False, sort_keys=True)


def read_source(name: str, config: str) -> Source:
    """The Source a row stores (raises sources.SourceConfigError when the row no longer reads)."""
    return parse_sources({"sources": {name: json.loads(config)}}, f"sources table, row {name}")[0]


def seed_default_sources(connection: sqlite3.Connection) -> None:
    """The CSTO in the ``sources`` table of a new or upgraded archive (kept when already there)."""
    now = utc_now().isoformat()
    for source in default_sources():
        connection.execute(INSERT_SOURCE, {"name": source.name, "config": config_json(source), "added_at": now})


class Rows(Protocol):
    """What reading the table needs: the writer's Statements, or a reader (``ReaderRows``)."""

    def all(self, sql: str, **params: Any) -> list[dict[str, Any]]: ...

    def one(self, sql: str, **params: Any) -> dict[str, Any] | None: ...


class Queryable(Protocol):
    """A read-only archive (queries.ArchiveReader, not imported: it imports the database, which seeds sources)."""

    def query(self, sql: str, **params: Any) -> list[dict[str, Any]]: ...


class ReaderRows:
    """A read-only archive as Rows."""

    def __init__(self, reader: Queryable) -> None:
        self.reader = reader

    def all(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        return self.reader.query(sql, **params)

    def one(self, sql: str, **params: Any) -> dict[str, Any] | None:
        found = self.reader.query(sql, **params)
        return found[0] if found else None


class SourceReader:
    """Reads the ``sources`` table and what the archive holds of each source."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows

    def all(self, include_removed: bool = True) -> list[StoredSource]:
        rows = self.rows.all("SELECT * FROM sources ORDER BY name = 'csto' DESC, added_at, name")
        counts = self._counts()
        return [
            self._stored(row, counts.get(row["name"], {}))
            for row in rows
            if include_removed or row["removed_at"] is None
        ]

    def get(self, name: str) -> StoredSource | None:
        row = self.rows.one("SELECT * FROM sources WHERE name = :name", name=name)
        return None if row is None else self._stored(row, self._counts(name).get(name, {}))

    def crawled(self) -> list[Source]:
        """The sources a ``csto crawl`` without ``--source`` crawls: every one not removed."""
        return [stored.source for stored in self.all(include_removed=False)]

    def _counts(self, name: str | None = None) -> dict[str, dict[str, Any]]:
        rows = self.rows.all(
            "SELECT source, lang, count(*) AS n, count(gone_at) AS gone FROM articles"
            " WHERE (:name IS NULL OR source = :name) GROUP BY source, lang",
            name=name,
        )
        counts: dict[str, dict[str, Any]] = {}
        for row in rows:
            entry = counts.setdefault(row["source"], {"articles": 0, "gone": 0, "languages": {}})
            entry["articles"] += int(row["n"])
            entry["gone"] += int(row["gone"])
            entry["languages"][row["lang"]] = int(row["n"])
        return counts

    @staticmethod
    def _stored(row: dict[str, Any], counts: dict[str, Any]) -> StoredSource:
        return StoredSource(
            read_source(row["name"], row["config"]),
            row["added_at"],
            row["changed_at"],
            row["removed_at"],
            int(counts.get("articles", 0)),
            int(counts.get("gone", 0)),
            dict(counts.get("languages", {})),
        )


class SourceRows(SourceReader):
    """Reads and changes the ``sources`` table inside the writer's transaction."""

    def __init__(self, sql: Statements) -> None:
        super().__init__(sql)
        self.sql = sql

    def add(self, source: Source, replace: bool = False) -> str:
        """Store a source; ``replace`` changes an existing one (a removed one comes back). Returns
        ``added``, ``replaced`` or ``restored``."""
        if source.name == DEFAULT_SOURCE_NAME:
            raise SourceRefusedError(
                f"{DEFAULT_SOURCE_NAME} is the default source (the CSTO's sites, built from the settings); "
                "choose another name"
            )
        self._check_section_walk(source)
        now = self.sql.now()
        existing = self.sql.one("SELECT removed_at FROM sources WHERE name = :name", name=source.name)
        if existing is None:
            self.sql.execute(INSERT_SOURCE, name=source.name, config=config_json(source), added_at=now)
            return "added"
        if not replace and existing["removed_at"] is None:
            raise SourceRefusedError(f"the archive already holds a source named {source.name} (--replace changes it)")
        self.sql.execute(
            "UPDATE sources SET config = :config, changed_at = :now, removed_at = NULL WHERE name = :name",
            config=config_json(source),
            now=now,
            name=source.name,
        )
        return "replaced" if existing["removed_at"] is None else "restored"

    def _check_section_walk(self, source: Source) -> None:
        """The section walk's ledgers (listing pages, walks) are kept per language and section:
        two sources walked by sections must not share a language code and a section path."""
        if not source.walks_sections:
            return
        fresh = {default.name: default for default in default_sources()}  # as crawls build them
        mine = {(language.code, section) for language in source.languages for section in source.sections}
        for stored in self.all(include_removed=False):
            other = fresh.get(stored.source.name, stored.source)
            if other.name == source.name or not other.walks_sections:
                continue
            shared = sorted(mine & {(lang.code, section) for lang in other.languages for section in other.sections})
            if shared:
                lang, section = shared[0]
                raise SourceRefusedError(
                    f"{source.name} would share the section walk {lang} {section} with {other.name} "
                    "(section ledgers are kept per language and section): rename its language or section"
                )

    def remove(self, name: str, force: bool = False) -> str:
        """Take a source out of the crawls: its row deleted when it has no article, else (``force``
        only) marked removed, its articles kept. Returns ``deleted`` or ``marked removed``."""
        stored = self.get(name)
        if stored is None or stored.removed_at is not None:
            raise SourceRefusedError(f"the archive holds no source named {name}")
        if name == DEFAULT_SOURCE_NAME:
            raise SourceRefusedError(
                f"{DEFAULT_SOURCE_NAME} is the default source and cannot be removed; crawl others with --source NAME"
            )
        held = self._held(name)
        if not held:
            self.sql.execute("DELETE FROM sources WHERE name = :name", name=name)
            return "deleted"
        if not force:
            raise SourceRefusedError(
                f"{name} has {held} archived article(s) or pages; --force takes it out of the crawls and keeps them"
            )
        self.sql.execute("UPDATE sources SET removed_at = :now WHERE name = :name", now=self.sql.now(), name=name)
        return "marked removed"

    def ensure(self, sources: list[Source]) -> None:
        """Record sources a crawl names that the table lacks (a crawl given CSTO_SOURCES directly), so the
        archive says where every article came from; existing rows are left as they are."""
        now = self.sql.now()
        for source in sources:
            self.sql.execute(INSERT_SOURCE, name=source.name, config=config_json(source), added_at=now)

    def refresh_defaults(self) -> list[str]:
        """The default sources' rows as this version describes them (a new field, such as ``walk``):
        crawls use today's description, so the archive says it too. Built from the settings module,
        never from a run's ``--site``, so a crawl against a replica leaves the row as it is. Returns
        the names whose rows changed."""
        changed = []
        for source in default_sources():
            stored = self.sql.one("SELECT config FROM sources WHERE name = :name", name=source.name)
            config = config_json(source)
            if stored is not None and stored["config"] != config:
                self.sql.execute(
                    "UPDATE sources SET config = :config, changed_at = :now WHERE name = :name",
                    config=config,
                    now=self.sql.now(),
                    name=source.name,
                )
                changed.append(source.name)
        return changed

    def _held(self, name: str) -> int:
        row = self.sql.one(
            "SELECT (SELECT count(*) FROM articles WHERE source = :name)"
            " + (SELECT count(*) FROM held_pages WHERE source = :name) AS n",
            name=name,
        )
        return int(row["n"]) if row else 0
