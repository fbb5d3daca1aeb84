"""Theme "rubric": a layout that keeps none of the marks the site rules and the anchored reading use.

The title stands in the <h1> behind a rubric label ("News" + title: no line of the page is the
listing's title), there is no head line and no date on detail pages, no back links, no share row,
and no class the crawler knows; only <title>, og:title and the listing say what the article is.
The crawl must degrade to the generic reader and still archive every article (``csto health``
names the sections it read).
"""

from __future__ import annotations

from html import escape
from typing import Any

from csto.model import Article
from csto.render import Renderer, image_path
from csto.text import fmt_site_date

RUBRIC = {"en": "News", "ru": "Новости"}


class Theme(Renderer):
    """Rubric label in the <h1>, the body, attachments and signature; nothing else."""

    def page(self, title: str, *args: Any, **kwargs: Any) -> str:
        html = super().page(title, *args, **kwargs)
        return html.replace("</title>", f'</title><meta property="og:title" content="{escape(title)}">', 1)

    def detail_main(self, a: Article) -> str:
        parts = [f'<div class="x1"><h1><span class="x2">{RUBRIC[self.lang]}</span> {escape(a.title)}</h1>']
        if a.subtitle:
            parts.append(f'<div class="x3"><i>{escape(a.subtitle)}</i></div>')
        if self.has_picture(a):
            parts.append(f'<img src="{image_path(a)}" width="640" height="400" alt="" />')
        parts.append(f'<div class="x4">{self.body_html(a)}</div>')
        if a.attachments:
            links = "".join(f'<a href="{att.path}">{self.L["download"]} {att.filename}</a> ' for att in a.attachments)
            parts.append(f'<div class="x5"><span>{fmt_site_date(a.date)}</span> {links}</div>')
        if a.signature:
            parts.append(self.signature(a.signature))
        parts.append("</div>")
        return "".join(parts)
