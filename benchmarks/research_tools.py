"""Researchers' tools on a large archive: ``csto report``, ``csto release`` and ``csto export --to``.

Builds (or reuses) an archive of the replica at ``--scale N`` (N synthetic article pairs per language
on top of the corpus; 10,000 gives 20,300 articles) crawled over ``--epochs`` weeks of the site's life
(epoch 1 a full crawl, each later epoch an incremental run: new, edited and deleted articles, so the
report has edits, deletions and several runs to draw; ``--faults`` on the later epochs gives failures).
Then it times each command as a user runs it (a child process, wall time):

1. ``csto report -o report.html`` (the issue's bar: under 30 s on 20,000 articles);
2. ``csto release DIR`` and ``csto release --no-snapshots DIR``, with ``sha256sum -c``;
3. ``csto export --to postgresql://...`` twice (load, then a run with nothing to change), when
   ``--postgres URL`` names a server database this script may create and drop (``csto_bench``).

Example (~4 min the first time; ``--archive`` keeps the archive for later runs):
  python benchmarks/research_tools.py --scale 10000 --epochs 3 --archive /tmp/csto-bench/r20k.sqlite \
      --postgres postgresql://postgres@127.0.0.1/postgres --report /tmp/report.html
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from measure import FAST_SETTINGS, machine_note
from replica import DEFAULT_REPLICA, Replica, check_replica

REPORT_LIMIT_S = 30.0


class EpochReplica(Replica):
    """The replica at a given epoch (a week of the site's life per epoch), with optional faults."""

    def __init__(self, folder: Path, scale: int, epoch: int, faults: str = "") -> None:
        super().__init__(folder, scale)
        self.epoch, self.faults = epoch, faults

    def start(self) -> None:
        command = [sys.executable, "serve.py", "--en-port", "0", "--ru-port", "0", "--scale", str(self.scale)]
        command += ["--epoch", str(self.epoch)] + (["--faults", self.faults] if self.faults else [])
        self.process = subprocess.Popen(
            command, cwd=check_replica(self.folder), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        for line in iter(self.process.stdout.readline if self.process.stdout else str, ""):
            name, _, value = line.strip().partition(" ")
            if name in ("en", "ru"):
                setattr(self, name, value)
            elif name == "ready":
                return
        self.stop()
        raise RuntimeError(f"replica --scale {self.scale} --epoch {self.epoch} did not start")


def csto(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "csto_crawler", *args], capture_output=True, text=True, check=False)
    return time.monotonic() - started, result


def build_archive(archive: Path, folder: Path, scale: int, epochs: int, faults: str) -> None:
    for epoch in range(1, epochs + 1):
        with EpochReplica(folder, scale, epoch, faults if epoch > 1 else "") as replica:
            args = ["crawl", "--archive", str(archive), "--log-file", str(archive.with_suffix(f".e{epoch}.log"))]
            for lang, base in replica.sites.items():
                args += ["--site", f"{lang}={base}"]
            for name, value in FAST_SETTINGS.items():
                args += ["-s", f"{name}={value}"]
            args += ["-s", "CSTO_RETRY_BACKOFF_BASE=0.05", "-s", "CSTO_RETRY_BACKOFF_MAX=0.2"]
            seconds, result = csto(*args)
            last = (result.stderr.strip().splitlines() or [""])[-1]
            print(f"crawl epoch {epoch}: exit {result.returncode} in {seconds:.0f}s  {last[:100]}")


def archive_counts(archive: Path) -> str:
    with closing(sqlite3.connect(f"file:{archive}?mode=ro", uri=True)) as con:
        a, v, g, r = con.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM versions),"
            " (SELECT count(*) FROM articles WHERE gone_at IS NOT NULL), (SELECT count(*) FROM crawl_runs)"
        ).fetchone()
    return f"{a} articles, {v} versions, {g} removed, {r} runs, {archive.stat().st_size / 2**20:.0f} MB"


def time_report(archive: Path, report: Path) -> float:
    seconds, result = csto("report", "--archive", str(archive), "-o", str(report))
    if result.returncode != 0:
        raise SystemExit(f"csto report failed: {result.stderr}")
    verdict = "under" if seconds < REPORT_LIMIT_S else "OVER"
    print(f"csto report: {seconds:.1f}s ({verdict} {REPORT_LIMIT_S:.0f}s), {report.stat().st_size // 1024} KB")
    return seconds


def time_release(archive: Path, work: Path) -> None:
    for flags in ([], ["--no-snapshots"]):
        out = work / ("release" + "".join(flags))
        seconds, result = csto("release", *flags, str(out), "--archive", str(archive))
        if result.returncode != 0:
            raise SystemExit(f"csto release failed: {result.stderr}")
        check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=out, check=False)
        size = sum(p.stat().st_size for p in out.iterdir()) / 2**20
        ok = "passes" if check.returncode == 0 else "FAILS"
        print(f"csto release {' '.join(flags)}: {seconds:.1f}s, {size:.0f} MB, sha256sum -c {ok}")


def time_postgres(archive: Path, server_url: str) -> None:
    base = server_url.rsplit("/", 1)[0]
    admin = ["psql", server_url, "-q", "-c"]
    subprocess.run([*admin, "DROP DATABASE IF EXISTS csto_bench"], check=True)
    subprocess.run([*admin, "CREATE DATABASE csto_bench"], check=True)
    try:
        for label in ("first load", "second run"):
            seconds, result = csto("export", "--archive", str(archive), "--to", f"{base}/csto_bench")
            if result.returncode != 0:
                raise SystemExit(f"csto export --to failed: {result.stderr}")
            print(f"csto export --to ({label}): {seconds:.1f}s  " + "; ".join(result.stdout.strip().splitlines()))
    finally:
        subprocess.run([*admin, "DROP DATABASE IF EXISTS csto_bench"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10_000, help="synthetic article pairs per language")
    parser.add_argument("--epochs", type=int, default=3, help="weeks of the site's life crawled (1 = one crawl)")
    parser.add_argument("--faults", default="500:0.01,dead:0.002", help="replica faults for epochs after the first")
    parser.add_argument("--replica", type=Path, default=DEFAULT_REPLICA)
    parser.add_argument("--archive", type=Path, help="reuse this archive if it exists, else build it there")
    parser.add_argument("--report", type=Path, help="keep the report here (default: a temporary file)")
    parser.add_argument(
        "--postgres", help="a server URL whose user may create databases, e.g. postgresql://postgres@127.0.0.1/postgres"
    )
    args = parser.parse_args()
    print(f"machine: {machine_note()}")
    with tempfile.TemporaryDirectory(prefix="csto-research-") as tmp:
        work = Path(tmp)
        archive = args.archive or work / "csto.sqlite"
        if not archive.exists():
            build_archive(archive, args.replica, args.scale, args.epochs, args.faults)
        print(f"archive: {archive}: {archive_counts(archive)}")
        time_report(archive, args.report or work / "report.html")
        time_release(archive, work)
        if args.postgres:
            if shutil.which("psql") is None:
                raise SystemExit("--postgres needs psql (to create and drop the benchmark's database)")
            time_postgres(archive, args.postgres)


if __name__ == "__main__":
    main()
