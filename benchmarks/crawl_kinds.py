"""Issue 22's figures on the two test sites of other kinds (tests/wordpress_site.py, tests/portal_site.py),
crawled as tests/test_crawl_kinds.py crawls them (``scrapy crawl news`` with the source in
``CSTO_SOURCES``, politeness off):

1. the CSTO start page, ``--full``: coverage, other articles, duplicates, title, date, date-time with
   its offset, body F1 (mean, min), requests, requests into the endless space;
2. the site changes (new, edited, deleted articles), an incremental run: new, versions, tombstones,
   requests; then a run with nothing new: exit code, requests;
3. ``must_mention`` "CSTO|ОДКБ" and no start page, ``--full``: the same figures as 1; then a run
   with nothing new.

    python benchmarks/crawl_kinds.py
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from portal_site import SIGNATURE, PortalSite  # noqa: E402  the tests' own sites
from source_sites import SiteServer, articles, crawl_sources  # noqa: E402
from test_crawl_kinds import body_f1, calendar_requests, date_archive_requests  # noqa: E402
from wordpress_site import WordPressSite  # noqa: E402

MENTIONS_RE = re.compile("CSTO|ОДКБ")


def figures(
    archive: Path, expected: dict[str, tuple[str, str, str]], crawl: Any, trap: Callable[..., list[str]]
) -> str:
    """``expected``: URL -> (title, published, body)."""
    rows = list(articles(archive))
    urls = [row["url"] for row in rows]
    found = {row["url"]: row for row in rows if row["url"] in expected}
    titles = sum(found[u]["title"] == t for u, (t, _, _) in expected.items() if u in found)
    dates = sum((found[u]["published"] or "")[:10] == p[:10] for u, (_, p, _) in expected.items() if u in found)
    stamps = sum(found[u]["published"] == p for u, (_, p, _) in expected.items() if u in found)
    scores = [body_f1(found[u]["body_text"], b) for u, (_, _, b) in expected.items() if u in found]
    n = len(expected)
    return (
        f"coverage {len(found)}/{n}, other {len(set(urls) - set(expected))}, duplicates {len(urls) - len(set(urls))},"
        f" title {titles}/{n}, date {dates}/{n}, date-time+offset {stamps}/{n},"
        f" F1 mean {sum(scores) / max(1, len(scores)):.4f} min {min(scores, default=0):.4f},"
        f" exit {crawl.returncode}, requests {len(crawl.requests)}, into the endless space {len(trap(crawl.requests))}"
    )


def changes(archive: Path, crawl: Any, new: str, edited: str, gone: str) -> str:
    rows = {row["url"]: row for row in articles(archive)}
    versions = sum(row["versions"] for row in rows.values()) - len(rows)
    return (
        f"new archived {new in rows}, edit versions {rows[edited]['versions']},"
        f" tombstone {rows[gone]['gone_at'] is not None}, versions beyond the edit {versions - 1},"
        f" exit {crawl.returncode}, requests {len(crawl.requests)}"
    )


def wordpress(folder: Path) -> None:
    state = WordPressSite()
    with SiteServer(state.answer) as site:
        state.base = site.url
        tagged = [{"name": "vestnik", "home": f"{site.url}/", "start": [f"{site.url}/tag/odkb/"]}]
        gold = {f"{site.url}{p.path}": (p.title, p.at.isoformat(), "\n\n".join(p.paragraphs)) for p in state.live()}
        archive = folder / "wp.sqlite"
        crawl = crawl_sources(site, archive, tagged, "CSTO_FULL=1")
        tags = {f"{site.url}{p.path}" for p in state.live("odkb")}
        print(
            "wordpress, tag start page, --full:",
            figures(archive, {u: gold[u] for u in tags}, crawl, date_archive_requests),
        )
        added, edited = state.add(30, csto=True), state.edit(4)
        state.add(31, csto=False)
        state.delete(8, 410)
        state.edit(3)
        crawl = crawl_sources(site, archive, tagged)
        urls = [f"{site.url}{p.path}" for p in (added, edited, state.post(8))]
        print("wordpress, incremental:", changes(archive, crawl, *urls))
        quiet = crawl_sources(site, archive, tagged)
        print(f"wordpress, nothing new: exit {quiet.returncode}, requests {len(quiet.requests)}")
    state = WordPressSite()
    with SiteServer(state.answer) as site:
        state.base = site.url
        gold = {
            f"{site.url}{p.path}": (p.title, p.at.isoformat(), "\n\n".join(p.paragraphs))
            for p in state.live()
            if MENTIONS_RE.search(" ".join([p.title, *p.paragraphs]))
        }
        source = [{"name": "vestnik", "home": f"{site.url}/", "must_mention": "CSTO|ОДКБ"}]
        archive = folder / "wp-filtered.sqlite"
        crawl = crawl_sources(site, archive, source, "CSTO_FULL=1")
        print("wordpress, must_mention, --full:", figures(archive, gold, crawl, date_archive_requests))
        quiet = crawl_sources(site, archive, source)
        print(f"wordpress, must_mention, nothing new: exit {quiet.returncode}, requests {len(quiet.requests)}")


def gold_of(base: str, items: list[Any]) -> dict[str, tuple[str, str, str]]:
    """The portal's news as the tests expect them read: the signature line ends the body."""
    return {f"{base}{i.path}": (i.title, i.at.isoformat(), "\n\n".join([*i.paragraphs, SIGNATURE])) for i in items}


def portal(folder: Path) -> None:
    state = PortalSite()
    with SiteServer(state.answer) as site:
        state.base = site.url
        tagged = [{"name": "mfa", "home": f"{site.url}/", "start": [f"{site.url}/News/?tag=csto"]}]

        archive = folder / "portal.sqlite"
        crawl = crawl_sources(site, archive, tagged, "CSTO_FULL=1")
        print(
            "portal, tag start page, --full:",
            figures(archive, gold_of(site.url, state.live("csto")), crawl, calendar_requests),
        )
        added, edited = state.add(50, csto=True), state.edit(6)
        state.add(51, csto=False)
        state.delete(10, 404)
        state.edit(7)
        crawl = crawl_sources(site, archive, tagged)
        urls = [f"{site.url}{i.path}" for i in (added, edited, state.news(10))]
        print("portal, incremental:", changes(archive, crawl, *urls))
        quiet = crawl_sources(site, archive, tagged)
        print(f"portal, nothing new: exit {quiet.returncode}, requests {len(quiet.requests)}")
    state = PortalSite()
    with SiteServer(state.answer) as site:
        state.base = site.url
        mentions = [i for i in state.live() if MENTIONS_RE.search(" ".join([i.title, *i.paragraphs]))]
        source = [{"name": "mfa", "home": f"{site.url}/", "must_mention": "CSTO|ОДКБ"}]
        archive = folder / "portal-filtered.sqlite"
        crawl = crawl_sources(site, archive, source, "CSTO_FULL=1")
        print("portal, must_mention, --full:", figures(archive, gold_of(site.url, mentions), crawl, calendar_requests))
        quiet = crawl_sources(site, archive, source)
        print(f"portal, must_mention, nothing new: exit {quiet.returncode}, requests {len(quiet.requests)}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        wordpress(Path(folder))
        portal(Path(folder))


if __name__ == "__main__":
    main()
