"""A WordPress newspaper of a defence ministry, as many CSTO members' ministries and regional papers
run: posts at ``/YYYY/MM/DD/slug/``, category and tag pages paged as ``/category/news/page/N/``,
an RSS feed at ``/feed/`` with only the latest 10 posts (dates in GMT, as WordPress writes them),
the core sitemap index ``/wp-sitemap.xml`` named by robots.txt (``wp-sitemap-posts-post-1.xml``,
pages, taxonomies and users; no ``<lastmod>``), AMP copies (``?amp=1``) and print copies
(``/print/``) that carry ``rel=canonical``, shortlinks ``/?p=ID`` that redirect to the post, dates
as "13 ноября 2023 года" beside ``<time datetime>`` with +03:00, a calendar widget whose month and
day archives (``/2023/11/``, ``/2023/11/13/``) lead on for ever, and comments, "related posts" and
share buttons inside the post's ``<article>``. Its state changes between crawls (``add``, ``edit``,
``delete``).

Our own markup and wording, written for the tests (tests/test_crawl_kinds.py): the crawler must not
know any of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, urlsplit

from source_sites import Answer, page

PER_PAGE = 5
FEED_ITEMS = 10
MOSCOW = dt.timezone(dt.timedelta(hours=3))
FIRST = dt.datetime(2023, 9, 4, 9, 40, tzinfo=MOSCOW)
MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября"]
MONTHS += ["ноября", "декабря"]
CALENDAR_FLOOR = dt.date(2015, 1, 1)  # the calendar's "previous month" leads back to here


@dataclass
class Post:
    number: int  # WordPress's post ID
    slug: str
    title: str
    paragraphs: list[str]
    at: dt.datetime
    tags: list[str]
    modified: dt.datetime | None = None
    gone: int = 0

    @property
    def path(self) -> str:
        return f"/{self.at:%Y/%m/%d}/{self.slug}/"

    @property
    def shown_date(self) -> str:
        return f"{self.at.day} {MONTHS[self.at.month - 1]} {self.at.year} года"


def post(n: int, csto: bool, mention: bool = False) -> Post:
    at = FIRST + dt.timedelta(days=2 * n, hours=n % 5, minutes=7 * n % 60)
    if csto:
        title = f"Военнослужащие ОДКБ провели учения «Взаимодействие» на полигоне номер {n}"
        text = [
            f"На полигоне номер {n} завершился активный этап учений Коллективных сил ОДКБ.",
            f"В учениях приняли участие подразделения государств – членов ОДКБ, всего {100 + n} военнослужащих.",
            "Командование отметило высокий уровень подготовки и слаженность действий контингентов.",
        ]
        slug, tags = f"voennosluzhashchie-odkb-proveli-ucheniya-{n}", ["odkb", "ucheniya"]
    else:
        title = f"В военном лицее номер {n} прошел день открытых дверей для школьников"
        text = [
            f"Военный лицей номер {n} принял будущих курсантов и их родителей.",
            "Гости осмотрели учебные классы и спортивный комплекс лицея."
            + (" Лицей готовит кадры и для миротворческих сил ОДКБ." if mention else ""),
        ]
        slug, tags = f"v-voennom-litsee-proshel-den-otkrytyh-dverey-{n}", ["obrazovanie"]
    return Post(1000 + n, slug, title, text, at, tags)


class WordPressSite:
    """The newspaper's current state; ``answer`` serves it; ``base`` is set once the server listens."""

    def __init__(self) -> None:
        self.posts = [post(n, csto=n % 2 == 0, mention=n in (5, 11)) for n in range(1, 25)]
        self.base = ""

    def live(self, tag: str | None = None) -> list[Post]:
        found = [p for p in self.posts if not p.gone and (tag is None or tag in p.tags)]
        return sorted(found, key=lambda p: p.at, reverse=True)

    def post(self, n: int) -> Post:
        return next(p for p in self.posts if p.number == 1000 + n)

    def add(self, n: int, csto: bool) -> Post:
        self.posts.append(post(n, csto))
        return self.posts[-1]

    def edit(self, n: int) -> Post:
        found = self.post(n)
        found.title += " (дополнено)"
        found.paragraphs.append("Дополнено: итоги учений подведены на заседании штаба.")
        found.modified = found.at + dt.timedelta(days=1)
        return found

    def delete(self, n: int, status: int = 404) -> None:
        self.post(n).gone = status

    # --- routing ---------------------------------------------------------------------------------

    def answer(self, target: str) -> Answer:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/" and "p" in query:
            return self.shortlink(int(query["p"][0]))
        routes = {
            "/robots.txt": lambda: Answer(200, self.robots(), "text/plain; charset=utf-8"),
            "/": lambda: page(200, self.home()),
            "/feed/": lambda: Answer(200, self.feed(), "application/rss+xml; charset=UTF-8"),
            "/comments/feed/": lambda: Answer(200, self.comments_feed(), "application/rss+xml; charset=UTF-8"),
            "/wp-sitemap.xml": lambda: Answer(200, self.sitemap_index(), "application/xml"),
            "/wp-sitemap-posts-post-1.xml": lambda: Answer(200, self.posts_sitemap(), "application/xml"),
            "/wp-sitemap-posts-page-1.xml": lambda: Answer(200, self.pages_sitemap(), "application/xml"),
            "/about/": lambda: page(200, layout("О редакции", static("О редакции", "Газета выходит с 1992 года."))),
            "/contacts/": lambda: page(200, layout("Контакты", static("Контакты", "Телефон редакции: 22-33-44."))),
        }
        if path in routes:
            return routes[path]()
        segments = [s for s in path.split("/") if s]
        if segments[:1] in (["category"], ["tag"]) and len(segments) >= 2:
            return self.term(segments)
        if segments and all(s.isdigit() for s in segments) and len(segments) <= 3:
            return page(200, self.date_archive(segments))
        return self.post_answer(path, segments, query)

    def post_answer(self, path: str, segments: list[str], query: dict[str, list[str]]) -> Answer:
        copy = segments[-1] if segments and segments[-1] in ("print", "amp") else None
        own = "/" + "/".join(segments[:-1] if copy else segments) + "/"
        for p in self.posts:
            if own == p.path and p.gone:
                return page(p.gone, layout("Страница не найдена", "<h1>Ничего не найдено</h1>"))
            if own == p.path and copy == "print":
                return page(200, self.print_copy(p))
            if own == p.path:
                return page(200, self.article(p, amp="amp" in query or copy == "amp"))
            if path.rstrip("/") == p.path.rstrip("/"):
                return Answer(301, headers={"Location": p.path})
        return page(404, layout("Страница не найдена", "<h1>Ничего не найдено</h1>"))

    def shortlink(self, number: int) -> Answer:
        found = next((p for p in self.posts if p.number == number and not p.gone), None)
        if found is None:
            return page(404, layout("Страница не найдена", "<h1>Ничего не найдено</h1>"))
        return Answer(301, headers={"Location": found.path})

    # --- pages -----------------------------------------------------------------------------------

    def robots(self) -> bytes:
        lines = ["User-agent: *", "Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php", ""]
        return "\n".join([*lines, f"Sitemap: {self.base}/wp-sitemap.xml", ""]).encode()

    def home(self) -> str:
        latest = self.live()
        teasers = "".join(teaser(p) for p in latest[:PER_PAGE])
        # The front page's slider links AMP copies (?amp=1), as sites that send readers to AMP do.
        slides = "".join(f"<li><a href='{p.path}?amp=1'>{escape(p.title)}</a></li>" for p in latest[:2])
        more = "<a class='next page-numbers' href='/category/news/'>Все новости »</a>"
        main = f"<div class='slider'><ul>{slides}</ul></div>{teasers}{more}"
        return layout("Военный вестник", main, sidebar=self.sidebar())

    def term(self, segments: list[str]) -> Answer:
        kind, name = segments[0], segments[1]
        number = int(segments[3]) if len(segments) == 4 and segments[2] == "page" else 1
        found = self.live(None if name == "news" else name)
        if kind == "tag" and name not in {t for p in self.posts for t in p.tags}:
            return page(404, layout("Страница не найдена", "<h1>Ничего не найдено</h1>"))
        shown = found[(number - 1) * PER_PAGE : number * PER_PAGE]
        if not shown and number > 1:
            return page(404, layout("Страница не найдена", "<h1>Ничего не найдено</h1>"))
        heading = "Новости" if name == "news" else f"Метка: {name}"
        pages = (len(found) + PER_PAGE - 1) // PER_PAGE
        main = f"<header class='page-header'><h1>{heading}</h1></header>" + "".join(teaser(p) for p in shown)
        main += pagination(f"/{kind}/{name}/", number, pages)
        return page(200, layout(heading, main, sidebar=self.sidebar()))

    def date_archive(self, segments: list[str]) -> str:
        """A year, month or day archive: every one exists, most are empty (the calendar's space)."""
        wanted = "/".join(segments)
        found = [p for p in self.live() if f"{p.at:%Y/%m/%d}".startswith(wanted)]
        month = dt.date(int(segments[0]), int(segments[1]) if len(segments) > 1 else 1, 1)
        body = "".join(teaser(p) for p in found) or "<p>Извините, ничего не найдено.</p>"
        return layout(f"Архив {wanted}", f"<h1>Архив: {wanted}</h1>{body}", sidebar=self.sidebar(month))

    def article(self, p: Post, amp: bool = False) -> str:
        body = "".join(f"<p>{escape(text)}</p>" for text in p.paragraphs)
        related = "".join(
            f"<li><a href='{o.path}'>{escape(o.title)}</a></li>" for o in self.live("odkb")[:3] if o is not p
        )
        comments = (
            "<div id='comments' class='comments-area'><h2 class='comments-title'>2 комментария</h2><ol>"
            "<li><b>Сергей</b> <time datetime='2023-12-01T10:00:00+03:00'>01.12.2023 в 10:00</time>"
            "<p>Молодцы, так держать!</p><a class='comment-reply-link' href='#respond'>Ответить</a></li>"
            "<li><b>Марина</b><p>Спасибо за подробный материал.</p></li></ol>"
            "<div id='respond'><h3>Добавить комментарий</h3><form><textarea name='comment'></textarea>"
            "<button>Отправить комментарий</button></form></div></div>"
        )
        tags = ", ".join(f"<a href='/tag/{t}/' rel='tag'>{t}</a>" for t in p.tags)
        updated = (
            f" <time class='updated' datetime='{p.modified.isoformat()}'>Обновлено {p.modified:%d.%m.%Y}</time>"
            if p.modified
            else ""
        )
        entry = (
            f"<article id='post-{p.number}' class='post'><header class='entry-header'>"
            f"<h1 class='entry-title'>{escape(p.title)}</h1><div class='entry-meta'>"
            f"<time class='entry-date published' datetime='{p.at.isoformat()}'>{p.shown_date}</time>{updated}"
            " <span class='byline'>Автор: <a href='/author/redaktor/'>Редакция</a></span></div></header>"
            f"<div class='entry-content'>{body}"
            "<div class='sharedaddy'><h3>Поделиться:</h3><a href='https://vk.com/share.php'>ВКонтакте</a>"
            " <a href='https://connect.ok.ru/offer'>Одноклассники</a> <a href='https://t.me/share/url'>Telegram</a>"
            f" <a href='{p.path}print/'>Версия для печати</a></div>"
            f"<div class='jp-relatedposts'><h3>Похожие записи</h3><ul>{related}</ul></div></div>"
            f"<footer class='entry-footer'>Рубрика: <a href='/category/news/'>Новости</a>. Метки: {tags}</footer>"
            f"{comments}</article>"
        )
        head = (
            f"<link rel='canonical' href='{self.base}{p.path}'><link rel='shortlink' href='{self.base}/?p={p.number}'>"
            f"<link rel='amphtml' href='{self.base}{p.path}?amp=1'>"
            f"<link rel='alternate' type='application/rss+xml' title='Лента комментариев' href='{p.path}feed/'>"
            "<meta property='og:type' content='article'>"
            f"<meta property='article:published_time' content='{p.at.isoformat()}'>"
        )
        return layout(p.title, entry, head=head, sidebar="" if amp else self.sidebar())

    def print_copy(self, p: Post) -> str:
        body = "".join(f"<p>{escape(text)}</p>" for text in p.paragraphs)
        return (
            f"<!DOCTYPE html><html lang='ru-RU'><head><meta charset='utf-8'><title>{escape(p.title)}</title>"
            f"<link rel='canonical' href='{self.base}{p.path}'><meta name='robots' content='noindex'></head><body>"
            f"<p>Военный вестник</p><h1>{escape(p.title)}</h1><p>{p.shown_date}</p>{body}"
            f"<p>Адрес статьи: {self.base}{p.path}</p></body></html>"
        )

    def sidebar(self, month: dt.date | None = None) -> str:
        """Calendar, archives, tag cloud: the widgets of every WordPress theme."""
        shown = month or self.live()[0].at.date().replace(day=1)
        days = sorted({p.at.day for p in self.live() if p.at.date().replace(day=1) == shown})
        cells = "".join(f"<td><a href='/{shown:%Y/%m}/{d:02d}/'>{d}</a></td>" for d in days)
        previous = (shown - dt.timedelta(days=1)).replace(day=1)
        back = f"<a href='/{previous:%Y/%m}/'>« {MONTHS[previous.month - 1][:3]}</a>" if shown > CALENDAR_FLOOR else ""
        calendar = f"<table id='wp-calendar'><caption>{shown:%m.%Y}</caption><tr>{cells}</tr></table>{back}"
        months = sorted({p.at.date().replace(day=1) for p in self.live()}, reverse=True)
        archives = "".join(f"<li><a href='/{m:%Y/%m}/'>{m:%m.%Y}</a></li>" for m in months)
        cloud = " ".join(f"<a href='/tag/{t}/'>{t}</a>" for t in ("odkb", "ucheniya", "obrazovanie"))
        return (
            f"<aside id='secondary' class='widget-area'><section class='widget'>{calendar}</section>"
            f"<section class='widget'><h2>Архивы</h2><ul>{archives}</ul></section>"
            f"<section class='widget'><h2>Метки</h2>{cloud}</section></aside>"
        )

    # --- feeds and sitemaps ------------------------------------------------------------------------

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{escape(p.title)}</title><link>{self.base}{p.path}</link>"
            f"<pubDate>{p.at.astimezone(dt.UTC):%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
            f"<guid isPermaLink='false'>{self.base}/?p={p.number}</guid>"
            f"<description><![CDATA[{escape(p.paragraphs[0])} [&#8230;]]]></description></item>"
            for p in self.live()[:FEED_ITEMS]
        )
        channel = f"<channel><title>Военный вестник</title><link>{self.base}/</link>{items}</channel>"
        return f"<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'>{channel}</rss>".encode()

    def comments_feed(self) -> bytes:
        latest = self.live()[0]
        item = f"<item><title>Комментарий</title><link>{self.base}{latest.path}#comment-7</link></item>"
        channel = f"<channel><title>Комментарии</title>{item}</channel>"
        return f"<?xml version='1.0'?><rss version='2.0'>{channel}</rss>".encode()

    def sitemap_index(self) -> bytes:
        names = ["posts-post-1", "posts-page-1", "taxonomies-category-1", "taxonomies-post_tag-1", "users-1"]
        rows = "".join(f"<sitemap><loc>{self.base}/wp-sitemap-{name}.xml</loc></sitemap>" for name in names)
        return urlset(f"<sitemapindex xmlns='{SITEMAP_NS}'>{rows}</sitemapindex>")

    def posts_sitemap(self) -> bytes:
        rows = "".join(f"<url><loc>{self.base}{p.path}</loc></url>" for p in sorted(self.live(), key=lambda p: p.at))
        return urlset(f"<urlset xmlns='{SITEMAP_NS}'>{rows}</urlset>")

    def pages_sitemap(self) -> bytes:
        rows = "".join(f"<url><loc>{self.base}{path}</loc></url>" for path in ("/about/", "/contacts/"))
        return urlset(f"<urlset xmlns='{SITEMAP_NS}'>{rows}</urlset>")


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def urlset(xml: str) -> bytes:
    return f"<?xml version='1.0' encoding='UTF-8'?>{xml}".encode()


