"""Extraction speed and quality: our page extraction against trafilatura on the same saved pages.

Pages: the detail pages of a replica (``--scale S`` synthetic articles per language on top of the
corpus, every quirk included), fetched once into ``--pages-dir`` (a temporary folder by default).
Extractors, each timed over all pages ``--repeats`` times (median of the totals, alternating order):

* ours: bytes + headers -> HtmlResponse -> ArticlePage.to_item -> NormalizeDates + StripBoilerplate
  pipelines -> body_text (the crawl's own path, encoding detection included);
* trafilatura.extract(html) with defaults, and with fast=True (given the page already decoded to str).

Quality: body token F1 against the replica's gold body, with the replica's own ``score.f1``.

Example:
  python benchmarks/extraction.py --scale 100 --repeats 5
"""

from __future__ import annotations

import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import add_page_options, median, save_results, script_parser
from replica import load_score
from saved_pages import SavedPage, ensure_pages, extract_body

TARGET_SPEEDUP = 3.0
F1_FLOOR = 0.95  # score.py's own threshold for "a page extracted well"

Extractor = Callable[[SavedPage, str], str]


def extractors() -> dict[str, Extractor]:
    import trafilatura  # the bench extra: pip install -e .[bench]

    return {
        "ours": lambda page, _text: extract_body(page),
        "trafilatura": lambda _page, text: trafilatura.extract(text) or "",
        "trafilatura fast": lambda _page, text: trafilatura.extract(text, fast=True) or "",
    }


def time_once(extract: Extractor, pages: list[SavedPage], texts: list[str]) -> float:
    gc.collect()
    started = time.perf_counter()
    for page, text in zip(pages, texts, strict=True):
        extract(page, text)
    return time.perf_counter() - started


def quality(extract: Extractor, pages: list[SavedPage], texts: list[str], f1: Callable[[str, str], float]) -> dict:
    scores = [f1(extract(page, text), page.gold["body"] or "") for page, text in zip(pages, texts, strict=True)]
    worst = sorted(zip(scores, (p.gold["path"] for p in pages), strict=True))[:3]
    return {
        "f1_mean": round(statistics.fmean(scores), 4),
        "f1_min": round(min(scores), 4),
        "below_0_95": sum(s < F1_FLOOR for s in scores),
        "worst": [{"f1": round(s, 4), "path": p} for s, p in worst],
    }


def measure(pages: list[SavedPage], repeats: int, f1: Callable[[str, str], float]) -> dict[str, Any]:
    texts = [page.text() for page in pages]  # trafilatura gets str; ours decodes inside its timing
    candidates = extractors()
    for extract in candidates.values():  # warm caches and lazy imports outside the timing
        extract(pages[0], texts[0])
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for n in range(repeats):
        names = list(candidates) if n % 2 == 0 else list(reversed(candidates))
        for name in names:
            times[name].append(time_once(candidates[name], pages, texts))
    rows = {}
    for name, extract in candidates.items():
        total = median(times[name])
        rows[name] = {
            "pages_per_s": round(len(pages) / total, 1),
            "ms_per_page": round(1000 * total / len(pages), 3),
            **quality(extract, pages, texts, f1),
        }
    return rows


def report(rows: dict[str, Any], n_pages: int) -> dict[str, Any]:
    print(f"{n_pages} pages; median of the repeats")
    print(f"{'extractor':<18} {'pages/s':>9} {'ms/page':>8} {'F1 mean':>8} {'F1 min':>7} {'<0.95':>6}")
    for name, row in rows.items():
        print(
            f"{name:<18} {row['pages_per_s']:>9.1f} {row['ms_per_page']:>8.3f} {row['f1_mean']:>8.4f}"
            f" {row['f1_min']:>7.4f} {row['below_0_95']:>6}"
        )
    ours, default = rows["ours"], rows["trafilatura"]
    speedup = ours["pages_per_s"] / default["pages_per_s"]
    fast_speedup = ours["pages_per_s"] / rows["trafilatura fast"]["pages_per_s"]
    better = ours["f1_mean"] > max(default["f1_mean"], rows["trafilatura fast"]["f1_mean"])
    verdict = "PASS" if speedup >= TARGET_SPEEDUP and better else "FAIL"
    print(
        f"ours vs trafilatura default: {speedup:.1f}x pages/s (target >= {TARGET_SPEEDUP}x), vs fast=True:"
        f" {fast_speedup:.1f}x; F1 {ours['f1_mean']:.4f} vs {default['f1_mean']:.4f} / "
        f"{rows['trafilatura fast']['f1_mean']:.4f} {verdict}"
    )
    for name, row in rows.items():
        print(f"  worst {name}: " + ", ".join(f"{w['f1']:.3f} {w['path']}" for w in row["worst"]))
    return {
        "speedup_vs_default": round(speedup, 2),
        "speedup_vs_fast": round(fast_speedup, 2),
        "pass": verdict == "PASS",
    }


def main() -> None:
    parser = script_parser(__doc__, scale=100)
    add_page_options(parser)
    parser.add_argument("--repeats", type=int, default=5, help="timed passes per extractor (default 5)")
    args = parser.parse_args()
    f1 = load_score(args.replica).f1
    with tempfile.TemporaryDirectory(prefix="csto-pages-") as tmp:
        folder = args.pages_dir or Path(tmp)
        pages = ensure_pages(args.replica, folder, args.scale, args.pages)
        rows = measure(pages, args.repeats, f1)
    verdict = report(rows, len(pages))
    if args.save:
        data = {"scale": args.scale, "pages": len(pages), "repeats": args.repeats, "extractors": rows, **verdict}
        print(f"saved {save_results(args.save, data)}")


if __name__ == "__main__":
    main()
