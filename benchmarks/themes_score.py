"""Score a full crawl of the replica under each markup theme: how well does extraction survive markup it never saw?

For each theme (default: the replica's built-in ``odkb`` and ``stock``, then every ``benchmarks/themes/*.py``)
it starts the replica with ``--theme`` on free 127.0.0.1 ports, runs ``csto crawl --full`` into a fresh
archive, ``csto export`` and the replica's ``score.py`` against one gold file (the gold does not depend on the
theme), and prints one line of figures per theme. Servers are stopped by PID on exit, also on error.

  python benchmarks/themes_score.py                          # all themes (~1-2 min each on 2 cores)
  python benchmarks/themes_score.py --themes odkb,flat --keep /tmp/themes   # keep exports, logs, scores
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REPLICA = REPO / ".." / "shared" / "replica"
THEMES_DIR = Path(__file__).resolve().parent / "themes"
BUILTIN_THEMES = ("odkb", "stock")
START_TIMEOUT_S = 60
CRAWL_TIMEOUT_S = 1800
HEADER = (
    f"{'theme':<10} {'crawl rc':>8} {'cover':>7} {'extras':>6} {'dups':>4} {'title':>7} {'date':>7} "
    f"{'f1 mean':>7} {'f1 min':>7} {'<0.95':>5} {'leaks':>5} {'attach':>7} {'secs':>5}"
)


def default_themes() -> list[str]:
    return [*BUILTIN_THEMES, *sorted(p.stem for p in THEMES_DIR.glob("*.py"))]


def theme_spec(name: str) -> str:
    """serve.py's --theme value: a built-in name, a file in benchmarks/themes/, or a path to a .py file."""
    if name in BUILTIN_THEMES:
        return name
    path = THEMES_DIR / f"{name}.py"
    if path.is_file():
        return str(path)
    if Path(name).is_file():
        return str(Path(name).resolve())
    raise SystemExit(f"unknown theme {name!r}: not built in, not {path}")


def crawler_python() -> str:
    """The project's virtualenv interpreter when there is one (it has Scrapy), else this one."""
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


class Replica:
    """``serve.py --theme`` on free ports (``--en-port 0 --ru-port 0``), stopped by its PID."""

    def __init__(self, folder: Path, theme: str) -> None:
        self.folder, self.theme = folder, theme
        self.process: subprocess.Popen[str] | None = None
        self.sites: dict[str, str] = {}

    def __enter__(self) -> Replica:
        command = [sys.executable, "serve.py", "--theme", self.theme, "--en-port", "0", "--ru-port", "0"]
        self.process = subprocess.Popen(
            command, cwd=self.folder, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        assert self.process.stdout is not None  # noqa: S101  (Popen with stdout=PIPE)
        for line in iter(self.process.stdout.readline, ""):
            name, _, value = line.strip().partition(" ")
            if name in ("en", "ru"):
                self.sites[name] = value
            elif name == "ready" or time.monotonic() > deadline:
                break
        if len(self.sites) != 2 or self.process.poll() is not None:
            self.stop()
            raise RuntimeError(f"replica with --theme {self.theme} did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()


def csto(python: str, *args: str, log: Path) -> int:
    """Run the project's CLI (``python -m csto_crawler``), output appended to ``log``; its exit code."""
    with log.open("a", encoding="utf-8") as out:
        done = subprocess.run(
            [python, "-m", "csto_crawler", *args],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=CRAWL_TIMEOUT_S,
            check=False,
        )
    return done.returncode


def score(replica: Path, export: Path, gold: Path) -> dict[str, Any]:
    """score.py --json: the metrics object (all lines but the last SUMMARY one)."""
    done = subprocess.run(
        [sys.executable, "score.py", str(export), str(gold), "--json"],
        cwd=replica,
        capture_output=True,
        text=True,
        check=True,
    )
    metrics: dict[str, Any] = json.loads(done.stdout.rsplit("SUMMARY", 1)[0])
    return metrics


def run_theme(name: str, args: argparse.Namespace, gold: Path, work: Path) -> dict[str, Any]:
    work.mkdir(parents=True)
    started = time.monotonic()
    log = work / "crawl.log"
    with Replica(args.replica, theme_spec(name)) as replica:
        sites = [f"--site={lang}={url}" for lang, url in replica.sites.items()]
        settings = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]
        archive = str(work / "a.sqlite")
        rc = csto(args.python, "crawl", "--archive", archive, "--full", *sites, *settings, log=log)
    export = work / "export.jsonl"
    export_rc = csto(args.python, "export", "--archive", archive, "-o", str(export), log=log)
    metrics = score(args.replica, export, gold) if export_rc == 0 and export.exists() else {}
    metrics.update(theme=name, crawl_rc=rc, export_rc=export_rc, seconds=time.monotonic() - started)
    (work / "score.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    return metrics


def figures_line(m: dict[str, Any]) -> str:
    if "coverage" not in m:
        return f"{m['theme']:<10} {m['crawl_rc']:>8} export failed (exit {m['export_rc']})"
    return (
        f"{m['theme']:<10} {m['crawl_rc']:>8} {m['coverage']:>7.2%} {m['extras']:>6} {m['duplicates']:>4} "
        f"{m['title_exact']:>7.2%} {m['date_match']:>7.2%} {m['body_f1_mean']:>7.4f} {m['body_f1_min']:>7.4f} "
        f"{m['body_f1_below']:>5} {m['leak_articles']:>5} {m['attachment_match']:>7.2%} {m['seconds']:>5.0f}"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replica", type=Path, default=DEFAULT_REPLICA, help="replica folder (default ../shared/replica)")
    ap.add_argument("--themes", default=",".join(default_themes()), help="comma-separated theme names or .py paths")
    ap.add_argument("--python", default=crawler_python(), help="interpreter that runs csto (default: .venv's)")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="keep each theme's archive, export, log and score here")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.replica = args.replica.resolve()
    if not (args.replica / "serve.py").is_file():
        raise SystemExit(f"no replica at {args.replica} (pass --replica PATH)")
    # SIGTERM ends the run like Ctrl-C: the finally blocks stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = Path(tempfile.mkdtemp(prefix="csto-themes-"))
    failed = 0
    try:
        gold = root / "gold.jsonl"
        subprocess.run(
            [sys.executable, "serve.py", "--dump-gold", str(gold)], cwd=args.replica, check=True, capture_output=True
        )
        print(HEADER, flush=True)
        for name in filter(None, (t.strip() for t in args.themes.split(","))):
            try:
                metrics = run_theme(name, args, gold, root / name)
            except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
                print(f"{name:<10} failed: {exc}", flush=True)
                failed += 1
                continue
            print(figures_line(metrics), flush=True)
    finally:
        if args.keep:
            shutil.copytree(root, args.keep, dirs_exist_ok=True)
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
