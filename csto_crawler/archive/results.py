"""What a write did to the archive: the outcome types shared by the writer, its ledger and its history."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SaveOutcome(StrEnum):
    """What saving an article page did to its history."""

    NEW = "new"
    NEW_VERSION = "changed"
    UNCHANGED = "unchanged"
    REVIVED = "revived"


class ItemKind(StrEnum):
    """What kind of item a write was about (stats keys ``csto/archive/<kind>/<outcome>``)."""

    ARTICLE = "article"
    HELD = "held"
    GONE = "gone"
    LISTING = "listing"
    SITEMAP = "sitemap"
    FAILURE = "failure"
    ATTACHMENT = "attachment"
    SECTION = "section"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class WriteResult:
    """What writing one item did, for run counts and stats."""

    kind: ItemKind
    lang: str | None
    section: str | None
    outcome: str  # a SaveOutcome value, or what happened to a ledger item ("fetched", "gone", ...)

    @property
    def counts_for_section(self) -> bool:
        """Outcomes the run report counts per language and section (articles, not the ledger)."""
        return self.kind in (ItemKind.ARTICLE, ItemKind.GONE, ItemKind.HELD) or (
            self.kind is ItemKind.FAILURE and self.section is not None
        )
