"""What this run learnt of article URLs before fetching them: what the listings showed (title,
date, lead, element ID), the other links that lead to them, and which were already asked for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .items import ListingEntry
from .pages.anchored import Hints


@dataclass
class ArticleLeads:
    """Per canonical article URL, in one run."""

    hints: dict[str, Hints] = field(default_factory=dict)
    links: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # other URLs linking to it
    requested: set[str] = field(default_factory=set)

    def listed(self, entry: ListingEntry) -> None:
        """A listing showed the article: the first showing of this run is kept as its hints."""
        if entry.linked_url != entry.article_url:
            self.links[entry.article_url].add(entry.linked_url)
        self.hints.setdefault(
            entry.article_url, Hints(entry.title or None, entry.date_raw, entry.lead or None, entry.element_id)
        )

    def claim(self, url: str) -> bool:
        """Mark a URL as asked for; False when it already was (each article is fetched once)."""
        if url in self.requested:
            return False
        self.requested.add(url)
        return True

    def aliases(self, url: str) -> list[str]:
        return sorted(self.links.get(url, ()))
