"""Theme "related": a modern Bootstrap-style template with a "Related news" block and a share widget.

Listings are Bootstrap cards, the pager is ``ul.pagination``, the detail sidebar is a ``list-group``.
The detail page is ``div.post`` (``h1.post__title``, ``div.post__meta`` head line, ``div.post__lead``
subtitle, ``div.post__content`` body) and, right after the body, a "Related news" / "Читайте также"
block of 3-5 other news of the same section (date + linked title + lead), then a share widget with
its label and counters, then the files line, the signature and the back links.
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

RELATED = {"en": "Related news", "ru": "Читайте также"}
SHARE_NAMES = {"vk": "VKontakte", "tg": "Telegram", "ok": "Odnoklassniki"}


class Theme(Renderer):
    """Bootstrap-like markup; related news and share widget between the body and the back links."""

    def panel(self) -> str:
        groups = "".join(
            f'<div class="a11y-bar__row"><span>{t}</span>'
            + "".join(f'<button class="btn btn-sm">{b}</button>' for b in bs)
            + "</div>"
            for t, bs in self.L["panel"]
        )
        return f'<div class="a11y-bar collapse" id="a11yBar">{groups}</div>\n'

    def menu(self) -> str:
        li = 0 if self.lang == "en" else 1
        items = "".join(
            f'<li class="nav-item dropdown"><a class="nav-link" href="{t[2]}">{escape(t[li])}</a>'
            + (
                '<ul class="dropdown-menu">'
                + "".join(f'<li><a class="dropdown-item" href="{c[2]}">{escape(c[li])}</a></li>' for c in t[3])
                + "</ul>"
                if t[3]
                else ""
            )
            + "</li>"
            for t in MENU
        )
        return f'<div class="collapse navbar-collapse"><ul class="navbar-nav">{items}</ul></div>'

    def footer(self) -> str:
        lab, li = self.L, (0 if self.lang == "en" else 1)
        links = "".join(f'<a class="site-footer__link" href="{t[2]}">{escape(t[li])}</a>' for t in MENU)
        return (
            f'<div class="site-footer bg-dark text-light"><div class="container"><div class="row">'
            f'<div class="col-md-6">{links}</div><div class="col-md-6">'
            f"<div>{lab['address']}</div><div>{lab['phone']}</div>"
            f"<div>{lab['fax']}</div><div>{lab['email']}</div></div></div>"
            f'<div class="site-footer__copy">{escape(lab["copyright"])}</div></div></div>\n'
        )

    def header(self, switch_url: str) -> str:
        lab = self.L
        return (
            '<div class="navbar navbar-expand-lg"><div class="container">'
            '<a class="navbar-brand" href="/">'
            f'<img src="/local/templates/main/img/logo-{self.lang}.svg" alt="{lab["short"]}">'
            f'<span class="navbar-brand__text">{lab["site"]}</span></a>'
            f'<a class="btn btn-link" data-bs-toggle="collapse" href="#a11yBar">{lab["special"]}</a>'
            f'<a class="btn btn-outline-light btn-lang" href="{switch_url}" hreflang="{self.other}">'
            f"{self.other.upper()}</a>"
            f'<form class="d-flex" action="/search/index.php"><input class="form-control" name="q" '
            f'placeholder="{lab["search_ph"]}"></form>{self._menu}</div></div>\n'
        )

    def breadcrumbs(self, crumbs: list[tuple[str, str | None]]) -> str:
        items = [f'<li class="breadcrumb-item"><a href="/">{self.L["home"]}</a></li>']
        items += [
            f'<li class="breadcrumb-item"><a href="{h}">{escape(t)}</a></li>'
            if h
            else f'<li class="breadcrumb-item active">{escape(t)}</li>'
            for t, h in crumbs
        ]
        return f'<ol class="breadcrumb">{"".join(items)}</ol>'

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
        left_col = f'<div class="col-lg-3 order-lg-1">{left}</div>' if left else ""
        return (
            f'<!DOCTYPE html>\n<html lang="{self.lang}">\n<head>\n<title>{escape(title)}</title>\n{self._head_static}'
            f'</head>\n<body class="{body_class}">\n{self._panel}{self.header(switch)}'
            f'<div class="container">{self.breadcrumbs(crumbs)}<div class="row">{left_col}'
            f'<div class="col-lg-6">{main}</div><div class="col-lg-3">{right_html}</div></div></div>\n'
            f"{self._footer}{chrome.SVG_SPRITE}\n{chrome.ANALYTICS}\n</body>\n</html>\n"
        )

    def right_column(self, month: dt.date) -> str:
        tags = "".join(f'<a class="badge bg-secondary" href="{h}">{label}</a> ' for h, label in self.tag_links())
        banners = "".join(f'<a class="list-group-item" href="{h}">{label}</a>' for h, label in self.banner_links())
        return (
            f'<div class="widget widget-calendar">{self.calendar(month)}</div>'
            f'<div class="widget"><div class="widget__title">{self.L["tags"]}</div>{tags}</div>'
            f'<div class="widget"><div class="widget__title">{self.L["partners"]}</div>'
            f'<div class="list-group">{banners}</div></div>'
        )

    def heading(self, text: str) -> str:
        return f'<h1 class="h2 mb-4">{escape(text)}</h1>'

    def news_list(self, items: str, pager: str = "", empty: str = "") -> str:
        return f'<div class="row row-cols-1 g-3">{items or empty}</div>{pager}'

    def list_item(self, a: Article, context: str) -> str:
        href = escape(self.item_href(a, context))
        img = f'<img class="card-img-top" src="{image_path(a)}" alt="">' if a.image else ""
        return (
            f'<div class="col"><div class="card h-100">{img}<div class="card-body">'
            f'<div class="card-subtitle text-muted small">{self.list_date(a)}</div>'
            f'<h5 class="card-title"><a class="stretched-link" href="{href}">{escape(a.title)}</a></h5>'
            f'<p class="card-text">{escape(self.m.lead(a))}</p></div></div></div>\n'
        )

    def pager(self, base: str, page: int, pages: int, total: int) -> str:
        if pages <= 1:
            return ""

        def li(n: int, text: str, active: bool = False) -> str:
            href = base if n == 1 else f"{base}?PAGEN_1={n}"
            return (
                f'<li class="page-item{" active" if active else ""}"><a class="page-link" href="{href}">{text}</a></li>'
            )

        items = [li(page - 1, "&laquo;")] if page > 1 else []
        items += [li(n, str(n), n == page) for n in range(max(1, page - 3), min(pages, page + 3) + 1)]
        items += [li(page + 1, "&raquo;")] if page < pages else []
        return f'<nav><ul class="pagination">{"".join(items)}</ul></nav>'

    def print_link(self, href: str) -> str:
        return f'<a class="btn btn-light btn-print" href="{escape(href)}">{self.L["print"]}</a>'

    def related(self, a: Article) -> list[Article]:
        """3-5 other news: of the same top-level section, published just before ``a`` (else the newest news)."""
        n = 3 + a.id % 3
        full = self.m.listing[self.lang].get(a.section.split("/")[0], [])
        pos = next((i for i, x in enumerate(full) if x.id == a.id), 0)
        picked = (full[pos + 1 :] + full[:pos][::-1])[:n]
        taken = {a.id, *(x.id for x in picked)}  # small sections: fill up with the newest news
        return picked + [x for x in self.m.listing[self.lang].get("news", []) if x.id not in taken][: n - len(picked)]

    def related_block(self, a: Article) -> str:
        cards = "".join(
            f'<div class="related__item"><div class="related__date">{fmt_site_date(r.date)}</div>'
            f'<a class="related__title" href="{escape(self.item_href(r, "related"))}">{escape(r.title)}</a>'
            f'<div class="related__lead">{escape(self.m.lead(r))}</div></div>'
            for r in self.related(a)
        )
        return f'<div class="related"><div class="related__heading">{RELATED[self.lang]}</div>{cards}</div>'

    def detail_main(self, a: Article) -> str:
        lab, title = self.L, escape(a.title)
        date = self.head_date(a)
        parts = [
            f'<div class="post" data-id="{a.id}"><h1 class="post__title">{title}</h1>',
            f'<div class="post__meta"><span class="post__meta-title">{title}</span>'
            + (f' <span class="post__date">{date}</span>' if date else "")
            + "</div>",
        ]
        if a.subtitle:
            parts.append(f'<div class="post__lead">{escape(a.subtitle)}</div>')
        if self.has_picture(a):
            parts.append(f'<img class="post__img img-fluid" src="{image_path(a)}" alt="{title}">')
        parts.append(f'<div class="post__content">{self.body_html(a)}</div>')
        parts.append(self.related_block(a))
        parts.append(self.share(a))
        if a.attachments:
            links = " ".join(
                f'{lab["download"]} <a class="post__file" href="{att.path}">{att.filename}</a>' for att in a.attachments
            )
            parts.append(f'<div class="post__files">{fmt_site_date(a.date)} {links}</div>')
        if a.signature:
            parts.append(self.signature(a.signature))
        parts += [self.back_links(a), self.print_link("?print=Y"), "</div>"]
        return "".join(parts)

    def sidebar(self) -> str:
        items = "".join(
            f'<a class="list-group-item list-group-item-action" href="{escape(self.item_href(s, "sidebar"))}">'
            f'<small class="text-muted">{fmt_site_date(s.date)}</small><div>{escape(self.m.lead(s))}</div></a>'
            for s in self.m.sidebar[self.lang]
        )
        return f'<div class="list-group list-group-flush">{items}</div>'

    def signature(self, lines: list[str]) -> str:
        return '<div class="post__sign">' + "".join(f"<div>{x}</div>" for x in signature_lines(lines)) + "</div>"

    def back_links(self, a: Article) -> str:
        links = "".join(
            f'<a class="btn btn-outline-primary" href="{h}">{label}</a>' for h, label in self.back_targets(a)
        )
        return f'<div class="post__nav btn-group">{links}</div>'

    def share(self, a: Article) -> str:
        url = quote(self.bases[self.lang] + a.path, safe="")
        links = "".join(
            f'<a class="share-widget__btn share-widget__btn--{net}" href="{p}{url}" target="_blank">'
            f'{SHARE_NAMES[net]} <span class="share-widget__count">{(a.id * 7 + i) % 40}</span></a>'
            for i, (net, p) in enumerate(SHARE)
        )
        return f'<div class="share-widget"><span class="share-widget__label">{self.L["share"]}</span>{links}</div>'
