"""docs/archive-schema.md, written from the registry: every table, what it holds, every column.

``python -m csto_crawler.archive.schema_doc > docs/archive-schema.md`` regenerates it;
tests/test_docs.py fails when the committed file differs from what this writes. The release's
data dictionary (release_docs.py) and Datasette's descriptions read the same registry.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from ..templates import load
from .registry import Table
from .schema import SCHEMA_VERSION, TABLES


def cell(text: str) -> str:
    """Markdown table cell text (a ``|`` in it escaped)."""
    return text.replace("|", "\\|")


def table_section(table: Table, heading: str = "###") -> list[str]:
    """One table: its heading, what it holds, its columns and meanings, its notes."""
    lines = [f"{heading} `{table.name}`", table.meaning, "", "| column | meaning |", "|---|---|"]
    lines += [f"| `{c.name}` | {cell(c.meaning)} |" for c in table.stored]
    if table.notes:
        lines += ["", table.notes]
    return [*lines, ""]


def schema_document(tables: Iterable[Table] = TABLES) -> str:
    body = "\n".join(line for table in tables for line in table_section(table)).rstrip() + "\n"
    return load("archive_schema.md").substitute(version=SCHEMA_VERSION, tables=body)


if __name__ == "__main__":
    sys.stdout.write(schema_document())
