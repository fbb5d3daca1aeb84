"""Crawls as child processes, measured alike: wall and CPU time, peak RSS, Scrapy's own stats.

Our crawl is the real ``csto crawl`` command (``python -m csto_crawler crawl``); the baseline is
``bare_spider.py``. Both write a Scrapy log whose final stats dump gives ``response_received_count``
and ``elapsed_time_seconds`` (spider opened -> closed), so pages/s has one definition for both.
Peak RSS and CPU come from ``os.wait4`` on the child (``ru_maxrss`` of that process alone).
``ProcessTreeCpu`` also samples ``/proc`` for every process the child starts (our worker
processes come from a fork server that ``wait4`` does not always account for), so the CPU of
the whole crawl, workers included, is known too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from replica import DEFAULT_REPLICA

RESULTS = Path(__file__).resolve().parent / "results"
# Politeness off, as in the issue; the same values go to the bare spider.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "CONCURRENT_REQUESTS": "32",
}
# --checkout: `python -m csto_crawler` started in a checkout imports that checkout's package first
# (the editable install's finder comes after the current directory), e.g. `git worktree add ../base <rev>`.
CHECKOUT_HELP = "run csto from this git checkout instead (before/after comparisons)"
SET_HELP = "extra Scrapy setting NAME=VALUE for our crawl (repeatable)"
# One numeric line of Scrapy's final stats dump: " 'elapsed_time_seconds': 22.94,"
STAT_RE = re.compile(r"^\s*'([\w/.-]+)': (-?\d+(?:\.\d+)?),?\}?$")
# The last line of csto crawl's run report header: "run 1 finished in 23.3s: 2595 pages fetched, 0 failed"
REPORT_RE = re.compile(r"^run (\d+) (\w+) in ([\d.]+)s: (\d+) pages fetched, (\d+) failed")


KEPT_STATS = (
    "response_received_count",
    "elapsed_time_seconds",
    "item_scraped_count",
    "downloader/response_bytes",
    "log_count/WARNING",
    "log_count/ERROR",
)


@dataclass
class RunResult:
    label: str
    returncode: int
    wall_s: float  # the whole process, interpreter start-up included
    cpu_s: float  # user + system CPU of the process
    max_rss_mb: float
    stats: dict[str, float] = field(default_factory=dict)
    report: str = ""
    server_cpu_s: float = 0.0  # CPU the replica spent meanwhile, when measured
    tree_cpu_s: float = float("nan")  # the child and every process it started (/proc samples)

    @property
    def pages(self) -> int:
        return int(self.stats.get("response_received_count", 0))

    @property
    def elapsed_s(self) -> float:
        return float(self.stats.get("elapsed_time_seconds", float("nan")))

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.elapsed_s if self.elapsed_s else float("nan")

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_s / self.pages if self.pages else float("nan")

    @property
    def tree_cpu_ms_per_page(self) -> float:
        return 1000 * self.tree_cpu_s / self.pages if self.pages else float("nan")

    @property
    def server_cpu_ms_per_page(self) -> float:
        return 1000 * self.server_cpu_s / self.pages if self.pages else float("nan")

    def summary(self) -> dict[str, Any]:
        """What the results files keep: the measures and a few of Scrapy's stats."""
        return {
            **asdict(self),
            "stats": {k: v for k, v in self.stats.items() if k in KEPT_STATS},
            "pages": self.pages,
            "elapsed_s": round(self.elapsed_s, 3),
            "pages_per_s": round(self.pages_per_s, 1),
            "cpu_ms_per_page": round(self.cpu_ms_per_page, 2),
            "tree_cpu_ms_per_page": round(self.tree_cpu_ms_per_page, 2),
        }


class ProcessTreeCpu:
    """Samples user + system CPU of a process and all its descendants from /proc (Linux).

    Each process's last sample counts, so up to one interval of a process that ends between
    samples is missed (worker processes live as long as the crawl: a few ms of seconds).
    """

    INTERVAL_S = 0.05

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.cpu: dict[int, float] = {}
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> ProcessTreeCpu:
        if Path("/proc").is_dir():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @property
    def total_s(self) -> float:
        return round(sum(self.cpu.values()), 3) if self.cpu else float("nan")

    def _run(self) -> None:
        while not self._stop.wait(self.INTERVAL_S):
            self.sample()

    def sample(self) -> None:
        parents: dict[int, int] = {}
        times: dict[int, float] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # ended meanwhile
            fields = stat[stat.rindex(")") + 2 :].split()
            parents[int(entry.name)] = int(fields[1])
            times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self.tick
        for pid in tree_of(self.pid, parents) & times.keys():
            self.cpu[pid] = times[pid]


