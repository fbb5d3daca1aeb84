"""The Zyte article-extraction benchmark through ``csto extract``, against trafilatura in the same run.

The benchmark (github.com/scrapinghub/article-extraction-benchmark: 181 news pages of 126 sites in
``html/*.html.gz``, ``ground-truth.json``, ``evaluate.py``) is not copied into this repository:
point ``--benchmark`` at a local copy (``git clone``, or ``git archive HEAD html ground-truth.json
evaluate.py | tar x``). The script writes the 181 pages into one WARC with their real URLs
(warcio), then times each extractor as a child process over that WARC, start-up included:

* ``csto extract FILE.warc.gz --format jsonl`` (our whole reading chain; one worker process per
  CPU by default, and ``--workers 1``);
* trafilatura as the benchmark runs it (``extract(html, include_comments=False)``), and in its
  fast mode; readability-lxml and resiliparse when installed (``pip install readability-lxml
  resiliparse``), the other candidates of docs/decisions/0012.

Each output is scored with the benchmark's own ``evaluate.evaluate`` (4-gram shingle F1).

Example:
  python benchmarks/zyte.py --benchmark /tmp/article-extraction-benchmark --repeats 3
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[1]
CANDIDATES = Path(__file__).resolve().parent / "zyte_candidates.py"
# When the pages were captured (the benchmark's pages are of November 2019): no date after it is plausible.
CAPTURED = "2019-12-01T00:00:00Z"
TARGET_F1 = 0.97


def load_evaluate(folder: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("zyte_evaluate", folder / "evaluate.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no evaluate.py in {folder}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_warc(folder: Path, truth: dict[str, Any], path: Path) -> int:
    """One WARC response record per page, with the page's real URL and its bytes as given."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for key, entry in sorted(truth.items()):
            body = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                entry["url"],
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": CAPTURED},
            )
            writer.write_record(record)
    return len(truth)


def commands(python: str, warc: Path) -> dict[str, list[str]]:
    ours = [python, "-m", "csto_crawler", "extract", str(warc), "--format", "jsonl"]
    found = {
        "csto extract": ours,  # one worker process per CPU (the default)
        "csto extract -w1": [*ours, "--workers", "1"],
        "trafilatura": [python, str(CANDIDATES), "trafilatura", str(warc)],
        "trafilatura fast": [python, str(CANDIDATES), "trafilatura-fast", str(warc)],
    }
    for name in ("readability", "resiliparse"):
        module = "readability" if name == "readability" else "resiliparse"
        probe = subprocess.run([python, "-c", f"import {module}"], capture_output=True, check=False)
        if probe.returncode == 0:
            found[name] = [python, str(CANDIDATES), name, str(warc)]
    return found


def run_once(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 4):
        raise SystemExit(f"{command[2:4]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, done.stdout


def predictions(stdout: str, truth: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The benchmark's prediction format, keyed by page, from JSON lines with ``url`` and a body."""
    by_url = {entry["url"]: key for key, entry in truth.items()}
    found = {key: {"articleBody": ""} for key in truth}
    for line in stdout.splitlines():
        row = json.loads(line)
        key = by_url.get(row["url"])
        if key is not None:
            found[key] = {"articleBody": row.get("body_text") or ""}
    return found


def measure(args: argparse.Namespace) -> dict[str, Any]:
    truth = json.loads((args.benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    evaluate = load_evaluate(args.benchmark)
    with tempfile.TemporaryDirectory(prefix="csto-zyte-") as tmp:
        warc = args.warc or Path(tmp) / "zyte.warc.gz"
        pages = write_warc(args.benchmark, truth, warc)
        candidates = commands(args.python, warc)
        times: dict[str, list[float]] = {name: [] for name in candidates}
        outputs: dict[str, str] = {}
        for n in range(args.repeats):  # alternating order: the machine's speed drifts
            names = list(candidates) if n % 2 == 0 else list(reversed(candidates))
            for name in names:
                elapsed, outputs[name] = run_once(candidates[name])
                times[name].append(elapsed)
    rows = {}
    for name, stdout in outputs.items():
        metrics = evaluate.evaluate(truth, predictions(stdout, truth), args.bootstrap)
        seconds = statistics.median(times[name])
        rows[name] = {
            "f1": round(metrics["f1"], 4),
            "precision": round(metrics["precision"], 4),
            "recall": round(metrics["recall"], 4),
            "f1_std": round(metrics["f1_std"], 4),
            "seconds": round(seconds, 2),
            "pages_per_s": round(pages / seconds, 1),
        }
    return {"pages": pages, "repeats": args.repeats, "extractors": rows}


def report(result: dict[str, Any]) -> None:
    rows = result["extractors"]
    print(f"{result['pages']} pages, one WARC; median wall time of {result['repeats']} runs, start-up included")
    print(f"{'extractor':<18} {'F1':>7} {'± std':>6} {'prec.':>7} {'recall':>7} {'pages/s':>8} {'secs':>6}")
    for name, row in rows.items():
        print(
            f"{name:<18} {row['f1']:>7.4f} {row['f1_std']:>6.3f} {row['precision']:>7.4f} {row['recall']:>7.4f}"
            f" {row['pages_per_s']:>8.1f} {row['seconds']:>6.2f}"
        )
    ours, single, theirs = rows["csto extract"], rows["csto extract -w1"], rows["trafilatura"]
    speed = ours["pages_per_s"] / theirs["pages_per_s"]
    verdict = "PASS" if ours["f1"] >= TARGET_F1 and speed >= 1 else "FAIL"
    print(
        f"csto extract: F1 {ours['f1']:.4f} (target >= {TARGET_F1}), {speed:.2f}x trafilatura's pages/s"
        f" ({single['pages_per_s'] / theirs['pages_per_s']:.2f}x with one worker) {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--benchmark", type=Path, required=True, help="local copy of article-extraction-benchmark")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per extractor (default 3)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="evaluate.py's bootstrap samples (default 1000)")
    parser.add_argument("--python", default=sys.executable, help="interpreter with csto_crawler installed")
    parser.add_argument("--warc", type=Path, help="keep the WARC written for the run here")
    parser.add_argument("--save", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()
    result = measure(args)
    report(result)
    if args.save:
        args.save.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
