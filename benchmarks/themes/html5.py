"""Theme "html5": a semantic HTML5 template with schema.org microdata and few classes.

``<header>`` / ``<nav>`` / ``<main>`` / ``<footer>`` around the page; the detail sidebar is an
``<aside>``; the article is an ``<article>`` whose ``<header>`` holds the ``<h1>`` and a byline
("Title" + ``<time datetime>``); the body is ``<div itemprop="articleBody">``; files, signature and
back links follow in the article's ``<footer>``. Listing items are ``<article>``s with ``<time>``,
``<h2><a>`` and a lead ``<p>``; the pager is ``<nav aria-label="...">`` with an ``<ol>``.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from urllib.parse import quote

from csto import chrome
from csto.chrome import MENU
from csto.model import Article
from csto.render import SHARE, Renderer, image_path, signature_lines
from csto.text import fmt_site_date

CLASS_RE = re.compile(r'\sclass="[^"]*"')
PAGINATION = {"en": "Pagination", "ru": "Постраничная навигация"}


def iso(a: Article) -> str:
    return a.date.isoformat() + (f"T{a.time}" if a.time else "")


class Theme(Renderer):
    """Semantic HTML5 markup."""

    def panel(self) -> str:
        groups = []
        for title, buttons in self.L["panel"]:
            btns = "".join(f'<button type="button" value="{i}">{b}</button>' for i, b in enumerate(buttons))
            groups.append(f"<fieldset><legend>{title}</legend>{btns}</fieldset>")
        return f'<dialog id="a11y">{"".join(groups)}</dialog>\n'

    def menu(self) -> str:
        li = 0 if self.lang == "en" else 1
        items = []
        for top in MENU:
            sub = "".join(f'<li><a href="{c[2]}">{escape(c[li])}</a></li>' for c in top[3])
            items.append(f'<li><a href="{top[2]}">{escape(top[li])}</a>{f"<menu>{sub}</menu>" if sub else ""}</li>')
        return f'<nav aria-label="{self.L["site"]}"><ul>{"".join(items)}</ul></nav>\n'

    def footer(self) -> str:
        lab, li = self.L, (0 if self.lang == "en" else 1)
        links = "".join(f'<li><a href="{t[2]}">{escape(t[li])}</a></li>' for t in MENU)
        return (
            f"<footer><nav><ul>{links}</ul></nav><address>{lab['address']}<br>{lab['phone']}<br>{lab['fax']}<br>"
            f"{lab['email']}</address><small>{escape(lab['copyright'])}</small></footer>\n"
        )

    def header(self, switch_url: str) -> str:
        lab = self.L
        return (
            '<header><a href="/" rel="home">'
            f'<img src="/local/templates/csto5/logo-{self.lang}.svg" alt="{lab["short"]}">'
            f"</a><p>{lab['site']}</p>"
            f'<button type="button" aria-controls="a11y">{lab["special"]}</button>'
            f'<a href="{switch_url}" hreflang="{self.other}" lang="{self.other}">{self.other.upper()}</a>'
            f'<a href="/auth/?backurl=%2F">{lab["login"]}</a>'
            f'<search><form action="/search/index.php" role="search"><input type="search" name="q" '
            f'placeholder="{lab["search_ph"]}"><button>{lab["search"]}</button></form></search>'
            f"{self._menu}</header>\n"
        )

    def breadcrumbs(self, crumbs: list[tuple[str, str | None]]) -> str:
        items = [f'<li><a href="/">{self.L["home"]}</a></li>']
        items += [f'<li><a href="{h}">{escape(t)}</a></li>' if h else f"<li>{escape(t)}</li>" for t, h in crumbs]
        return f'<nav aria-label="breadcrumb"><ol>{"".join(items)}</ol></nav>\n'

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
            f'<meta property="og:title" content="{escape(title)}">\n{self._head_static}</head>\n'
            f"<body>\n{self._panel}{self.header(switch)}{self.breadcrumbs(crumbs)}"
            f"{left}<main>{main}</main>{right_html}\n{self._footer}"
            f"{chrome.SVG_SPRITE}\n{chrome.ANALYTICS}\n</body>\n</html>\n"
        )

    def calendar(self, month: dt.date) -> str:
        return CLASS_RE.sub("", super().calendar(month))

    def right_column(self, month: dt.date) -> str:
        tags = "".join(f'<li><a href="{h}" rel="tag">{label}</a></li>' for h, label in self.tag_links())
        banners = "".join(f'<li><a href="{h}" rel="external">{label}</a></li>' for h, label in self.banner_links())
        return (
            f'<aside aria-label="{self.L["calendar"]}">{self.calendar(month)}'
            f"<section><h2>{self.L['tags']}</h2><ul>{tags}</ul></section>"
            f"<section><h2>{self.L['partners']}</h2><ul>{banners}</ul></section></aside>"
        )

    def heading(self, text: str) -> str:
        return f"<h1>{escape(text)}</h1>"

    def news_list(self, items: str, pager: str = "", empty: str = "") -> str:
        return f"<section>{items or (f'<p>{empty}</p>' if empty else '')}</section>{pager}"

    def list_item(self, a: Article, context: str) -> str:
        href = escape(self.item_href(a, context))
        img = f'<img src="{image_path(a)}" alt="" loading="lazy" width="160" height="100">' if a.image else ""
        return (
            f'<article itemscope itemtype="https://schema.org/NewsArticle">{img}'
            f'<time datetime="{iso(a)}" itemprop="datePublished">{self.list_date(a)}</time>'
            f'<h2 itemprop="headline"><a href="{href}">{escape(a.title)}</a></h2>'
            f'<p itemprop="description">{escape(self.m.lead(a))}</p></article>\n'
        )

    def pager(self, base: str, page: int, pages: int, total: int) -> str:
        if pages <= 1:
            return ""

        def li(n: int, text: str, rel: str = "") -> str:
            href = base if n == 1 else f"{base}?PAGEN_1={n}"
            return f'<li><a href="{href}"{f" rel={rel!r}" if rel else ""}>{text}</a></li>'

        items = [li(page - 1, self.L["prev"], "prev")] if page > 1 else []
        for n in sorted({1, *range(max(1, page - 2), min(pages, page + 2) + 1), pages}):
            items.append(f'<li><span aria-current="page">{n}</span></li>' if n == page else li(n, str(n)))
        if page < pages:
            items.append(li(page + 1, self.L["next"], "next"))
        return f'<nav aria-label="{PAGINATION[self.lang]}"><ol>{"".join(items)}</ol></nav>'

    def print_link(self, href: str) -> str:
        return f'<a href="{escape(href)}" rel="alternate" media="print">{self.L["print"]}</a>'

    def detail_main(self, a: Article) -> str:
        lab, title = self.L, escape(a.title)
        date = self.head_date(a)
        byline = f'<span itemprop="name">{title}</span>'
        if date:
            byline += f' <time datetime="{iso(a)}" itemprop="datePublished">{date}</time>'
        parts = [
            '<article itemscope itemtype="https://schema.org/NewsArticle">',
            f'<header><h1 itemprop="headline">{title}</h1><p>{byline}</p>',
        ]
        if a.subtitle:
            parts.append(f'<p itemprop="alternativeHeadline"><em>{escape(a.subtitle)}</em></p>')
        parts.append("</header>")
        if self.has_picture(a):
            parts.append(f'<figure><img src="{image_path(a)}" alt="{title}" itemprop="image"></figure>')
        parts.append(f'<div itemprop="articleBody">{self.body_html(a)}</div>')
        parts.append("<footer>")
        if a.attachments:
            files = "".join(
                f"<li>{f'<time>{fmt_site_date(a.date)}</time> ' if i == 0 else ''}{lab['download']} "
                f'<a href="{att.path}" download>{att.filename}</a></li>'
                for i, att in enumerate(a.attachments)
            )
            parts.append(f"<ul>{files}</ul>")
        if a.signature:
            parts.append(self.signature(a.signature))
        parts += [self.back_links(a), self.share(a), self.print_link("?print=Y"), "</footer></article>"]
        return "".join(parts)

    def sidebar(self) -> str:
        items = "".join(
            f'<li><time datetime="{s.date.isoformat()}">{fmt_site_date(s.date)}</time>'
            f'<a href="{escape(self.item_href(s, "sidebar"))}">{escape(self.m.lead(s))}</a></li>'
            for s in self.m.sidebar[self.lang]
        )
        return f'<aside aria-label="{self.L["latest"]}"><h2>{self.L["latest"]}</h2><ul>{items}</ul></aside>'

    def signature(self, lines: list[str]) -> str:
        return f"<address>{'<br>'.join(signature_lines(lines))}</address>"

    def back_links(self, a: Article) -> str:
        items = "".join(f'<li><a href="{h}">{label}</a></li>' for h, label in self.back_targets(a))
        return f"<nav><ul>{items}</ul></nav>"

    def share(self, a: Article) -> str:
        url = quote(self.bases[self.lang] + a.path, safe="")
        links = "".join(
            f'<a href="{p}{url}" aria-label="{net}"><svg><use href="#{net}"></use></svg></a>' for net, p in SHARE
        )
        return f"<section><h2>{self.L['share']}</h2>{links}</section>"
