"""Theme "linkedtitle": a detail page with no <h1>; the title stands in a plain block, then the date,
then the title again as a link to the page itself (a layout seen on public 1C-Bitrix sites).

No heading tag anywhere on detail pages, no ``Title dd.mm.yyyy`` head line, no class the crawler
knows; the back links keep their words. Listings keep the odkb markup.
"""

from __future__ import annotations

from html import escape

from csto.model import Article
from csto.render import Renderer, image_path
from csto.text import fmt_site_date


class Theme(Renderer):
    """Title block, date, title as a link, then the article."""

    def detail_main(self, a: Article) -> str:
        date = self.head_date(a)
        parts = [
            '<div class="pub">',
            f'<div class="pub-caption">{escape(a.title)}</div>',
            f'<div class="pub-when">{date}</div>' if date else "",
            f'<div class="pub-link"><a href="{a.path}">{escape(a.title)}</a></div>',
        ]
        if a.subtitle:
            parts.append(f'<div class="pub-sub"><i>{escape(a.subtitle)}</i></div>')
        if self.has_picture(a):
            parts.append(f'<img src="{image_path(a)}" width="640" height="400" alt="" />')
        parts.append(f'<div class="pub-text">{self.body_html(a)}</div>')
        if a.attachments:
            links = "".join(f'<a href="{att.path}">{self.L["download"]} {att.filename}</a> ' for att in a.attachments)
            parts.append(f"<div><span>{fmt_site_date(a.date)}</span> {links}</div>")
        if a.signature:
            parts.append(self.signature(a.signature))
        parts.append(self.back_links(a))
        parts.append(self.share(a))
        parts.append("</div>")
        return "".join(parts)
