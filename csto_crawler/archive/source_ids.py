"""Article IDs per source, for the one writer: the CSTO's as before sources, others' from their own ID.

The CSTO keeps ``en-8573`` / ``en-u<digest>`` exactly (article_ids.py). Another source's article
gets ``<name>-<lang>-<its own ID>`` from its URL (sources/ids.py), else a digest. The own ID is the
article's identity, as the CSTO's element ID is: a URL with a known ID is that article moved (a slug
edit). One guard (docs/decisions/0010-discovery.md): when the article holding that ID answered at its
own URL in this same run and nothing redirects one URL to the other, two live pages share the ID
(a slug that ends in a number), so the second gets the digest ID instead of being merged.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from ..items import ArticleItem
from ..sources.csto import default_sources
from ..sources.ids import article_id as source_article_id
from ..sources.model import Source
from .article_ids import article_id as csto_article_id
from .source_rows import SourceRows
from .statements import Statements

logger = logging.getLogger(__name__)


class ArticleIds:
    """The IDs of new articles, knowing the run's sources (``use``) and those the archive stores."""

    def __init__(self, sql: Statements) -> None:
        self.sql = sql
        self.sources: dict[str, Source] = {}

    def use(self, sources: list[Source]) -> None:
        """The run's sources (setting ``CSTO_SOURCES``): they decide IDs before the stored tables."""
        self.sources.update({source.name: source for source in sources})

    def source(self, name: str, url: str) -> Source:
        """The source called ``name``: the run's, else the archive's row, else one with default
        fields on the URL's origin, recorded in the archive (IDs then come from the built-in shapes or
        the digest)."""
        if name not in self.sources:
            stored = SourceRows(self.sql).get(name)
            default = {source.name: source for source in default_sources()}.get(name)
            if stored is None and default is not None:
                self.sources[name] = default
            elif stored is None:
                logger.warning("Articles of %s, a source the archive did not hold: recorded, IDs from the URLs", name)
                parts = urlsplit(url)
                self.sources[name] = Source(name=name, home=f"{parts.scheme}://{parts.netloc}/")
                SourceRows(self.sql).ensure([self.sources[name]])  # the archive says where they came from
            else:
                self.sources[name] = stored.source
        return self.sources[name]

    def new_id(self, item: ArticleItem) -> str:
        """The ID of a new article (``_find_article`` found none for it). A source whose URLs carry
        no ID (the CSTO's: the page's element ID, else the URL's digest) needs no guard."""
        source = self.source(item.source, item.url)
        aid = source_article_id(source, item.lang, item.url, item.element_id)
        if not source.url_ids:
            return aid
        holder = self.sql.one("SELECT id FROM articles WHERE id = :aid", aid=aid)
        if holder is None:
            return aid
        logger.warning("%s and another live page share the ID %s: keeping them apart by URL digest", item.url, aid)
        fallback = csto_article_id(source.id_scope(item.lang), None, item.url)
        taken = {row["id"] for row in self.sql.all("SELECT id FROM articles WHERE id LIKE :f || '%'", f=fallback)}
        candidate, n = fallback, 1
        while candidate in taken:  # the digest too (the same path on a moved host): numbered
            n += 1
            candidate = f"{fallback}-{n}"
        return candidate

    def same_native_id(self, item: ArticleItem, run_id: int) -> dict[str, Any] | None:
        """The archived article of another source whose own ID the item's URL carries, unless that
        article answered at its own URL in this run without a redirect between them (two pages)."""
        source = self.source(item.source, item.url)
        if not source.url_ids:
            return None
        aid = source_article_id(source, item.lang, item.url, item.element_id)
        row = self.sql.one("SELECT * FROM articles WHERE id = :aid AND source = :source", aid=aid, source=source.name)
        if row is None or row["url"] == item.url:
            return row
        redirected = {item.requested_url, *item.aliases}
        if row["url"] not in redirected and row["last_run_id"] is not None and self._seen_in(run_id, row, item):
            return None
        return row

    def _seen_in(self, run_id: int, row: dict[str, Any], item: ArticleItem) -> bool:
        """The holder was fetched with 200 in the run that fetched the item."""
        found = self.sql.one(
            "SELECT 1 AS seen FROM fetches WHERE id = :fetch AND status = 200 AND run_id = :run",
            fetch=row["last_fetch_id"],
            run=run_id,
        )
        return found is not None and item.fetch.status == 200
