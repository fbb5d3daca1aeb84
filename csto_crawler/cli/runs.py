"""``csto runs``: how each run ended, for the operator: pages, failures, duration and its exit code."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..archive.run_records import RunSummary, run_summaries
from .common import ArchiveInt, archive_option, open_reader

HEADER = (
    f"{'run':>5}  {'started (UTC)':19}  {'took':>8}  {'mode':11}  {'fetched':>7}  {'archived':>8}  {'held':>5}"
    f"  {'failed':>6}  {'exit':>4}  {'outcome':12}  sources (languages)"
)


@click.command()
@archive_option()
@click.option("--limit", default=20, show_default=True, type=ArchiveInt(1), help="Show this many latest runs.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output: a JSON list, newest run first.")
def runs(archive_path: Path, limit: int, as_json: bool) -> None:
    """How the latest runs ended, newest first: when each started and how long it took, its mode, what
    it read from, pages fetched, archived and held, URLs failed, and the exit code it ended with.

    A crawl, `csto reextract` and `csto warc import` each record one run. A run with no exit code was
    killed (or is still running): the next run of the archive goes on where it stopped.

    \b
    Example:
      csto runs --archive archive/csto.sqlite --limit 5
      csto runs --json | jq '.[] | select(.exit_code != 0)'
    """
    with open_reader(archive_path) as reader:
        found = run_summaries(reader, limit)
    if as_json:
        click.echo(json.dumps([run.as_dict() for run in found], ensure_ascii=False, indent=1))
        return
    click.echo(HEADER)
    for run in found:
        click.echo(run_line(run))


def run_line(run: RunSummary) -> str:
    """One run, in the columns of HEADER."""
    started = run.started_at[:19].replace("T", " ")
    return (
        f"{run.id:>5}  {started:19}  {took(run.duration_s):>8}  {run.mode:11}  {number(run.pages_fetched):>7}"
        f"  {number(run.pages_archived):>8}  {number(run.pages_held):>5}  {number(run.failures):>6}"
        f"  {number(run.exit_code):>4}  {run.outcome:12}  {', '.join(run.sources) or '-'}"
        + (f" ({', '.join(run.languages)})" if run.languages else "")
    )


def outcome_line(run: RunSummary) -> str:
    """How a run ended, in one phrase (``csto health``): its reason, exit code, pages and failures."""
    if run.finished_at is None:
        return "unfinished: killed, or still running (no exit code)"
    if run.exit_code is None:
        return f"{run.finish_reason}, no exit code recorded (an older csto-crawler ran it)"
    return (
        f"{run.finish_reason}, exit {run.exit_code} ({run.outcome}): {number(run.pages_fetched)} pages fetched,"
        f" {number(run.pages_archived)} archived, {number(run.pages_held)} held, {number(run.failures)} failed,"
        f" {took(run.duration_s)}"
    )


def number(value: int | None) -> str:
    return "-" if value is None else str(value)


def took(seconds: float | None) -> str:
    """A duration as people read it: 4.2s, 3m05s, 2h07m."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
