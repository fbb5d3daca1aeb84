"""What a ``csto warc import`` did, counted as it goes, and told every few seconds while it runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ..archive.store import WriteResult
from ..quality import HealthReport
from ..runs import RunEnd
from ..throttle import Throttle

PROGRESS_SECONDS = 2.0


@dataclass
class ImportReport:
    """What an import did: records read and what became of them, and how pages were read."""

    run_id: int = 0
    files: int = 0
    records: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    health: HealthReport = field(default_factory=HealthReport)
    hosts_off_site: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    phase: str = ""
    end: RunEnd | None = None  # how the run ended (its exit code, drift), once it has

    @property
    def drift(self) -> list[str]:
        return self.end.drift if self.end is not None else []

    @property
    def pages(self) -> int:
        """Article pages read (by the extractor)."""
        return sum(sum(methods.values()) for (_, _, kind), methods in self.health.methods.items() if kind == "article")

    def skip(self, reason: str) -> None:
        """Count a record left out, by why."""
        self.counts[f"skipped {reason}"] += 1

    def skip_status(self, status: int) -> None:
        """Count a record left out for its HTTP status (any redirect counted as one)."""
        self.skip("redirect" if 300 <= status < 400 else f"HTTP {status}")

    def count_written(self, result: WriteResult) -> None:
        """Count what the archive writer made of an item (``article new``, ``listing fetched``, ...)."""
        self.counts[f"{result.kind.value} {result.outcome}"] += 1

    def summary(self) -> str:
        written = ", ".join(f"{name} {n}" for name, n in sorted(self.counts.items()) if not name.startswith("skip"))
        skipped = ", ".join(
            f"{name.removeprefix('skipped ')} {n}" for name, n in sorted(self.counts.items()) if name.startswith("skip")
        )
        lines = [
            f"warc import run {self.run_id}: {self.records} records in {self.files} file(s), {self.seconds:.1f}s"
            f" ({self.pages / self.seconds if self.seconds else 0:.0f} article pages/s)",
            f"  archived: {written or 'nothing'}",
            f"  skipped: {skipped or 'nothing'}",
        ]
        if self.hosts_off_site:
            hosts = ", ".join(f"{host} {n}" for host, n in self.hosts_off_site.most_common(3))
            lines.append(f"  not on the configured sites (give --site LANG=BASE_URL if they are ours): {hosts}")
        lines += [f"  drift: {line}" for line in self.drift]
        return "\n".join(lines)


class ImportProgress:
    """Hands the report to ``callback`` at most every ``PROGRESS_SECONDS``, with the time taken so far."""

    def __init__(self, report: ImportReport, callback: Callable[[ImportReport], None] | None) -> None:
        self.report = report
        self.callback = callback
        self.throttle = Throttle(PROGRESS_SECONDS)

    def start(self) -> None:
        self.throttle = Throttle(PROGRESS_SECONDS)

    def elapsed(self) -> float:
        return self.throttle.elapsed()

    def tick(self) -> None:
        if self.callback is not None and self.throttle.due():
            self.report.seconds = self.throttle.elapsed()
            self.callback(self.report)
