"""Text of OpenDocument files (.odt, .ods), read with odfdo: paragraphs, headings and table rows in order.

odfdo keeps the content as a tree, so it reads the package as ``packages.safe_package`` rebuilt it
(XML bounded in bytes and elements). Spreadsheets say "this cell 16,384 times, this row a million
times" (LibreOffice pads every sheet so): an empty repeat costs nothing here, a repeated value is
written out within the ``max_cells`` budget shared with workbooks.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from itertools import islice
from typing import Any

from .limits import ReadingLimits
from .outcome import Reading
from .packages import safe_package
from .workbook import CellBudget

PARAGRAPHS = frozenset({"text:p", "text:h"})
# Parts of the body that hold no reading text (change records, form controls, declarations).
SKIPPED = frozenset(
    {"text:tracked-changes", "office:forms", "text:sequence-decls", "table:named-expressions", "office:annotation"}
)


def read_odf(data: bytes, limits: ReadingLimits) -> Reading:
    """Paragraphs and headings (a paragraph each) and tables (a row per line, cells tab-separated)."""
    from odfdo import Document

    document = Document(io.BytesIO(safe_package(data, limits)))
    budget = CellBudget(limits)
    paragraphs = list(_blocks(document.body, budget))
    return paragraphs, budget.notes()


def _blocks(element: Any, budget: CellBudget) -> Iterator[str]:
    for child in element.children:
        tag = child.tag
        if tag in PARAGRAPHS:
            yield child.inner_text
        elif tag == "table:table":
            yield "\n".join(budget.rows(_table_rows(child, budget.left)))
        elif tag not in SKIPPED:
            yield from _blocks(child, budget)
        if budget.cut:
            return


def _table_rows(table: Any, most: int) -> Iterator[list[str]]:
    """The table's rows (row groups and header rows included), repeats written out (a row at
    most ``most`` + 1 cells: the budget stops there), empty ones once."""
    for row in table.get_elements("descendant::table:table-row"):
        cells = list(islice(_row_cells(row), most + 1))
        for _ in range((row.repeated or 1) if any(cells) else 1):
            yield cells


def _row_cells(row: Any) -> Iterator[str]:
    for cell in row.get_elements("table:table-cell|table:covered-table-cell"):
        text = " ".join(cell.inner_text.split())
        for _ in range((cell.repeated or 1) if text else 1):
            yield text
