"""Limits that keep one hostile attachment from stalling a crawl or exhausting its memory.

Every reader gets a ``ReadingLimits`` and stops (or refuses the file as ``too_large``) at its
caps: file bytes, bytes unpacked from a zip package (counted as they stream, never taken from
the package's own headers), XML elements parsed, RTF group depth, PDF pages and reading time,
characters of text kept. The worker (``worker``) adds the hard limits no reader can talk its way
past: the file is read in a child process that is killed at ``seconds`` and cannot map more than
``memory_mb``. ``from_settings`` reads the ``CSTO_ATTACHMENT_*`` settings (docs/settings.md).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class ReadingLimits:
    # A file over this is not read at all (the crawl's DOWNLOAD_MAXSIZE is lower still).
    max_file_bytes: int = 100 * 1024 * 1024
    # Bytes of XML a Word, Excel or OpenDocument package may unpack to, counted as they stream.
    max_unpacked_bytes: int = 200 * 1024 * 1024
    # XML elements a package may hold: python-docx keeps a tree of them (about 150 bytes each) and
    # reads some 30,000 paragraphs a second.
    max_xml_elements: int = 500_000
    # Workbook cells read (empty ones included); the rest of the workbook is left out, noted.
    max_cells: int = 1_000_000
    # RTF groups nested deeper than this: no document does it, a parser's stack would.
    max_rtf_depth: int = 1_000
    # Pages of one PDF read; the rest are noted, not read.
    max_pdf_pages: int = 2_000
    # Characters of text kept (the rest is cut, noted); an article's files rarely reach 1 %.
    max_text_chars: int = 5_000_000
    # Wall-clock seconds one file may take before its worker is killed (status ``timeout``).
    # A PDF stops turning pages at half of it and keeps what it read.
    seconds: float = 60.0
    # Address space of the worker reading one file, in MB (status ``too_large`` past it).
    memory_mb: int = 1024

    @property
    def pdf_seconds(self) -> float:
        return self.seconds / 2

    @classmethod
    def from_settings(cls, settings: Any) -> ReadingLimits:
        """The limits a crawl or ``csto attachment-text`` runs with (``CSTO_ATTACHMENT_*``; a setting
        that is not there keeps its default)."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            default = getattr(DEFAULT_LIMITS, item.name)
            read = settings.getfloat if isinstance(default, float) else settings.getint
            values[item.name] = read(SETTING_NAMES[item.name], default)
        return cls(**values)


# The setting (docs/settings.md) of each limit.
SETTING_NAMES = {
    "max_file_bytes": "CSTO_ATTACHMENT_MAX_FILE_BYTES",
    "max_unpacked_bytes": "CSTO_ATTACHMENT_MAX_UNPACKED_BYTES",
    "max_xml_elements": "CSTO_ATTACHMENT_MAX_XML_ELEMENTS",
    "max_cells": "CSTO_ATTACHMENT_MAX_CELLS",
    "max_rtf_depth": "CSTO_ATTACHMENT_MAX_RTF_DEPTH",
    "max_pdf_pages": "CSTO_ATTACHMENT_MAX_PDF_PAGES",
    "max_text_chars": "CSTO_ATTACHMENT_MAX_TEXT_CHARS",
    "seconds": "CSTO_ATTACHMENT_SECONDS",
    "memory_mb": "CSTO_ATTACHMENT_MEMORY_MB",
}


DEFAULT_LIMITS = ReadingLimits()
