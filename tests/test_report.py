"""csto report: one self-contained HTML file whose plots carry the archive's own counts."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import research_archive
from click.testing import CliRunner

from csto_crawler.cli import ExitCode, main


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("report")
    archive = research_archive.build(folder / "csto.sqlite")
    result = CliRunner().invoke(main, ["report", "--archive", str(archive), "-o", str(folder / "report.html")])
    assert result.exit_code == 0, result.output
    return (folder / "report.html").read_text(encoding="utf-8")


class ScriptTags(HTMLParser):
    """The page's script elements (the parser does not look for tags inside a script's code)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.sources: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.count += 1
            self.sources += [value for name, value in attrs if name == "src"]


def plot(page: str, div_id: str) -> list[dict[str, Any]]:
    """The traces Plotly.newPlot draws in the div ``div_id`` (read back from the page's JSON)."""
    match = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(div_id) + r'",\s*', page)
    assert match, f"no plot {div_id}"
    traces, _ = json.JSONDecoder().raw_decode(page, match.end())
    return list(traces)


def by_name(traces: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {t.get("name", ""): t for t in traces}


def test_report_is_one_self_contained_file(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    scripts = ScriptTags()
    scripts.feed(page)
    assert scripts.count == 1 + 6  # plotly.js inlined, then one script per plot
    assert scripts.sources == []  # nothing loaded from elsewhere: no network needed
    assert "Plotly.newPlot" in page and len(page) > 1_000_000  # plotly.js itself is inlined
    for div in ("per-month", "per-section", "changes", "pairing", "runs", "coverage"):
        assert f'id="{div}"' in page


def test_articles_per_month_per_language(page: str) -> None:
    traces = by_name(plot(page, "per-month"))
    assert set(traces) == {"en", "ru"}
    ru = dict(zip(traces["ru"]["x"], traces["ru"]["y"], strict=True))
    en = dict(zip(traces["en"]["x"], traces["en"]["y"], strict=True))
    # Months without articles are drawn at zero, not skipped.
    assert ru == {"2025-11": 1, "2025-12": 1, "2026-01": 1, "2026-02": 1}
    assert en == {"2025-11": 1, "2025-12": 1, "2026-01": 0, "2026-02": 1}


def test_articles_per_month_per_section(page: str) -> None:
    (heatmap,) = plot(page, "per-section")
    rows = dict(zip(heatmap["y"], heatmap["z"], strict=True))
    assert rows["ru · documents/statements"] == [0, 0, 1, 0]
    assert rows["ru · news/news_odkb"] == [1, 1, 0, 0]
    assert rows["en · news/smi"] == [0, 0, 0, 1]
    assert heatmap["x"] == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_edits_and_deletions_over_time(page: str) -> None:
    traces = by_name(plot(page, "changes"))
    edited = traces["new versions: edited on the site"]
    assert dict(zip(edited["x"], edited["y"], strict=True)) == {"2026-02": 1}
    removed = traces["articles removed from the site"]
    assert dict(zip(removed["x"], removed["y"], strict=True)) == {"2026-02": 1}


def test_pairing_rate(page: str) -> None:
    traces = by_name(plot(page, "pairing"))
    ru = traces["ru: counterpart archived"]
    # 2026: ru-103 has no counterpart, ru-104 has one: 50 %; 2025: both paired.
    assert dict(zip(ru["x"], ru["y"], strict=True)) == {"2025": 100.0, "2026": 50.0}


def test_each_runs_pages_failures_and_duration(page: str) -> None:
    traces = by_name(plot(page, "runs"))
    assert traces["pages fetched"]["x"] == ["run 1 (full)", "run 2 (incremental)", "run 3 (incremental)"]
    assert traces["pages fetched"]["y"] == [8, 1, 1]  # 7 articles + 1 attachment; 1 edit; 1 404
    assert traces["failures"]["y"] == [2, 1, 0]
    assert traces["duration (s)"]["y"] == list(map(float, research_archive.RUN_SECONDS))


def test_coverage_gaps(page: str) -> None:
    (bars,) = plot(page, "coverage")
    counts = dict(zip(bars["y"], bars["x"], strict=True))
    assert counts["en: no counterpart"] == 0
    assert counts["ru: no counterpart"] == 1  # ru-103: the statement has no English page
    assert counts["never seen in a listing"] == 7


def test_report_refuses_a_missing_archive_and_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["report", "--archive", str(tmp_path / "none.sqlite"), "-o", str(tmp_path / "r.html")]
    )
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert result.output.startswith("csto: error: no archive at")
    archive = research_archive.build(tmp_path / "csto.sqlite")
    result = CliRunner().invoke(main, ["report", "--archive", str(archive), "-o", str(tmp_path / "no" / "r.html")])
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert "no folder" in result.output


def layout(page: str, div_id: str) -> dict[str, Any]:
    """The layout Plotly.newPlot gets for the div ``div_id`` (the argument after the traces)."""
    match = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(div_id) + r'",\s*', page)
    assert match
    decoder = json.JSONDecoder()
    _, end = decoder.raw_decode(page, match.end())
    found, _ = decoder.raw_decode(page, page.index("{", end))
    return dict(found)


@pytest.mark.parametrize(
    ("div_id", "axis"), [("per-month", "yaxis"), ("changes", "yaxis"), ("runs", "yaxis"), ("coverage", "xaxis")]
)
def test_count_axes_have_whole_number_ticks(page: str, div_id: str, axis: str) -> None:
    ticks = layout(page, div_id)[axis]
    # Small counts (at most 8 here): a tick per unit from zero, labelled as integers, never 0.2 steps.
    assert (ticks["tickformat"], ticks["tick0"], ticks["dtick"]) == (",d", 0, 1)
    (heatmap,) = plot(page, "per-section")
    assert (heatmap["colorbar"]["tickformat"], heatmap["colorbar"]["dtick"]) == (",d", 1)


@pytest.mark.parametrize("div_id", ["per-month", "pairing"])
def test_both_languages_stay_visible_where_their_lines_meet(page: str, div_id: str) -> None:
    traces = plot(page, div_id)
    langs = [t["name"].split(":")[0] for t in traces]
    assert langs == ["en", "ru"]  # en first, under ru
    en, ru = (t["line"] for t in traces)
    assert en["width"] > ru["width"] and ru["dash"] != "solid"  # the wide line shows around the dotted one
