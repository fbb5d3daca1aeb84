"""Limits that keep one hostile attachment from stalling a crawl.

Readers look these up when they run (``limits.MAX_PDF_PAGES``), so a test can lower them.
"""

from __future__ import annotations

import zipfile

from .outcome import RefusedError, TextStatus

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_PDF_PAGES = 2_000
MAX_TEXT_CHARS = 5_000_000


def check_unpacked(package: zipfile.ZipFile) -> None:
    """Refuse a zip package (Word document, workbook) that would unpack past ``MAX_UNPACKED_BYTES``."""
    unpacked = sum(info.file_size for info in package.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise RefusedError(TextStatus.TOO_LARGE, f"unpacks to {unpacked} bytes, over the {MAX_UNPACKED_BYTES} limit")
