"""Coverage reconciliation: the archive against the listings and sitemaps it has seen.

Gaps are things to act on: articles a listing or sitemap showed that were never archived, and
live articles that the last complete walk of their listing no longer showed. Observations explain
the shape of the archive without being errors: articles in one language only, articles reached
through sitemaps alone, and the longest stretches of days without any article.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from .queries import ArchiveReader
from .tables import PAIRED_WITH

LONGEST_STRETCHES = 5
EXAMPLES = 20


@dataclass
class CoverageReport:
    listed_not_archived: list[dict[str, Any]] = field(default_factory=list)
    in_sitemap_not_archived: list[dict[str, Any]] = field(default_factory=list)
    no_longer_listed: list[dict[str, Any]] = field(default_factory=list)
    one_language_only: dict[str, int] = field(default_factory=dict)
    never_listed: int = 0
    empty_stretches: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)

    @property
    def gaps(self) -> int:
        return len(self.listed_not_archived) + len(self.in_sitemap_not_archived) + len(self.no_longer_listed)


def coverage_report(reader: ArchiveReader) -> CoverageReport:
    report = CoverageReport()
    report.listed_not_archived = reader.query(
        "SELECT s.article_url AS url, s.lang, max(s.last_seen_at) AS last_listed, f.error"
        " FROM listing_sightings s LEFT JOIN failures f ON f.url = s.article_url"
        " WHERE s.article_url NOT IN (SELECT url FROM articles UNION SELECT url FROM url_aliases)"
        " GROUP BY s.article_url ORDER BY s.article_url"
    )
    report.in_sitemap_not_archived = reader.query(
        "SELECT e.url, e.lang, e.lastmod, f.error FROM sitemap_entries e LEFT JOIN failures f ON f.url = e.url"
        " WHERE e.url NOT IN (SELECT url FROM articles UNION SELECT url FROM url_aliases)"
        " AND e.url NOT IN (SELECT url FROM fetches WHERE kind = 'other')"
        " AND e.url IN (SELECT s.url FROM sitemap_entries s JOIN sitemap_files f ON f.url = s.sitemap_url"
        "   WHERE s.last_run_id = f.parsed_run_id"
        "   AND f.confirmed_run_id = (SELECT max(confirmed_run_id) FROM sitemap_files x WHERE x.lang = f.lang))"
        " ORDER BY e.url"
    )
    report.no_longer_listed = reader.query(
        "SELECT a.id, a.url, a.lang, max(s.last_run_id) AS last_listed_run, w.run_id AS last_walk_run"
        " FROM articles a JOIN listing_sightings s ON s.article_url = a.url"
        " JOIN section_walks w ON w.lang = s.lang AND w.section = s.section"
        " WHERE a.gone_at IS NULL AND a.vacated_by IS NULL GROUP BY a.id HAVING max(s.last_run_id) < max(w.run_id)"
        " ORDER BY a.url"
    )
    rows = reader.query(
        f"SELECT a.lang, count(*) AS n FROM articles a WHERE a.gone_at IS NULL AND {PAIRED_WITH.ref('a')} IS NULL"  # noqa: S608
        " AND NOT EXISTS (SELECT 1 FROM articles b WHERE b.lang != a.lang AND b.section = a.section"
        " AND b.slug = a.slug) GROUP BY a.lang"
    )
    report.one_language_only = {r["lang"]: int(r["n"]) for r in rows}
    never = reader.query(
        "SELECT count(*) AS n FROM articles a WHERE NOT EXISTS"
        " (SELECT 1 FROM listing_sightings s WHERE s.article_url = a.url)"
    )
    report.never_listed = int(never[0]["n"])
    report.empty_stretches = _empty_stretches(reader)
    return report


def _empty_stretches(reader: ArchiveReader) -> dict[str, list[tuple[str, str, int]]]:
    """Per language, the longest runs of days with no article published: (after, before, days)."""
    out: dict[str, list[tuple[str, str, int]]] = {}
    rows = reader.query(
        "SELECT DISTINCT lang, substr(published, 1, 10) AS day FROM articles WHERE published IS NOT NULL"
        " ORDER BY lang, day"
    )
    days: dict[str, list[dt.date]] = {}
    for row in rows:
        days.setdefault(row["lang"], []).append(dt.date.fromisoformat(row["day"]))
    for lang, seq in days.items():
        gaps = [(a.isoformat(), b.isoformat(), (b - a).days - 1) for a, b in itertools.pairwise(seq)]
        out[lang] = sorted((g for g in gaps if g[2] > 0), key=lambda g: -g[2])[:LONGEST_STRETCHES]
    return out
