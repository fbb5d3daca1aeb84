"""The report's Plotly figures, one function each, built from ``ReportData`` (no query here)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .data import ReportData, month_span

# Sections drawn one by one in the heatmap; the rest of a language's sections are summed as "other".
TOP_SECTIONS = 24
LANG_COLOURS = {"en": "#1f77b4", "ru": "#d62728"}
# Both languages often have the same counts: en is drawn first, wide and solid, ru over it thin and
# dotted, so where the lines coincide both stay visible (neither hides the other).
LANG_LINES = {"en": {"width": 4.0, "dash": "solid"}, "ru": {"width": 2.0, "dash": "dot"}}
LANG_MARKERS = {"en": {"symbol": "circle", "size": 10}, "ru": {"symbol": "diamond", "size": 6}}
# Counts are whole numbers: integer tick labels, and up to this many, one tick per unit (Plotly's own
# choice for a maximum of 1 or 2 is 0.2 or 0.5 steps).
UNIT_TICKS_UP_TO = 10
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"


def figures(data: ReportData) -> list[tuple[str, str, Any]]:
    """(id, title, plotly figure) for each plot, in the report's order."""
    months = sorted({r["month"] for r in data.per_month})
    span = month_span(months[0], months[-1]) if months else []
    return [
        ("per-month", "Articles per month, by language", _per_month(data, span)),
        ("per-section", "Articles per month, by language and section", _per_section(data, span)),
        ("changes", "Edits and deletions over time", _changes(data)),
        ("pairing", "Russian/English pairing rate", _pairing(data)),
        ("runs", "Crawl runs: pages, failures and duration", _runs(data)),
        ("coverage", "Coverage gaps", _coverage(data)),
    ]


def _per_month(data: ReportData, span: list[str]) -> Any:
    import plotly.graph_objects as go  # imported here: only the report pays for loading Plotly

    fig = go.Figure()
    for lang in sorted({r["lang"] for r in data.per_month}):
        counts = {r["month"]: r["n"] for r in data.per_month if r["lang"] == lang}
        fig.add_trace(
            go.Scatter(
                x=span,
                y=[counts.get(m, 0) for m in span],
                name=lang,
                mode="lines",
                line={"color": LANG_COLOURS.get(lang), **LANG_LINES.get(lang, {})},
            )
        )
    _layout(fig, "month of publication", "articles")
    _count_axis(fig, [r["n"] for r in data.per_month], "y")
    return fig


def _per_section(data: ReportData, span: list[str]) -> Any:
    import plotly.graph_objects as go

    rows, z = _section_matrix(data.per_section_month, span)
    top = max((n for row in z for n in row), default=0)
    ticks = {"tickformat": ",d", **({"tick0": 0, "dtick": 1} if top <= UNIT_TICKS_UP_TO else {})}
    fig = go.Figure(
        go.Heatmap(
            x=span, y=rows, z=z, colorscale="Blues", colorbar=ticks, hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>"
        )
    )
    _layout(fig, "month of publication", None, height=max(360, 22 * len(rows) + 120))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def _changes(data: ReportData) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    noticed = sorted({r["month"] for r in data.edits} | {r["month"] for r in data.events})
    # Every month from the first change to the last, as categories: a single month stays a readable bar.
    change_span = month_span(noticed[0], noticed[-1]) if noticed else []
    for change, label in (("site", "edited on the site"), ("extractor", "re-read by a newer extractor")):
        series = {r["month"]: r["n"] for r in data.edits if r["change"] == change}
        if series:
            y = [series.get(m, 0) for m in change_span]
            fig.add_trace(go.Bar(x=change_span, y=y, name=f"new versions: {label}"))
    for event, label in (("gone", "removed from the site"), ("revived", "back on the site")):
        series = {r["month"]: r["n"] for r in data.events if r["event"] == event}
        if series:
            y = [series.get(m, 0) for m in change_span]
            fig.add_trace(go.Bar(x=change_span, y=y, name=f"articles {label}"))
    _layout(fig, "month noticed", "count")
    _count_axis(fig, [n for trace in fig.data for n in trace.y], "y")
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    if not fig.data:
        _empty(fig, "No edits or deletions seen yet: every article still has its first version and is live.")
    return fig