def teaser(p: Post) -> str:
    return (
        f"<article class='post type-post'><header class='entry-header'><h2 class='entry-title'>"
        f"<a href='{p.path}' rel='bookmark'>{escape(p.title)}</a></h2><div class='entry-meta'>"
        f"<time datetime='{p.at.isoformat()}'>{p.shown_date}</time></div></header>"
        f"<div class='entry-summary'><p>{escape(p.paragraphs[0])} […]</p></div>"
        f"<a class='more-link' href='{p.path}'>Читать далее</a></article>"
    )


def pagination(base: str, number: int, pages: int) -> str:
    links = [
        f"<span class='page-numbers current'>{n}</span>"
        if n == number
        else f"<a class='page-numbers' href='{base if n == 1 else f'{base}page/{n}/'}'>{n}</a>"
        for n in range(1, pages + 1)
    ]
    if number < pages:
        links.append(f"<a class='next page-numbers' href='{base}page/{number + 1}/'>Следующая »</a>")
    return f"<nav class='navigation pagination'><div class='nav-links'>{' '.join(links)}</div></nav>"


def static(title: str, text: str) -> str:
    content = f"<div class='entry-content'><p>{text}</p></div>"
    return f"<article class='page'><h1 class='entry-title'>{title}</h1>{content}</article>"


def layout(title: str, main: str, head: str = "", sidebar: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang='ru-RU'><head><meta charset='UTF-8'>"
        f"<title>{escape(title)} – Военный вестник</title>"
        "<link rel='alternate' type='application/rss+xml' title='Военный вестник » Лента' href='/feed/'>"
        "<link rel='alternate' type='application/rss+xml' title='Лента комментариев' href='/comments/feed/'>"
        f"{head}</head><body class='wp-theme'><header id='masthead'><a href='/' rel='home'>Военный вестник</a>"
        "<nav class='main-navigation'><a href='/category/news/'>Новости</a> <a href='/about/'>О редакции</a>"
        " <a href='/contacts/'>Контакты</a></nav></header>"
        f"<div id='content'><main id='main' class='site-main'>{main}</main>{sidebar}</div>"
        "<footer id='colophon'><p>© 2023 Военный вестник. Работает на WordPress.</p></footer></body></html>"
    )
