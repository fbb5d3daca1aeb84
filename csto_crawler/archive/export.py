"""Export writers: JSONL and Parquet with the registry's columns (typed_tables.py makes the rows; CSV for
spreadsheets: spreadsheet_csv.py).

JSONL takes rows as the archive writes them (``text_row``), Parquet the typed rows (``typed_row``)
with the export's Arrow schema: dates as ``date32``, timestamps in UTC, lists as lists, the same
schema a release's Parquet files have. Rows stream from the archive, so memory stays flat however
large the archive is (Parquet is written in row groups of ``PARQUET_BATCH`` rows).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

PARQUET_BATCH = 2_000


def write_jsonl(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_parquet(rows: Iterable[dict[str, Any]], columns: tuple[str, ...], path: str, schema: Any) -> int:
    """A Parquet file of typed rows (typed_tables.typed_row) with the export's Arrow schema (arrow_schema)."""
    import pyarrow as pa  # imported here: only Parquet exports pay for loading Arrow
    import pyarrow.parquet as pq

    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append({c: row.get(c) for c in columns})
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count
