"""``csto report``: one self-contained HTML file of plots about the archive, for researchers.

What the organisation published when (articles per month, per language and per section), what it
edited and removed over time, how many articles have a counterpart in the other language, what
each crawl run did, and where coverage has gaps. Every figure comes from a few aggregate queries
(GROUP BY in SQLite; no article body is read), so the report takes seconds on tens of thousands
of articles.

Plots are Plotly figures: interactive (hover for exact counts, zoom into 30 years of months),
their data embedded as JSON in the page, and plotly.js inlined once, so the file needs no network
and no server. (Matplotlib SVGs would make a smaller file but static pictures of dense monthly
series, with the numbers lost in paths.)
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .archive.coverage import CoverageReport, coverage_report
from .archive.queries import ArchiveReader
from .dates import utc_now

# Sections drawn one by one in the heatmap; the rest of a language's sections are summed as "other".
TOP_SECTIONS = 24
LANG_COLOURS = {"en": "#1f77b4", "ru": "#d62728"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"


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
    q = reader.query
    totals = q(
        "SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM versions) AS versions,"
        " (SELECT count(*) FROM articles WHERE version_count > 1) AS edited,"
        " (SELECT count(*) FROM articles WHERE gone_at IS NOT NULL) AS gone,"
        " (SELECT count(*) FROM attachments) AS attachments, (SELECT count(*) FROM crawl_runs) AS runs,"
        " (SELECT min(substr(published, 1, 10)) FROM articles) AS first_published,"
        " (SELECT max(substr(published, 1, 10)) FROM articles) AS last_published,"
        " (SELECT count(*) FROM failures) AS failing_urls"
    )[0]
    per_month = q(
        "SELECT substr(published, 1, 7) AS month, lang, count(*) AS n FROM articles"
        " WHERE published IS NOT NULL GROUP BY month, lang ORDER BY month, lang"
    )
    per_section_month = q(
        "SELECT lang, section, substr(published, 1, 7) AS month, count(*) AS n FROM articles"
        " WHERE published IS NOT NULL GROUP BY lang, section, month"
    )
    edits = q(
        "SELECT substr(first_seen_at, 1, 7) AS month, change, count(*) AS n FROM versions WHERE version > 1"
        " GROUP BY month, change ORDER BY month"
    )
    events = q(
        "SELECT substr(at, 1, 7) AS month, event, count(*) AS n FROM article_events"
        " WHERE event IN ('gone', 'revived') GROUP BY month, event ORDER BY month"
    )
    pairing = q(
        "SELECT substr(a.published, 1, 4) AS year, a.lang, count(*) AS n,"
        " sum(a.counterpart_url IS NOT NULL) AS linked, sum(c.id IS NOT NULL) AS archived"
        " FROM articles a LEFT JOIN articles c ON c.url = a.counterpart_url"
        " WHERE a.published IS NOT NULL GROUP BY year, a.lang ORDER BY year, a.lang"
    )
    runs = q(
        "SELECT r.id, r.started_at, r.finished_at, r.mode, r.finish_reason, r.counts,"
        " (SELECT count(*) FROM fetches f WHERE f.run_id = r.id) AS pages FROM crawl_runs r ORDER BY r.id"
    )
    data = ReportData(
        generated_at=utc_now().isoformat(timespec="seconds"),
        archive=archive_name,
        totals=totals,
        per_month=per_month,
        per_section_month=per_section_month,
        edits=edits,
        events=events,
        pairing=pairing,
        runs=[_run_row(r) for r in runs],
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


def _months(first: str, last: str) -> list[str]:
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
    return {lang: [m for m in _months(min(ms), max(ms)) if m not in ms] for lang, ms in sorted(seen.items())}


# --- figures -------------------------------------------------------------------------------------


def figures(data: ReportData) -> list[tuple[str, str, Any]]:
    """(id, title, plotly figure) for each plot, in the report's order."""
    import plotly.graph_objects as go  # imported here: only the report pays for loading Plotly

    months = sorted({r["month"] for r in data.per_month})
    span = _months(months[0], months[-1]) if months else []
    out: list[tuple[str, str, Any]] = []

    fig = go.Figure()
    for lang in sorted({r["lang"] for r in data.per_month}):
        counts = {r["month"]: r["n"] for r in data.per_month if r["lang"] == lang}
        fig.add_trace(
            go.Scatter(
                x=span,
                y=[counts.get(m, 0) for m in span],
                name=lang,
                mode="lines",
                line={"color": LANG_COLOURS.get(lang), "width": 1.5},
            )
        )
    _layout(fig, "month of publication", "articles")
    out.append(("per-month", "Articles per month, by language", fig))

    rows, z = _section_matrix(data.per_section_month, span)
    fig = go.Figure(
        go.Heatmap(x=span, y=rows, z=z, colorscale="Blues", hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>")
    )
    _layout(fig, "month of publication", None, height=max(360, 22 * len(rows) + 120))
    fig.update_yaxes(autorange="reversed", automargin=True)
    out.append(("per-section", "Articles per month, by language and section", fig))

    fig = go.Figure()
    noticed = sorted({r["month"] for r in data.edits} | {r["month"] for r in data.events})
    # Every month from the first change to the last, as categories: a single month stays a readable bar.
    change_span = _months(noticed[0], noticed[-1]) if noticed else []
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
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    if not fig.data:
        _empty(fig, "No edits or deletions seen yet: every article still has its first version and is live.")
    out.append(("changes", "Edits and deletions over time", fig))

    fig = go.Figure()
    for lang in sorted({r["lang"] for r in data.pairing}):
        rows_ = [r for r in data.pairing if r["lang"] == lang]
        fig.add_trace(
            go.Scatter(
                x=[r["year"] for r in rows_],
                y=[round(100 * (r["archived"] or 0) / r["n"], 1) for r in rows_],
                name=f"{lang}: counterpart archived",
                mode="lines+markers",
                line={"color": LANG_COLOURS.get(lang)},
                customdata=[[r["n"], r["linked"] or 0, r["archived"] or 0] for r in rows_],
                hovertemplate="%{x}: %{y}%<br>%{customdata[2]} of %{customdata[0]} articles"
                " (%{customdata[1]} linked)<extra></extra>",
            )
        )
    _layout(fig, "year of publication", "% of articles")
    fig.update_yaxes(range=[0, 105])
    out.append(("pairing", "Russian/English pairing rate", fig))

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
    fig.update_layout(
        barmode="group",
        yaxis2={"title": {"text": "seconds"}, "overlaying": "y", "side": "right", "rangemode": "tozero"},
    )
    out.append(("runs", "Crawl runs: pages, failures and duration", fig))

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
    fig.update_yaxes(autorange="reversed", automargin=True)
    out.append(("coverage", "Coverage gaps", fig))
    return out


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


# --- HTML ----------------------------------------------------------------------------------------

CSS = f"""
body {{ font-family: {FONT}; margin: 0 auto; max-width: 1100px; padding: 0 24px 48px; color: #222; }}
h1 {{ font-size: 1.6em; margin: 28px 0 4px; }}
h2 {{ font-size: 1.2em; margin: 36px 0 6px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }}
p.note {{ color: #555; margin: 4px 0 8px; }}
table {{ border-collapse: collapse; margin: 8px 0; font-size: 0.92em; }}
td, th {{ border: 1px solid #ddd; padding: 3px 8px; text-align: left; }}
td.n, th.n {{ text-align: right; }}
.totals td {{ min-width: 90px; }}
"""


def render(data: ReportData) -> str:
    """The whole HTML page (plotly.js inlined)."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    notes = {
        "per-month": "By the site's publication date. Months without any article are the flat stretches at zero.",
        "per-section": f"The {TOP_SECTIONS} largest language/section pairs; the rest summed per language.",
        "changes": "New versions by the month they were first seen; removals and returns by the month noticed.",
        "pairing": "Share of articles, by year of publication, whose counterpart on the other language site"
        " (from the page's language switch) is in the archive.",
        "runs": "Pages fetched (HTTP responses used), URLs that failed, and wall time of each run.",
        "coverage": "Reconciliation with the listings and sitemaps seen (csto coverage). The first three are gaps.",
    }
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>CSTO archive report, {html.escape(data.generated_at[:10])}</title>",
        f"<style>{CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head><body>",
        "<h1>CSTO website archive: report</h1>",
        f'<p class="note">{html.escape(data.archive)}, generated {html.escape(data.generated_at)}'
        f" by csto-crawler {html.escape(__version__)}.</p>",
        _totals_table(data),
    ]
    for fig_id, title, fig in figures(data):
        body = pio.to_html(
            fig,
            include_plotlyjs=False,
            full_html=False,
            div_id=fig_id,
            config={"displaylogo": False, "responsive": True},
        )
        parts += [f'<h2 id="h-{fig_id}">{html.escape(title)}</h2>', f'<p class="note">{html.escape(notes[fig_id])}</p>']
        parts.append(body)
        if fig_id == "runs":
            parts.append(_runs_table(data.runs))
        if fig_id == "coverage":
            parts.append(_stretches(data))
    parts.append("</body></html>")
    return "\n".join(parts)


def _totals_table(data: ReportData) -> str:
    t = data.totals
    cells = [
        ("articles", t["articles"]),
        ("versions", t["versions"]),
        ("edited", t["edited"]),
        ("removed", t["gone"]),
        ("attachments", t["attachments"]),
        ("crawl runs", t["runs"]),
        ("failing URLs", t["failing_urls"]),
        ("published", f"{t['first_published'] or '-'} .. {t['last_published'] or '-'}"),
    ]
    head = "".join(f"<th>{html.escape(name)}</th>" for name, _ in cells)
    row = "".join(f"<td>{html.escape(str(value))}</td>" for _, value in cells)
    return f'<table class="totals"><tr>{head}</tr><tr>{row}</tr></table>'


def _runs_table(runs: list[dict[str, Any]]) -> str:
    columns = ("id", "started_at", "mode", "finish_reason", "pages", "failed", "new", "changed", "gone", "duration_s")
    numeric = {"id", "pages", "failed", "new", "changed", "gone", "duration_s"}
    head = "".join(f'<th class="{"n" if c in numeric else ""}">{c}</th>' for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"n" if c in numeric else ""}">{html.escape("" if r[c] is None else str(r[c]))}</td>'
            for c in columns
        )
        + "</tr>"
        for r in runs[-50:]
    )
    caption = f"<p class='note'>The last {min(50, len(runs))} of {len(runs)} runs.</p>" if len(runs) > 50 else ""
    return f"{caption}<table>{head and '<tr>' + head + '</tr>'}{body}</table>"


def _stretches(data: ReportData) -> str:
    lines = []
    for lang, stretches in sorted(data.coverage.empty_stretches.items()):
        text = "longest stretches: " + (", ".join(f"{a} .. {b} ({n} days)" for a, b, n in stretches) or "none")
        lines.append(f"<tr><td>{html.escape(lang)}</td><td>{html.escape(text)}</td></tr>")
    for lang, months in sorted(data.empty_months.items()):
        shown = ", ".join(months[:24]) + (f" and {len(months) - 24} more" if len(months) > 24 else "")
        lines.append(
            f"<tr><td>{html.escape(lang)}</td><td>months without articles: {html.escape(shown or 'none')}</td></tr>"
        )
    head = "<tr><th>lang</th><th>days and months without articles (by publication date)</th></tr>"
    return f"<table>{head}{''.join(lines)}</table>"


def build_report(reader: ArchiveReader, archive_name: str) -> str:
    return render(collect(reader, archive_name))
