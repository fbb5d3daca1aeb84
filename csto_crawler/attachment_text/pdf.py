"""Text layer of PDF files, read with pypdf page by page (a scan without one has no text)."""

from __future__ import annotations

import io
import logging

from . import limits
from .outcome import Reading, RefusedError, TextStatus

# pypdf reports every recoverable oddity of a damaged PDF at WARNING; the file's status says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(data: bytes) -> Reading:
    """The text layer of each page (a paragraph per page, its lines kept), up to ``MAX_PDF_PAGES`` pages."""
    from pypdf import PdfReader  # imported here, as python-docx
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

    notes: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise RefusedError(TextStatus.ENCRYPTED, "PDF needs a password to open")
        if reader.is_encrypted:
            notes.append("encrypted with an empty password")
        pages = reader.pages
        count = len(pages)
    except (FileNotDecryptedError, DependencyError) as exc:  # DependencyError: AES without a crypto library
        raise RefusedError(TextStatus.ENCRYPTED, f"encrypted PDF: {exc}") from exc
    except LimitReachedError as exc:
        raise RefusedError(TextStatus.TOO_LARGE, f"pypdf limit: {exc}") from exc
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise RefusedError(TextStatus.CORRUPT, f"{type(exc).__name__}: {exc}") from exc
    max_pages = limits.MAX_PDF_PAGES
    if count > max_pages:
        notes.append(f"first {max_pages} of {count} pages read")
    page_texts: list[str] = []
    bad_pages = 0
    for number in range(min(count, max_pages)):
        try:
            text = pages[number].extract_text() or ""
        except LimitReachedError as exc:
            raise RefusedError(TextStatus.TOO_LARGE, f"pypdf limit on page {number + 1}: {exc}") from exc
        except Exception:  # noqa: BLE001  one damaged page: keep the others, note it
            bad_pages += 1
            continue
        page_texts.append(text)
    if bad_pages:
        if bad_pages == min(count, max_pages):
            raise RefusedError(TextStatus.CORRUPT, f"no page of {count} could be read")
        notes.append(f"{bad_pages} of {count} pages unreadable")
    return page_texts, notes
