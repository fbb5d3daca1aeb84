"""Full crawl throughput: our crawl against a bare Scrapy spider fetching the very same URLs.

One replica (``--scale N`` synthetic articles per language on top of the corpus) serves every run.
A warm-up crawl of ours records, through the replica's request log, the exact URL list; then our full
crawl (fresh archive each time) and the bare spider replaying that list run alternately, ``--repeats``
times each (ABBA order, so drift on a shared machine hits both alike). Politeness is off for both;
both obey robots.txt. pages/s = Scrapy's response_received_count / elapsed_time_seconds.

Example:
  python benchmarks/crawl_throughput.py --scale 1000 --repeats 5
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import RunResult, add_crawl_options, csto_crawl_command, median, run_child, save_results, script_parser
from replica import Replica

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 0.8


def url_list(log_path: Path, sites: dict[str, str]) -> list[str]:
    """Every URL the replica was asked for (robots.txt excluded: both crawlers fetch it themselves)."""
    urls = []
    with log_path.open(encoding="utf-8") as fh:
        for line in fh:
            entry = json.loads(line)
            if entry["path"] != "/robots.txt":
                urls.append(sites[entry["host"]] + entry["path"])
    return urls


def run_ours(replica: Replica, work: Path, name: str, options: argparse.Namespace) -> RunResult:
    archive = work / f"{name}.sqlite"
    log = work / f"{name}.log"
    command = csto_crawl_command(replica.sites, archive, log, options.set)
    return with_server_cpu(replica, lambda: run_child("csto crawl", command, log, cwd=options.checkout))


def run_bare(replica: Replica, urls_file: Path, work: Path, name: str) -> RunResult:
    log = work / f"{name}.log"
    command = [sys.executable, str(HERE / "bare_spider.py"), "--urls", str(urls_file), "--log-file", str(log)]
    return with_server_cpu(replica, lambda: run_child("bare scrapy", command, log, cwd=HERE))


def with_server_cpu(replica: Replica, run: Callable[[], RunResult]) -> RunResult:
    """Also record the CPU the replica spent serving the run (both share the machine's cores)."""
    before = replica.cpu_seconds()
    result = run()
    result.server_cpu_s = round(replica.cpu_seconds() - before, 3)
    return result


def print_run(result: RunResult) -> None:
    print(
        f"  {result.label:<12} {result.pages:>7} pages {result.elapsed_s:>8.2f} s {result.pages_per_s:>8.1f} pages/s"
        f" {result.cpu_ms_per_page:>6.2f} CPU ms/page ({result.tree_cpu_ms_per_page:.2f} all processes)"
        f" {result.max_rss_mb:>7.1f} MB peak RSS"
        f" (replica: {result.server_cpu_ms_per_page:.2f} CPU ms/page)",
        flush=True,
    )


def measure(options: argparse.Namespace, work: Path) -> dict[str, Any]:
    replica_dir, scale, repeats = options.replica, options.scale, options.repeats
    requests_log = work / "requests.jsonl"
    with Replica(replica_dir, scale, requests_log) as replica:
        print(f"replica --scale {scale}: en {replica.en} ru {replica.ru}", flush=True)
        warm = run_ours(replica, work, "warm-up", options)
        print_run(warm)
        urls = url_list(requests_log, replica.sites)
        urls_file = work / "urls.txt"
        urls_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
        print(f"URL list: {len(urls)} requests (+ robots.txt) recorded from the warm-up crawl", flush=True)
        ours: list[RunResult] = []
        bare: list[RunResult] = []
        for n in range(repeats):
            order = ("ours", "bare") if n % 2 == 0 else ("bare", "ours")
            for who in order:
                if who == "ours":
                    ours.append(run_ours(replica, work, f"ours-{n}", options))
                    print_run(ours[-1])
                else:
                    bare.append(run_bare(replica, urls_file, work, f"bare-{n}"))
                    print_run(bare[-1])
    ours_pps = median([r.pages_per_s for r in ours])
    bare_pps = median([r.pages_per_s for r in bare])
    ratio = ours_pps / bare_pps
    verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
    # Each round runs ours and bare back to back: their ratio is least touched by the machine's
    # drift (on shared machines both crawlers' speed wandered by a fifth within minutes).
    rounds = [o.pages_per_s / b.pages_per_s for o, b in zip(ours, bare, strict=True)]
    print(f"median pages/s: ours {ours_pps:.1f}, bare {bare_pps:.1f};", end=" ")
    print(f"ratio {ratio:.2f} (target >= {TARGET_RATIO}) {verdict}")
    print(
        "ratio within each round: " + " ".join(f"{r:.2f}" for r in rounds),
        f"(median {median(rounds):.2f}, lowest {min(rounds):.2f})",
    )
    crawlers = {"ours": ours, "bare": bare}
    cpu = {who: round(median([r.cpu_ms_per_page for r in runs]), 2) for who, runs in crawlers.items()}
    tree = {who: round(median([r.tree_cpu_ms_per_page for r in runs]), 2) for who, runs in crawlers.items()}
    server = {who: round(median([r.server_cpu_ms_per_page for r in runs]), 2) for who, runs in crawlers.items()}
    print(
        f"median CPU ms/page: ours {cpu['ours']:.2f}, bare {cpu['bare']:.2f};"
        f" all processes (worker processes included): ours {tree['ours']:.2f}, bare {tree['bare']:.2f};"
        f" replica: ours {server['ours']:.2f}, bare {server['bare']:.2f}"
    )
    return {
        "scale": scale,
        "repeats": repeats,
        "settings": options.set,
        "checkout": str(options.checkout) if options.checkout else None,
        "urls": len(urls),
        "warm_up": warm.summary(),
        "ours": [r.summary() for r in ours],
        "bare": [r.summary() for r in bare],
        "median_pages_per_s": {"ours": round(ours_pps, 1), "bare": round(bare_pps, 1)},
        "median_cpu_ms_per_page": cpu,
        "median_tree_cpu_ms_per_page": tree,
        "median_replica_cpu_ms_per_page": server,
        "ratio": round(ratio, 3),
        "round_ratios": [round(r, 3) for r in rounds],
        "target": TARGET_RATIO,
        "pass": ratio >= TARGET_RATIO,
    }


def main() -> None:
    parser = script_parser(__doc__, scale=1000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each crawler (default 3)")
    add_crawl_options(parser)
    args = parser.parse_args()
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        results = measure(args, args.work)
    else:
        with tempfile.TemporaryDirectory(prefix="csto-bench-") as tmp:
            results = measure(args, Path(tmp))
    if args.save:
        print(f"saved {save_results(args.save, results)}")


if __name__ == "__main__":
    main()
