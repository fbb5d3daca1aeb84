"""Text of attachment files (.docx, .pdf, .rtf, .xlsx, plain text), read from their bytes.

The format is told by the bytes, not the name or the served content type (a page may call a PDF
``.doc``): ``%PDF`` is a PDF, a zip holding ``word/document.xml`` a Word document, one holding
``xl/workbook.xml`` a workbook, ``{\\rtf`` an RTF file. Word documents are read with python-docx
(paragraphs and table rows in document order), PDFs with pypdf (page by page), workbooks and RTF
here (both are simple enough: shared strings and cells; an RTF group and control-word reader).

``extract_text`` never raises for a bad file: it returns a status and, when there is no text, the
reason, which the archive records (``attachment_texts``). Limits keep one hostile file from
stalling a crawl: files over ``MAX_FILE_BYTES`` and zip packages that unpack to more than
``MAX_UNPACKED_BYTES`` are not read; a PDF is read to its first ``MAX_PDF_PAGES`` pages; the text
stops at ``MAX_TEXT_CHARS`` characters (both noted in the reason, the status stays ``ok``).
Paragraphs follow the archive's convention (``htmltext.join_paragraphs``): normalised, one blank
line apart; line breaks inside a paragraph (a PDF page's lines, a Word line break) and the tabs
between table cells are kept.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version

from lxml import etree

from .htmltext import norm_ws

# pypdf reports every recoverable oddity of a damaged PDF at WARNING; the file's status says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_PDF_PAGES = 2_000
MAX_TEXT_CHARS = 5_000_000
REASON_CHARS = 300

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
RTF_MAGIC = b"{\\rtf"


class TextStatus(StrEnum):
    """What reading a file gave (``attachment_texts.status``)."""

    OK = "ok"  # text extracted
    EMPTY = "empty"  # read, but it holds no text (a scan without a text layer, an empty document)
    ENCRYPTED = "encrypted"  # needs a password
    CORRUPT = "corrupt"  # not a readable file of its format
    TOO_LARGE = "too_large"  # over a limit (file size, unpacked size, a reader's own limits)
    UNSUPPORTED = "unsupported"  # a format we have no reader for (.doc, .xls, images, ...)


@dataclass(frozen=True)
class ExtractedText:
    status: TextStatus
    text: str  # '' unless status is ok
    reason: str | None  # why there is no text, or a note on text that was cut short
    format: str  # docx, pdf, rtf, xlsx, text, doc, ole, zip, empty, unknown
    extractor: str  # reader and version, e.g. "pypdf 5.1.0"


class _RefusedError(Exception):
    """A file a reader gives up on, with the status to record."""

    def __init__(self, status: TextStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def extract_text(data: bytes, filename: str = "") -> ExtractedText:
    """The text of one file, whatever its bytes hold; never raises for the file's sake."""
    kind = detect_format(data, filename)
    reader = _READERS.get(kind)
    extractor = _extractor_name(kind)
    if not data:
        return ExtractedText(TextStatus.EMPTY, "", "0-byte file", kind, extractor)
    if len(data) > MAX_FILE_BYTES:
        reason = f"{len(data)} bytes, over the {MAX_FILE_BYTES} byte limit"
        return ExtractedText(TextStatus.TOO_LARGE, "", reason, kind, extractor)
    if kind == "encrypted-office":
        return ExtractedText(TextStatus.ENCRYPTED, "", "password-protected Office document", kind, extractor)
    if reader is None:
        return ExtractedText(TextStatus.UNSUPPORTED, "", _unsupported_reason(kind, data), kind, extractor)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            paragraphs, notes = reader(data)
    except _RefusedError as refused:
        return ExtractedText(refused.status, "", _short(refused.reason), kind, extractor)
    except (MemoryError, RecursionError) as exc:
        return ExtractedText(TextStatus.TOO_LARGE, "", _short(f"{type(exc).__name__} while reading"), kind, extractor)
    except Exception as exc:  # noqa: BLE001  any reader failure on a damaged file is recorded, never raised
        return ExtractedText(TextStatus.CORRUPT, "", _short(f"{type(exc).__name__}: {exc}"), kind, extractor)
    text = join_paragraphs_keeping_lines(paragraphs)
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        notes.append(f"text cut at {MAX_TEXT_CHARS} characters")
    if not re.search(r"\w", text):
        empty_reason = "no text layer (scanned pages?)" if kind == "pdf" else "no text in the document"
        return ExtractedText(TextStatus.EMPTY, "", "; ".join([empty_reason, *notes]), kind, extractor)
    return ExtractedText(TextStatus.OK, text, "; ".join(notes) or None, kind, extractor)


def join_paragraphs_keeping_lines(paragraphs: list[str]) -> str:
    """Non-empty paragraphs one blank line apart; each line and each tab-separated cell normalised."""
    cleaned = []
    for paragraph in paragraphs:
        lines = ("\t".join(filter(None, map(norm_ws, line.split("\t")))) for line in paragraph.split("\n"))
        text = "\n".join(filter(None, lines))
        if text:
            cleaned.append(text)
    return "\n\n".join(cleaned)


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
        return "odf"
    return "zip"


