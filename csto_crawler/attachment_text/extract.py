"""``extract_text``: any attachment's bytes to its text, or to the reason it has none; never raises.

The format is told by the bytes (``formats``) and handed to its reader; whatever goes wrong
in a reader becomes a status and a reason, which the archive records (``attachment_texts``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from ..htmltext import norm_ws
from . import limits
from .formats import detect_format, unsupported_reason
from .outcome import ExtractedText, Reading, RefusedError, TextStatus
from .pdf import read_pdf
from .plain_text import read_text
from .rtf import read_rtf
from .word import read_docx
from .workbook import read_xlsx

REASON_CHARS = 300

READERS: dict[str, Callable[[bytes], Reading]] = {
    "docx": read_docx,
    "pdf": read_pdf,
    "xlsx": read_xlsx,
    "rtf": read_rtf,
    "text": read_text,
}


def extract_text(data: bytes, filename: str = "") -> ExtractedText:
    """The text of one file, whatever its bytes hold; never raises for the file's sake."""
    kind = detect_format(data, filename)
    reader = READERS.get(kind)
    extractor = _extractor_name(kind)
    if not data:
        return ExtractedText(TextStatus.EMPTY, "", "0-byte file", kind, extractor)
    if len(data) > limits.MAX_FILE_BYTES:
        reason = f"{len(data)} bytes, over the {limits.MAX_FILE_BYTES} byte limit"
        return ExtractedText(TextStatus.TOO_LARGE, "", reason, kind, extractor)
    if kind == "encrypted-office":
        return ExtractedText(TextStatus.ENCRYPTED, "", "password-protected Office document", kind, extractor)
    if reader is None:
        return ExtractedText(TextStatus.UNSUPPORTED, "", unsupported_reason(kind, data), kind, extractor)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            paragraphs, notes = reader(data)
    except RefusedError as refused:
        return ExtractedText(refused.status, "", _short(refused.reason), kind, extractor)
    except (MemoryError, RecursionError) as exc:
        return ExtractedText(TextStatus.TOO_LARGE, "", _short(f"{type(exc).__name__} while reading"), kind, extractor)
    except Exception as exc:  # noqa: BLE001  any reader failure on a damaged file is recorded, never raised
        return ExtractedText(TextStatus.CORRUPT, "", _short(f"{type(exc).__name__}: {exc}"), kind, extractor)
    text = join_paragraphs_keeping_lines(paragraphs)
    if len(text) > limits.MAX_TEXT_CHARS:
        text = text[: limits.MAX_TEXT_CHARS]
        notes.append(f"text cut at {limits.MAX_TEXT_CHARS} characters")
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
