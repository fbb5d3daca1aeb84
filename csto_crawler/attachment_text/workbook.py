"""Text of Excel workbooks (.xlsx), read here: shared strings and cells are simple enough."""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from .limits import check_unpacked
from .outcome import Reading

XLSX_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read_xlsx(data: bytes) -> Reading:
    """A paragraph per sheet: its non-empty rows, cells tab-separated (shared strings resolved)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        check_unpacked(package)
        names = package.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = etree.fromstring(package.read("xl/sharedStrings.xml"), _XML_PARSER)
            shared = ["".join(si.itertext()) for si in root.iterfind("m:si", XLSX_NS)]
        sheets = sorted(
            (n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
            key=lambda n: int(re.sub(r"\D", "", n.rsplit("/", 1)[1])),
        )
        tables: list[str] = []
        for name in sheets:
            root = etree.fromstring(package.read(name), _XML_PARSER)
            rows = (
                "\t".join(_cell_text(cell, shared) for cell in row.iterfind("m:c", XLSX_NS))
                for row in root.iterfind(".//m:sheetData/m:row", XLSX_NS)
            )
            tables.append("\n".join(rows))
    return tables, []


def _cell_text(cell: etree._Element, shared: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(cell.itertext())
    value = str(cell.findtext("m:v", default="", namespaces=XLSX_NS) or "")
    if kind == "s" and value.isdigit() and int(value) < len(shared):
        return shared[int(value)]
    return value
