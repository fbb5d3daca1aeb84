"""Text of workbooks: .xlsx with openpyxl (read-only, streaming rows), legacy .xls with xlrd.

A paragraph per sheet: its non-empty rows, cells tab-separated. openpyxl reads the package as
``packages.safe_package`` rebuilt it (XML bounded in bytes and elements; its shared strings are a
list in memory, so they count too). Cells are counted as they stream, empty ones included (a
sheet that claims XFD1048576 pads its rows): past ``max_cells`` the rest is left out, noted.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from .limits import ReadingLimits
from .outcome import Reading, RefusedError, TextStatus
from .packages import safe_package


class CellBudget:
    """The cell budget of one workbook."""

    def __init__(self, limits: ReadingLimits) -> None:
        self.limit = limits.max_cells
        self.left = limits.max_cells
        self.cut = False

    def notes(self) -> list[str]:
        return [f"first {self.limit} cells read"] if self.cut else []

    def rows(self, rows: Iterable[Iterable[Any]]) -> Iterator[str]:
        """Each non-empty row as tab-separated text, until the budget is spent."""
        for row in rows:
            cells: list[str] = []
            for value in row:
                self.left -= 1
                if self.left < 0:
                    self.cut = True
                    break
                cells.append(cell_text(value))
            line = "\t".join(cells).rstrip("\t")
            if line.strip():
                yield line
            if self.cut:
                return


def cell_text(value: Any) -> str:
    """A cell's value as text: dates as ISO dates (no midnight), whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes, limits: ReadingLimits) -> Reading:
    """A paragraph per sheet: its non-empty rows, cells tab-separated."""
    import openpyxl  # imported here: only a crawl or command that meets a workbook pays for it

    book = openpyxl.load_workbook(
        io.BytesIO(safe_package(data, limits)), read_only=True, data_only=True, keep_links=False
    )
    budget = CellBudget(limits)
    sheets: list[str] = []
    try:
        for sheet in book.worksheets:
            if budget.cut:
                break
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # the declared size may be a lie; read the rows there are
            sheets.append("\n".join(budget.rows(sheet.iter_rows(values_only=True))))
    finally:
        book.close()
    return sheets, budget.notes()


def read_xls(data: bytes, limits: ReadingLimits) -> Reading:
    """Excel 97-2003 workbooks (.xls), read with xlrd: a paragraph per sheet, as for .xlsx."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO(), verbosity=0)
    except xlrd.XLRDError as exc:
        status = TextStatus.ENCRYPTED if "encrypted" in str(exc).lower() else TextStatus.CORRUPT
        raise RefusedError(status, f"xlrd: {exc}") from exc
    budget = CellBudget(limits)
    sheets: list[str] = []
    try:
        for index in range(book.nsheets):
            if budget.cut:
                break
            sheet = book.sheet_by_index(index)
            rows = ([_xls_value(cell, book.datemode) for cell in sheet.row(r)] for r in range(sheet.nrows))
            sheets.append("\n".join(budget.rows(rows)))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return sheets, budget.notes()


def _xls_value(cell: Any, datemode: int) -> Any:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    return cell.value
