"""Pipeline cost per page: CPU ms per article page split into parse, clean and archive write.

On the same saved detail pages as extraction.py (fetched from a replica once), single process:

* parse: bytes + headers -> HtmlResponse -> ArticlePage.to_item (lxml parse, selectors, body tree);
* clean: NormalizeDatesPipeline + StripBoilerplatePipeline;
* archive write: ArchiveWriter.write_batch in batches of CSTO_WRITE_BATCH_SIZE into a fresh archive
  (snapshot blob + zstd, fetch row, article + version rows, FTS index of stemmed text, one
  transaction per batch).

Each stage is timed with process CPU time (median of ``--repeats``), then profiled once with cProfile:
the functions with the most own time, and own time grouped by library, say where the time goes.
The rest of a crawl's CPU per page is Scrapy itself: see crawl_throughput.py (bare spider CPU ms/page).

Example:
  python benchmarks/pipeline_cost.py --scale 100 --repeats 5
"""

from __future__ import annotations

import copy
import cProfile
import pstats
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import add_page_options, median, save_results, script_parser
from saved_pages import SavedPage, clean_item, ensure_pages, extract_item

from csto_crawler import settings as project_settings
from csto_crawler.archive.store import ArchiveWriter
from csto_crawler.items import ArticleItem

# Own time of these path fragments is grouped under one name in the "by library" line.
AREAS = (
    ("csto_crawler", "csto_crawler"),
    ("parsel", "parsel"),
    ("cssselect", "cssselect"),
    ("lxml", "lxml"),
    ("sqlalchemy", "sqlalchemy"),
    ("dataset", "dataset"),
    ("snowballstemmer", "snowballstemmer"),
    ("scrapy", "scrapy"),
    ("w3lib", "w3lib"),
    ("sqlite3", "sqlite3"),
    ("zstd", "zstd"),
    ("sha256", "hashlib"),
    ("re.Pattern", "re"),
)


def stage_parse(pages: list[SavedPage]) -> list[ArticleItem]:
    return [extract_item(page) for page in pages]


def stage_clean(items: list[ArticleItem]) -> list[ArticleItem]:
    return [clean_item(item) for item in items]


def stage_write(items: list[ArticleItem], folder: Path) -> None:
    path = folder / f"bench-{time.monotonic_ns()}.sqlite"
    writer = ArchiveWriter.open(path)
    run_id = writer.begin_run("full", {})
    size = project_settings.CSTO_WRITE_BATCH_SIZE
    for start in range(0, len(items), size):
        writer.write_batch(items[start : start + size], run_id)
    writer.finish_run(run_id, "finished")
    writer.close()


def cpu_time(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.process_time()
    result = function()
    return time.process_time() - started, result


def area_of(filename: str, name: str) -> str:
    where = f"{filename}:{name}"
    for fragment, area in AREAS:
        if fragment in where:
            return area
    return "python/other"


def profile(function: Callable[[], Any], top: int) -> dict[str, Any]:
    profiler = cProfile.Profile()
    profiler.runcall(function)
    stats = pstats.Stats(profiler)
    rows = stats.stats  # type: ignore[attr-defined]  # {(file, line, name): (cc, nc, tt, ct, callers)}
    total = sum(row[2] for row in rows.values()) or 1.0
    by_area: Counter[str] = Counter()
    for (filename, _, name), row in rows.items():
        by_area[area_of(filename, name)] += row[2]
    functions = sorted(rows.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return {
        "by_area": {area: round(100 * t / total, 1) for area, t in by_area.most_common()},
        "top": [
            {"function": f"{Path(f).name}:{line}({name})", "calls": row[1], "own_pct": round(100 * row[2] / total, 1)}
            for (f, line, name), row in functions
        ],
    }


def measure(pages: list[SavedPage], repeats: int, work: Path, top: int) -> dict[str, Any]:
    times: dict[str, list[float]] = {"parse": [], "clean": [], "archive write": []}
    for _ in range(repeats):
        seconds, items = cpu_time(lambda: stage_parse(pages))
        times["parse"].append(seconds)
        seconds, items = cpu_time(lambda items=items: stage_clean(items))
        times["clean"].append(seconds)
        seconds, _ = cpu_time(lambda items=items: stage_write(items, work))
        times["archive write"].append(seconds)
    raw_items = stage_parse(pages)
    items = stage_clean(copy.deepcopy(raw_items))
    profiles = {
        "parse": profile(lambda: stage_parse(pages), top),
        "clean": profile(lambda: stage_clean(raw_items), top),
        "archive write": profile(lambda: stage_write(items, work), top),
    }
    return {
        stage: {"cpu_ms_per_page": round(1000 * median(t) / len(pages), 3), **profiles[stage]}
        for stage, t in times.items()
    }


def report(stages: dict[str, Any], n_pages: int) -> None:
    total = sum(s["cpu_ms_per_page"] for s in stages.values())
    print(f"{n_pages} article pages; CPU ms per page (median of the repeats)")
    for name, stage in stages.items():
        share = 100 * stage["cpu_ms_per_page"] / total
        print(f"  {name:<14} {stage['cpu_ms_per_page']:>7.3f} ms  {share:>5.1f} %")
    print(f"  {'total':<14} {total:>7.3f} ms")
    for name, stage in stages.items():
        print(f"\n{name}: own time by library: " + ", ".join(f"{a} {p}%" for a, p in stage["by_area"].items()))
        for row in stage["top"]:
            print(f"  {row['own_pct']:>5.1f} %  {row['calls']:>7}  {row['function']}")


def main() -> None:
    parser = script_parser(__doc__, scale=100)
    add_page_options(parser)
    parser.add_argument("--repeats", type=int, default=5, help="timed passes (default 5)")
    parser.add_argument("--top", type=int, default=12, help="functions listed per stage (default 12)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csto-cost-") as tmp:
        folder = args.pages_dir or Path(tmp) / "pages"
        pages = ensure_pages(args.replica, folder, args.scale, args.pages)
        stages = measure(pages, args.repeats, Path(tmp), args.top)
    report(stages, len(pages))
    if args.save:
        print(f"saved {save_results(args.save, {'scale': args.scale, 'pages': len(pages), 'stages': stages})}")


if __name__ == "__main__":
    main()
