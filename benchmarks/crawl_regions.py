"""Issue 22's figures on the regional test sites (tests/joomla_site.py, tests/bitrix_district_site.py),
crawled as tests/test_crawl_regions.py crawls them (``scrapy crawl news``, no filter, no start page,
politeness off; the Joomla site twice, its accessibility copies at ``?version=vision``, then under
``/eye/``): ``--full`` (coverage, others, duplicates, title, date, date-time, body F1, requests,
requests into the calendar, copies asked for, bodies holding chrome); after a new, an edited and a
deleted article, an incremental run; a run with nothing new; the weekly ``--full`` sweep (tombstones).

    python benchmarks/crawl_regions.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from bitrix_district_site import BitrixDistrictSite  # noqa: E402  the tests' own sites
from crawl_kinds import changes, figures  # noqa: E402  the kinds' figures, same definitions
from joomla_site import JoomlaSite  # noqa: E402
from source_sites import SiteServer, articles, crawl_sources  # noqa: E402
from test_crawl_regions import CHROME, calendar_requests, copy_requests, event_requests  # noqa: E402


def leaks(archive: Path) -> int:
    return sum(any(chrome in row["body_text"] for chrome in CHROME) for row in articles(archive))


def joomla(folder: Path, vision_prefix: str = "") -> None:
    state = JoomlaSite(vision_prefix)
    with SiteServer(state.answer) as site:
        state.base = site.url
        source = [{"name": "asipovichy", "home": f"{site.url}/"}]
        gold = {f"{site.url}{s.path}": (s.title, s.at.isoformat(), "\n\n".join(s.body)) for s in state.live()}
        archive = folder / f"joomla{vision_prefix.strip('/')}.sqlite"
        crawl = crawl_sources(site, archive, source, "CSTO_FULL=1")
        print("joomla, no filter, --full:", figures(archive, gold, crawl, calendar_requests))
        print(f"  copies asked for {len(copy_requests(crawl.requests))}, bodies with chrome {leaks(archive)}")
        added, edited = state.add(20), state.edit(413)
        state.delete(405, 410)
        crawl = crawl_sources(site, archive, source)
        urls = [f"{site.url}{s.path}" for s in (added, edited, state.story(405))]
        print("joomla, incremental:", changes(archive, crawl, *urls))
        quiet = crawl_sources(site, archive, source)
        print(f"joomla, nothing new: exit {quiet.returncode}, requests {len(quiet.requests)}")
        sweep = crawl_sources(site, archive, source, "CSTO_FULL=1")
        print("joomla, weekly --full:", changes(archive, sweep, *urls))


def bitrix(folder: Path) -> None:
    state = BitrixDistrictSite()
    with SiteServer(state.answer) as site:
        state.base = site.url
        source = [{"name": "pinsk", "home": f"{site.url}/"}]
        gold = {f"{site.url}{i.path}": (i.title, i.at.isoformat(), "\n\n".join(i.body)) for i in state.live()}
        archive = folder / "bitrix.sqlite"
        crawl = crawl_sources(site, archive, source, "CSTO_FULL=1")
        print("bitrix, no filter, --full:", figures(archive, gold, crawl, event_requests))
        print(f"  copies asked for {len(copy_requests(crawl.requests))}, bodies with chrome {leaks(archive)}")
        added, edited = state.add(20), state.edit(15)
        state.delete(5, 404)
        crawl = crawl_sources(site, archive, source)
        urls = [f"{site.url}{i.path}" for i in (added, edited, state.item(5))]
        print("bitrix, incremental:", changes(archive, crawl, *urls))
        quiet = crawl_sources(site, archive, source)
        print(f"bitrix, nothing new: exit {quiet.returncode}, requests {len(quiet.requests)}")
        sweep = crawl_sources(site, archive, source, "CSTO_FULL=1")
        print("bitrix, weekly --full:", changes(archive, sweep, *urls))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        joomla(Path(folder))
        print("(the same site, its accessibility copies under /eye/)")
        joomla(Path(folder), "/eye")
        bitrix(Path(folder))


if __name__ == "__main__":
    main()
