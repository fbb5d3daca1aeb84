"""The cleaning transforms of an article item: published date and boilerplate-free body.

Pure functions of the item: the item pipelines (``pipelines.NormalizeDatesPipeline``,
``pipelines.StripBoilerplatePipeline``) run them for crawled pages, and ``csto reextract`` for
stored snapshots.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from .boilerplate import clean_signature, drop_repeated_title, strip_boilerplate
from .dates import ChosenDate, choose_published
from .htmltext import join_paragraphs
from .items import ArticleItem


def normalize_dates(item: ArticleItem, tz: ZoneInfo, timezone: str) -> ChosenDate:
    """Set ``published`` (ISO), its raw string, source and zone, and the date flags, from the
    item's candidates, judged against the fetch time; returns the choice for reporting."""
    chosen = choose_published([(c.raw, c.source) for c in item.date_candidates], item.fetch.fetched_at, tz)
    item.date_flags = list(chosen.flags)
    if chosen.value is not None:
        item.published = chosen.value.iso()
        item.published_raw = chosen.value.raw
        item.published_source = chosen.source
        item.published_tz = timezone if chosen.value.has_time else None
    return chosen


def strip_item_boilerplate(item: ArticleItem) -> None:
    """Remove navigation, attachment lines and signatures from the body; join clean paragraphs."""
    paragraphs = drop_repeated_title(item.body_paragraphs, item.title)
    clean = strip_boilerplate(paragraphs)
    item.body_text = join_paragraphs(clean.paragraphs)
    signature = clean_signature(item.signature_lines) or clean.signature
    item.signature = "\n".join(signature) or None


def clean_article(item: ArticleItem, tz: ZoneInfo, timezone: str) -> ArticleItem:
    """Both transforms, in pipeline order."""
    normalize_dates(item, tz, timezone)
    strip_item_boilerplate(item)
    return item
