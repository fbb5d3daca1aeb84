"""The captures an import carries between its passes: records noted in the first, jobs for the writer,
and the hints the listings give of an article page before a worker reads it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .captures import Capture, PageKind
from .page_reading import Work


# What the listings last showed of an article at the capture's date: the sighting under way then
# (or the latest before it), else the earliest; the sitemap's lastmod.
@dataclass(slots=True)
class PageRef:
    """An article or attachment record met in the first pass: where it is, and what its headers said.

    Its bytes are read in the second pass, by a worker process for article pages.
    """

    path: Path
    offset: int
    record_id: str
    record_type: str  # response | revisit
    url: str  # the captured URL
    kind: PageKind
    canonical: str | None
    status: int
    date: dt.datetime


@dataclass
class Job:
    """A capture on its way into the archive (``capture`` None: a worker reads it)."""

    path: Path  # the file it came from
    kind: PageKind
    lang: str
    url: str  # canonical for articles and listings, the captured URL otherwise
    capture: Capture | None
    work: Work | None = None
