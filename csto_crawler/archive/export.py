"""Export writers: JSONL and Parquet with identical columns (CSV: spreadsheet_csv.py).

Rows stream from the archive, so memory stays flat however large the archive is (Parquet is
written in row groups of ``PARQUET_BATCH`` rows).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from .queries import JSON_COLUMNS

PARQUET_BATCH = 2_000


def with_attachment_hashes(rows: Iterable[dict[str, Any]], hashes: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Add the downloaded file's sha256 to each attachment of each row."""
    for row in rows:
        for attachment in row.get("attachments") or []:
            attachment["sha256"] = hashes.get(attachment["url"])
        yield row


def write_jsonl(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
        count += 1
    return count


def _flat(column: str, value: Any) -> Any:
    if column in JSON_COLUMNS:
        return json.dumps(value or [], ensure_ascii=False)
    return value


def write_parquet(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], path: str, schema: Any = None) -> int:
    """Parquet file with string columns (lists as JSON text, as in CSV) and integer counters.

    With an Arrow ``schema`` (typed tables: dates, timestamps, lists; archive/typed_tables.py) the
    values go in as they are, typed by that schema.
    """
    import pyarrow as pa  # imported here: only Parquet exports pay for loading Arrow
    import pyarrow.parquet as pq

    typed = schema is not None
    if schema is None:
        integer_columns = {"version", "version_count"}
        schema = pa.schema([(c, pa.int64() if c in integer_columns else pa.string()) for c in columns])
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append({c: row.get(c) if typed else _flat(c, row.get(c)) for c in columns})
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count
