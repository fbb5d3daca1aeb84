"""What a release says about itself: the Datasette ``metadata.json`` and the release's README.md.

Every table and column is described from the registry (archive/tables.py, ledger_tables.py), the
one place the archive's tables are defined, so a release never describes a table differently from
the archive; the Parquet files' columns from the registry's exports. The words around them, the
source, licence and Datasette's canned queries are templates shipped with the package
(csto_crawler/templates: release_readme.md, release_queries.toml), so an installed package writes
the same release as a source tree.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from string import Template
from typing import Any

from .archive.registry import Export
from .archive.schema import BY_NAME
from .archive.schema_doc import cell
from .archive.word_indexes import WORD_INDEXES
from .templates import load, read

UNDOCUMENTED = "a table or column this version of csto-crawler does not know"
DATABASE = "csto"  # Datasette names a database after its file: csto.sqlite
WORD_INDEX_OF = {index.table: index.name for index in WORD_INDEXES}  # a table -> its word index
RELEASE_META_KEYS = (
    "; in a release also release_id, release_created_at (UTC), release_source (the archive file's name),"
    " release_tool (csto-crawler version) and release_snapshots (included, or omitted by --no-snapshots)"
)


@dataclass
class TableDoc:
    description: str
    columns: dict[str, str] = field(default_factory=dict)


@functools.cache
def release_text() -> dict[str, Any]:
    """The release's template data: ``about`` (source, licence, search note) and canned ``queries``."""
    data: dict[str, Any] = tomllib.loads(read("release_queries.toml"))
    fragments = data.pop("fragments")
    for query in data["queries"].values():
        query["sql"] = Template(query["sql"]).substitute(fragments)
    return data


def plain(markdown: str) -> str:
    """Markdown as plain text (Datasette shows descriptions as text)."""
    return markdown.replace("`", "")


def describe(tables: dict[str, list[str]]) -> dict[str, TableDoc]:
    """A description for every table and column of the release database (``tables``: name -> columns)."""
    out: dict[str, TableDoc] = {}
    for name, columns in tables.items():
        table = BY_NAME.get(name)
        meanings = {c.name: plain(c.meaning) for c in table.columns} if table else {}
        doc = TableDoc(plain(table.meaning) if table else UNDOCUMENTED)
        doc.columns = {c: meanings.get(c, UNDOCUMENTED) for c in columns}
        out[name] = doc
    if "key" in out.get("meta", TableDoc("")).columns:
        out["meta"].columns["key"] += RELEASE_META_KEYS
    return out


def datasette_metadata(
    described: dict[str, TableDoc], release: dict[str, Any], hidden: set[str], searchable: set[str]
) -> dict[str, Any]:
    """Datasette's metadata.json: title, source, licence, every table and column, search, canned queries.

    ``searchable``: the tables with a word index (``<table>`` is searched through ``<table>_fts``,
    archive/word_indexes.py; Datasette's default search mode quotes what is typed, so ``"`` or
    ``NEAR(`` in the box is text, never an FTS syntax error).
    """
    about = release_text()["about"]
    tables: dict[str, Any] = {}
    for name, doc in described.items():
        entry: dict[str, Any] = {"description": doc.description, "columns": doc.columns}
        if name in hidden:
            entry["hidden"] = True
        if name in searchable:
            entry.update(fts_table=WORD_INDEX_OF[name], fts_pk="rowid")
            entry["description"] += about["search_box_note"]
        tables[name] = entry
    tables["articles"].update(sort_desc="published", label_column="title")
    queries = {
        name: {key: value for key, value in query.items() if key != "needs_index"}
        for name, query in release_text()["queries"].items()
        if "needs_index" not in query or query["needs_index"] in searchable
    }
    return {
        "title": f"CSTO website archive, release {release['id']}",
        "description": (
            f"Every article of the CSTO's English and Russian websites with every version the archive saw, "
            f"taken by csto-crawler {release['tool_version']} on {release['created_at'][:10]} "
            f"({release['articles']} articles, {release['versions']} versions). {release['snapshots_note']}"
        ),
        "source": about["source"],
        "source_url": about["source_url"],
        "license": about["license"],
        "databases": {
            DATABASE: {"description": "The archive (one SQLite file).", "tables": tables, "queries": queries}
        },
    }


def release_readme(
    described: dict[str, TableDoc], parquet: list[tuple[str, Export, int]], release: dict[str, Any]
) -> str:
    """README.md of a release: what it holds, the data dictionary, versions and tombstones, citation."""
    about = release_text()["about"]
    return load("release_readme.md").substitute(
        release_id=release["id"],
        tool_version=release["tool_version"],
        created_at=release["created_at"],
        last_crawl=release["last_crawl"] or "an unknown time",
        articles=release["articles"],
        versions=release["versions"],
        attachments=release["attachments"],
        snapshots_note=release["snapshots_note"],
        source=about["source"],
        license=about["license"],
        db_sha256_short=release["db_sha256"][:16],
        parquet_files="\n".join(
            f"| `{filename}` | {export.meaning} ({count} rows; columns below) |" for filename, export, count in parquet
        ),
        citation_example=_citation_example(release),
        parquet_columns="".join(_parquet_section(filename, export) for filename, export, _ in parquet),
        data_dictionary="\n".join(_table_section(name, doc) for name, doc in described.items()).rstrip() + "\n",
    )


def _parquet_section(filename: str, export: Export) -> str:
    lines = [f"### `{filename}`", "", "| column | type | meaning |", "|---|---|---|"]
    lines += [f"| `{f.name}` | {f.kind.value} | {cell(f.meaning)} |" for f in export.fields]
    return "\n".join(lines) + "\n\n"


def _table_section(name: str, doc: TableDoc) -> str:
    lines = [f"### `{name}`", "", doc.description, "", "| column | meaning |", "|---|---|"]
    lines += [f"| `{column}` | {cell(meaning)} |" for column, meaning in doc.columns.items()]
    return "\n".join(lines) + "\n"


def _citation_example(release: dict[str, Any]) -> str:
    v = release.get("example")
    if not v:
        return ""
    return (
        "For example:\n\n```\n"
        f'CSTO, "{v["title"]}", {v["url"]}, published {v["published"]}; archived as {v["article_id"]} version'
        f" {v['version']} (content sha256 {v['content_sha256']}, seen {v['first_seen_at'][:10]}.."
        f"{v['last_seen_at'][:10]}), CSTO website archive release {release['id']}.\n```\n\n"
    )
