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


class LedgerOutcome(StrEnum):
    """What writing an item did when it was not an article page read into a version."""

    FETCHED = "fetched"  # a listing, sitemap or attachment recorded
    UNCHANGED = "unchanged"  # a sitemap file with the bytes a finished run parsed
    FAILED = "failed"  # a URL that could not be fetched or used
    GONE = "gone"  # the article was marked removed
    STILL_GONE = "still_gone"
    ALIAS_GONE = "alias_gone"  # a former URL of an article that lives on elsewhere
    NOT_ARCHIVED = "not_archived"  # an old capture's 404 of a URL the archive never held
    SEEN_AFTER = "seen_after"  # a 404 older than the article's last sighting
    HELD = "held"
    WALKED = "walked"
    SKIPPED = "skipped"
    NOT_MODIFIED_UNKNOWN = "not_modified_unknown"  # a 304 for a URL the archive does not hold


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
    outcome: SaveOutcome | LedgerOutcome

    @property
    def counts_for_section(self) -> bool:
        """Outcomes the run report counts per language and section (articles, not the ledger)."""
        return self.kind in (ItemKind.ARTICLE, ItemKind.GONE, ItemKind.HELD) or (
            self.kind is ItemKind.FAILURE and self.section is not None
        )
