"""An article's life events (``article_events``): gone, revived, URL changed; marking an article gone.

Written by the history (a 404, a revival, a moved URL) and by the absence rules (dropped from a
sitemap or a complete listing walk), inside the writer's transaction.
"""

from __future__ import annotations

from enum import StrEnum

from .statements import Statements


class Event(StrEnum):
    """What happened to an article (``article_events.event``)."""

    GONE = "gone"
    REVIVED = "revived"
    URL_CHANGED = "url_changed"
    VERSIONS_RENUMBERED = "versions_renumbered"  # schema 7 gave back numbers an import had moved


def record_event(sql: Statements, aid: str, event: Event, at: str, run_id: int, detail: str | None = None) -> None:
    sql.execute(
        "INSERT INTO article_events (article_id, event, at, run_id, detail) VALUES (:aid, :event, :at, :run, :detail)",
        aid=aid,
        event=event.value,
        at=at,
        run=run_id,
        detail=detail,
    )


def mark_gone(sql: Statements, aid: str, at: str, reason: str, run_id: int, detail: str | None = None) -> None:
    """The site removed the article at ``at``: a tombstone (the row and its versions stay); the event's
    detail is ``reason`` unless given."""
    sql.execute("UPDATE articles SET gone_at = :at, gone_reason = :reason WHERE id = :id", at=at, reason=reason, id=aid)
    record_event(sql, aid, Event.GONE, at, run_id, detail or reason)
