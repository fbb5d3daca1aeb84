"""The report's data: a handful of aggregate queries over the archive (no article body is read)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..archive.coverage import CoverageReport, coverage_report
from ..archive.queries import ArchiveReader
from ..archive.report_queries import report_rows
from ..dates import utc_now


@dataclass
class ReportData:
    """Everything the report shows, read from the archive in a handful of queries."""

    generated_at: str
    archive: str
    totals: dict[str, Any]
    per_month: list[dict[str, Any]]
    per_section_month: list[dict[str, Any]]
    edits: list[dict[str, Any]]
    events: list[dict[str, Any]]
    pairing: list[dict[str, Any]]
    runs: list[dict[str, Any]]
    coverage: CoverageReport
    empty_months: dict[str, list[str]] = field(default_factory=dict)


def collect(reader: ArchiveReader, archive_name: str) -> ReportData:
    found = report_rows(reader)
    per_month = found["per_month"]
    data = ReportData(
        generated_at=utc_now().isoformat(timespec="seconds"),
        archive=archive_name,
        totals=found["totals"][0],
        per_month=per_month,
        per_section_month=found["per_section_month"],
        edits=found["edits"],
        events=found["events"],
        pairing=found["pairing"],
        runs=[_run_row(r) for r in found["runs"]],
        coverage=coverage_report(reader),
    )
    data.empty_months = _empty_months(per_month)
    return data


def _run_row(row: dict[str, Any]) -> dict[str, Any]:
    """A crawl run with its duration (s) and the sums of its per-section counts."""
    counts: dict[str, int] = defaultdict(int)
    try:
        by_lang = json.loads(row["counts"] or "{}")
    except ValueError:
        by_lang = {}
    for sections in by_lang.values() if isinstance(by_lang, dict) else []:
        for per_section in sections.values() if isinstance(sections, dict) else []:
            for name, value in per_section.items() if isinstance(per_section, dict) else []:
                if isinstance(value, int):
                    counts[name] += value
    duration = None
    if row["started_at"] and row["finished_at"]:
        started = dt.datetime.fromisoformat(row["started_at"])
        duration = round((dt.datetime.fromisoformat(row["finished_at"]) - started).total_seconds(), 1)
    return {
        "id": row["id"],
        "started_at": row["started_at"],
        "mode": row["mode"],
        "finish_reason": row["finish_reason"] or "unfinished",
        "pages": row["pages"],
        "failed": counts.get("failed", 0),
        "new": counts.get("new", 0),
        "changed": counts.get("changed", 0),
        "gone": counts.get("gone", 0),
        "duration_s": duration,
    }


def month_span(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (YYYY-MM), inclusive."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _empty_months(per_month: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Per language, the months without any article between its first and last month."""
    seen: dict[str, set[str]] = defaultdict(set)
    for row in per_month:
        seen[row["lang"]].add(row["month"])
    return {lang: [m for m in month_span(min(ms), max(ms)) if m not in ms] for lang, ms in sorted(seen.items())}
