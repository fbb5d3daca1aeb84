"""The report's HTML page: totals, each figure with its note, the runs and gaps tables, plotly.js inlined."""

from __future__ import annotations

import html
from typing import Any

from .. import __version__
from .data import ReportData
from .figures import FONT, TOP_SECTIONS, figures

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