def tree_of(root: int, parents: dict[int, int]) -> set[int]:
    """``root`` and every process below it, from a pid -> parent pid map."""
    tree = {root}
    grown = True
    while grown:
        grown = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grown = True
    return tree


def run_child(label: str, command: Sequence[str], log_file: Path, cwd: Path | None = None) -> RunResult:
    """Run ``command`` to completion; stdout/stderr go to files next to ``log_file``."""
    out_path, err_path = log_file.with_suffix(".stdout"), log_file.with_suffix(".stderr")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, cwd=cwd)
        with ProcessTreeCpu(process.pid) as tree:
            _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    result = RunResult(
        label=label,
        returncode=process.returncode,
        wall_s=round(wall, 3),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 3),
        max_rss_mb=round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        stats=scrapy_stats(log_file),
        report=next((line for line in stderr.splitlines() if REPORT_RE.match(line)), ""),
        tree_cpu_s=tree.total_s,
    )
    if process.returncode != 0:
        print(f"warning: {label} exited with {process.returncode}; see {err_path}", file=sys.stderr)
    return result


def scrapy_stats(log_file: Path) -> dict[str, float]:
    """Numeric values of the last 'Dumping Scrapy stats' block of a Scrapy log."""
    if not log_file.exists():
        return {}
    stats: dict[str, float] = {}
    in_dump = False
    for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines():
        if "Dumping Scrapy stats" in line:
            in_dump, stats = True, {}
            continue
        if in_dump:
            match = STAT_RE.match(line)
            if match:
                stats[match.group(1)] = float(match.group(2))
            elif not line.startswith((" ", "{")):
                in_dump = False
    return stats


def csto_crawl_command(
    sites: dict[str, str], archive: Path, log_file: Path, extra: Sequence[str] = (), full: bool = False
) -> list[str]:
    """The user's command: ``csto crawl`` with politeness off (see FAST_SETTINGS) and ``extra``
    NAME=VALUE settings (``--set`` of the scripts, e.g. to measure an optional feature)."""
    command = [sys.executable, "-m", "csto_crawler", "crawl"]
    for lang, base in sites.items():
        command += ["--site", f"{lang}={base}"]
    for setting in [*(f"{name}={value}" for name, value in FAST_SETTINGS.items()), *extra]:
        command += ["-s", setting]
    command += ["--archive", str(archive), "--log-file", str(log_file)]
    return [*command, "--full"] if full else command


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def machine_note() -> dict[str, Any]:
    """Where and when the figures were measured (absolute numbers are only comparable within one run)."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if "model name" in ln), "")
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def save_results(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine_note(), **data}, indent=1, ensure_ascii=False) + "\n")
    return path


def parse_sizes(text: str) -> list[int]:
    """'1000,5000' or '1k,5k,20k' -> [1000, 5000] / [1000, 5000, 20000]."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        sizes.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    return sizes


def script_parser(description: str | None, scale: int, save: bool = True) -> argparse.ArgumentParser:
    """A benchmark script's command line, with what they all take: --replica, --scale (and --save)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replica", type=Path, default=DEFAULT_REPLICA, help="replica folder (serve.py, score.py)")
    parser.add_argument("--scale", type=int, default=scale, help=f"synthetic articles per language (default {scale})")
    if save:
        parser.add_argument("--save", metavar="NAME", help="write benchmarks/results/NAME.json")
    return parser


def add_crawl_options(parser: argparse.ArgumentParser) -> None:
    """Options of the scripts that run ``csto crawl`` itself (crawl_throughput, growth)."""
    parser.add_argument("--work", type=Path, help="keep archives and logs here (default: a temporary folder)")
    parser.add_argument("--checkout", type=Path, help=CHECKOUT_HELP)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)


def add_page_options(parser: argparse.ArgumentParser) -> None:
    """Options of the scripts that replay saved pages (extraction, pipeline_cost)."""
    parser.add_argument("--pages", type=int, default=0, help="use at most this many pages (default: all)")
    parser.add_argument("--pages-dir", type=Path, help="saved pages folder (fetched there when empty)")
