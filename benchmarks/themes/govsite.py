"""Theme "govsite": a government-site layout: the only way back is a button named after the section
("Mass media about CSTO", "СМИ о ОДКБ"), detail pages show no date line at all (the listing shows
it, after a label: "Published: 14.09.2022"), the title is an <h2> inside a table cell.

Bodies are left as they are; the signature and attachments keep their places.
"""

from __future__ import annotations

from html import escape

from csto.chrome import section_title
from csto.model import Article
from csto.render import Renderer, image_path
from csto.text import fmt_site_date

PUBLISHED = {"en": "Published:", "ru": "Дата публикации:"}


class Theme(Renderer):
    """Table layout, section-named back button, dates only in listings."""

    def detail_main(self, a: Article) -> str:
        parts = [f'<table class="layout"><tr><td class="content"><h2 class="title">{escape(a.title)}</h2>']
        if a.subtitle:
            parts.append(f"<p><em>{escape(a.subtitle)}</em></p>")
        if self.has_picture(a):
            parts.append(f'<p><img src="{image_path(a)}" alt="" /></p>')
        parts.append(f'<div class="text">{self.body_html(a)}</div>')
        if a.attachments:
            links = "".join(f'<a href="{att.path}">{self.L["download"]} {att.filename}</a> ' for att in a.attachments)
            parts.append(f"<p><span>{fmt_site_date(a.date)}</span> {links}</p>")
        if a.signature:
            parts.append(self.signature(a.signature))
        back = section_title(a.section, self.lang)
        parts.append(f'<p class="btn-back"><a class="btn" href="/{a.section}/">{escape(back)}</a></p>')
        parts.append("</td></tr></table>")
        return "".join(parts)

    def list_item(self, a: Article, context: str) -> str:
        href = escape(self.item_href(a, context))
        return (
            f'<div class="row"><a href="{href}">{escape(a.title)}</a>'
            f"<p>{escape(self.m.lead(a))}</p>"
            f'<p class="meta">{PUBLISHED[self.lang]} {self.list_date(a)}</p></div>\n'
        )
