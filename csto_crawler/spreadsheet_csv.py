"""CSV that a spreadsheet opens safely: UTF-8 with a byte order mark, formula-like cells neutralised.

Excel reads a CSV file without a BOM in the machine's legacy code page, which garbles Cyrillic; the
BOM (``\\ufeff``) makes it read UTF-8. Titles and texts come from web pages, so a cell may start
like a formula (``=HYPERLINK("http://evil", "click")``, ``+1-555``, ``-2+3``, ``@SUM(A1)``), and
Excel, LibreOffice and Google Sheets would evaluate it when the file is opened. As OWASP's "CSV
Injection" page recommends, such a cell gets a leading single quote (``'=HYPERLINK(...)``), which
the spreadsheet shows as text; quotes and separators are escaped by the csv module (RFC 4180).
A cell counts as formula-like when it starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
return, a line feed or NUL, or when whitespace comes before ``=``, ``+``, ``-`` or ``@`` (spreadsheets
drop leading blanks on import and would find the ``=`` first). Only CSV is changed: JSONL and
Parquet carry the text as archived.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

BOM = "\ufeff"
# A formula-like start: one of OWASP's characters first (= + - @ tab CR, plus LF and NUL), or any
# whitespace before = + - @; the full-width forms (＝＋－＠) count too, some spreadsheets fold them.
FORMULA_START_RE = re.compile(r"^(?:[=+\-@\t\r\n\0＝＋－＠]|\s+[=+\-@＝＋－＠])")


def neutralise(cell: str) -> str:
    """``cell``, with a leading ``'`` when a spreadsheet would take it for a formula (``'=1+1``)."""
    return "'" + cell if FORMULA_START_RE.match(cell) else cell


def csv_cell(value: Any) -> Any:
    """One value as a CSV cell: lists and objects as JSON text, text neutralised, numbers as they are."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise(value) if isinstance(value, str) else value


def write_csv(rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...], out: IO[str], bom: bool = True) -> int:
    """Rows as CSV with a header (``columns``), each cell through ``csv_cell``; the number of rows."""
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends, as spreadsheets write them
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
        count += 1
    return count
