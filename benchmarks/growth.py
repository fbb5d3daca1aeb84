"""Growth: how a full crawl, the archive and an incremental run scale with the size of the site.

For each N in ``--sizes`` (articles per language added to the replica corpus with ``--scale N``):

1. a full ``csto crawl`` into a fresh archive: pages, pages/s, CPU ms/page, peak RSS of the process;
2. the archive: file size per article, and snapshot compression (bytes stored in ``blobs`` against
   the raw bytes of every fetch);
3. ``--incremental`` no-change runs of ``csto crawl`` on the same archive and replica (nothing was
   added or edited): wall time of the whole command, pages fetched, peak RSS.

Example (the full set takes a while; ``--sizes 1k`` is a quick check):
  python benchmarks/growth.py --sizes 1k,5k,20k
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from measure import RunResult, add_crawl_options, csto_crawl_command, median, parse_sizes, run_child, save_results
from replica import DEFAULT_REPLICA, Replica

RSS_LIMIT_MB = 250
COMPRESSION_LIMIT = 0.35


def archive_figures(path: Path) -> dict[str, Any]:
    """Size and compression of an archive file (read-only)."""
    files = [path, path.with_name(path.name + "-wal")]
    size = sum(f.stat().st_size for f in files if f.exists())
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        blob_raw, blob_stored = con.execute("SELECT sum(size), sum(length(data)) FROM blobs").fetchone()
        fetches, fetched = con.execute("SELECT count(*), sum(size) FROM fetches").fetchone()
    finally:
        con.close()
    return {
        "articles": articles,
        "file_mb": round(size / 2**20, 1),
        "kb_per_article": round(size / 1024 / max(1, articles), 1),
        "fetches": fetches,
        "fetched_mb": round(fetched / 2**20, 1),
        "blobs_raw_mb": round(blob_raw / 2**20, 1),
        "blobs_stored_mb": round(blob_stored / 2**20, 1),
        "stored_vs_fetched": round(blob_stored / fetched, 3),
        "stored_vs_unique": round(blob_stored / blob_raw, 3),
    }


def measure_size(options: argparse.Namespace, n: int, work: Path) -> dict[str, Any]:
    checkout = options.checkout
    archive = work / f"growth-{n}.sqlite"
    with Replica(options.replica, n) as replica:
        print(f"N={n}: replica en {replica.en} ru {replica.ru}", flush=True)
        log = work / f"full-{n}.log"
        full = run_child("full", csto_crawl_command(replica.sites, archive, log, options.set), log, cwd=checkout)
        print(
            f"  full crawl: {full.pages} pages in {full.elapsed_s:.1f} s = {full.pages_per_s:.1f} pages/s,"
            f" {full.cpu_ms_per_page:.2f} CPU ms/page, peak RSS {full.max_rss_mb:.1f} MB",
            flush=True,
        )
        after_full = archive_figures(archive)
        print(
            f"  archive: {after_full['articles']} articles, {after_full['file_mb']} MB ="
            f" {after_full['kb_per_article']} KB/article; snapshots stored {after_full['stored_vs_fetched']}x"
            f" the bytes fetched",
            flush=True,
        )
        runs: list[RunResult] = []
        for k in range(options.incremental):
            log = work / f"incremental-{n}-{k}.log"
            runs.append(
                run_child(
                    "incremental", csto_crawl_command(replica.sites, archive, log, options.set), log, cwd=checkout
                )
            )
            print(
                f"  incremental no-change run {k + 1}: {runs[-1].wall_s:.2f} s wall ({runs[-1].elapsed_s:.2f} s in"
                f" Scrapy), {runs[-1].pages} pages, peak RSS {runs[-1].max_rss_mb:.1f} MB",
                flush=True,
            )
    return {
        "n": n,
        "full": full.summary(),
        "archive_after_full": after_full,
        "archive_after_incremental": archive_figures(archive),
        "incremental": [r.summary() for r in runs],
        "incremental_wall_s": median([r.wall_s for r in runs]),
        "incremental_pages": median([r.pages for r in runs]),
    }


def report(rows: list[dict[str, Any]]) -> dict[str, Any]:
    print("\n   N/lang   pages  pages/s  CPU ms/p  RSS MB  KB/article  stored/fetched  incr. s  incr. pages  incr. RSS")
    for row in rows:
        full, arch = row["full"], row["archive_after_full"]
        incr_rss = max((r["max_rss_mb"] for r in row["incremental"]), default=float("nan"))
        print(
            f"{row['n']:>9} {full['pages']:>7} {full['pages_per_s']:>8.1f} {full['cpu_ms_per_page']:>9.2f}"
            f" {full['max_rss_mb']:>7.1f} {arch['kb_per_article']:>11.1f} {arch['stored_vs_fetched']:>15.3f}"
            f" {row['incremental_wall_s']:>8.2f} {row['incremental_pages']:>12.0f} {incr_rss:>10.1f}"
        )
    largest = rows[-1]
    rss_ok = largest["full"]["max_rss_mb"] < RSS_LIMIT_MB
    compression_ok = all(r["archive_after_full"]["stored_vs_fetched"] <= COMPRESSION_LIMIT for r in rows)
    print(
        f"peak RSS at N={largest['n']}: {largest['full']['max_rss_mb']} MB (target < {RSS_LIMIT_MB})"
        f" {'PASS' if rss_ok else 'FAIL'}; snapshots <= {COMPRESSION_LIMIT}x fetched"
        f" {'PASS' if compression_ok else 'FAIL'}"
    )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        grow = last["incremental_wall_s"] / first["incremental_wall_s"]
        rss_grow = last["full"]["max_rss_mb"] - first["full"]["max_rss_mb"]
        print(
            f"from N={first['n']} to N={last['n']}: incremental run time x{grow:.2f},"
            f" full-crawl peak RSS {rss_grow:+.1f} MB"
        )
    return {"rss_pass": rss_ok, "compression_pass": compression_ok}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replica", type=Path, default=DEFAULT_REPLICA, help="replica folder (serve.py)")
    parser.add_argument("--sizes", default="1k,5k,20k", help="articles per language, e.g. 1k,5k,20k (default)")
    parser.add_argument("--incremental", type=int, default=3, help="no-change runs per size (default 3)")
    parser.add_argument("--save", metavar="NAME", help="write benchmarks/results/NAME.json")
    add_crawl_options(parser)
    args = parser.parse_args()
    sizes = parse_sizes(args.sizes)
    with tempfile.TemporaryDirectory(prefix="csto-growth-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows = [measure_size(args, n, work) for n in sizes]
    verdict = report(rows)
    if args.save:
        print(f"saved {save_results(args.save, {'sizes': sizes, 'rows': rows, **verdict})}")


if __name__ == "__main__":
    main()
