"""Text of attachment files (.docx, .pdf, .rtf, .xlsx, .xls, .odt, .ods, plain text), read from their bytes.

The format is told by the bytes, not the name or the served content type (``formats``). Each
format is read by its field's library: Word documents with python-docx (``word``), PDFs with pypdf
(``pdf``), RTF with striprtf (``rtf``), workbooks with openpyxl and xlrd (``workbook``),
OpenDocument with odfdo (``opendocument``); plain text in ``plain_text``. Legacy Word (.doc) has no
maintained reader and is recorded as unsupported.

``extract_text`` never raises for a bad file: it returns a status and, when there is no text, the
reason, which the archive records (``attachment_texts``). Hostile files are bounded twice. The
readers stop at their caps (``limits``): zip packages are streamed and counted, never trusted
(``packages``); XML elements, RTF nesting, PDF pages and time, workbook cells and text characters
are capped. And each file is read in a child process that a timeout and a memory limit can kill
(``worker``: ``read_attachment_text``, ``Readers``). Paragraphs follow the archive's convention
(``htmltext.join_paragraphs``): normalised, one blank line apart; line breaks inside a paragraph
(a PDF page's lines, a Word line break) and the tabs between table cells are kept.
"""

from .extract import extract_text, join_paragraphs_keeping_lines
from .formats import detect_format
from .limits import DEFAULT_LIMITS, ReadingLimits
from .outcome import ExtractedText, Reading, TextStatus
from .worker import Readers, read_attachment_text

__all__ = [
    "DEFAULT_LIMITS",
    "ExtractedText",
    "Readers",
    "Reading",
    "ReadingLimits",
    "TextStatus",
    "detect_format",
    "extract_text",
    "join_paragraphs_keeping_lines",
    "read_attachment_text",
]
