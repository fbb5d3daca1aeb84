"""Deletions proven by the listings: an article that a complete walk of its section no longer shows.

The sitemaps are one witness of a deletion; a listing walked from page 1 to its last page without
a failed page is another, and it does not depend on the sitemaps being up. An article counts as
absent when an earlier run saw it in this section's listing, this run walked that listing
completely, and this run neither saw it in any listing nor fetched it.
"""

from __future__ import annotations

from typing import Any

from .statements import Statements

ABSENT_FROM_WALKS = """
SELECT DISTINCT a.id, a.lang, a.section, w.section AS walk
FROM section_walks w
JOIN listing_sightings s ON s.lang = w.lang AND s.section = w.section AND s.last_run_id < :run
JOIN articles a ON a.url = s.article_url
WHERE w.run_id = :run AND a.gone_at IS NULL AND (a.last_run_id IS NULL OR a.last_run_id != :run)
  AND NOT EXISTS (SELECT 1 FROM listing_sightings t WHERE t.article_url = a.url AND t.last_run_id = :run)
"""


def absent_from_walks(sql: Statements, run_id: int) -> list[dict[str, Any]]:
    """Live articles that this run's complete listing walks no longer show (see the module doc)."""
    return sql.all(ABSENT_FROM_WALKS, run=run_id)


def walk_sizes(sql: Statements, run_id: int) -> dict[tuple[str, str], int]:
    """Articles each complete walk of this run listed: the base of the share guard."""
    rows = sql.all(
        "SELECT w.lang, w.section, count(DISTINCT s.article_url) AS n FROM section_walks w"
        " JOIN listing_sightings s ON s.lang = w.lang AND s.section = w.section"
        " WHERE w.run_id = :run GROUP BY w.lang, w.section",
        run=run_id,
    )
    return {(row["lang"], row["section"]): int(row["n"]) for row in rows}
