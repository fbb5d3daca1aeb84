"""Text layer of PDF files, read with pypdf page by page (a scan without one has no text).

Bounded three ways: at most ``max_pdf_pages`` pages; no page begun after ``pdf_seconds`` (half the
worker's time: what was read is kept, noted); and a content stream shared by many pages (a
2,000-page file repeating one heavy stream) is read once, its text reused. pypdf itself bounds
page-tree depth and loops and the output of its decompression filters.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Hashable
from typing import Any

from .limits import ReadingLimits
from .outcome import Reading, RefusedError, TextStatus

# pypdf reports every recoverable oddity of a damaged PDF at WARNING; the file's status says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(data: bytes, limits: ReadingLimits, clock: Callable[[], float] = time.monotonic) -> Reading:
    """The text layer of each page (a paragraph per page, its lines kept), within the limits."""
    started = clock()
    pages, notes = _open(data)
    count = len(pages)
    wanted = min(count, limits.max_pdf_pages)
    if count > wanted:
        notes.append(f"first {wanted} of {count} pages read")
    texts: list[str] = []
    seen: dict[Hashable, str] = {}
    bad_pages = 0
    for number in range(wanted):
        if clock() - started > limits.pdf_seconds:
            notes.append(f"first {number} of {count} pages read in {limits.pdf_seconds:g}s")
            break
        try:
            texts.append(_page_text(pages[number], seen))
        except RefusedError:
            raise
        except Exception:  # noqa: BLE001  one damaged page: keep the others, note it
            bad_pages += 1
    if bad_pages:
        if bad_pages == wanted:
            raise RefusedError(TextStatus.CORRUPT, f"no page of {count} could be read")
        notes.append(f"{bad_pages} of {count} pages unreadable")
    return texts, notes


def _open(data: bytes) -> tuple[Any, list[str]]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

    notes: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise RefusedError(TextStatus.ENCRYPTED, "PDF needs a password to open")
        if reader.is_encrypted:
            notes.append("encrypted with an empty password")
        pages = reader.pages
        len(pages)  # walks the page tree: a loop or a bomb shows here
    except (FileNotDecryptedError, DependencyError) as exc:  # DependencyError: AES without a crypto library
        raise RefusedError(TextStatus.ENCRYPTED, f"encrypted PDF: {exc}") from exc
    except LimitReachedError as exc:
        raise RefusedError(TextStatus.TOO_LARGE, f"pypdf limit: {exc}") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise RefusedError(TextStatus.CORRUPT, f"{type(exc).__name__}: {exc}") from exc
    return pages, notes


def _page_text(page: Any, seen: dict[Hashable, str]) -> str:
    """A page's text; pages drawn by the same content streams with the same resources share it."""
    from pypdf.errors import LimitReachedError

    key = _drawing_key(page)
    if key is not None and key in seen:
        return seen[key]
    try:
        text = page.extract_text() or ""
    except LimitReachedError as exc:
        raise RefusedError(TextStatus.TOO_LARGE, f"pypdf limit: {exc}") from exc
    if key is not None:
        seen[key] = text
    return text


def _drawing_key(page: Any) -> Hashable | None:
    """What draws the page: its content streams' object numbers and its resources (None: unknown)."""
    if "/Contents" not in page:
        return None
    contents = page.raw_get("/Contents")
    refs = contents if isinstance(contents, list) else [contents]
    numbers = tuple(getattr(ref, "idnum", None) for ref in refs)
    if None in numbers:
        return None
    resources = page.raw_get("/Resources") if "/Resources" in page else None
    # An inherited or inline resources dictionary is one object shared by the pages that use it.
    return numbers, getattr(resources, "idnum", None) or id(resources)
