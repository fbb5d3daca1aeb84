"""``csto report``: one self-contained HTML file of plots about the archive, for researchers.

What the organisation published when (articles per month, per language and per section), what it
edited and removed over time, how many articles have a counterpart in the other language, what
each crawl run did, and where coverage has gaps. Every figure comes from a few aggregate queries
(GROUP BY in SQLite; no article body is read, ``data``), so the report takes seconds on tens of
thousands of articles.

Plots are Plotly figures (``figures``): interactive (hover for exact counts, zoom into 30 years of
months), their data embedded as JSON in the page (``page``), and plotly.js inlined once, so the file
needs no network and no server. (Matplotlib SVGs would make a smaller file but static pictures of
dense monthly series, with the numbers lost in paths.)
"""

from __future__ import annotations

from ..archive.queries import ArchiveReader
from .data import collect
from .page import render


def build_report(reader: ArchiveReader, archive_name: str) -> str:
    """The report of the archive ``reader`` reads, as one HTML page."""
    return render(collect(reader, archive_name))
