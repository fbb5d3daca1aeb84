"""The report's aggregate queries over the archive (csto report; no article body is read).

Each returns plain rows; report/data.py shapes them for the figures.
"""

from __future__ import annotations

from typing import Any

from .queries import ArchiveReader
from .tables import PAIRED_WITH
from .version_rows import TIME_ORDER

TOTALS = (
    "SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM versions) AS versions,"
    " (SELECT count(*) FROM articles WHERE version_count > 1) AS edited,"
    " (SELECT count(*) FROM articles WHERE gone_at IS NOT NULL) AS gone,"
    " (SELECT count(*) FROM attachments) AS attachments, (SELECT count(*) FROM crawl_runs) AS runs,"
    " (SELECT min(substr(published, 1, 10)) FROM articles) AS first_published,"
    " (SELECT max(substr(published, 1, 10)) FROM articles) AS last_published,"
    " (SELECT count(*) FROM failures) AS failing_urls"
)
# Per source: the CSTO's rows are labelled by language as before sources; another source's by
# source and language (``agency ru``), so each gets its own line in the plots.
SOURCE_LANG = "CASE WHEN source = 'csto' THEN lang ELSE source || ' ' || lang END"
PER_MONTH = (
    f"SELECT substr(published, 1, 7) AS month, {SOURCE_LANG} AS lang, count(*) AS n FROM articles"  # noqa: S608
    " WHERE published IS NOT NULL GROUP BY month, 2 ORDER BY month, 2"
)
PER_SECTION_MONTH = (
    f"SELECT {SOURCE_LANG} AS lang, section, substr(published, 1, 7) AS month, count(*) AS n"  # noqa: S608
    " FROM articles WHERE published IS NOT NULL GROUP BY 1, section, month"
)
# Every version but the first in time of its article is an edit (an older capture imported later has a
# higher number, but was no edit).
EDITS = (
    "SELECT substr(first_seen_at, 1, 7) AS month, change, count(*) AS n FROM versions v"  # noqa: S608  constants
    f" WHERE v.id != (SELECT f.id FROM versions f WHERE f.article_id = v.article_id ORDER BY {TIME_ORDER} LIMIT 1)"
    " GROUP BY month, change ORDER BY month"
)
EVENTS = (
    "SELECT substr(at, 1, 7) AS month, event, count(*) AS n FROM article_events"
    " WHERE event IN ('gone', 'revived') GROUP BY month, event ORDER BY month"
)
PAIRING = (
    "SELECT substr(a.published, 1, 4) AS year, a.lang, count(*) AS n,"  # noqa: S608  registry names
    f" sum({PAIRED_WITH.ref('a')} IS NOT NULL) AS linked, sum(c.id IS NOT NULL) AS archived"
    f" FROM articles a LEFT JOIN articles c ON c.url = {PAIRED_WITH.ref('a')} AND c.vacated_by IS NULL"
    " WHERE a.published IS NOT NULL GROUP BY year, a.lang ORDER BY year, a.lang"
)
RUNS = (
    "SELECT r.id, r.started_at, r.finished_at, r.mode, r.finish_reason, r.counts, r.exit_code,"
    " (SELECT count(*) FROM fetches f WHERE f.run_id = r.id) AS pages FROM crawl_runs r ORDER BY r.id"
)


def report_rows(reader: ArchiveReader) -> dict[str, list[dict[str, Any]]]:
    """Every aggregate the report shows, by name."""
    queries = {
        "totals": TOTALS,
        "per_month": PER_MONTH,
        "per_section_month": PER_SECTION_MONTH,
        "edits": EDITS,
        "events": EVENTS,
        "pairing": PAIRING,
        "runs": RUNS,
    }
    return {name: reader.query(sql) for name, sql in queries.items()}
