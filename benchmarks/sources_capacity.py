"""How many sources one machine holds: reading speed per core, memory per source (docs/decisions/0014).

1. Reading: the agency replica's article pages (``--scale S`` synthetic articles per language on top
   of its 600), fetched once into ``--pages-dir`` (a temporary folder by default; an existing folder
   is read as it is), each read by the path every source's articles take
   (``extraction.extract_page``: the reading chain, the generic reader included, then the pipelines'
   date and boilerplate cleaning and quality checks; bytes + headers in) and by
   ``trafilatura.extract`` (default and ``fast=True``, given the decoded ``str``). All pages per
   pass, ``--repeats`` passes alternating, median. pages/s is wall time; pages per CPU second is
   pages/s per core (one thread reads). Body token F1 against the replica's gold with
   ``agency_score.f1``; which reader answered, per page.
2. Memory: ``csto crawl --full`` of 1, 2, 4 ... agency sources at once (``--sources``), each replica
   instance on its own port a source of its own (``csto sources add aN URL --start URL/ru/tag/odkb/
   --start URL/en/tag/csto/``) with its own ``--seed N`` (other news: copies of one replica repeat
   every body, and a body repeated across three pages is held as a stand-in, decision 0015), fresh
   archive, politeness off (measure.FAST_SETTINGS): peak RSS of the crawl process, pages, articles
   and held pages, CPU ms per fetched page (every process of the crawl).
3. Polite (``--polite-seconds T``, 0 skips): the largest set of sources crawled with the default
   settings for T seconds (CLOSESPIDER_TIMEOUT), then once more with each ``--polite-set NAME=VALUE``;
   ``--latency-ms N`` makes every replica answer after N ms (``agency_serve.py --delay-ms``), as a
   distant server would: requests per second per source, and the share of a core the crawl used.
   ``--polite-only`` runs only these.
Then the arithmetic of the default delay: requests per second per host, pages per day per source.

Example:
  python benchmarks/sources_capacity.py --sources 1,2,4,8 --repeats 5 --polite-seconds 120
  python benchmarks/sources_capacity.py --polite-only --sources 8 --polite-seconds 60 --latency-ms 1000 \\
      --polite-set CONCURRENT_REQUESTS=16
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.util
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from measure import FAST_SETTINGS, RunResult, median, run_child, save_results, script_parser
from replica import ReplicaError, fetch

from csto_crawler import settings as defaults
from csto_crawler.extraction import PageError, extract_page
from csto_crawler.pages.anchored import Hints

FETCHED_AT = dt.datetime(2026, 2, 14, tzinfo=dt.UTC)  # the day after the agency's epoch 1
TAG_STARTS = ("/ru/tag/odkb/", "/en/tag/csto/")  # the acceptance's start pages (issue 22)
SECONDS_PER_DAY = 86_400
# csto crawl's run report on stderr: "2026-12-07 20:23:31 run 1 finished in 3.5s: 263 pages fetched, 0 failed"
RUN_REPORT_RE = re.compile(r"run \d+ \w+ in ([\d.]+)s: (\d+) pages fetched")


class Agency:
    """One ``agency_serve.py`` on a free port, stopped by its PID."""

    def __init__(self, folder: Path, scale: int, seed: int = 1, latency_ms: int = 0) -> None:
        script = folder / "agency_serve.py"
        if not script.is_file():
            raise ReplicaError(f"no agency replica at {folder} (expected agency_serve.py; pass --replica PATH)")
        command = [sys.executable, str(script), "--port", "0", "--scale", str(scale), "--seed", str(seed)]
        command += ["--delay-ms", str(latency_ms)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.base = ""
        for line in iter(self.process.stdout.readline if self.process.stdout else str, ""):
            name, _, value = line.strip().partition(" ")
            if name == "agency":
                self.base = value.rstrip("/")
            elif name == "ready":
                return
        self.stop()
        raise ReplicaError(f"agency_serve.py --scale {scale} exited before it was ready")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def agency_gold(folder: Path, scale: int, out: Path) -> list[dict[str, Any]]:
    command = [sys.executable, str(folder / "agency_serve.py"), "--port", "0", "--scale", str(scale)]
    subprocess.run([*command, "--dump-gold", str(out)], check=True, capture_output=True)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_agency_score(folder: Path) -> ModuleType:
    """The replica's agency_score.py (for ``f1``): one scoring function for every extractor."""
    spec = importlib.util.spec_from_file_location("agency_score", folder / "agency_score.py")
    if spec is None or spec.loader is None:
        raise ReplicaError(f"cannot load {folder / 'agency_score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_pages(replica: Path, folder: Path, scale: int, limit: int) -> list[dict[str, Any]]:
    """Pages of ``folder`` (``pages.json`` + NNNNN.html), fetched from a fresh agency replica if it holds none."""
    if not (folder / "pages.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        records = agency_gold(replica, scale, folder / "gold.jsonl")
        if limit:
            records = records[:: max(1, len(records) // limit)][:limit]
        agency, saved = Agency(replica, scale), []
        try:
            for n, record in enumerate(records):
                status, headers, body = fetch(agency.base + record["path"])
                (folder / f"{n:05d}.html").write_bytes(body)
                saved.append(
                    {
                        "file": f"{n:05d}.html",
                        "url": agency.base + record["path"],
                        "status": status,
                        "headers": headers,
                        "body": record["body"],
                        "about_csto": record["about_csto"],
                    }
                )
        finally:
            agency.stop()
        (folder / "pages.json").write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
    meta = json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    pages = [m | {"bytes": (folder / m["file"]).read_bytes()} for m in meta if m["status"] == 200]
    return pages[:limit] if limit else pages


def ours(page: dict[str, Any]) -> dict[str, Any]:
    try:
        return extract_page(page["bytes"], page["url"], page["headers"], fetched_at=FETCHED_AT, hints=Hints())
    except PageError:
        return {"body_text": "", "method": "unreadable"}


def readers() -> dict[str, Callable[[dict[str, Any]], str]]:
    import trafilatura

    return {
        "ours (extract_page)": lambda page: ours(page)["body_text"] or "",
        "trafilatura": lambda page: trafilatura.extract(page["text"]) or "",
        "trafilatura fast": lambda page: trafilatura.extract(page["text"], fast=True) or "",
    }


def time_pass(read: Callable[[dict[str, Any]], str], pages: list[dict[str, Any]]) -> tuple[float, float]:
    """(wall, CPU) seconds of one pass over every page."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        read(page)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure_reading(pages: list[dict[str, Any]], repeats: int, f1: Callable[[str, str], float]) -> dict[str, Any]:
    for page in pages:  # trafilatura's cheapest input; ours decodes inside its timing
        page["text"] = page["bytes"].decode("utf-8", errors="replace")
    candidates = readers()
    for read in candidates.values():  # lazy imports and caches outside the timing
        read(pages[0])
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in candidates}
    for n in range(repeats):
        for name in list(candidates) if n % 2 == 0 else list(reversed(candidates)):
            times[name].append(time_pass(candidates[name], pages))
    rows: dict[str, Any] = {}
    for name, read in candidates.items():
        wall, cpu = median([w for w, _ in times[name]]), median([c for _, c in times[name]])
        scores = [f1(read(page), page["body"] or "") for page in pages]
        rows[name] = {
            "pages_per_s": round(len(pages) / wall, 1),
            "pages_per_cpu_s": round(len(pages) / cpu, 1),
            "ms_per_page": round(1000 * wall / len(pages), 2),
            "f1_mean": round(statistics.fmean(scores), 4),
            "f1_min": round(min(scores), 4),
        }
    rows["ours (extract_page)"]["methods"] = dict(Counter(str(ours(page)["method"]) for page in pages))
    return rows


def print_reading(rows: dict[str, Any], n_pages: int) -> None:
    print(f"\n1. reading {n_pages} agency article pages, median of the passes")
    print(f"{'reader':<22} {'pages/s':>8} {'pages/CPU s':>12} {'ms/page':>8} {'F1 mean':>8} {'F1 min':>7}")
    for name, row in rows.items():
        print(
            f"{name:<22} {row['pages_per_s']:>8.1f} {row['pages_per_cpu_s']:>12.1f} {row['ms_per_page']:>8.2f}"
            f" {row['f1_mean']:>8.4f} {row['f1_min']:>7.4f}"
        )
    ours_row, trafilatura = rows["ours (extract_page)"], rows["trafilatura"]
    print(
        f"ours / trafilatura default: {ours_row['pages_per_cpu_s'] / trafilatura['pages_per_cpu_s']:.2f}x "
        f"per CPU second; readers that answered: {ours_row['methods']}"
    )


def crawl_sources(
    replica: Path, count: int, scale: int, work: Path, settings: list[str], kind: str, latency_ms: int = 0
) -> RunResult:
    """``csto crawl --full`` of ``count`` agency sources at once, each replica on its own port, into a
    fresh archive ``work/<kind>-<count>.sqlite``."""
    label = f"{kind}-{count}"
    archive, log = work / f"{label}.sqlite", work / f"{label}.log"
    agencies: list[Agency] = []
    try:
        for n in range(1, count + 1):
            agencies.append(Agency(replica, scale, seed=n, latency_ms=latency_ms))
            base = agencies[-1].base
            starts = [arg for start in TAG_STARTS for arg in ("--start", base + start)]
            add = [sys.executable, "-m", "csto_crawler", "sources", "add", f"a{n}", f"{base}/", *starts]
            subprocess.run([*add, "--archive", str(archive)], check=True, capture_output=True)
        command = [sys.executable, "-m", "csto_crawler", "crawl", "--archive", str(archive), "--log-file", str(log)]
        command += [arg for n in range(1, count + 1) for arg in ("--source", f"a{n}")]
        command += [arg for setting in settings for arg in ("-s", setting)]
        return run_child(label, [*command, "--full"], log)
    finally:
        for agency in agencies:
            agency.stop()


def crawl_row(result: RunResult, count: int, work: Path) -> dict[str, Any]:
    """The figures of one crawl: pages and seconds from csto's run report (no Scrapy stats dump)."""
    stderr = (work / f"{result.label}.stderr").read_text(encoding="utf-8", errors="replace")
    report = RUN_REPORT_RE.search(stderr)
    seconds, pages = (float(report.group(1)), int(report.group(2))) if report else (float("nan"), 0)
    with sqlite3.connect(work / f"{result.label}.sqlite") as db:
        (articles,) = db.execute("SELECT count(*) FROM articles").fetchone()
        (held,) = db.execute("SELECT count(*) FROM held_pages").fetchone()
    return {
        "sources": count,
        "returncode": result.returncode,
        "pages": pages,
        "articles": articles,
        "held": held,
        "elapsed_s": seconds,
        "pages_per_s": round(pages / seconds, 1),
        "max_rss_mb": result.max_rss_mb,
        "tree_cpu_ms_per_page": round(1000 * result.tree_cpu_s / pages, 2) if pages else float("nan"),
        "cores_busy": round(result.tree_cpu_s / result.wall_s, 2) if result.wall_s else float("nan"),
    }


def rss_slope(rows: list[dict[str, Any]]) -> tuple[float, float]:
    """(MB at zero sources, MB per source): least squares over the crawls."""
    if len(rows) < 2:
        return float("nan"), float("nan")
    fit = statistics.linear_regression([r["sources"] for r in rows], [r["max_rss_mb"] for r in rows])
    return fit.intercept, fit.slope


def print_crawls(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    print(
        f"{'sources':>7} {'rc':>3} {'pages':>6} {'articles':>8} {'secs':>6} {'held':>5} {'pages/s':>8} {'RSS MB':>7}"
        f" {'CPU ms/page':>11} {'cores busy':>10}"
    )
    for r in rows:
        print(
            f"{r['sources']:>7} {r['returncode']:>3} {r['pages']:>6} {r['articles']:>8} {r['elapsed_s']:>6.1f}"
            f" {r['held']:>5}"
            f" {r['pages_per_s']:>8.1f} {r['max_rss_mb']:>7.1f} {r['tree_cpu_ms_per_page']:>11.2f}"
            f" {r['cores_busy']:>10.2f}"
        )


def print_arithmetic(reading: dict[str, Any], crawls: list[dict[str, Any]]) -> dict[str, float]:
    delay = float(defaults.DOWNLOAD_DELAY)
    base_mb, per_source_mb = rss_slope(crawls)
    crawl_ms = round(median([r["tree_cpu_ms_per_page"] for r in crawls]), 2)
    figures = {
        "download_delay_s": delay,
        "requests_per_s_per_source": round(1 / delay, 3),
        "pages_per_day_per_source": round(SECONDS_PER_DAY / delay),
        "rss_mb_base": round(base_mb, 1),
        "rss_mb_per_source": round(per_source_mb, 2),
        "crawl_cpu_ms_per_page": crawl_ms,
        "polite_sources_per_core_by_crawl_cpu": round(1000 / crawl_ms * delay),
        "polite_sources_per_core_by_reading": round(reading["ours (extract_page)"]["pages_per_cpu_s"] * delay),
    }
    print(
        f"\n3. defaults: DOWNLOAD_DELAY {delay} s (AutoThrottle only lengthens it), CONCURRENT_REQUESTS_PER_DOMAIN"
        f" {defaults.CONCURRENT_REQUESTS_PER_DOMAIN}, CONCURRENT_REQUESTS {defaults.CONCURRENT_REQUESTS}"
    )
    print(
        f"per source at most {figures['requests_per_s_per_source']} requests/s = "
        f"{figures['pages_per_day_per_source']:,} pages/day"
    )
    print(f"peak RSS {figures['rss_mb_base']} MB + {figures['rss_mb_per_source']} MB per source (least squares)")
    print(
        f"CPU: a whole crawl {crawl_ms} ms per page -> {figures['polite_sources_per_core_by_crawl_cpu']} polite "
        f"sources per core; reading alone -> {figures['polite_sources_per_core_by_reading']}"
    )
    return figures


def polite_crawls(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    """The most sources crawled for ``--polite-seconds`` with the defaults, then with each ``--polite-set``."""
    count, rows = int(args.sources.split(",")[-1]), []
    for n, extra in enumerate([None, *args.polite_set]):
        settings = [f"CLOSESPIDER_TIMEOUT={args.polite_seconds}", *([extra] if extra else [])]
        result = crawl_sources(args.replica, count, args.scale, work, settings, f"polite{n}", args.latency_ms)
        rows.append(crawl_row(result, count, work) | {"set": extra or "defaults", "latency_ms": args.latency_ms})
        print_crawls(
            f"polite, {extra or 'defaults'}, replicas answer after {args.latency_ms} ms, "
            f"stopped after {args.polite_seconds} s",
            rows[-1:],
        )
        print(f"requests/s per source: {rows[-1]['pages_per_s'] / count:.3f}")
    return rows


def main() -> None:
    parser = script_parser(__doc__, scale=0)
    parser.add_argument("--pages", type=int, default=0, help="read at most this many pages (default: all)")
    parser.add_argument("--pages-dir", type=Path, help="saved pages folder (fetched there when empty)")
    parser.add_argument("--repeats", type=int, default=5, help="timed passes per reader (default 5)")
    parser.add_argument("--sources", default="1,2,4", help="sources per crawl, comma-separated (default 1,2,4)")
    parser.add_argument("--polite-seconds", type=int, default=0, help="polite crawl of the most sources (0: skip)")
    parser.add_argument(
        "--polite-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another polite crawl with this setting (repeatable)",
    )
    parser.add_argument("--latency-ms", type=int, default=0, help="polite crawls: replicas answer after N ms")
    parser.add_argument("--polite-only", action="store_true", help="only the polite crawls")
    parser.add_argument("--work", type=Path, help="keep archives and logs here (default: a temporary folder)")
    args = parser.parse_args()
    data: dict[str, Any] = {"scale": args.scale}
    with tempfile.TemporaryDirectory(prefix="csto-capacity-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not args.polite_only:
            pages = ensure_pages(args.replica, args.pages_dir or Path(tmp, "pages"), args.scale, args.pages)
            data["reading"] = measure_reading(pages, args.repeats, load_agency_score(args.replica).f1)
            data |= {"pages": len(pages), "repeats": args.repeats}
            print_reading(data["reading"], len(pages))
            fast = [f"{name}={value}" for name, value in FAST_SETTINGS.items()]
            counts = [int(part) for part in args.sources.split(",")]
            runs = [(n, crawl_sources(args.replica, n, args.scale, work, fast, "fast")) for n in counts]
            data["crawls"] = [crawl_row(result, n, work) for n, result in runs]
            print_crawls("2. csto crawl --full of N agency sources at once, politeness off", data["crawls"])
        if args.polite_seconds:
            data["polite"] = polite_crawls(args, work)
    if not args.polite_only:
        data["arithmetic"] = print_arithmetic(data["reading"], data["crawls"])
    if args.save:
        print(f"saved {save_results(args.save, data)}")


if __name__ == "__main__":
    main()
