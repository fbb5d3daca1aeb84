"""A national news agency's site on one host, Russian under ``/ru/``: tag pages walked through "Load
more" links (the JSON behind the button too), RSS, a sitemap index of monthly files and a Google
News sitemap named by robots.txt, AMP copies (``rel=amphtml``, ``rel=canonical``), old URL forms
that redirect, datelines in a lead beside the body, bylines, "Read also" boxes inside bodies, a
"Most read" column with tracking links and an endless day-by-day archive. Its state can change
between crawls (``AgencySite.add``, ``edit``, ``delete``) as a week of news does.

Our own markup and wording, written for the tests (tests/test_crawl_sources.py): the crawler must
not know any of it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, urlsplit

from source_sites import Answer, page

PER_PAGE = 3
TODAY = dt.date(2026, 2, 13)
ASTANA = dt.timezone(dt.timedelta(hours=5))


@dataclass
class Story:
    ident: str  # 6 hex
    slug: str
    title: str
    paragraphs: list[str]
    at: dt.datetime
    tags: list[str] = field(default_factory=list)
    old_id: int = 0  # the 2021 URL form's number
    updated: dt.datetime | None = None
    gone: int = 0  # 404 or 410 once deleted

    @property
    def path(self) -> str:
        return f"/ru/news/{self.slug}-{self.ident}"

    @property
    def lastmod(self) -> dt.datetime:
        return self.updated or self.at


def story(n: int, csto: bool, mention: bool = False) -> Story:
    at = dt.datetime(2025, 12, 1, 9, 30, tzinfo=ASTANA) + dt.timedelta(days=3 * n, hours=n)
    if csto:
        title = f"Секретариат ОДКБ провел совещание номер {n} по вопросам безопасности"
        text = [
            f"МОСКВА. АГЕНТСТВО – В Секретариате ОДКБ состоялось совещание номер {n}, сообщает пресс-служба ОДКБ.",
            f"Участники обсудили вопросы коллективной безопасности и план мероприятий номер {n}.",
            "Следующее совещание пройдет в Минске.",
        ]
    else:
        title = f"В Астане открылась выставка ремесел номер {n} для жителей столицы"
        text = [
            f"АСТАНА. АГЕНТСТВО – В столице открылась выставка ремесел номер {n}, сообщает акимат.",
            "Выставка продлится до конца месяца." + (" Ранее похожую выставку провели страны ОДКБ." if mention else ""),
        ]
    slug = f"sekretariat-odkb-provel-soveshchanie-{n}" if csto else f"v-astane-otkrylas-vystavka-{n}"
    return Story(ident(n), slug, title, text, at, ["odkb"] if csto else ["kultura"], 4_400_000 + n)


def ident(n: int) -> str:
    """The story's own ID, 6 hex as the agency writes it."""
    return f"a{n:02d}e3f"


