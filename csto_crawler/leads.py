"""What this run learnt of article URLs before fetching them: what the listings showed (title,
date, lead, element ID), the other links that lead to them, and which were already asked for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .items import ArticleItem, FetchRecord, ListingEntry
from .pages.anchored import Hints
from .pages.listing import ListedItem
from .urls import ForeignUrlError, Sites


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

    def entries(self, items: list[ListedItem], sites: Sites) -> tuple[list[ListingEntry], int]:
        """A listing page's items as entries under canonical URLs, each remembered as a lead;
        and how many linked outside the sites (dropped)."""
        entries, foreign = [], 0
        for item in items:
            try:
                url = sites.canonicalize(item.url)
            except ForeignUrlError:
                foreign += 1
                continue
            entry = ListingEntry(url, item.url, item.position, item.title, item.date_raw, item.element_id, item.lead)
            self.listed(entry)
            entries.append(entry)
        return entries, foreign

    def finish(self, item: ArticleItem, fetch: FetchRecord, sites: Sites) -> ArticleItem:
        """What only the crawl knows: the fetch, the canonical counterpart, the links seen, redirects."""
        item.fetch = fetch
        counterpart = item.paired_url
        item.paired_url = sites.canonicalize(counterpart) if counterpart and sites.is_allowed(counterpart) else None
        item.aliases = self.aliases(item.url)
        requested = sites.canonicalize(fetch.url)
        if requested != item.url:
            item.requested_url = requested
        return item

    def claim(self, url: str) -> bool:
        """Mark a URL as asked for; False when it already was (each article is fetched once)."""
        if url in self.requested:
            return False
        self.requested.add(url)
        return True

    def aliases(self, url: str) -> list[str]:
        return sorted(self.links.get(url, ()))
