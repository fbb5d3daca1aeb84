"""The runs ledger read back: how each run ended (``csto runs``, ``csto health``) and the pages held back.

Each row is what the run driver (csto_crawler/runs.py) recorded: mode, start and end, the exit code,
pages fetched, archived and held, failures, duration, counts and extraction health. ``RunSummary`` is
one run as an operator reads it: what it read from (sources, languages) and how it ended.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from ..outcomes import ExitCode
from .queries import ArchiveReader

RUN_COLUMNS = (
    "id, mode, started_at, finished_at, finish_reason, exit_code, pages_fetched, pages_archived, pages_held,"
    " failures, duration_s, crawler_version, arguments, counts, health"
)
JSON_COLUMNS = ("arguments", "counts", "health")


def latest_runs(reader: ArchiveReader, limit: int) -> list[dict[str, Any]]:
    """The latest ``limit`` runs, newest first, their JSON columns decoded."""
    rows = reader.query(f"SELECT {RUN_COLUMNS} FROM crawl_runs ORDER BY id DESC LIMIT :n", n=limit)  # noqa: S608
    for row in rows:
        for name in JSON_COLUMNS:
            row[name] = json.loads(row[name]) if row[name] else {}
    return rows


@dataclass(frozen=True)
class RunSummary:
    """One run as ``csto runs`` shows it (``exit_code`` None: the run was killed, is still running, or
    was made by a version that did not record it)."""

    id: int
    mode: str
    started_at: str
    finished_at: str | None
    duration_s: float | None
    sources: list[str]  # the sites' hosts (a crawl), the WARC files' names (an import); none for reextract
    languages: list[str]  # the languages it was limited to; empty: all
    pages_fetched: int | None
    pages_archived: int | None
    pages_held: int | None
    failures: int | None
    exit_code: int | None
    outcome: str  # "ok", "failures", "drift", ... (the exit code's name), "unfinished", "not recorded"
    finish_reason: str | None
    crawler_version: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_summaries(reader: ArchiveReader, limit: int) -> list[RunSummary]:
    """The latest ``limit`` runs, newest first, as an operator reads them."""
    return [summary(row) for row in latest_runs(reader, limit)]


def summary(row: dict[str, Any]) -> RunSummary:
    """A row of ``latest_runs`` as a RunSummary."""
    arguments = row["arguments"] if isinstance(row["arguments"], dict) else {}
    return RunSummary(
        row["id"],
        row["mode"] or "",
        row["started_at"],
        row["finished_at"],
        row["duration_s"],
        sources_of(arguments),
        languages_of(arguments),
        row["pages_fetched"],
        row["pages_archived"],
        row["pages_held"],
        row["failures"],
        row["exit_code"],
        outcome_of(row["finished_at"], row["exit_code"]),
        row["finish_reason"],
        row["crawler_version"],
    )


def outcome_of(finished_at: str | None, exit_code: int | None) -> str:
    """The exit code's name in words, or why there is none."""
    if exit_code is None:
        return "unfinished" if finished_at is None else "not recorded"
    try:
        return ExitCode(exit_code).name.lower().replace("_", " ")
    except ValueError:  # a code this version does not know (a newer version wrote the row)
        return f"exit {exit_code}"


def sources_of(arguments: dict[str, Any]) -> list[str]:
    """What a run read from, by its recorded arguments."""
    if isinstance(arguments.get("sources"), list):
        return [str(source) for source in arguments["sources"]]
    if isinstance(arguments.get("files"), list):
        return [PurePath(str(path)).name for path in arguments["files"]]
    sites = arguments.get("sites")
    if not isinstance(sites, dict):  # reextract reads the archive itself
        return []
    names = arguments.get("source_names")
    others = [str(name) for name in names if name != "csto"] if isinstance(names, list) else []
    if isinstance(names, list) and "csto" not in names:
        return others  # a crawl of other sources only (csto crawl --source NAME)
    langs = set(languages_of(arguments)) or set(sites)
    hosts = [urlsplit(str(base)).netloc or str(base) for lang, base in sorted(sites.items()) if lang in langs]
    return hosts + others


def languages_of(arguments: dict[str, Any]) -> list[str]:
    langs = arguments.get("langs")
    return [str(lang) for lang in langs] if isinstance(langs, list) else []


def held_pages(reader: ArchiveReader) -> list[dict[str, Any]]:
    """Every page held back as doubtful, its doubts decoded."""
    rows = reader.query("SELECT url, lang, section, method, doubts, last_held_at FROM held_pages ORDER BY url")
    for row in rows:
        row["doubts"] = json.loads(row["doubts"])
    return rows
