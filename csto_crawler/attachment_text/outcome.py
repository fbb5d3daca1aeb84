"""What reading an attachment gave: a status, the text or the reason there is none."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TextStatus(StrEnum):
    """What reading a file gave (``attachment_texts.status``)."""

    OK = "ok"  # text extracted
    EMPTY = "empty"  # read, but it holds no text (a scan without a text layer, an empty document)
    ENCRYPTED = "encrypted"  # needs a password
    CORRUPT = "corrupt"  # not a readable file of its format
    TOO_LARGE = "too_large"  # over a limit (file size, unpacked size, XML elements, nesting, memory)
    UNSUPPORTED = "unsupported"  # a format we have no reader for (.doc, images, ...)
    TIMEOUT = "timeout"  # its reader was killed at the time limit (CSTO_ATTACHMENT_SECONDS)
    CRASHED = "crashed"  # its reader process died (a crash in a parser, killed from outside)


@dataclass(frozen=True)
class ExtractedText:
    status: TextStatus
    text: str  # '' unless status is ok
    reason: str | None  # why there is no text, or a note on text that was cut short
    format: str  # docx, pdf, rtf, xlsx, xls, odt, ods, text, doc, ole, zip, empty, unknown
    extractor: str  # reader and version, e.g. "pypdf 5.1.0"


# What a reader returns: the file's paragraphs, and notes on what it could not read.
Reading = tuple[list[str], list[str]]


class RefusedError(Exception):
    """A file a reader gives up on, with the status to record."""

    def __init__(self, status: TextStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
