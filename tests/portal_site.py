"""A foreign ministry's portal on ASP.NET MVC, in English, as several CSTO members' ministries run:
the news list is rendered for its first page only and grows through a "Load more" button whose
``data-url`` is a JSON endpoint (``/api/news?offset=N&limit=8``, answering ``{"items": [...],
"total": N}``, no next link, no "has more" flag), an Atom feed, article URLs with a short numeric
ID in the query (``/News/Detail?id=812``) that listings tag with ``utm_*`` keys, old WebForms URLs
(``/news/detail.aspx?id=812``) that redirect, accessibility copies (``&special=1``) and mobile
copies on ``m.`` host named in the head, dates as ``MM/DD/YYYY HH:MM:SS`` beside a JSON-LD
``datePublished`` with +06:00, a byline under the headline and a signature line at the end, an
accessibility panel, and an events calendar (``?date=2023-11-13``) that leads on for ever. No
sitemap, no robots.txt. Its state changes between crawls (``add``, ``edit``, ``delete``).

Our own markup and wording, written for the tests (tests/test_crawl_kinds.py): the crawler must not
know any of it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, urlsplit

from source_sites import Answer, page

PER_PAGE = 8
FEED_ITEMS = 15
BISHKEK = dt.timezone(dt.timedelta(hours=6))
FIRST = dt.datetime(2023, 3, 1, 9, 5, tzinfo=BISHKEK)
TRACKING = "utm_source=site&utm_medium=newslist"
SIGNATURE = "Information Policy Department of the Ministry of Foreign Affairs"
AUTHOR = "Aibek Toktogulov"
NOT_FOUND = "<h1>The page you requested was not found</h1>"


@dataclass
class News:
    ident: int
    title: str
    paragraphs: list[str]
    at: dt.datetime
    tags: list[str]
    updated: dt.datetime | None = None
    gone: int = 0

    @property
    def path(self) -> str:
        return f"/News/Detail?id={self.ident}"

    @property
    def shown_date(self) -> str:
        return f"{self.at:%m/%d/%Y %H:%M:%S}"


def news(n: int, csto: bool, mention: bool = False) -> News:
    at = FIRST + dt.timedelta(days=5 * n, hours=n % 7, minutes=11 * n % 60)
    if csto:
        title = f"Foreign Minister takes part in CSTO Council of Foreign Ministers meeting No. {n}"
        text = [
            f"The Minister of Foreign Affairs took part in meeting No. {n} of the CSTO Council of Foreign Ministers.",
            "The ministers discussed the international situation and cooperation in foreign policy.",
            f"Following the meeting, the parties signed {n % 4 + 2} documents on collective security.",
        ]
        tags = ["csto"]
    else:
        title = f"Deputy Minister meets the Ambassador of a partner country, talks No. {n}"
        text = [
            f"The Deputy Minister received the Ambassador for talks No. {n} on bilateral relations.",
            "The sides discussed trade, investment and cultural exchange."
            + (" The Ambassador also noted the role of the CSTO in the region." if mention else ""),
        ]
        tags = ["bilateral"]
    return News(800 + n, title, text, at, tags)


class PortalSite:
    """The portal's current state; ``answer`` serves it; ``base`` is set once the server listens."""

    def __init__(self) -> None:
        self.items = [news(n, csto=n % 2 == 0, mention=n in (9, 21)) for n in range(1, 41)]
        self.base = ""

    def live(self, tag: str | None = None) -> list[News]:
        found = [item for item in self.items if not item.gone and (tag is None or tag in item.tags)]
        return sorted(found, key=lambda item: item.at, reverse=True)

    def news(self, n: int) -> News:
        return next(item for item in self.items if item.ident == 800 + n)

    def add(self, n: int, csto: bool) -> News:
        self.items.append(news(n, csto))
        return self.items[-1]

    def edit(self, n: int) -> News:
        found = self.news(n)
        found.title += " (updated)"
        found.paragraphs.append("The joint statement adopted at the meeting was published later.")
        found.updated = found.at + dt.timedelta(hours=5)
        return found

    def delete(self, n: int, status: int = 404) -> None:
        self.news(n).gone = status

    # --- routing ---------------------------------------------------------------------------------

    def answer(self, target: str) -> Answer:
        parts = urlsplit(target)
        path, query = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
        special = query.get("special") == "1"
        if path == "/":
            return page(200, self.layout("Ministry of Foreign Affairs", self.home(), special=special))
        if path == "/News/":
            return page(200, self.listing(query.get("tag"), query.get("date"), special))
        if path == "/api/news":
            body = self.api(int(query.get("offset", "0")), int(query.get("limit", str(PER_PAGE))), query.get("tag"))
            return Answer(200, body, "application/json; charset=utf-8")
        if path == "/News/Atom":
            return Answer(200, self.atom(), "application/atom+xml; charset=utf-8")
        if path.lower() == "/news/detail.aspx":
            return Answer(301, headers={"Location": f"/News/Detail?id={query.get('id', '')}"})
        if path in ("/News/Detail", "/News/Print"):
            return self.detail(query.get("id", ""), special, printed=path == "/News/Print")
        if path == "/About/":
            about = "<h1>About the Ministry</h1><p>The Ministry was founded in 1944.</p>"
            return page(200, self.layout("About", about))
        return page(404, self.layout("Not found", NOT_FOUND))

    def detail(self, ident: str, special: bool, printed: bool = False) -> Answer:
        for item in self.items:
            if str(item.ident) == ident and item.gone:
                return page(item.gone, self.layout("Not found", NOT_FOUND))
            if str(item.ident) == ident and printed:
                return page(200, self.print_copy(item))
            if str(item.ident) == ident:
                return page(200, self.article(item, special))
        return page(404, self.layout("Not found", NOT_FOUND))

    # --- pages -----------------------------------------------------------------------------------

    def home(self) -> str:
        cards = "".join(self.card(item) for item in self.live()[:4])
        return (
            f"<h1>Ministry of Foreign Affairs</h1><section><h2>News</h2>{cards}"
            "<a href='/News/'>All news</a> <a href='/News/?tag=csto'>CSTO</a></section>"
        )

    def listing(self, tag: str | None, day: str | None, special: bool) -> str:
        found = self.live(tag)
        if day:  # the calendar's day: every day exists, most are empty
            found = [item for item in found if f"{item.at:%Y-%m-%d}" == day]
        cards = "".join(self.card(item) for item in found[:PER_PAGE]) or "<p>No news for this date.</p>"
        more = ""
        if len(found) > PER_PAGE and not day:
            api = f"/api/news?offset={PER_PAGE}&limit={PER_PAGE}" + (f"&tag={tag}" if tag else "")
            more = f"<button type='button' class='btn-load' data-url='{api}'>Load more</button>"
        heading = "CSTO" if tag == "csto" else "News"
        main = f"<h1>{heading}</h1><div id='news-list'>{cards}</div>{more}"
        return self.layout(heading, main, aside=self.calendar(day), special=special)

    def card(self, item: News) -> str:
        return (
            f"<div class='news-card'><a href='{item.path}&{TRACKING}'><img src='/img/{item.ident}.jpg' alt=''></a>"
            f"<div class='news-card__body'><a class='news-card__title' href='{item.path}&{TRACKING}'>"
            f"{escape(item.title)}</a><span class='news-card__date'>{item.shown_date}</span>"
            f"<p>{escape(item.paragraphs[0])}</p></div></div>"
        )

    def api(self, offset: int, limit: int, tag: str | None) -> bytes:
        found = self.live(tag)
        items = [
            {"id": i.ident, "url": i.path, "title": i.title, "date": i.shown_date, "lead": i.paragraphs[0]}
            for i in found[offset : offset + limit]
        ]
        return json.dumps({"items": items, "total": len(found)}).encode()

    def calendar(self, day: str | None) -> str:
        shown = dt.date.fromisoformat(day) if day else self.live()[0].at.date()
        before, after = shown - dt.timedelta(days=1), shown + dt.timedelta(days=1)
        return (
            f"<div class='events-calendar'><h3>Calendar</h3><a href='/News/?date={before}'>‹ {before:%m/%d}</a>"
            f" <span>{shown:%m/%d/%Y}</span> <a href='/News/?date={after}'>{after:%m/%d} ›</a></div>"
        )

    def article(self, item: News, special: bool) -> str:
        body = "".join(f"<p>{escape(text)}</p>" for text in item.paragraphs)
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": item.title,
            "datePublished": item.at.isoformat(),
            "dateModified": (item.updated or item.at).isoformat(),
            "author": {"@type": "Person", "name": AUTHOR},
        }
        head = (
            f"<link rel='canonical' href='{self.base}{item.path}'>"
            f"<link rel='alternate' media='only screen and (max-width: 640px)' href='{self.mobile()}{item.path}'>"
            f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
        )
        main = (
            f"<div class='news-detail'><h1>{escape(item.title)}</h1>"
            f"<div class='news-detail__info'><span>{item.shown_date}</span> <span>By {AUTHOR}</span></div>"
            f"<img src='/img/{item.ident}.jpg' alt=''><div class='news-detail__text'>{body}"
            f"<p class='signature'><em>{SIGNATURE}</em></p></div>"
            "<div class='news-detail__share'>Share: <a href='https://facebook.com/sharer'>Facebook</a>"
            f" <a href='https://twitter.com/intent/tweet'>X</a> <a href='/News/Print?id={item.ident}'>Print</a></div>"
            "<a href='/News/'>Back to news</a></div>"
        )
        return self.layout(item.title, main, head, special=special)

    def print_copy(self, item: News) -> str:
        body = "".join(f"<p>{escape(text)}</p>" for text in item.paragraphs)
        return (
            f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(item.title)}</title>"
            f"<link rel='canonical' href='{self.base}{item.path}'></head><body onload='window.print()'>"
            f"<h1>{escape(item.title)}</h1><p>{item.shown_date}</p>{body}<p>{SIGNATURE}</p></body></html>"
        )

    def layout(self, title: str, main: str, head: str = "", aside: str = "", special: bool = False) -> str:
        # The accessibility panel links the accessibility copy of the page it is on.
        panel = (
            "<div class='a11y-panel'><span>Font size:</span> <button>A-</button> <button>A+</button>"
            " <span>Colour scheme:</span> <button>Black on white</button> <button>White on black</button>"
            " <a href='?special=1' class='a11y-toggle'>Version for the visually impaired</a></div>"
        )
        popular = "".join(
            f"<li><a href='/news/detail.aspx?id={i.ident}'>{escape(i.title)}</a></li>"
            for i in self.live("bilateral")[:3]
        )
        return (
            f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)} | MFA</title>"
            "<link rel='alternate' type='application/atom+xml' title='News' href='/News/Atom'>"
            f"{head}</head><body class='{'special' if special else ''}'>{panel}"
            "<header><a href='/'>Ministry of Foreign Affairs</a><nav><a href='/News/'>News</a>"
            " <a href='/About/'>About</a></nav></header>"
            f"<main>{main}</main><aside>{aside}<h3>Popular</h3><ul>{popular}</ul></aside>"
            f"<footer><p>© 2023 Ministry of Foreign Affairs.</p><a href='{self.mobile()}/'>Mobile version</a></footer>"
            "</body></html>"
        )

    def mobile(self) -> str:
        """The mobile site's origin: another host (not served: the crawler must not need it)."""
        return self.base.replace("://127.0.0.1", "://m.localhost")

    def atom(self) -> bytes:
        entries = "".join(
            f"<entry><title>{escape(i.title)}</title><link href='{self.base}{i.path}&amp;utm_source=atom'/>"
            f"<id>urn:mfa:news:{i.ident}</id><published>{i.at.isoformat()}</published>"
            f"<updated>{(i.updated or i.at).isoformat()}</updated><summary>{escape(i.paragraphs[0])}</summary></entry>"
            for i in self.live()[:FEED_ITEMS]
        )
        updated = max((i.updated or i.at) for i in self.live()).isoformat()
        feed = (
            "<feed xmlns='http://www.w3.org/2005/Atom'><title>MFA news</title>"
            f"<id>urn:mfa:news</id><updated>{updated}</updated>{entries}</feed>"
        )
        return f"<?xml version='1.0' encoding='utf-8'?>{feed}".encode()
