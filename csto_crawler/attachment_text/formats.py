"""An attachment's format, told by its bytes, not by its name or the served content type.

A page may call a PDF ``.doc``: ``%PDF`` is a PDF, a zip holding ``word/document.xml`` a Word
document, one holding ``xl/workbook.xml`` a workbook, one holding ``content.xml`` an OpenDocument
file (its ``mimetype`` member says which), ``{\\rtf`` an RTF file.
"""

from __future__ import annotations

import io
import zipfile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
RTF_MAGIC = b"{\\rtf"
ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


def detect_format(data: bytes, filename: str = "") -> str:
    """The file's format from its first bytes (the name only for plain text)."""
    head = data[:1024]
    if not data:
        return "empty"
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return _zip_format(data)
    if head.lstrip().startswith(RTF_MAGIC):
        return "rtf"
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "encrypted-office"  # a .docx/.xlsx with a password is an OLE file holding the package
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
            return "xls"
        return "ole"
    if filename.lower().endswith((".txt", ".csv")):
        return "text"
    return "unknown"


def _zip_format(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except Exception:  # noqa: BLE001  any unreadable package (bad directory, unknown zip version, ...)
        return "docx"  # the Word reader reports it as corrupt
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return _odf_kind(data)
    return "zip"


def _odf_kind(data: bytes) -> str:
    """odt, ods, odp... from the package's ``mimetype`` member (read no further than its first bytes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package, package.open("mimetype") as member:
            mimetype = member.read(80).decode("ascii", "replace")
    except Exception:  # noqa: BLE001  no mimetype member, or an unreadable one
        return "odf"
    return ODF_KINDS.get(mimetype.strip(), "odf")


def unsupported_reason(kind: str, data: bytes) -> str:
    """Why a file of a format with no reader has no text."""
    return {
        # antiword and catdoc, the readers there are, are C programs unmaintained since 2005-2010.
        "doc": "Word 97-2003 document (.doc): no maintained reader",
        "ole": "OLE compound file of unknown kind: no reader",
        "zip": "zip archive that is not an Office document",
        "unknown": f"unknown file type (starts with {data[:8]!r})",
    }.get(kind, f"no reader for {kind}")
