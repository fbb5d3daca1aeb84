"""Archive test data built in code: items as the pipelines hand them to the archive, a pinned clock.

Every archive a test needs is written here into ``tmp_path`` through ArchiveWriter, the way a crawl
writes it; no archive file is ever committed. Items carry what the spider and the cleaning pipelines
would have filled in (raw page bytes in a FetchRecord, ``body_text``, ``published``), so the archive
layer is exercised without Scrapy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

from csto_crawler.archive.database import open_database
from csto_crawler.archive.store import ArchiveWriter, WriteResult
from csto_crawler.items import (
    ArticleItem,
    FetchFailure,
    FetchRecord,
    GoneNotice,
    ListingEntry,
    ListingPageItem,
    SectionWalked,
    SitemapItem,
)

# The replica's "today": every write happens at a time a test chose, never the real clock.
T0 = dt.datetime(2026, 2, 13, 12, 0, tzinfo=dt.UTC)
BASES = {"en": "https://en.odkb-csto.org", "ru": "https://odkb-csto.org"}
SECTION = "news/news_odkb"
TITLE = "The CSTO Secretary General held a meeting with the SCO Secretary General"
BODY = "On 10 February the Secretaries General met in Moscow.\n\nThey discussed regional security."
HTML_HEADERS = {"content-type": "text/html; charset=UTF-8", "server": "nginx", "set-cookie": "PHPSESSID=1"}


class Clock:
    """A clock that moves only when a test moves it."""

    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def article_url(lang: str, slug: str, section: str = SECTION) -> str:
    return f"{BASES[lang]}/{section}/{slug}/"


def listing_url(lang: str, section: str = SECTION, page: int = 1) -> str:
    return f"{BASES[lang]}/{section}/" + (f"?PAGEN_1={page}" if page > 1 else "")


def html_page(title: str, body_text: str, sidebar: str = "") -> bytes:
    """Page bytes as served: the article plus chrome (a sidebar) that changes from day to day."""
    paragraphs = "".join(f"<p>{p}</p>" for p in body_text.split("\n\n"))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<aside>{sidebar}</aside><h1>{title}</h1><div class='news-detail'>{paragraphs}</div></body></html>"
    ).encode()


def fetch_record(
    url: str,
    body: bytes,
    *,
    kind: str = "article",
    lang: str | None = "en",
    status: int = 200,
    at: dt.datetime = T0,
    headers: dict[str, str] | None = None,
) -> FetchRecord:
    return FetchRecord(url, url, status, dict(HTML_HEADERS if headers is None else headers), body, at, kind, lang)


def article_item(
    slug: str = "meeting",
    *,
    lang: str = "en",
    section: str = SECTION,
    title: str = TITLE,
    body_text: str = BODY,
    element_id: str | None = "8573",
    published: str | None = "2026-02-10",
    at: dt.datetime = T0,
    sidebar: str = "",
    **fields: Any,
) -> ArticleItem:
    """An article as the cleaning pipelines leave it (``body_text`` and ``published`` filled in)."""
    url = article_url(lang, slug, section)
    item = ArticleItem(
        url=url,
        lang=lang,
        section=section,
        slug=slug,
        title=title,
        fetch=fetch_record(url, html_page(title, body_text, sidebar), lang=lang, at=at),
        element_id=element_id,
        body_paragraphs=body_text.split("\n\n"),
        body_html="".join(f"<p>{p}</p>" for p in body_text.split("\n\n")),
        body_text=body_text,
        published=published,
        published_raw=published and ".".join(reversed(published[:10].split("-"))),
        published_source="detail" if published else None,
    )
    return dataclasses.replace(item, **fields)  # an unknown field name is a TypeError, not a silent no-op


def listing_item(
    lang: str,
    entries: Iterable[tuple[str, str, str | None]],
    *,
    section: str = SECTION,
    page: int = 1,
    last_page: int = 1,
    at: dt.datetime = T0,
) -> ListingPageItem:
    """A listing page showing ``entries``: (article URL, listed title, listed date) in page order."""
    shown = [ListingEntry(url, url, position, title, date) for position, (url, title, date) in enumerate(entries, 1)]
    url = listing_url(lang, section, page)
    body = "".join(f"<a href='{e.article_url}'>{e.title}</a>" for e in shown).encode()
    return ListingPageItem(
        lang, section, page, last_page, shown, fetch_record(url, body, kind="listing", lang=lang, at=at)
    )


def sitemap_item(lang: str, entries: dict[str, str | None], *, at: dt.datetime = T0, file: int = 1) -> SitemapItem:
    url = f"{BASES[lang]}/sitemap-iblock-{file}.xml"
    body = "".join(f"<url><loc>{u}</loc></url>" for u in entries).encode()
    headers = {"content-type": "application/xml"}
    return SitemapItem(lang, dict(entries), fetch_record(url, body, kind="sitemap", lang=lang, at=at, headers=headers))


def gone_notice(url: str, *, lang: str = "en", status: int = 404, at: dt.datetime = T0) -> GoneNotice:
    return GoneNotice(url, lang, status, fetch_record(url, b"<html>Not found</html>", lang=lang, status=status, at=at))


def fetch_failure(url: str, *, lang: str = "en", attempts: int = 3, error: str = "TimeoutError") -> FetchFailure:
    return FetchFailure(url, lang, "article", error, attempts)


def section_walked(lang: str, section: str = SECTION, last_page: int = 1) -> SectionWalked:
    return SectionWalked(lang, section, last_page)


def open_writer(path: Path, clock: Clock | None = None) -> ArchiveWriter:
    return ArchiveWriter(open_database(path, create=True), clock=clock or Clock())


def write_run(
    path: Path, *batches: list[Any], clock: Clock | None = None, finish: bool = True
) -> tuple[int, list[WriteResult]]:
    """One crawl run: each list of items is one batch; returns the run ID and every write result.

    ``finish=False`` leaves the run unfinished, like a run that was killed."""
    writer = open_writer(path, clock)
    try:
        run_id = writer.begin_run("incremental", {})
        results = [result for batch in batches for result in writer.write_batch(batch, run_id)]
        if finish:
            writer.finish_run(run_id, "finished")
        return run_id, results
    finally:
        writer.close()


def rows(path: Path, sql: str, *params: Any) -> list[dict[str, Any]]:
    """Rows read with plain sqlite3 (not the code under test), as dicts."""
    with closing(sqlite3.connect(path)) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(sql, params)]


def count(path: Path, table: str) -> int:
    return int(rows(path, f"SELECT count(*) AS n FROM {table}")[0]["n"])  # noqa: S608 - a test's fixed table name
