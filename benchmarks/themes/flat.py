"""Theme "flat": a bare hand-written template, content without any class names.

The detail page's content is one attribute-less ``<div>`` holding everything as text: the ``<h1>``,
the head line ("<b>Title</b> dd.mm.yyyy"), the subtitle, then the body paragraphs straight in the
container separated by ``<br><br>`` (no ``<p>``), then the files line, the signature lines and the
back links, each block separated by ``<br><br>`` too. Verbatim body HTML (lists, tables) is kept but
loses its class/align/style attributes. Listings and the sidebar are plain ``<div>``s with ``<br>``s.
Only the page's columns carry ids (``left``, ``center``, ``right``), as in many hand-made templates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from html import escape
from urllib.parse import quote

from csto import chrome
from csto.chrome import MENU
from csto.model import Article
from csto.render import SHARE, Renderer, image_path, signature_lines
from csto.text import fmt_site_date

BR2 = "<br>\n<br>\n"
ATTR_RE = re.compile(r'\s(?:class|align|style|lang)="[^"]*"')


class Theme(Renderer):
    """Class-free content, <br><br> paragraphs."""

    def panel(self) -> str:
        lines = "<br>".join(f"{title}: " + " / ".join(buttons) for title, buttons in self.L["panel"])
        return f'<div id="spec" style="display:none">{lines}</div>\n'

    def menu(self) -> str:
        li = 0 if self.lang == "en" else 1
        return "<div>" + " | ".join(f'<a href="{t[2]}">{escape(t[li])}</a>' for t in MENU) + "</div>\n"

    def footer(self) -> str:
        lab = self.L
        return (
            f'<div id="bottom">{self._menu}{lab["address"]}<br>{lab["phone"]}<br>{lab["fax"]}<br>{lab["email"]}<br>'
            f"{escape(lab['copyright'])}</div>\n"
        )

    def header(self, switch_url: str) -> str:
        lab = self.L
        return (
            f'<div id="top"><a href="/"><img src="/images/logo_{self.lang}.png" alt="{lab["short"]}"></a> {lab["site"]}'
            f' <a href="#spec">{lab["special"]}</a> <a href="{switch_url}" hreflang="{self.other}">'
            f'{self.other.upper()}</a> <a href="/auth/?backurl=%2F">{lab["login"]}</a>'
            f'<form action="/search/index.php"><input name="q"><input type="submit" value="{lab["search"]}"></form>'
            f"{self._menu}</div>\n"
        )

    def breadcrumbs(self, crumbs: list[tuple[str, str | None]]) -> str:
        parts = [f'<a href="/">{self.L["home"]}</a>']
        parts += [f'<a href="{h}">{escape(t)}</a>' if h else escape(t) for t, h in crumbs]
        return f"<div>{' / '.join(parts)}</div>\n"

    def page(
        self,
        title: str,
        main: str,
        crumbs: list[tuple[str, str | None]],
        *,
        path: str = "/",
        switch_url: str | None = None,
        left: str = "",
        right: str | None = None,
        body_class: str = "",
    ) -> str:
        switch = switch_url or self.bases[self.other] + "/"
        right_html = self._right_default if right is None else right
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}">\n<head>\n<title>{escape(title)}</title>\n'
            f"{self._head_static}</head>\n<body>\n{self._panel}{self.header(switch)}{self.breadcrumbs(crumbs)}"
            f'{f"<div id=left>{left}</div>" if left else ""}<div id="center">{main}</div>'
            f'<div id="right">{right_html}</div>\n{self._footer}{chrome.ANALYTICS}\n</body>\n</html>\n'
        )

    def calendar(self, month: dt.date) -> str:
        return ATTR_RE.sub("", super().calendar(month))

    def right_column(self, month: dt.date) -> str:
        tags = " ".join(f'<a href="{h}">{label}</a>' for h, label in self.tag_links())
        banners = "<br>".join(f'<a href="{h}">{label}</a>' for h, label in self.banner_links())
        return f"{self.calendar(month)}<div><b>{self.L['tags']}</b><br>{tags}</div><div>{banners}</div>"

    def heading(self, text: str) -> str:
        return f"<h1>{escape(text)}</h1>"

    def news_list(self, items: str, pager: str = "", empty: str = "") -> str:
        return f"<div>{items or empty}</div>{pager}"

    def list_item(self, a: Article, context: str) -> str:
        href = escape(self.item_href(a, context))
        lead = escape(self.m.lead(a))
        return f'<div>{self.list_date(a)}<br><a href="{href}">{escape(a.title)}</a><br>{lead}</div><br>\n'

    def pager(self, base: str, page: int, pages: int, total: int) -> str:
        if pages <= 1:
            return ""
        links = [
            str(n) if n == page else f'<a href="{base if n == 1 else f"{base}?PAGEN_1={n}"}">{n}</a>'
            for n in range(max(1, page - 5), min(pages, page + 5) + 1)
        ]
        return f"<div>{self.L['pages']} {' | '.join(links)}</div>"

    def print_link(self, href: str) -> str:
        return f'<a href="{escape(href)}">{self.L["print"]}</a>'

    def flat_body(self, a: Article) -> str:
        """The body as text in the container: paragraphs separated by <br><br>, no <p>, no classes."""
        if a.body_html is not None:
            return ATTR_RE.sub("", a.body_html)
        paras = [escape(p) for p in self.m.body(a)]
        if "photo_credit" in a.quirks and paras:
            paras[0] = f'<img src="{image_path(a)}" alt=""><br>{paras[0]}'
        if "interview" in a.quirks:
            paras = [f"<b>{p}</b>" if p.startswith("—") and p.rstrip().endswith("?") else p for p in paras]
        if "glued_date" in a.quirks and paras:
            paras[0] = f"<span>{fmt_site_date(a.date)}</span>{paras[0]}"
        if "video" in a.quirks:
            vid = hashlib.md5(f"yt{a.id}".encode(), usedforsecurity=False).hexdigest()[:11]
            paras.append(f'<iframe width="560" height="315" src="https://www.youtube.com/embed/{vid}"></iframe>')
        return BR2.join(paras)

    def detail_main(self, a: Article) -> str:
        lab, title = self.L, escape(a.title)
        date = self.head_date(a)
        blocks = [f"<b>{title}</b>" + (f" {date}" if date else "")]
        if a.subtitle:
            blocks.append(f"<i>{escape(a.subtitle)}</i>")
        if self.has_picture(a):
            blocks.append(f'<img src="{image_path(a)}" alt="{title}">')
        blocks.append(self.flat_body(a))
        if a.attachments:
            blocks.append(
                f"{fmt_site_date(a.date)} "
                + "<br>".join(f'{lab["download"]} <a href="{att.path}">{att.filename}</a>' for att in a.attachments)
            )
        if a.signature:
            blocks.append(self.signature(a.signature))
        blocks += [self.back_links(a), self.share(a) + " " + self.print_link("?print=Y")]
        return f"<h1>{title}</h1><div>{BR2.join(blocks)}</div>"

    def sidebar(self) -> str:
        items = "<br>\n".join(
            f"{fmt_site_date(s.date)}<br>"
            f'<a href="{escape(self.item_href(s, "sidebar"))}">{escape(self.m.lead(s))}</a><br>'
            for s in self.m.sidebar[self.lang]
        )
        return f"<div>{items}</div>"

    def signature(self, lines: list[str]) -> str:
        return "<br>".join(signature_lines(lines))

    def back_links(self, a: Article) -> str:
        return " | ".join(f'<a href="{h}">{label}</a>' for h, label in self.back_targets(a))

    def share(self, a: Article) -> str:
        url = quote(self.bases[self.lang] + a.path, safe="")
        return f"{self.L['share']}: " + " ".join(f'<a href="{p}{url}">{net}</a>' for net, p in SHARE)