def _unsupported_reason(kind: str, data: bytes) -> str:
    return {
        "doc": "Word 97-2003 document (.doc): no reader",
        "xls": "Excel 97-2003 workbook (.xls): no reader",
        "ole": "OLE compound file of unknown kind: no reader",
        "odf": "OpenDocument file: no reader",
        "zip": "zip archive that is not an Office document",
        "unknown": f"unknown file type (starts with {data[:8]!r})",
    }.get(kind, f"no reader for {kind}")


def _short(reason: str) -> str:
    reason = " ".join(reason.split())
    return reason if len(reason) <= REASON_CHARS else reason[: REASON_CHARS - 1] + "…"


def _extractor_name(kind: str) -> str:
    package = {"docx": "python-docx", "pdf": "pypdf"}.get(kind)
    if package is None:
        return f"csto {kind}"
    try:
        return f"{package} {version(package)}"
    except PackageNotFoundError:
        return package


# --- readers: bytes -> (paragraphs, notes) -------------------------------------------------------

Reading = tuple[list[str], list[str]]


def _check_unpacked(package: zipfile.ZipFile) -> None:
    unpacked = sum(info.file_size for info in package.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise _RefusedError(TextStatus.TOO_LARGE, f"unpacks to {unpacked} bytes, over the {MAX_UNPACKED_BYTES} limit")


def read_docx(data: bytes) -> Reading:
    """Paragraphs and table rows (cells tab-separated) of a Word document, in document order."""
    import docx  # imported here: only a crawl or command that meets a .docx pays for loading it
    from docx.table import Table

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _check_unpacked(package)
    except zipfile.BadZipFile as exc:
        raise _RefusedError(TextStatus.CORRUPT, f"not a readable zip package: {exc}") from exc
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


def read_pdf(data: bytes) -> Reading:
    """The text layer of each page (a paragraph per page, its lines kept), up to ``MAX_PDF_PAGES`` pages."""
    from pypdf import PdfReader  # imported here, as python-docx
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

    notes: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _RefusedError(TextStatus.ENCRYPTED, "PDF needs a password to open")
        if reader.is_encrypted:
            notes.append("encrypted with an empty password")
        pages = reader.pages
        count = len(pages)
    except (FileNotDecryptedError, DependencyError) as exc:  # DependencyError: AES without a crypto library
        raise _RefusedError(TextStatus.ENCRYPTED, f"encrypted PDF: {exc}") from exc
    except LimitReachedError as exc:
        raise _RefusedError(TextStatus.TOO_LARGE, f"pypdf limit: {exc}") from exc
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise _RefusedError(TextStatus.CORRUPT, f"{type(exc).__name__}: {exc}") from exc
    if count > MAX_PDF_PAGES:
        notes.append(f"first {MAX_PDF_PAGES} of {count} pages read")
    page_texts: list[str] = []
    bad_pages = 0
    for number in range(min(count, MAX_PDF_PAGES)):
        try:
            text = pages[number].extract_text() or ""
        except LimitReachedError as exc:
            raise _RefusedError(TextStatus.TOO_LARGE, f"pypdf limit on page {number + 1}: {exc}") from exc
        except Exception:  # noqa: BLE001  one damaged page: keep the others, note it
            bad_pages += 1
            continue
        page_texts.append(text)
    if bad_pages:
        if bad_pages == min(count, MAX_PDF_PAGES):
            raise _RefusedError(TextStatus.CORRUPT, f"no page of {count} could be read")
        notes.append(f"{bad_pages} of {count} pages unreadable")
    return page_texts, notes


XLSX_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read_xlsx(data: bytes) -> Reading:
    """A paragraph per sheet: its non-empty rows, cells tab-separated (shared strings resolved)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        _check_unpacked(package)
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


def read_text(data: bytes) -> Reading:
    """A plain-text file: UTF-8 (with or without BOM), else windows-1251 (the Russian site's)."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return re.split(r"\n\s*\n", data.decode(encoding)), []
        except UnicodeDecodeError:
            continue
    return re.split(r"\n\s*\n", data.decode("latin-1")), ["decoded as latin-1"]


# --- RTF ------------------------------------------------------------------------------------------

RTF_TOKEN_RE = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|[\r\n]+|([^\\{}\r\n]+)"
)
# Groups whose text is not document text (font and colour tables, pictures, metadata, ...).
RTF_SKIP_DESTINATIONS = frozenset(
    b"fonttbl colortbl stylesheet info pict object objdata themedata datastore xmlnstbl listtable "
    b"listoverridetable rsidtbl generator latentstyles filetbl revtbl header footer headerl headerr "
    b"headerf footerl footerr footerf fldinst bkmkstart bkmkend field-instructions userprops".split()
)
RTF_BREAKS = {b"par": "\n", b"line": "\n", b"sect": "\n\n", b"page": "\n\n", b"row": "\n", b"cell": "\t", b"tab": "\t"}
RTF_CHARACTERS = {
    b"emdash": "—",
    b"endash": "–",
    b"lquote": "‘",
    b"rquote": "’",
    b"ldblquote": "“",
    b"rdblquote": "”",
    b"bullet": "•",
    b"emspace": " ",
    b"enspace": " ",
    b"qmspace": " ",
}
# \fcharsetN -> code page (the charsets met in Russian and English documents).
RTF_CHARSETS = {0: "cp1252", 204: "cp1251", 238: "cp1250", 161: "cp1253", 162: "cp1254", 186: "cp1257"}


@dataclass
class _RtfGroup:
    skip: bool = False
    uc: int = 1  # characters that follow a \uN as its fallback
    font: int | None = None


class _RtfReader:
    """A group-and-control-word reader: enough for the text of Word's and WordPad's RTF."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.pending = bytearray()  # \'hh bytes not yet decoded
        self.codepage = "cp1252"
        self.fonts: dict[int, str] = {}
        self.stack: list[_RtfGroup] = [_RtfGroup()]
        self.fallback = 0  # fallback characters still to drop after a \uN
        self.star = False  # the last token was \* (an ignorable destination follows)
        self.font_being_defined: int | None = None

    @property
    def group(self) -> _RtfGroup:
        return self.stack[-1]

    def flush_bytes(self) -> None:
        if self.pending:
            page = self.fonts.get(self.group.font, self.codepage) if self.group.font is not None else self.codepage
            self.out.append(bytes(self.pending).decode(page, "replace"))
            self.pending.clear()

    def emit(self, text: str) -> None:
        self.flush_bytes()
        if not self.group.skip:
            self.out.append(text)

    def read(self, data: bytes) -> str:
        for match in RTF_TOKEN_RE.finditer(data):
            word, arg, hexbyte, symbol, brace, text = match.groups()
            if brace is not None:
                self.brace(brace)
            elif word is not None:
                self.control(word, int(arg) if arg is not None else None)
            elif hexbyte is not None:
                self.byte(int(hexbyte, 16))
            elif symbol is not None:
                self.symbol(symbol)
            elif text is not None:
                self.plain(text)
        self.flush_bytes()
        return "".join(self.out)

    def brace(self, brace: bytes) -> None:
        self.flush_bytes()
        self.star = False
        if brace == b"{":
            self.stack.append(_RtfGroup(self.group.skip, self.group.uc, self.group.font))
        elif len(self.stack) > 1:
            self.stack.pop()

    def control(self, word: bytes, arg: int | None) -> None:
        if self.fallback:  # a control word counts as one fallback character
            self.fallback -= 1
            return
        if word == b"ansicpg" and arg:
            self.codepage = f"cp{arg}"
        elif word == b"f" and arg is not None:
            self.flush_bytes()
            self.font_being_defined = arg
            self.group.font = arg
        elif word == b"fcharset" and arg is not None and self.font_being_defined is not None:
            self.fonts[self.font_being_defined] = RTF_CHARSETS.get(arg, self.codepage)
        elif word == b"uc" and arg is not None:
            self.group.uc = arg
        elif word == b"u" and arg is not None:
            self.emit(chr(arg + 65536 if arg < 0 else arg))
            self.fallback = self.group.uc
        elif word in RTF_SKIP_DESTINATIONS or self.star:
            self.group.skip = True
        elif word in RTF_BREAKS:
            self.emit(RTF_BREAKS[word])
        elif word in RTF_CHARACTERS:
            self.emit(RTF_CHARACTERS[word])
        self.star = False

    def byte(self, value: int) -> None:
        if self.fallback:
            self.fallback -= 1
            return
        if not self.group.skip:
            self.pending.append(value)

    def symbol(self, symbol: bytes) -> None:
        if symbol == b"*":
            self.star = True
            return
        if self.fallback:
            self.fallback -= 1
            return
        if symbol in (b"\\", b"{", b"}"):
            self.emit(symbol.decode())
        elif symbol == b"~":
            self.emit(" ")
        elif symbol in (b"\n", b"\r"):
            self.emit("\n")

    def plain(self, text: bytes) -> None:
        if self.fallback:
            dropped = min(self.fallback, len(text))
            self.fallback -= dropped
            text = text[dropped:]
        if text and not self.group.skip:
            self.pending.extend(text)


def read_rtf(data: bytes) -> Reading:
    """Paragraphs of an RTF file (``\\par`` breaks; ``\\'hh`` bytes in the document's code page)."""
    try:
        text = _RtfReader().read(data)
    except LookupError as exc:  # an unknown code page
        raise _RefusedError(TextStatus.CORRUPT, f"RTF code page: {exc}") from exc
    return text.split("\n"), []


_READERS: dict[str, Callable[[bytes], Reading]] = {
    "docx": read_docx,
    "pdf": read_pdf,
    "xlsx": read_xlsx,
    "rtf": read_rtf,
    "text": read_text,
}
