"""``extract_text``: any attachment's bytes to its text, or to the reason it has none; never raises.

The format is told by the bytes (``formats``) and handed to its reader with the limits
(``limits``); whatever goes wrong in a reader becomes a status and a reason, which the archive
records (``attachment_texts``). This runs in the calling process: ``worker`` runs it in a child
process that a timeout and a memory limit can kill.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from ..htmltext import norm_ws
from .formats import detect_format, unsupported_reason
from .limits import DEFAULT_LIMITS, ReadingLimits
from .opendocument import read_odf
from .outcome import ExtractedText, Reading, RefusedError, TextStatus
from .pdf import read_pdf
from .plain_text import read_text
from .rtf import read_rtf
from .word import read_docx
from .workbook import read_xls, read_xlsx

REASON_CHARS = 300

READERS: dict[str, Callable[[bytes, ReadingLimits], Reading]] = {
    "docx": read_docx,
    "pdf": read_pdf,
    "xlsx": read_xlsx,
    "xls": read_xls,
    "odt": read_odf,
    "ods": read_odf,
    "odp": read_odf,
    "odf": read_odf,
    "rtf": read_rtf,
    "text": read_text,
}
# The library that reads each format (named with its version in ``extractor``).
LIBRARIES = {
    "docx": "python-docx",
    "pdf": "pypdf",
    "xlsx": "openpyxl",
    "xls": "xlrd",
    "odt": "odfdo",
    "ods": "odfdo",
    "odp": "odfdo",
    "odf": "odfdo",
    "rtf": "striprtf",
}


def extract_text(data: bytes, filename: str = "", limits: ReadingLimits = DEFAULT_LIMITS) -> ExtractedText:
    """The text of one file, whatever its bytes hold; never raises for the file's sake."""
    kind = detect_format(data, filename)
    reader = READERS.get(kind)
    extractor = extractor_name(kind)
    if not data:
        return ExtractedText(TextStatus.EMPTY, "", "0-byte file", kind, extractor)
    if len(data) > limits.max_file_bytes:
        reason = f"{len(data)} bytes, over the {limits.max_file_bytes} byte limit"
        return ExtractedText(TextStatus.TOO_LARGE, "", reason, kind, extractor)
    if kind == "encrypted-office":
        return ExtractedText(TextStatus.ENCRYPTED, "", "password-protected Office document", kind, extractor)
    if reader is None:
        return ExtractedText(TextStatus.UNSUPPORTED, "", unsupported_reason(kind, data), kind, extractor)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            paragraphs, notes = reader(data, limits)
    except RefusedError as refused:
        return ExtractedText(refused.status, "", short(refused.reason), kind, extractor)
    except MemoryError:
        reason = f"over the {limits.memory_mb} MB memory limit (MemoryError while reading)"
        return ExtractedText(TextStatus.TOO_LARGE, "", reason, kind, extractor)
    except RecursionError:
        return ExtractedText(TextStatus.TOO_LARGE, "", "RecursionError while reading", kind, extractor)
    except Exception as exc:  # noqa: BLE001  any reader failure on a damaged file is recorded, never raised
        return ExtractedText(TextStatus.CORRUPT, "", short(f"{type(exc).__name__}: {exc}"), kind, extractor)
    return _outcome(paragraphs, notes, kind, extractor, limits)


def _outcome(
    paragraphs: list[str], notes: list[str], kind: str, extractor: str, limits: ReadingLimits
) -> ExtractedText:
    text = join_paragraphs_keeping_lines(paragraphs, limits.max_text_chars + 1)
    if len(text) > limits.max_text_chars:
        text = text[: limits.max_text_chars]
        notes.append(f"text cut at {limits.max_text_chars} characters")
    if not re.search(r"\w", text):
        empty_reason = "no text layer (scanned pages?)" if kind == "pdf" else "no text in the document"
        return ExtractedText(TextStatus.EMPTY, "", "; ".join([empty_reason, *notes]), kind, extractor)
    return ExtractedText(TextStatus.OK, text, "; ".join(notes) or None, kind, extractor)


def join_paragraphs_keeping_lines(paragraphs: list[str], most: int | None = None) -> str:
    """Non-empty paragraphs one blank line apart; each line and each tab-separated cell normalised.

    With ``most``, paragraphs stop once the text holds that many characters (the rest is cut anyway)."""
    cleaned = []
    size = 0
    for paragraph in paragraphs:
        lines = ("\t".join(filter(None, map(norm_ws, line.split("\t")))) for line in paragraph.split("\n"))
        text = "\n".join(filter(None, lines))
        if text:
            cleaned.append(text)
            size += len(text) + 2
            if most is not None and size >= most:
                break
    return "\n\n".join(cleaned)


def short(reason: str) -> str:
    """A reason on one line, at most ``REASON_CHARS`` characters."""
    reason = " ".join(reason.split())
    return reason if len(reason) <= REASON_CHARS else reason[: REASON_CHARS - 1] + "…"


def extractor_name(kind: str) -> str:
    """The reader of a format and its version, e.g. ``pypdf 5.1.0`` (``csto <format>`` for our own)."""
    package = LIBRARIES.get(kind)
    if package is None:
        return f"csto {kind}"
    try:
        return f"{package} {version(package)}"
    except PackageNotFoundError:
        return package
