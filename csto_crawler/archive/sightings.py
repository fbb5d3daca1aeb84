"""Listing sightings: every time a listing page showed an article, written in one place.

A sighting with the same values as one the ledger holds widens its seen range by its date: a newer
one (a crawl's) moves ``last_seen`` and the lead, an older one (an imported capture) ``first_seen``.
"""

from __future__ import annotations

from ..dates import to_utc_iso
from ..items import ListingPageItem
from .statements import Statements

INSERT = (
    "INSERT INTO listing_sightings (article_url, linked_url, listing_url, lang, section, page, position,"
    " listed_date_raw, listed_title, listed_lead, first_seen_at, last_seen_at, first_run_id, last_run_id)"
    " VALUES (:article, :linked, :listing, :lang, :section, :page, :position, :date, :title, :lead,"
    " :now, :now, :run, :run)"
    " ON CONFLICT (article_url, listing_url, page, position, listed_date_raw, listed_title) DO UPDATE SET"
    " first_run_id = CASE WHEN excluded.first_seen_at < listing_sightings.first_seen_at"
    " THEN excluded.first_run_id ELSE listing_sightings.first_run_id END,"
    " first_seen_at = min(listing_sightings.first_seen_at, excluded.first_seen_at),"
    " last_run_id = CASE WHEN excluded.last_seen_at >= listing_sightings.last_seen_at"
    " THEN excluded.last_run_id ELSE listing_sightings.last_run_id END,"
    " listed_lead = CASE WHEN excluded.last_seen_at >= listing_sightings.last_seen_at"
    " THEN excluded.listed_lead ELSE listing_sightings.listed_lead END,"
    " last_seen_at = max(listing_sightings.last_seen_at, excluded.last_seen_at)"
)


def put_sightings(sql: Statements, item: ListingPageItem, run_id: int) -> None:
    """One row per article the page showed, merged by date with a sighting of the same values."""
    now = to_utc_iso(item.fetch.fetched_at)
    for entry in item.entries:
        sql.execute(
            INSERT,
            article=entry.article_url,
            linked=entry.linked_url,
            listing=item.fetch.url,
            lang=item.lang,
            section=item.section,
            page=item.page,
            position=entry.position,
            date=entry.date_raw or "",
            title=entry.title,
            lead=entry.lead or None,
            now=now,
            run=run_id,
        )
