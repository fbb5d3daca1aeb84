"""One run's life, defined once: begin, write batches, keep count and health, read attachments' text,
finish with the exit code it ended with.

Every run that writes into the archive goes through ``RunDriver``: a crawl (through the archive
pipeline), ``csto reextract`` and ``csto warc import``. The driver owns the run's row in
``crawl_runs``: it begins it, writes each batch through the one archive writer (one transaction per
batch) and saves the counts after each, so that a killed run leaves its progress; at the end it
judges the run (``judge``: stopped early, stopped by a signal, drift, failures) and records the outcome
with its exit code, the pages it took in, archived and held, its failures and its duration. What
``csto runs`` and ``csto health`` show is read from that row (archive/run_records.py). The driver also
keeps the run's memory of short bodies (stand_ins.RepeatedBodies): a short page waits until the run
knows whether its body repeats on other articles (then it is held), at most until the run ends. A
crawl's pre-flight checks (preflight.py) come before a run begins: a refused crawl has no row.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from . import stopping
from .archive.attachment_texts import fill_texts
from .archive.results import ItemKind, WriteResult
from .archive.store import ArchiveWriter, RunRecord
from .attachment_text import ReadingLimits
from .outcomes import ExitCode, RunMode
from .quality import HealthReport
from .stand_ins import RepeatedBodies

logger = logging.getLogger(__name__)

# How a run that was not stopped early ended, by Scrapy's reason (a shutdown: SIGINT (Ctrl-C) or SIGTERM).
FINISHED = "finished"
INTERRUPTED = "shutdown"
FAILED = "failed"  # an exception ended a batch command


@dataclass(frozen=True)
class RunLimits:
    """What makes a finished run a failing one (the CSTO_* settings of the same names)."""

    max_doubtful_share: float = 0.2  # CSTO_MAX_DOUBTFUL_SHARE
    drift_min_pages: int = 5  # CSTO_DRIFT_MIN_PAGES
    max_failure_ratio: float = 0.02  # CSTO_MAX_FAILURE_RATIO


@dataclass(frozen=True)
class Verdict:
    """The exit code a run ended with, and the one line that says why (empty for success)."""

    exit_code: ExitCode
    message: str = ""


def judge(
    reason: str,
    drift: list[str],
    failures: int,
    pages: int,
    limits: RunLimits,
    callback_errors: int = 0,
    cause: str = "",
    what: str = "crawl",
    stop_signal: int | None = None,
) -> Verdict:
    """The exit code of a run: stopped by a signal (130 SIGINT, 143 SIGTERM: ``stop_signal``), stopped early
    (3), drift (8), callback errors or too many failures (4), else 0."""
    if reason == INTERRUPTED:
        code = ExitCode.of_signal(stop_signal)
        by = "SIGTERM" if code is ExitCode.TERMINATED else "Ctrl-C (SIGINT)"
        return Verdict(code, f"the {what} was stopped by {by}; what it read is archived, run it again to go on")
    if reason != FINISHED:
        return Verdict(ExitCode.CANNOT_RUN, f"the {what} stopped early ({reason}{': ' + cause if cause else ''})")
    if drift:
        return Verdict(
            ExitCode.DRIFT,
            f"extraction drift, more than CSTO_MAX_DOUBTFUL_SHARE read doubtfully: {'; '.join(drift)}. "
            "Doubtful pages were held, not archived; see `csto health`, then `csto reextract` once the "
            "extractor reads them",
        )
    if callback_errors:
        return Verdict(ExitCode.FAILURES, f"{callback_errors} page(s) could not be processed; see the log for the URLs")
    if failures > limits.max_failure_ratio * max(1, pages):
        return Verdict(
            ExitCode.FAILURES,
            f"{failures} URL(s) failed, more than CSTO_MAX_FAILURE_RATIO={limits.max_failure_ratio} of "
            f"{pages} pages; see `csto failures`",
        )
    return Verdict(ExitCode.OK)


@dataclass
class RunEnd:
    """How a run ended, as recorded in its ``crawl_runs`` row."""

    run_id: int
    reason: str
    verdict: Verdict
    counts: dict[str, Any]
    drift: list[str] = field(default_factory=list)
    pages_fetched: int = 0
    pages_archived: int = 0
    pages_held: int = 0
    failures: int = 0
    duration_s: float = 0.0


class RunDriver:
    """One run of any kind, from its ``crawl_runs`` row to its exit code (not thread-safe)."""

    def __init__(
        self,
        writer: ArchiveWriter,
        mode: RunMode,
        arguments: dict[str, Any],
        limits: RunLimits = RunLimits(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.writer = writer
        self.mode = mode
        self.arguments = arguments
        self.limits = limits
        self.clock = clock
        self.run_id = 0
        self.started = 0.0
        self.health = HealthReport()  # reextract and import read pages themselves; a crawl's quality pipeline does
        self.sections: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        self.tally: Counter[str] = Counter()  # the mode's own counters (skipped records, pages read again)
        self.failures = 0  # every URL that failed (listings and sitemaps too, not only articles)
        self.bodies = RepeatedBodies()  # short bodies seen: the same one on several articles is held
        self.end: RunEnd | None = None

    def begin(self, pid: int | None = None) -> int:
        self.started = self.clock()
        self.run_id = self.writer.begin_run(self.mode, self.arguments, pid or os.getpid())
        return self.run_id

    # --- batches ------------------------------------------------------------------------------

    def write(self, items: Iterable[object]) -> list[WriteResult]:
        """One batch in one transaction; its results counted and the run's counts saved. Short article
        bodies wait until the run knows whether they repeat (stand_ins.RepeatedBodies; ``write_waiting``)."""
        return self._write(self.bodies.admit(items))

    def write_waiting(self) -> list[WriteResult]:
        """Write the short pages kept back whose body did not repeat: before anything judges the run's
        articles as a whole (absence from sitemaps and walks); ``finish`` writes what is left."""
        return self._write(self.bodies.release())

    def _write(self, items: list[object]) -> list[WriteResult]:
        if not items:
            return []
        results = self.writer.write_batch(items, self.run_id)
        for result in results:
            self.count(result)
        self.writer.save_counts(self.run_id, self.counts())
        return results

    def count(self, result: WriteResult, n: int = 1) -> None:
        """Count what a write did, per language and section (articles, held pages, gone, failures)."""
        if result.kind is ItemKind.FAILURE:
            self.failures += n
        if result.counts_for_section:
            self.sections[result.lang or "-"][result.section or "-"][result.outcome.value] += n

    def counts(self) -> dict[str, Any]:
        """Per language and section what the writes did, and the mode's own counters under its name."""
        out: dict[str, Any] = {
            lang: {section: dict(c) for section, c in sorted(by.items())} for lang, by in sorted(self.sections.items())
        }
        if self.tally:
            out[self.mode.value] = dict(sorted(self.tally.items()))
        return out

    def total(self, *outcomes: str) -> int:
        """How many of the run's article writes had one of ``outcomes``."""
        return sum(n for by in self.sections.values() for c in by.values() for o, n in c.items() if o in outcomes)

    # --- the end ------------------------------------------------------------------------------

    @contextmanager
    def running(self, pages: Callable[[], int]) -> Iterator[RunDriver]:
        """Begin the run, and finish it however the block ends: finished, stopped by a signal (raised as
        KeyboardInterrupt: stopping.interrupting) or failed (the exception goes on); ``pages`` says how many
        pages it took in."""
        self.begin()
        reason = FAILED
        try:
            yield self
            reason = FINISHED
        except KeyboardInterrupt:
            reason = INTERRUPTED
            raise
        finally:
            self.finish(reason, pages(), stop_signal=stopping.stop_signal())

    def fill_attachment_texts(self, workers: int, limits: ReadingLimits, stop: Callable[[], bool]) -> Counter[str]:
        """The text of the files this run stored (and of any stored before without it), each file read in a
        killable child of its own (attachment_text.Readers), never in this process; ``stop`` ends it early."""
        return fill_texts(self.writer.db, workers, limits=limits, stop=stop)

    def finish(
        self,
        reason: str,
        pages_fetched: int,
        *,
        health: dict[str, Any] | None = None,
        drift: list[str] | None = None,
        callback_errors: int = 0,
        cause: str = "",
        stop_signal: int | None = None,
    ) -> RunEnd:
        """Judge the run and record its end (``health``/``drift``: a crawl's, kept by its quality pipeline;
        otherwise the driver's own ``health``). The short pages still kept back are written first, unless
        writing is what failed."""
        if reason in (FINISHED, INTERRUPTED):
            self.write_waiting()
        if drift is None:
            found = self.health.drifted(self.limits.max_doubtful_share, self.limits.drift_min_pages)
            drift = [d.describe() for d in found]
            for line in drift:
                logger.error("Extraction drift: %s", line)
        failures = self.failures
        what = "crawl" if self.mode.is_crawl else self.mode.value
        verdict = judge(reason, drift, failures, pages_fetched, self.limits, callback_errors, cause, what, stop_signal)
        end = RunEnd(
            self.run_id,
            reason,
            verdict,
            self.counts(),
            drift,
            pages_fetched,
            self.total("new", "changed", "unchanged", "revived"),
            self.total("held"),
            failures,
            round(self.clock() - self.started, 3),
        )
        record = RunRecord(
            end.counts,
            {"pages": health if health is not None else self.health.as_dict(), "drift": drift},
            int(verdict.exit_code),
            end.pages_fetched,
            end.pages_archived,
            end.pages_held,
            end.failures,
            end.duration_s,
        )
        self.writer.finish_run(self.run_id, reason, record)
        self.end = end
        return end
