"""Theme "divsoup": what a visual page builder exports: anonymous nested <div>s with inline styles.

No class or id on any template element, no semantic tags (no header/nav/main/aside/article/footer,
no h1-h6, no ul/table in the template; the calendar is a grid of divs). Every block sits 5-8 divs
deep. Titles are ``<div style="font-size:22px;font-weight:bold">``, dates are ``<span>``s. Article
bodies (editor content) are left as they are.
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

WRAPPERS = [
    "width:100%",
    "position:relative",
    "display:flex;flex-direction:column",
    "padding:0",
    "margin:0 auto",
    "box-sizing:border-box",
    "overflow:hidden",
    "min-height:1px",
]
TITLE_STYLE = "font-size:22px;font-weight:bold"


def nest(inner: str, depth: int, first: int = 0) -> str:
    """``inner`` wrapped in ``depth`` anonymous divs with builder-style inline styles."""
    styles = [WRAPPERS[(first + k) % len(WRAPPERS)] for k in range(depth)]
    return "".join(f'<div style="{s}">' for s in styles) + inner + "</div>" * depth


def div(inner: str, style: str = "") -> str:
    return f'<div style="{style}">{inner}</div>' if style else f"<div>{inner}</div>"


class Theme(Renderer):
    """Anonymous div soup with inline styles."""

    def panel(self) -> str:
        rows = "".join(
            div(div(f"<span>{t}</span>") + "".join(div(f"<span>{b}</span>", "display:inline-block") for b in bs))
            for t, bs in self.L["panel"]
        )
        return div(nest(rows, 3, 5), "display:none") + "\n"

    def menu(self) -> str:
        li = 0 if self.lang == "en" else 1
        items = "".join(
            div(
                div(f'<a href="{t[2]}" style="color:#fff">{escape(t[li])}</a>', "padding:12px 16px"),
                "display:inline-block",
            )
            for t in MENU
        )
        return nest(items, 4, 2)

    def footer(self) -> str:
        lab, li = self.L, (0 if self.lang == "en" else 1)
        links = "".join(div(f'<a href="{t[2]}">{escape(t[li])}</a>', "display:inline-block;margin:4px") for t in MENU)
        contacts = "".join(div(div(x)) for x in (lab["address"], lab["phone"], lab["fax"], lab["email"]))
        return (
            nest(div(links) + div(contacts, "font-size:13px") + div(escape(lab["copyright"]), "opacity:.7"), 6, 1)
            + "\n"
        )

    def header(self, switch_url: str) -> str:
        lab = self.L
        top = (
            div(f'<a href="#" style="color:#fff">{lab["special"]}</a>', "display:inline-block")
            + div(
                f'<span>{self.lang.upper()}</span> <a href="{switch_url}" hreflang="{self.other}">'
                f"{self.other.upper()}</a>",
                "display:inline-block",
            )
            + div(f'<a href="/auth/?backurl=%2F">{lab["login"]}</a>', "display:inline-block")
        )
        brand = div(
            div(f'<a href="/"><img src="/upload/builder/logo-{self.lang}.png" alt="{lab["short"]}"></a>')
            + div(f"<span>{lab['site']}</span>", "font-size:18px")
            + div(f'<form action="/search/index.php"><input name="q" placeholder="{lab["search_ph"]}"></form>'),
            "display:flex;align-items:center",
        )
        return nest(div(top, "background:#0b2a52") + brand + self._menu, 5, 0) + "\n"

    def breadcrumbs(self, crumbs: list[tuple[str, str | None]]) -> str:
        parts = [f'<a href="/">{self.L["home"]}</a>']
        parts += [f'<a href="{h}">{escape(t)}</a>' if h else f"<span>{escape(t)}</span>" for t, h in crumbs]
        return nest(" <span>/</span> ".join(parts), 3, 4)

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
        cols = (
            (div(left, "flex:0 0 25%") if left else "") + div(main, "flex:1 1 auto") + div(right_html, "flex:0 0 22%")
        )
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}">\n<head>\n<title>{escape(title)}</title>\n'
            f"{self._head_static}</head>\n<body>\n"
            + nest(
                self._panel
                + self.header(switch)
                + self.breadcrumbs(crumbs)
                + div(cols, "display:flex;gap:24px")
                + self._footer,
                2,
                6,
            )
            + f"\n{chrome.ANALYTICS}\n</body>\n</html>\n"
        )

    def calendar(self, month: dt.date) -> str:
        prev_m, next_m, weeks = self.month_grid(month)
        cell = "display:inline-block;width:14%;text-align:center"
        head = "".join(div(d, cell) for d in self.L["weekdays"])
        rows = "".join(
            div("".join(div(f'<a href="{self.calendar_href(d)}">{d.day}</a>' if d else "", cell) for d in week))
            for week in weeks
        )
        title = f"{self.L['months'][month.month - 1]} {month.year}"
        nav = (
            f'<a href="{self.calendar_href(prev_m)}">&laquo;</a> <span>{title}</span> '
            f'<a href="{self.calendar_href(next_m)}">&raquo;</a>'
        )
        return nest(div(self.L["calendar"], "font-weight:bold") + div(nav) + div(head) + rows, 4, 3)

    def right_column(self, month: dt.date) -> str:
        tags = " ".join(f'<a href="{h}">{label}</a>' for h, label in self.tag_links())
        banners = "".join(div(f'<a href="{h}">{label}</a>') for h, label in self.banner_links())
        return nest(
            self.calendar(month)
            + div(div(self.L["tags"], "font-weight:bold") + div(tags), "margin-top:20px")
            + div(div(self.L["partners"], "font-weight:bold") + banners, "margin-top:20px"),
            3,
            2,
        )

    def heading(self, text: str) -> str:
        return nest(div(escape(text), TITLE_STYLE), 2, 4)

    def news_list(self, items: str, pager: str = "", empty: str = "") -> str:
        return nest(items or div(empty), 3, 1) + pager

    def list_item(self, a: Article, context: str) -> str:
        href = escape(self.item_href(a, context))
        img = div(f'<a href="{href}"><img src="{image_path(a)}" width="160" alt=""></a>', "float:left;width:160px")
        text = (
            div(f'<span style="color:#888;font-size:12px">{self.list_date(a)}</span>')
            + div(
                div(f'<a href="{href}" style="color:#0b2a52">{escape(a.title)}</a>', "font-weight:bold;font-size:17px")
            )
            + div(div(escape(self.m.lead(a))), "font-size:14px;color:#333")
        )
        return nest((img if a.image else "") + div(text, "margin-left:175px"), 5, 0) + "\n"

    def pager(self, base: str, page: int, pages: int, total: int) -> str:
        if pages <= 1:
            return ""
        links = [
            f'<span style="font-weight:bold">{n}</span>'
            if n == page
            else f'<a href="{base if n == 1 else f"{base}?PAGEN_1={n}"}">{n}</a>'
            for n in range(max(1, page - 3), min(pages, page + 3) + 1)
        ]
        if page < pages:
            links.append(f'<a href="{base}?PAGEN_1={page + 1}">&rarr;</a>')
        return nest(div(" ".join(links), "display:inline-block"), 3, 5)

    def print_link(self, href: str) -> str:
        return div(f'<a href="{escape(href)}">{self.L["print"]}</a>', "text-align:right")

    def detail_main(self, a: Article) -> str:
        lab, title = self.L, escape(a.title)
        date = self.head_date(a)
        head = div(
            div(f"<span>{title}</span>" + (f' <span style="color:#999">{date}</span>' if date else ""), "color:#555"),
            "margin:8px 0",
        )
        blocks = [div(title, TITLE_STYLE + ";line-height:1.3"), head]
        if a.subtitle:
            blocks.append(div(div(escape(a.subtitle)), "font-style:italic"))
        if self.has_picture(a):
            blocks.append(nest(f'<img src="{image_path(a)}" style="max-width:100%" alt="">', 2, 6))
        blocks.append(nest(div(self.body_html(a), "font-size:15px;line-height:1.6"), 3, 3))
        if a.attachments:
            links = " ".join(f'{lab["download"]} <a href="{att.path}">{att.filename}</a>' for att in a.attachments)
            blocks.append(div(div(f"<span>{fmt_site_date(a.date)}</span> {links}"), "margin-top:12px"))
        if a.signature:
            blocks.append(self.signature(a.signature))
        blocks += [self.back_links(a), self.share(a), self.print_link("?print=Y")]
        return nest("".join(blocks), 5, 0)

    def sidebar(self) -> str:
        items = "".join(
            div(
                div(f"<span>{fmt_site_date(s.date)}</span>", "font-size:12px;color:#888")
                + div(f'<a href="{escape(self.item_href(s, "sidebar"))}">{escape(self.m.lead(s))}</a>'),
                "padding:10px 0;border-bottom:1px solid #eee",
            )
            for s in self.m.sidebar[self.lang]
        )
        return nest(items, 4, 2)

    def signature(self, lines: list[str]) -> str:
        return nest("".join(div(x) for x in signature_lines(lines)), 2, 1)

    def back_links(self, a: Article) -> str:
        links = "".join(div(f'<a href="{h}">{label}</a>', "margin-right:16px") for h, label in self.back_targets(a))
        return div(div(links, "display:flex"), "margin-top:20px")

    def share(self, a: Article) -> str:
        url = quote(self.bases[self.lang] + a.path, safe="")
        icons = "".join(
            div(f'<a href="{p}{url}" target="_blank"><span>{net}</span></a>', "display:inline-block")
            for net, p in SHARE
        )
        return nest(div(f"<span>{self.L['share']}:</span>", "display:inline-block") + icons, 2, 4)
