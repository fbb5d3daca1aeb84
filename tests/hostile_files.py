"""Hostile attachment files, made by code at any size: small ones for the tests, the trial's sizes for
benchmarks/hostile_attachments.py. Nothing here is committed as a file.

- ``lying_docx``: a Word document whose zip headers say its text is 1 KB; it inflates to ``real`` bytes.
- ``paragraphs_docx``: ``count`` empty paragraphs (48M in the trial: 444 KB of zip, 288 MB of XML).
- ``shared_strings_xlsx`` / ``cells_xlsx``: ``count`` shared strings (17M) or cells (24M).
- ``sparse_xlsx``: two cells, A1 and XFD1048576, and a dimension that claims the whole sheet.
- ``heavy_pdf``: ``pages`` pages drawing one heavy content stream (2,000 pages, 325 KB in the trial).
- ``nested_rtf``: ``depth`` nested groups (15M).
- ``looping_pdf``: a page tree whose node lists itself among its kids.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator

CHUNK = 1024 * 1024
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def zip_package(members: Iterable[tuple[str, Iterable[bytes], int | None]]) -> bytes:
    """A zip of deflated members streamed from chunks; ``declared`` (when not None) replaces the
    true uncompressed size in both headers: the lie a hostile package tells."""
    out = bytearray()
    central = bytearray()
    entries = 0
    for name, chunks, declared in members:
        entries += 1
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        crc, size, body = 0, 0, bytearray()
        for chunk in chunks:
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
            body += packer.compress(chunk)
        body += packer.flush()
        shown = size if declared is None else declared
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(body), shown, len(encoded), 0)
        out += encoded + body
        sizes = (crc, len(body), shown, len(encoded))
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, *sizes, 0, 0, 0, 0, 0, offset)
        central += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, len(central), len(out), 0)
    return bytes(out + central + end)


def repeated(head: bytes, unit: bytes, count: int, tail: bytes) -> Iterator[bytes]:
    """``head``, ``unit`` ``count`` times, ``tail``: in chunks of about a megabyte."""
    yield head
    per_chunk = max(1, CHUNK // len(unit))
    block = unit * per_chunk
    whole, rest = divmod(count, per_chunk)
    for _ in range(whole):
        yield block
    yield unit * rest
    yield tail


def _docx(document: Iterable[bytes], declared: int | None = None) -> bytes:
    types = (
        XML + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml"'
        b' ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        XML
        + (
            f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument"'
            ' Target="word/document.xml"/></Relationships>'
        ).encode()
    )
    members = [("[Content_Types].xml", [types], None), ("_rels/.rels", [rels], None)]
    return zip_package([*members, ("word/document.xml", document, declared)])


def lying_docx(real: int) -> bytes:
    """A Word document of one paragraph of ``real`` letters whose headers say 1 KB."""
    head = XML + f'<w:document xmlns:w="{WORD_NS}"><w:body><w:p><w:r><w:t>'.encode()
    return _docx(repeated(head, b"A" * 64, real // 64, b"</w:t></w:r></w:p></w:body></w:document>"), declared=1024)


def paragraphs_docx(count: int) -> bytes:
    head = XML + f'<w:document xmlns:w="{WORD_NS}"><w:body><w:p><w:r><w:t>Start</w:t></w:r></w:p>'.encode()
    return _docx(repeated(head, b"<w:p/>", count, b"</w:body></w:document>"))


def _xlsx(shared: Iterable[bytes], sheet: Iterable[bytes]) -> bytes:
    spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [("workbook", "sheet.main"), ("worksheets/sheet1", "worksheet"), ("sharedStrings", "sharedStrings")]
    types = (
        XML
        + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(
                f'<Override PartName="/xl/{part}.xml" ContentType="{spreadsheet}.{kind}+xml"/>'
                for part, kind in overrides
            )
            + "</Types>"
        ).encode()
    )
    rels = (
        XML
        + (
            f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument"'
            ' Target="xl/workbook.xml"/></Relationships>'
        ).encode()
    )
    book_rels = (
        XML
        + (
            f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/worksheet"'
            f' Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{OFFICE_RELS}/sharedStrings"'
            ' Target="sharedStrings.xml"/></Relationships>'
        ).encode()
    )
    book = (
        XML
        + (
            f'<workbook xmlns="{SHEET_NS}" xmlns:r="{OFFICE_RELS}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode()
    )
    return zip_package(
        [
            ("[Content_Types].xml", [types], None),
            ("_rels/.rels", [rels], None),
            ("xl/workbook.xml", [book], None),
            ("xl/_rels/workbook.xml.rels", [book_rels], None),
            ("xl/sharedStrings.xml", shared, None),
            ("xl/worksheets/sheet1.xml", sheet, None),
        ]
    )


def _sheet(rows: Iterable[bytes], dimension: str = "A1") -> Iterator[bytes]:
    yield XML + f'<worksheet xmlns="{SHEET_NS}"><dimension ref="{dimension}"/><sheetData>'.encode()
    yield from rows
    yield b"</sheetData></worksheet>"


def shared_strings_xlsx(count: int) -> bytes:
    shared = repeated(XML + f'<sst xmlns="{SHEET_NS}">'.encode(), b"<si><t>x</t></si>", count, b"</sst>")
    return _xlsx(shared, _sheet([b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']))


def cells_xlsx(count: int) -> bytes:
    shared = [XML + f'<sst xmlns="{SHEET_NS}"><si><t>x</t></si></sst>'.encode()]
    row = b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>"
    return _xlsx(shared, _sheet(repeated(b"", row, count // 1000, b"")))


def sparse_xlsx() -> bytes:
    shared = [XML + f'<sst xmlns="{SHEET_NS}"><si><t>first</t></si><si><t>last</t></si></sst>'.encode()]
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="1048576"><c r="XFD1048576" t="s"><v>1</v></c></row>']
    return _xlsx(shared, _sheet(rows, "A1:XFD1048576"))


def nested_rtf(depth: int) -> bytes:
    return b"{\\rtf1\\ansi " + b"{" * depth + b"deep" + b"}" * depth + b"}"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of the numbered objects (1 is the catalog), with a cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def heavy_pdf(pages: int, stream_bytes: int) -> bytes:
    """``pages`` pages drawing one content stream of many small text operations (slow to extract)."""
    operation = b"BT /F1 9 Tf 1 0 0 1 72 700 Tm (w) Tj ET\n"
    stream = operation * (stream_bytes // len(operation))
    kids = " ".join(f"{5 + n} 0 R" for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources 4 0 R >>"
    return _pdf(objects + [page] * pages)


def looping_pdf() -> bytes:
    """A page tree whose node lists itself, and a second node pointing back to the first."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R 4 0 R] /Count 1000000 >>",
            b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 5 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        ]
    )
