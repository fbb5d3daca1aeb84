"""Hostile attachments at the sizes of the second hostile trial (issue 24): status, time, peak memory.

Builds the files with tests/hostile_files.py (nothing is committed): a .docx whose zip headers
under-state its text (2 GB inflated), 48M empty paragraphs, .xlsx files of 17M shared strings and
24M cells, a sheet claiming XFD1048576, a 2,000-page PDF drawing one 325 KB content stream, a PDF
whose page tree loops, an RTF of 15M nested groups. Then:

1. each file alone, read by ``read_attachment_text`` in a fresh Python process: status, seconds,
   peak RSS of the reading child (``ru_maxrss`` of the children);
2. one ``csto crawl`` of the bundled demo site whose English statement links every file (served on
   127.0.0.1): exit code, seconds, peak RSS of the crawl's whole process tree (sampled from /proc
   every 0.1 s), each file's recorded status;
3. ``csto attachment-text --again`` on that archive: exit code, seconds, peak RSS of its tree.

    python benchmarks/hostile_attachments.py            # the trial's sizes (a few minutes)
    python benchmarks/hostile_attachments.py --scale 0.05
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile_files  # noqa: E402  (tests/ put on the path just above)
from measure import tree_of  # noqa: E402  (benchmarks/, this script's folder)

from csto_crawler.demo import DemoSite  # noqa: E402

ARTICLE = "/documents/statements/zayavlenie-ministrov-inostrannykh-del%20ODKB/"
LINK = b'<a class="doc-link" href="/upload/iblock/393/39357fa0b754c4c5529e0bcf4d007437.docx" target="_blank">'
FOLDER = "/upload/iblock/bad/"


def builders(scale: float) -> dict[str, Callable[[], bytes]]:
    def n(count: float) -> int:
        return max(1, int(count * scale))

    return {
        "lying-sizes.docx": lambda: hostile_files.lying_docx(n(2_000_000_000)),
        "paragraphs.docx": lambda: hostile_files.paragraphs_docx(n(48_000_000)),
        "shared-strings.xlsx": lambda: hostile_files.shared_strings_xlsx(n(17_000_000)),
        "cells.xlsx": lambda: hostile_files.cells_xlsx(n(24_000_000)),
        "sparse.xlsx": hostile_files.sparse_xlsx,
        "heavy.pdf": lambda: hostile_files.heavy_pdf(n(2_000), 325_000),
        "page-loop.pdf": hostile_files.looping_pdf,
        "nested.rtf": lambda: hostile_files.nested_rtf(n(15_000_000)),
    }


class TreeMemory:
    """Peak summed RSS (MB) of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb = pid, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_mb = max(self.peak_mb, self.sample())

    def sample(self) -> float:
        parents, rss = {}, {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    status = Path(entry.path, "status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                parents[int(entry.name)] = int(fields["PPid"])
                rss[int(entry.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
        return sum(rss.get(pid, 0.0) for pid in tree_of(self.pid, parents))


def timed(command: Sequence[str], cwd: Path, stdout: bool = False) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak tree RSS in MB, the tail of stderr, or stdout) of a command."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            stdout=out if stdout else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL if stdout else out,
        )
        with TreeMemory(process.pid) as memory:
            code = process.wait()
        out.seek(0)
        tail = out.read().decode("utf-8", "replace")[-1500:]
    return code, time.monotonic() - started, memory.peak_mb, tail


READ_ONE = (
    "import sys\n"
    "from csto_crawler.attachment_text import read_attachment_text\n"
    "if __name__ == '__main__':\n"
    "    r = read_attachment_text(open(sys.argv[1], 'rb').read(), sys.argv[1])\n"
    "    print(f'{r.status.value}\\t{r.reason}')\n"
)


def read_alone(folder: Path, names: list[str]) -> None:
    script = folder / "read_one.py"
    script.write_text(READ_ONE, encoding="utf-8")
    print("\n1. each file alone (read_attachment_text, default limits), in a fresh process")
    print(f"{'file':22} {'bytes':>10} {'status':10} {'seconds':>7} {'tree MB':>7}  reason")
    for name in names:
        path = folder / name
        code, seconds, peak, out = timed([sys.executable, str(script), str(path)], ROOT, stdout=True)
        status, reason = [*out.strip().split("\t", 1), "?", "?"][:2] if code == 0 else ("failed", out)
        print(f"{name:22} {path.stat().st_size:>10} {status:10} {seconds:>7.1f} {peak:>7.0f}  {reason}", flush=True)


def crawl(folder: Path, files: dict[str, bytes]) -> Path:
    archive = folder / "hostile.sqlite"
    with DemoSite() as site:
        page = site.served("en", ARTICLE).body
        links = b" ".join(
            b'<a class="doc-link" href="%s" target="_blank">%s</a>' % ((FOLDER + name).encode(), name.encode())
            for name in files
        )
        site.override("en", ARTICLE, body=page.replace(LINK, links + b" " + LINK, 1))
        for name, data in files.items():
            site.override("en", FOLDER + name, status=200, body=data, content_type="application/octet-stream")
        command = [sys.executable, "-m", "csto_crawler", "crawl", "--archive", str(archive), "--lang", "en"]
        command += ["--site", f"en={site.base_urls['en']}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]
        command += ["-s", f"DOWNLOAD_MAXSIZE={64 * 1024 * 1024}"]  # the 30 MB RTF is read too
        code, seconds, peak, tail = timed(command, ROOT)
    print(f"\n2. csto crawl of the demo site, the files linked from {ARTICLE}")
    print(f"exit {code}, {seconds:.1f}s, peak RSS of the process tree {peak:.0f} MB")
    print("  " + "\n  ".join(tail.strip().splitlines()[-12:]))
    return archive


def statuses(archive: Path) -> None:
    sql = (
        "SELECT a.filename, t.status, t.reason FROM attachments a LEFT JOIN attachment_texts t USING (sha256)"
        " WHERE a.url LIKE ? ORDER BY a.filename"
    )
    with sqlite3.connect(archive) as db:
        for name, status, reason in db.execute(sql, (f"%{FOLDER}%",)):
            print(f"  {name:22} {status or '(no row)':10} {reason or ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="file sizes as a share of the trial's")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        files = {}
        for name, build in builders(args.scale).items():
            started = time.monotonic()
            files[name] = build()
            (folder / name).write_bytes(files[name])
            print(f"built {name}: {len(files[name])} bytes in {time.monotonic() - started:.1f}s", flush=True)
        read_alone(folder, list(files))
        archive = crawl(folder, files)
        statuses(archive)
        command = [sys.executable, "-m", "csto_crawler", "attachment-text", "--again", "--archive", str(archive)]
        code, seconds, peak, tail = timed(command, ROOT)
        print(f"\n3. csto attachment-text --again: exit {code}, {seconds:.1f}s, peak RSS of the tree {peak:.0f} MB")
        print(tail.strip().splitlines()[-1] if tail.strip() else "")
        statuses(archive)


if __name__ == "__main__":
    main()
