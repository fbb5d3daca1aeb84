"""What reading an article page yields, whichever way it was read, and how it was read."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..items import DateCandidate
from ..outcomes import ReadingMethod

__all__ = ["ArticleReading", "ReadingMethod"]  # the Enum lives with the others (outcomes.py)


@dataclass
class ArticleReading:
    """The fields of an article page, as one reader found them."""

    method: ReadingMethod
    title: str
    # The page shows its title twice, the second time as the head line ("Title dd.mm.yyyy"): the
    # title is the page's own, even when a listing (not yet updated) shows another.
    title_repeated: bool = False
    subtitle: str | None = None
    date_candidates: list[DateCandidate] = field(default_factory=list)
    body_paragraphs: list[str] = field(default_factory=list)
    body_html: str = ""
    signature_lines: list[str] = field(default_factory=list)
    link_hrefs: list[str] = field(default_factory=list)  # links that may be attachments, in page order
    image_srcs: list[str] = field(default_factory=list)  # the detail picture and pictures in the body
    element_id: str | None = None
    author: str | None = None
