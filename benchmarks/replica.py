"""The CSTO replica (../shared/replica) as a benchmark fixture: start on free ports, gold, saved pages.

The benchmarks need the replica at run time; its folder is an argument (``--replica``), by default
``../shared/replica`` next to the repository. Servers started here listen on free ports and are stopped
by their own PID, so several benchmarks (and other people's replicas) can run side by side.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REPLICA = REPO.parent / "shared" / "replica"
START_TIMEOUT_S = 120  # --scale 20000 starts in ~3 s; leave room for a busy machine


class ReplicaError(RuntimeError):
    """The replica folder is missing or the server did not come up."""


def check_replica(folder: Path) -> Path:
    if not (folder / "serve.py").is_file():
        raise ReplicaError(f"no replica at {folder} (expected serve.py there; pass --replica PATH)")
    return folder


@dataclass
class Replica:
    """One running ``serve.py`` (both sites) on free ports."""

    folder: Path
    scale: int = 0
    log_path: Path | None = None
    process: subprocess.Popen[str] | None = None
    en: str = ""
    ru: str = ""

    def __enter__(self) -> Replica:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def sites(self) -> dict[str, str]:
        return {"en": self.en, "ru": self.ru}

    def start(self) -> None:
        command = [sys.executable, "serve.py", "--en-port", "0", "--ru-port", "0", "--scale", str(self.scale)]
        if self.log_path is not None:
            command += ["--log", str(self.log_path)]
        self.process = subprocess.Popen(
            command, cwd=check_replica(self.folder), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        for line in _lines(self.process.stdout):
            name, _, value = line.strip().partition(" ")
            if name in ("en", "ru"):
                setattr(self, name, value)
            elif name == "ready":
                return
        self.stop()
        raise ReplicaError(f"replica --scale {self.scale} exited before it was ready")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def cpu_seconds(self) -> float:
        """User + system CPU the server has used so far (from /proc; 0 where there is none)."""
        stat = Path(f"/proc/{self.process.pid if self.process else 0}/stat")
        if not stat.exists():
            return 0.0
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _lines(stream: IO[str] | None) -> Any:
    if stream is not None:
        yield from iter(stream.readline, "")


def dump_gold(folder: Path, scale: int, out: Path) -> list[dict[str, Any]]:
    """Gold records (alive articles only) for a replica with ``--scale scale``, default seed and epoch."""
    subprocess.run(
        [
            sys.executable,
            "serve.py",
            "--scale",
            str(scale),
            "--en-port",
            "0",
            "--ru-port",
            "0",
            "--dump-gold",
            str(out),
        ],
        cwd=check_replica(folder),
        check=True,
        stderr=subprocess.DEVNULL,
    )
    with out.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    return [r for r in records if r.get("state") != "deleted"]


def load_score(folder: Path) -> ModuleType:
    """The replica's score.py (for ``f1``): one scoring function for every extractor."""
    spec = importlib.util.spec_from_file_location("replica_score", check_replica(folder) / "score.py")
    if spec is None or spec.loader is None:
        raise ReplicaError(f"cannot load {folder / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one GET against the local replica."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310  (loopback replica URLs only)
        return response.status, dict(response.headers.items()), response.read()


def save_pages(replica: Replica, records: list[dict[str, Any]], folder: Path) -> list[dict[str, Any]]:
    """Fetch each record's detail page into ``folder``: <n>.html (bytes as served) + pages.json (metadata)."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for n, record in enumerate(records):
        url = replica.sites[record["lang"]] + record["path"]
        status, headers, body = fetch(url)
        name = f"{n:05d}.html"
        (folder / name).write_bytes(body)
        saved.append({"file": name, "url": url, "status": status, "headers": headers, **_gold_fields(record)})
    (folder / "pages.json").write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
    return saved


def _gold_fields(record: dict[str, Any]) -> dict[str, Any]:
    return {key: record.get(key) for key in ("lang", "path", "title", "date", "body", "quirks", "origin")}