def _pairing(data: ReportData) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    for lang in sorted({r["lang"] for r in data.pairing}):
        rows = [r for r in data.pairing if r["lang"] == lang]
        fig.add_trace(
            go.Scatter(
                x=[r["year"] for r in rows],
                y=[round(100 * (r["archived"] or 0) / r["n"], 1) for r in rows],
                name=f"{lang}: counterpart archived",
                mode="lines+markers",
                line={"color": LANG_COLOURS.get(lang), **LANG_LINES.get(lang, {})},
                marker=LANG_MARKERS.get(lang, {}),
                customdata=[[r["n"], r["linked"] or 0, r["archived"] or 0] for r in rows],
                hovertemplate="%{x}: %{y}%<br>%{customdata[2]} of %{customdata[0]} articles"
                " (%{customdata[1]} linked)<extra></extra>",
            )
        )
    _layout(fig, "year of publication", "% of articles")
    fig.update_yaxes(range=[0, 105])
    return fig


def _runs(data: ReportData) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    labels = [f"run {r['id']} ({r['mode']})" for r in data.runs]
    fig.add_trace(go.Bar(x=labels, y=[r["pages"] for r in data.runs], name="pages fetched"))
    fig.add_trace(go.Bar(x=labels, y=[r["failed"] for r in data.runs], name="failures"))
    fig.add_trace(
        go.Scatter(
            x=labels, y=[r["duration_s"] for r in data.runs], name="duration (s)", yaxis="y2", mode="lines+markers"
        )
    )
    _layout(fig, None, "pages")
    _count_axis(fig, [r["pages"] for r in data.runs] + [r["failed"] for r in data.runs], "y")
    fig.update_layout(
        barmode="group",
        yaxis2={"title": {"text": "seconds"}, "overlaying": "y", "side": "right", "rangemode": "tozero"},
    )
    return fig


def _coverage(data: ReportData) -> Any:
    import plotly.graph_objects as go

    gaps = data.coverage
    langs = sorted(set(gaps.one_language_only) | {r["lang"] for r in data.per_month})
    names = [
        "listed, never archived",
        "in a sitemap, never archived",
        "live, no longer listed",
        *[f"{lang}: no counterpart" for lang in langs],
        "never seen in a listing",
    ]
    values = [
        len(gaps.listed_not_archived),
        len(gaps.in_sitemap_not_archived),
        len(gaps.no_longer_listed),
        *[gaps.one_language_only.get(lang, 0) for lang in langs],
        gaps.never_listed,
    ]
    fig = go.Figure(go.Bar(x=values, y=names, orientation="h", marker={"color": "#7f7f7f"}))
    _layout(fig, "articles", None, height=320)
    _count_axis(fig, values, "x")
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def _section_matrix(rows: list[dict[str, Any]], span: list[str]) -> tuple[list[str], list[list[int]]]:
    """Heatmap rows ("lang · section") and counts per month; small sections summed per language."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        totals[(row["lang"], row["section"])] += row["n"]
    top = set(sorted(totals, key=lambda k: (-totals[k], k))[:TOP_SECTIONS])
    cells: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        key = (row["lang"], row["section"])
        name = f"{row['lang']} · {row['section']}" if key in top else f"{row['lang']} · other sections"
        cells[name][row["month"]] += row["n"]
    names = sorted(cells, key=lambda n: (n.split(" · ")[0], n.endswith("other sections"), n))
    return names, [[cells[n].get(m, 0) for m in span] for n in names]


def _count_axis(fig: Any, counts: list[int], axis: str) -> None:
    """Whole-number ticks from zero on a count axis; one per unit while the counts are small."""
    ticks: dict[str, Any] = {"tickformat": ",d", "rangemode": "tozero"}
    if max(counts, default=0) <= UNIT_TICKS_UP_TO:
        ticks.update(tick0=0, dtick=1)
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**ticks)


def _empty(fig: Any, text: str) -> None:
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5, font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=160)


def _layout(fig: Any, x_title: str | None, y_title: str | None, height: int = 380) -> None:
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 30, "t": 20, "b": 50},
        legend={"orientation": "h", "y": -0.2},
        font={"family": FONT, "size": 12},
        xaxis_title=x_title,
        yaxis_title=y_title,
    )
