"""Text of attachment files (.docx, .pdf, .rtf, .xlsx, plain text), read from their bytes.

The format is told by the bytes, not the name or the served content type (``formats``). Word
documents are read with python-docx (paragraphs and table rows in document order, ``word``), PDFs
with pypdf (page by page, ``pdf``), workbooks and RTF here (both are simple enough: shared strings
and cells, ``workbook``; an RTF group and control-word reader, ``rtf``); plain text in ``plain_text``.

``extract_text`` never raises for a bad file: it returns a status and, when there is no text, the
reason, which the archive records (``attachment_texts``). Limits keep one hostile file from
stalling a crawl (``limits``): files over ``MAX_FILE_BYTES`` and zip packages that unpack to more
than ``MAX_UNPACKED_BYTES`` are not read; a PDF is read to its first ``MAX_PDF_PAGES`` pages; the
text stops at ``MAX_TEXT_CHARS`` characters (both noted in the reason, the status stays ``ok``).
Paragraphs follow the archive's convention (``htmltext.join_paragraphs``): normalised, one blank
line apart; line breaks inside a paragraph (a PDF page's lines, a Word line break) and the tabs
between table cells are kept.
"""

from .extract import extract_text, join_paragraphs_keeping_lines
from .formats import detect_format
from .outcome import ExtractedText, Reading, TextStatus
from .pdf import read_pdf
from .plain_text import read_text
from .rtf import read_rtf
from .word import read_docx
from .workbook import read_xlsx

__all__ = [
    "ExtractedText",
    "Reading",
    "TextStatus",
    "detect_format",
    "extract_text",
    "join_paragraphs_keeping_lines",
    "read_docx",
    "read_pdf",
    "read_rtf",
    "read_text",
    "read_xlsx",
]
