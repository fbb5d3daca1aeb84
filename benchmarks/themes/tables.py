"""Theme "tables": a 2000s table layout (the kind of template many Bitrix sites were born with).

The page is one outer table (header row, a row of left / centre / right cells, footer row). Listings
are tables whose rows hold a date cell and a link cell (title link, then the lead). A detail page sits
in nested tables: a title table, a head-line table ("Title" cell, date cell), one row per block
(subtitle, picture, body, files, signature), and the back links as cells of a last table.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from urllib.parse import quote

from csto import chrome
from csto.chrome import MENU
from csto.model import Article
from csto.render import SHARE, Renderer, image_path, signature_lines
from csto.text import fmt_site_date

T = 'border="0" cellpadding="0" cellspacing="0"'


class Theme(Renderer):
    """Table layout with bgcolor/width attributes and <font> text."""

    def panel(self) -> str:
        rows = []
        for title, buttons in self.L["panel"]:
            cells = "".join(f'<td><a href="#" onclick="return spc({i})">{b}</a></td>' for i, b in enumerate(buttons))
            rows.append(f'<tr><td nowrap="nowrap"><font size="1">{title}</font></td>{cells}</tr>')
        return f'<table id="spec" {T} style="display:none">{"".join(rows)}</table>\n'

    def menu(self) -> str:
        li = 0 if self.lang == "en" else 1
        cells = "".join(
            f'<td bgcolor="#1f4e8c" align="center"><a href="{top[2]}">'
            f'<font color="#ffffff">{escape(top[li])}</font></a></td>'
            for top in MENU
        )
        return f'<table width="100%" {T}><tr>{cells}</tr></table>\n'

    def footer(self) -> str:
        lab, li = self.L, (0 if self.lang == "en" else 1)
        links = " | ".join(f'<a href="{t[2]}">{escape(t[li])}</a>' for t in MENU)
        return (
            f'<table width="100%" {T} bgcolor="#e6ebf2"><tr><td colspan="2"><font size="1">{links}</font></td></tr>'
            f'<tr><td valign="top"><font size="1">{lab["address"]}<br>{lab["phone"]}<br>'
            f"{lab['fax']}<br>{lab['email']}</font></td>"
            f'<td valign="top" align="right"><font size="1">{escape(lab["copyright"])}</font></td></tr></table>\n'
        )

    def header(self, switch_url: str) -> str:
        lab = self.L
        return (
            f'<table width="100%" {T}><tr><td width="200"><a href="/">'
            f'<img src="/bitrix/templates/csto_old/images/logo_{self.lang}.gif" alt="{lab["short"]}" border="0">'
            "</a></td>"
            f'<td><font size="4"><b>{lab["site"]}</b></font></td>'
            f'<td align="right" nowrap="nowrap"><a href="#spec">{lab["special"]}</a><br>'
            f'<b>{self.lang.upper()}</b> | <a href="{switch_url}" hreflang="{self.other}">{self.other.upper()}</a><br>'
            f'<a href="/auth/?backurl=%2F">{lab["login"]}</a> | <a href="/personal/">{lab["personal"]}</a><br>'
            f'<form action="/search/index.php" method="get" style="margin:0"><input type="text" name="q" size="15">'
            f'<input type="submit" name="s" value="{lab["search"]}"></form></td></tr></table>\n{self._menu}'
        )

    def breadcrumbs(self, crumbs: list[tuple[str, str | None]]) -> str:
        parts = [f'<a href="/">{self.L["home"]}</a>']
        parts += [f'<a href="{h}">{escape(t)}</a>' if h else escape(t) for t, h in crumbs]
        return f'<table {T}><tr><td><font size="1">{" &raquo; ".join(parts)}</font></td></tr></table>'

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
        left_cell = f'<td width="220" valign="top" bgcolor="#f3f5f8">{left}</td>' if left else ""
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n'
            f"<html>\n<head>\n<title>{escape(title)}</title>\n{self._head_static}</head>\n"
            f'<body bgcolor="#ffffff" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">\n{self._panel}'
            f'<table width="980" align="center" {T}>\n<tr><td colspan="3">{self.header(switch)}</td></tr>\n'
            f'<tr><td colspan="3">{self.breadcrumbs(crumbs)}</td></tr>\n'
            f'<tr>{left_cell}<td valign="top">{main}</td>'
            f'<td width="200" valign="top">{right_html}</td></tr>\n'
            f'<tr><td colspan="3">{self._footer}</td></tr>\n</table>\n'
            f"{chrome.ANALYTICS}\n</body>\n</html>\n"
        )

    def right_column(self, month: dt.date) -> str:
        tags = " ".join(f'<a href="{h}"><font size="1">{label}</font></a>' for h, label in self.tag_links())
        banners = "".join(
            f'<tr><td><a href="{h}" target="_blank">{label}</a></td></tr>' for h, label in self.banner_links()
        )
        return (
            f'<table width="100%" {T}><tr><td>{self.calendar(month)}</td></tr>'
            f'<tr><td bgcolor="#dde4ee"><b>{self.L["tags"]}</b></td></tr><tr><td>{tags}</td></tr>'
            f'<tr><td bgcolor="#dde4ee"><b>{self.L["partners"]}</b></td></tr>{banners}</table>'
        )

    def heading(self, text: str) -> str:
        cell = f'<td class="pagetitle"><font size="4"><b>{escape(text)}</b></font></td>'
        return f'<table width="100%" {T}><tr>{cell}</tr></table>'

    def news_list(self, items: str, pager: str = "", empty: str = "") -> str:
        rows = items or (f'<tr><td colspan="2">{empty}</td></tr>' if empty else "")
        return f'<table width="100%" border="0" cellpadding="4" cellspacing="0">{rows}</table>{pager}'

    def list_item(self, a: Article, context: str) -> str:
        href = escape(self.item_href(a, context))
        return (
            '<tr><td width="90" valign="top" nowrap="nowrap">'
            f'<font size="2" color="#808080">{self.list_date(a)}</font></td>'
            f'<td valign="top"><a href="{href}"><b>{escape(a.title)}</b></a><br>'
            f'<font size="2">{escape(self.m.lead(a))}</font></td></tr>\n'
            '<tr><td colspan="2"><hr size="1" noshade></td></tr>\n'
        )

    def pager(self, base: str, page: int, pages: int, total: int) -> str:
        if pages <= 1:
            return ""

        def cell(n: int, text: str) -> str:
            href = base if n == 1 else f"{base}?PAGEN_1={n}"
            return f'<td><a href="{href}">{text}</a></td>'

        cells = [f"<td>{self.L['pages']}</td>"]
        if page > 1:
            cells += [cell(1, self.L["first"]), cell(page - 1, "&lt;")]
        for n in range(max(1, page - 4), min(pages, page + 4) + 1):
            cells.append(f"<td><b>{n}</b></td>" if n == page else cell(n, str(n)))
        if page < pages:
            cells += [cell(page + 1, "&gt;"), cell(pages, self.L["last"])]
        return f'<table {T} cellpadding="3"><tr>{"".join(cells)}</tr></table>'

    def print_link(self, href: str) -> str:
        return f'<table {T}><tr><td><a href="{escape(href)}">{self.L["print"]}</a></td></tr></table>'

    def detail_main(self, a: Article) -> str:
        lab, title = self.L, escape(a.title)
        date = self.head_date(a)
        rows = [
            f'<tr><td><table width="100%" {T}><tr><td><b>{title}</b></td>'
            + (f'<td align="right" nowrap="nowrap"><font color="#808080">{date}</font></td>' if date else "")
            + "</tr></table></td></tr>"
        ]
        if a.subtitle:
            rows.append(f"<tr><td><i>{escape(a.subtitle)}</i></td></tr>")
        if self.has_picture(a):
            rows.append(
                f'<tr><td><img src="{image_path(a)}" width="640" height="400" alt="{title}" border="0"></td></tr>'
            )
        rows.append(f'<tr><td><font size="2">{self.body_html(a)}</font></td></tr>')
        if a.attachments:
            files = "".join(
                f'<tr><td nowrap="nowrap">{fmt_site_date(a.date) if i == 0 else ""}</td>'
                f'<td>{lab["download"]} <a href="{att.path}">{att.filename}</a></td></tr>'
                for i, att in enumerate(a.attachments)
            )
            rows.append(f'<tr><td><table {T} cellpadding="2">{files}</table></td></tr>')
        if a.signature:
            rows.append(f"<tr><td>{self.signature(a.signature)}</td></tr>")
        rows.append(f"<tr><td>{self.back_links(a)}</td></tr>")
        rows.append(f"<tr><td>{self.share(a)}{self.print_link('?print=Y')}</td></tr>")
        return (
            f"{self.heading(a.title)}"
            f'<table width="100%" border="0" cellpadding="5" cellspacing="0">{"".join(rows)}</table>'
        )

    def sidebar(self) -> str:
        rows = "".join(
            f'<tr><td><font size="1" color="#808080">{fmt_site_date(s.date)}</font></td></tr>'
            f'<tr><td><a href="{escape(self.item_href(s, "sidebar"))}">'
            f'<font size="2">{escape(self.m.lead(s))}</font></a></td></tr>'
            for s in self.m.sidebar[self.lang]
        )
        return f'<table width="100%" {T} cellpadding="3">{rows}</table>'

    def signature(self, lines: list[str]) -> str:
        rows = "".join(f"<tr><td>{x}</td></tr>" for x in signature_lines(lines))
        return f"<table {T}>{rows}</table>"

    def back_links(self, a: Article) -> str:
        cells = "".join(f'<td><a href="{h}">{label}</a></td>' for h, label in self.back_targets(a))
        return f'<table {T} cellpadding="4"><tr>{cells}</tr></table>'

    def share(self, a: Article) -> str:
        url = quote(self.bases[self.lang] + a.path, safe="")
        cells = "".join(f'<td><a href="{p}{url}" target="_blank">{net.upper()}</a></td>' for net, p in SHARE)
        return f'<table {T} cellpadding="2"><tr><td>{self.L["share"]}:</td>{cells}</tr></table>'
