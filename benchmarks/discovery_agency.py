"""Discovery on the agency replica, through csto_crawler.discovery alone (no spider, no reader).

Prints, against the replica's gold: CSTO articles found from the two tag pages walked through
their "Load more" links (HTML pages) and through the JSON behind them; what the RSS feeds and the
news sitemap give; and a walk of every listing-like page from the home page (sections, tags,
archive, pagers; articles counted, not fetched) with the endless-space budget, counting the
requests that went into the day-by-day archive.

    python benchmarks/discovery_agency.py [--replica ../shared/replica] [--max-pages 3000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, deque
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit

from lxml import html

from csto_crawler.discovery.canonical import canonical_url
from csto_crawler.discovery.feeds import parse_feed
from csto_crawler.discovery.learner import PageKind, UrlShapeLearner
from csto_crawler.discovery.listing import read_listing
from csto_crawler.discovery.loadmore import read_json_listing
from csto_crawler.discovery.pager import PageKind as WayOn
from csto_crawler.discovery.traps import TrapBudget, trap_space
from csto_crawler.pages.sitemap import parse_sitemap
from csto_crawler.sources import Source

REPO = Path(__file__).resolve().parent.parent
DISALLOWED = ("/search/", "/login/")  # the replica's robots.txt, read by eye: this script is no crawler


class Agency:
    """agency_serve.py on a free port, stopped by PID."""

    def __init__(self, replica: Path) -> None:
        self.replica = replica
        self.process: subprocess.Popen[str] | None = None
        self.base = ""

    def __enter__(self) -> Agency:
        command = [sys.executable, str(self.replica / "agency_serve.py"), "--port", "0"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        if self.process.stdout is None:
            raise RuntimeError("agency_serve.py gave no output")
        self.base = self.process.stdout.readline().split()[-1]
        self.process.stdout.readline()  # "ready"
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)


def gold(replica: Path) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gold.jsonl"
        command = [sys.executable, str(replica / "agency_serve.py"), "--port", "0", "--dump-gold", str(path)]
        subprocess.run(command, check=True, capture_output=True)
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


class Fetcher:
    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()

    def get(self, url: str, kind: str) -> bytes | None:
        self.requests[kind] += 1
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (127.0.0.1 replica)
                return bytes(response.read())
        except HTTPError:
            return None


def walk_tag(fetcher: Fetcher, source: Source, start: str, via_json: bool) -> set[str]:
    """Main-list candidates of a tag page and every page behind its Load more link (or its JSON)."""
    found: set[str] = set()
    url: str | None = start
    while url:
        body = fetcher.get(url, "tag-json" if via_json and url != start else "tag-html")
        if body is None:
            break
        if via_json and url != start:
            listing = read_json_listing(body, url)
            items = [canonical_url(i.url, source) for i in listing.items]
            url = listing.next_url
        else:
            reading = read_listing(html.fromstring(body, base_url=url), url, source.owns)
            items = [canonical_url(c.url, source) for c in reading.main()]
            kinds = (WayOn.API,) if via_json else (WayOn.REL_NEXT, WayOn.NUMBERED, WayOn.LOAD_MORE, WayOn.NEXT_LABEL)
            url = next((p.url for p in reading.next_pages if p.kind in kinds), None)
        if not items:
            break  # past the end: a page with no items
        found.update(items)
    return found


def walk_listings(fetcher: Fetcher, source: Source, home: str, max_pages: int) -> tuple[set[str], TrapBudget]:
    """Every listing-like page reachable from home; articles are counted, never fetched."""
    budget, learner = TrapBudget(source.max_trap_requests), UrlShapeLearner()
    queue, seen, articles = deque([home]), {home}, set()
    while queue and fetcher.requests["walk"] < max_pages:
        url = queue.popleft()
        body = fetcher.get(url, "walk")
        if body is None:
            continue
        if trap_space(url):
            fetcher.requests["walk-in-trap"] += 1
        reading = read_listing(html.fromstring(body, base_url=url), url, source.owns)
        articles.update(canonical_url(c.url, source) for c in reading.candidates)
        links = [a.get("href", "") for a in html.fromstring(body, base_url=url).iter("a")]
        nexts = [p.url for p in reading.next_pages if p.kind is not WayOn.API]
        for link in [*nexts, *(urljoin(url, h) for h in links if h)]:
            link = canonical_url(link, source)
            verdict = learner.classify(link)
            if link in seen or not source.owns(link) or verdict.kind is PageKind.ARTICLE:
                continue
            if any(part in urlsplit(link).path for part in DISALLOWED) or link.endswith(".xml"):
                continue
            seen.add(link)
            if budget.admit(link):
                queue.append(link)
    return articles, budget


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replica", type=Path, default=REPO / ".." / "shared" / "replica")
    parser.add_argument("--max-pages", type=int, default=3000)
    args = parser.parse_args()
    rows = gold(args.replica)
    csto = {(r["lang"], r["path"]) for r in rows if r["about_csto"]}
    everything = {(r["lang"], r["path"]) for r in rows}
    with Agency(args.replica) as agency:
        source = Source(name="agency", home=f"{agency.base}/")

        def keys(urls: set[str]) -> set[tuple[str, str]]:
            return {(urlsplit(u).path.split("/")[1], urlsplit(u).path) for u in urls}

        for via_json in (False, True):
            fetcher, found = Fetcher(), set()
            started = time.perf_counter()
            for start in ("/ru/tag/odkb/", "/en/tag/csto/"):
                found |= walk_tag(fetcher, source, agency.base + start, via_json)
            got = keys(found)
            print(
                f"tag pages via {'JSON' if via_json else 'HTML Load more'}: {len(got & csto)}/{len(csto)} CSTO "
                f"articles, {len(got - csto)} others, {sum(fetcher.requests.values())} requests, "
                f"{time.perf_counter() - started:.2f} s"
            )
        fetcher = Fetcher()
        for lang in ("ru", "en"):
            feed_url = f"{agency.base}/{lang}/rss.xml"
            feed = parse_feed(fetcher.get(feed_url, "feed") or b"", feed_url)
            print(f"rss {lang}: {len(feed.entries)} entries, {len(keys({e.url for e in feed.entries}) & csto)} CSTO")
        news = parse_sitemap(fetcher.get(f"{agency.base}/news-sitemap.xml", "sitemap") or b"")
        print(f"news sitemap: {len(news.entries)} URLs, {len(news.news)} with news fields")
        fetcher = Fetcher()
        articles, budget = walk_listings(fetcher, source, f"{agency.base}/ru/", args.max_pages)
        got = keys(articles)
        print(
            f"listing walk from home: {fetcher.requests['walk']} pages, {fetcher.requests['walk-in-trap']} of them in "
            f"the day archive (budget {budget.limit} per host; refused {sum(budget.refused.values())} links), "
            f"articles seen {len(got & everything)}/{len(everything)} (CSTO {len(got & csto)}/{len(csto)})"
        )


if __name__ == "__main__":
    main()