class AgencySite:
    """The agency's current state; ``answer`` serves it."""

    def __init__(self) -> None:
        self.stories = [story(n, csto=n % 2 == 0, mention=n in (3, 7)) for n in range(1, 15)]
        self.base = ""  # the server's URL once it listens: feeds and sitemaps give absolute URLs

    def live(self, tag: str | None = None) -> list[Story]:
        found = [s for s in self.stories if not s.gone and (tag is None or tag in s.tags)]
        return sorted(found, key=lambda s: s.at, reverse=True)

    def add(self, n: int, csto: bool) -> Story:
        new = story(n, csto)
        self.stories.append(new)
        return new

    def edit(self, n: int) -> Story:
        found = next(s for s in self.stories if s.ident == ident(n))
        found.title += " (обновлено)"
        found.paragraphs.append("Дополнено: участники приняли итоговый документ.")
        found.updated = found.at + dt.timedelta(days=60)
        return found

    def story(self, n: int) -> Story:
        return next(s for s in self.stories if s.ident == ident(n))

    def delete(self, n: int, status: int = 404) -> None:
        next(s for s in self.stories if s.ident == ident(n)).gone = status

    # --- pages ---------------------------------------------------------------------------------

    def answer(self, target: str) -> Answer:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        number = int(query.get("page", ["1"])[0])
        routes = {
            "/robots.txt": lambda: Answer(200, self.robots(), "text/plain"),
            "/": lambda: Answer(302, headers={"Location": "/ru/"}),
            "/ru/": lambda: page(200, self.home()),
            "/ru/tag/odkb/": lambda: page(200, self.tag("odkb", number)),
            "/ru/tag/kultura/": lambda: page(200, self.tag("kultura", number)),
            "/api/list": lambda: Answer(200, self.api(query["tag"][0], number), "application/json"),
            "/ru/rss.xml": lambda: Answer(200, self.rss(), "application/rss+xml; charset=utf-8"),
            "/sitemap.xml": lambda: Answer(200, self.sitemap_index(), "application/xml"),
            "/news-sitemap.xml": lambda: Answer(200, self.news_sitemap(), "application/xml"),
        }
        if path in routes:
            return routes[path]()
        if path.startswith("/sitemaps/"):
            return Answer(200, self.month(path.rsplit("/", 1)[-1].removesuffix(".xml")), "application/xml")
        if path.startswith("/ru/archive/"):
            return page(200, self.day(path.strip("/").rsplit("/", 1)[-1]))
        return self.article_answer(path)

    def article_answer(self, path: str) -> Answer:
        for s in self.stories:
            old = f"/ru/{s.slug}_a{s.old_id}"
            if path in (s.path, f"/ru/amp/news/{s.slug}-{s.ident}", old) and s.gone:
                return page(s.gone, layout("Страница не найдена", "<h1>Страница не найдена</h1>"))
            if path == old or path == s.path + "/":
                return Answer(301, headers={"Location": s.path})
            if path in (s.path, f"/ru/amp/news/{s.slug}-{s.ident}"):
                return page(200, self.article(s))
        return page(404, layout("Страница не найдена", "<h1>Страница не найдена</h1>"))

    def robots(self) -> bytes:
        lines = ["User-agent: *", "Disallow: /ru/search/", "", f"Sitemap: {self.base}/sitemap.xml"]
        return "\n".join([*lines, f"Sitemap: {self.base}/news-sitemap.xml", ""]).encode()

    def home(self) -> str:
        items = "".join(teaser(s) for s in self.live()[:4])
        # An older story still linked by its 2021 URL form, which redirects to the article.
        old = self.story(2)
        items += f"<div class='card'><a href='/ru/{old.slug}_a{old.old_id}'>{escape(old.title)}</a></div>"
        return layout("Главное", f"<h1>Главное</h1><div class='feed'>{items}</div>")

    def tag(self, tag: str, number: int) -> str:
        found = self.live(tag)
        shown = found[(number - 1) * PER_PAGE : number * PER_PAGE]
        more = ""
        if len(found) > number * PER_PAGE:
            api = f"/api/list?tag={tag}&page={number + 1}"
            more = f"<a class='more-btn' href='?page={number + 1}' data-api='{api}'>Показать еще</a>"
        items = "".join(teaser(s) for s in shown)
        return layout(f"Тег {tag}", f"<h1>{tag}</h1><div class='feed'>{items}</div>{more}")

    def api(self, tag: str, number: int) -> bytes:
        found = self.live(tag)
        shown = found[(number - 1) * PER_PAGE : number * PER_PAGE]
        more = len(found) > number * PER_PAGE
        items = [{"url": s.path, "title": s.title, "published_at": s.at.isoformat()} for s in shown]
        next_api = f"/api/list?tag={tag}&page={number + 1}" if more else None
        return json.dumps({"items": items, "has_more": more, "next_api": next_api}).encode()

    def article(self, s: Story) -> str:
        lead, *rest = s.paragraphs
        dateline, _, lead_text = lead.partition(" – ")
        middle = len(rest) // 2
        other = next(o for o in self.stories if o is not s)
        link = f"<a href='/ru/{other.slug}_a{other.old_id}'>{escape(other.title)}</a>"
        read_also = f"<div class='box'><span>Читайте также:</span> {link}</div>"
        body = (
            "".join(f"<p>{escape(p)}</p>" for p in rest[:middle])
            + read_also
            + "".join(f"<p>{escape(p)}</p>" for p in rest[middle:])
        )
        tags = "".join(f"<a href=/ru/tag/{t}/>{t}</a>" for t in s.tags)
        updated = f"<span>Обновлено: {s.updated:%d.%m.%Y %H:%M}</span>" if s.updated else ""
        main = (
            f"<article><h1>{escape(s.title)}</h1><div class='meta'>"
            "<span>Автор: <a href='/ru/search/?q=x'>Айгерим Садыкова</a></span>"
            f" <time datetime='{s.at.isoformat()}'>{s.at:%d.%m.%Y, %H:%M}</time> {updated}</div>"
            f"<div class='lead'><p><strong>{escape(dateline)}</strong> – {escape(lead_text)}</p></div>"
            "<figure><img src='/i.jpg' alt=''><figcaption>Фото: пресс-служба</figcaption></figure>"
            f"<div class='text'>{body}</div><div class='tags'>{tags}</div>"
            "<div class='share'><span>Поделиться:</span> <a href='https://t.me/share'>Telegram</a></div></article>"
        )
        head = (
            f"<link rel='canonical' href='{s.path}'><link rel='amphtml' href='/ru/amp/news/{s.slug}-{s.ident}'>"
            "<meta property='og:type' content='article'>"
            f"<meta property='article:published_time' content='{s.at.isoformat()}'>"
        )
        return layout(s.title, main, head)

    def day(self, day: str) -> str:
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            date = TODAY
        found = [s for s in self.live() if s.at.date() == date]
        links = "".join(teaser(s) for s in found)
        nav = f"<a href='/ru/archive/{date - dt.timedelta(days=1)}/'>Предыдущий день</a>"
        if date < TODAY:
            nav += f" <a href='/ru/archive/{date + dt.timedelta(days=1)}/'>Следующий день</a>"
        return layout(f"Архив {date}", f"<h1>Архив за {date:%d.%m.%Y}</h1>{links}<div>{nav}</div>")

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>{escape(s.title)}</title><link>{self.base}{s.path}</link>"
            f"<pubDate>{s.at:%a, %d %b %Y %H:%M:%S %z}</pubDate></item>"
            for s in self.live()[:5]
        )
        channel = f"<channel><title>Агентство</title>{items}</channel>"
        return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'>{channel}</rss>".encode()

    def sitemap_index(self) -> bytes:
        months = sorted({s.at.strftime("%Y-%m") for s in self.live()})
        rows = "".join(
            f"<sitemap><loc>{self.base}/sitemaps/{m}.xml</loc><lastmod>{self.month_lastmod(m)}</lastmod></sitemap>"
            for m in months
        )
        return f"<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{rows}</sitemapindex>".encode()

    def month_lastmod(self, month: str) -> str:
        """As many sites write it: the newest lastmod of the month's entries (a removal leaves it)."""
        return max(s.lastmod for s in self.live() if s.at.strftime("%Y-%m") == month).isoformat()

    def month(self, month: str) -> bytes:
        rows = "".join(
            f"<url><loc>{self.base}{s.path}</loc><lastmod>{s.lastmod.isoformat()}</lastmod></url>"
            for s in self.live()
            if s.at.strftime("%Y-%m") == month
        )
        return (
            f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{rows}</urlset>".encode()
        )

    def news_sitemap(self) -> bytes:
        ns = "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'"
        rows = "".join(
            f"<url><loc>{self.base}{s.path}</loc><news:news><news:publication_date>{s.at.isoformat()}</news:publication_date>"
            f"<news:title>{escape(s.title)}</news:title></news:news></url>"
            for s in self.live()[:2]
        )
        return f"<?xml version='1.0'?><urlset {ns}>{rows}</urlset>".encode()


def teaser(s: Story) -> str:
    shown = f"<a href='{s.path}'>{escape(s.title)}</a> <time>{s.at:%d.%m.%Y %H:%M}</time>"
    return f"<div class='card'>{shown}<p>{escape(s.paragraphs[0])}</p></div>"


def layout(title: str, main: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='ru'><head><meta charset='utf-8'><title>{escape(title)} | Агентство</title>"
        f"<link rel='alternate' type='application/rss+xml' href='/ru/rss.xml'>{head}</head><body>"
        "<header><a href='/ru/'>Агентство</a> <a href='/ru/archive/2026-02-13/'>Архив</a>"
        " <a href='/ru/tag/kultura/'>Культура</a></header>"
        f"<main>{main}</main><aside><h3>Самое читаемое</h3><ul>"
        f"<li><a href='/ru/news/v-astane-otkrylas-vystavka-1-{ident(1)}?utm_source=most_read'>"
        "Выставка ремесел номер 1</a></li>"
        "</ul></aside><footer><p>© Агентство, 2026. Все права защищены.</p></footer></body></html>"
    )
