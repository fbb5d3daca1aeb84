"""Text of Word documents (.docx), read with python-docx: paragraphs and table rows in document order."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from .limits import check_unpacked
from .outcome import Reading, RefusedError, TextStatus


def read_docx(data: bytes) -> Reading:
    """Paragraphs and table rows (cells tab-separated) of a Word document, in document order."""
    import docx  # imported here: only a crawl or command that meets a .docx pays for loading it
    from docx.table import Table

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            check_unpacked(package)
    except zipfile.BadZipFile as exc:
        raise RefusedError(TextStatus.CORRUPT, f"not a readable zip package: {exc}") from exc
    document = docx.Document(io.BytesIO(data))
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
