"""Text of Word documents (.docx), read with python-docx: paragraphs and table rows in document order.

python-docx keeps the whole document as a tree and asks zipfile for whole members, so it reads the
package as ``packages.safe_package`` rebuilt it: XML bounded in bytes and elements, true sizes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from .limits import ReadingLimits
from .outcome import Reading
from .packages import safe_package


def read_docx(data: bytes, limits: ReadingLimits) -> Reading:
    """Paragraphs and table rows (cells tab-separated) of a Word document, in document order."""
    import docx  # imported here: only a crawl or command that meets a .docx pays for loading it
    from docx.table import Table

    document = docx.Document(io.BytesIO(safe_package(data, limits)))
    paragraphs: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            paragraphs.extend(_table_rows(block))
        else:
            paragraphs.append(block.text)
    return paragraphs, []


def _table_rows(table: object) -> Iterator[str]:
    for row in getattr(table, "rows", ()):
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # a merged cell repeats in each grid column
                cells.append(text)
        yield "\t".join(cells)
