"""A district executive committee's site built on Joomla, as many Belarusian regional sites are: SEF
article URLs with a short leading ID (``/novosti/412-slug.html``) and the same article under its
non-SEF form (``/index.php?option=com_content&view=article&id=412:slug&catid=9&Itemid=101``, which
names its SEF URL in ``rel=canonical``, or with ``canonical=False`` declares nothing), blog
categories paged by offset (``?start=5``: the link "2" carries 5) with the pager above and below
the list, print copies
(``?tmpl=component&print=1&layout=default``), accessibility copies toggled by a query
(``?version=vision``, linked from the panel and from every news item) or, with ``vision_prefix``,
served under a path prefix of the site's own word (``/eye/novosti/…``), pages in Russian and
Belarusian (``/be/``), dates as ``13.12.2023 10:15`` and, in Belarusian, ``13 снежня 2023 10:15``,
an endless "Календарь новостей" (``?day=2023-12-13``), a photo gallery and a documents page (PDF
links) that are no articles, a breadcrumb, a share widget, a footer with the address and working
hours, a signature line ending each article, robots.txt naming a sitemap that lists only static
pages, and no feed. Its state changes between crawls (``add``, ``edit``, ``delete``).

Our own markup and wording, written for the tests (tests/test_crawl_regions.py): the crawler must not
know any of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape
from urllib.parse import parse_qs, urlsplit

from source_sites import Answer, page

PER_PAGE = 5
MINSK = dt.timezone(dt.timedelta(hours=3))
FIRST = dt.datetime(2023, 9, 4, 8, 30, tzinfo=MINSK)
SIGNATURE = {"ru": "Пресс-служба райисполкома", "be": "Прэс-служба райвыканкама"}
MONTHS_BE = [
    "студзеня",
    "лютага",
    "сакавіка",
    "красавіка",
    "мая",
    "чэрвеня",
    "ліпеня",
    "жніўня",
    "верасня",
    "кастрычніка",
    "лістапада",
    "снежня",
]
CATEGORY = {"ru": ("/novosti/", 9, 101, "Новости"), "be": ("/be/naviny/", 10, 201, "Навіны")}
PANEL = {
    "ru": (
        "<div class='a11y'><span>Настройки шрифта:</span> <a href='#'>Times New Roman</a> <a href='#'>Arial</a>"
        " <span>Размер шрифта:</span> <a href='#'>А-</a> <a href='#'>А+</a> <span>Цветовая схема:</span>"
        " <a href='#'>Черным по белому</a> <a href='#'>Белым по черному</a>"
        " <a href='{vision}'>Версия для слабовидящих</a></div>"
    ),
    "be": (
        "<div class='a11y'><span>Налады шрыфту:</span> <a href='#'>Times New Roman</a> <a href='#'>Arial</a>"
        " <span>Памер шрыфту:</span> <a href='#'>А-</a> <a href='#'>А+</a> <span>Каляровая схема:</span>"
        " <a href='#'>Чорным па белым</a> <a href='{vision}'>Версія для слабавідушчых</a></div>"
    ),
}
FOOTER = {
    "ru": (
        "<footer><p>Районный исполнительный комитет. Адрес: 213760, г. Осиповичи, ул. Сумченко, 37.</p>"
        "<p>Режим работы: понедельник – пятница с 8.00 до 17.00, обед с 13.00 до 14.00.</p>"
        "<p>Телефон приемной: +375 2235 2-11-11. © 2023 Все права защищены.</p></footer>"
    ),
    "be": (
        "<footer><p>Раённы выканаўчы камітэт. Адрас: 213760, г. Асіповічы, вул. Сумчанкі, 37.</p>"
        "<p>Рэжым работы: панядзелак – пятніца з 8.00 да 17.00.</p></footer>"
    ),
}
NOT_FOUND = "<h1>404 - Статья не найдена</h1>"


@dataclass
class Story:
    ident: int
    lang: str
    slug: str
    title: str
    paragraphs: list[str]
    at: dt.datetime
    gone: int = 0
    updated: bool = False
    extra: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"{CATEGORY[self.lang][0]}{self.ident}-{self.slug}.html"

    @property
    def non_sef(self) -> str:
        _, catid, itemid, _ = CATEGORY[self.lang]
        prefix = "/be" if self.lang == "be" else ""
        return (
            f"{prefix}/index.php?option=com_content&view=article&id={self.ident}:{self.slug}"
            f"&catid={catid}&Itemid={itemid}"
        )

    @property
    def shown(self) -> str:
        """The date as the article shows it: ``13.12.2023 10:15``, in Belarusian ``13 снежня 2023 10:15``."""
        if self.lang == "be":
            return f"{self.at.day} {MONTHS_BE[self.at.month - 1]} {self.at.year} {self.at:%H:%M}"
        return f"{self.at:%d.%m.%Y %H:%M}"

    @property
    def body(self) -> list[str]:
        return [*self.paragraphs, SIGNATURE[self.lang]]


def story(n: int, lang: str = "ru") -> Story:
    at = FIRST + dt.timedelta(days=3 * n, hours=n % 5, minutes=7 * n % 60)
    if lang == "be":
        title = f"У раёне адбылася падзея нумар {n} з удзелам жыхароў"
        text = [
            f"Жыхары раёна прынялі ўдзел у мерапрыемстве нумар {n}, якое прайшло ў раённым цэнтры.",
            f"Старшыня райвыканкама адзначыў значэнне падзеі {n} для развіцця раёна і яго жыхароў.",
        ]
        return Story(500 + n, lang, f"u-raene-adbylasya-padzeya-{n}", title, text, at)
    title = f"В районе прошло событие номер {n} с участием жителей и гостей"
    text = [
        f"Жители района приняли участие в мероприятии номер {n}, которое прошло в районном центре.",
        f"Председатель райисполкома отметил важность события {n} для развития района и его жителей.",
        f"Следующее мероприятие такого рода запланировано на {n % 3 + 1} квартал.",
    ]
    return Story(400 + n, lang, f"v-rayone-proshlo-sobytie-{n}", title, text, at)


class JoomlaSite:
    """The site's current state; ``answer`` serves it; ``base`` is set once the server listens."""

    def __init__(self, vision_prefix: str = "", canonical: bool = True) -> None:
        self.stories = [story(n) for n in range(1, 14)] + [story(n, "be") for n in range(1, 7)]
        self.base = ""
        self.canonical = canonical  # the non-SEF form names its SEF URL in rel=canonical
        self.vision_prefix = vision_prefix  # "/eye": copies at /eye/novosti/… instead of ?version=vision

    def vision(self, target: str) -> str:
        """The accessibility copy's URL of a page (path and query)."""
        if self.vision_prefix:
            return self.vision_prefix + target
        return f"{target}{'&' if '?' in target else '?'}version=vision"

    def live(self, lang: str | None = None) -> list[Story]:
        found = [s for s in self.stories if not s.gone and (lang is None or s.lang == lang)]
        return sorted(found, key=lambda s: s.at, reverse=True)

    def story(self, ident: int) -> Story:
        return next(s for s in self.stories if s.ident == ident)

    def add(self, n: int, lang: str = "ru") -> Story:
        self.stories.append(story(n, lang))
        return self.stories[-1]

    def edit(self, ident: int) -> Story:
        found = self.story(ident)
        found.title += " (дополнено)"
        found.paragraphs.append("Фотографии с мероприятия размещены в разделе фотогалереи.")
        return found

    def delete(self, ident: int, status: int = 404) -> None:
        self.story(ident).gone = status

    # --- routing ---------------------------------------------------------------------------------

    def unprefixed(self, path: str, query: dict[str, str]) -> str:
        """The page a ``/eye/…`` copy copies (``query`` marked as the copy's)."""
        if self.vision_prefix and path.startswith(self.vision_prefix + "/"):
            query["version"] = "vision"
            return path.removeprefix(self.vision_prefix)
        return path

    def answer(self, target: str) -> Answer:
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = self.unprefixed(parts.path, query)
        lang = "be" if path.startswith("/be/") or path == "/be" else "ru"
        if path == "/robots.txt":
            robots = f"User-agent: *\nDisallow: /administrator/\nSitemap: {self.base}/sitemap.xml\n"
            return Answer(200, robots.encode(), "text/plain")
        if path == "/sitemap.xml":
            return Answer(200, self.sitemap(), "application/xml")
        if path in ("/", "/be/", "/index.php", "/be/index.php") and query.get("option") == "com_content":
            return self.non_sef(query)
        if path in ("/", "/be/", "/index.php", "/be/index.php"):
            return page(200, self.layout(lang, "Главная" if lang == "ru" else "Галоўная", self.home(lang), target))
        if path == CATEGORY[lang][0]:
            return page(200, self.category(lang, int(query.get("start", "0")), target))
        if path.startswith(CATEGORY[lang][0]) and path.endswith(".html"):
            return self.article(path, query, target)
        if path == "/kalendar-novostej/":
            return page(200, self.calendar(query.get("day"), target))
        if path in ("/fotogalereya/", "/fotogalereya/den-nezavisimosti-2023.html"):
            return page(200, self.gallery(path, target))
        if path == "/dokumenty/":
            return page(200, self.documents(target))
        if path in ("/o-rajone.html", "/kontakty.html", "/be/pra-raen.html"):
            about = "<h1>О районе</h1><p>Район расположен в центре области, площадь района 1 965 км².</p>"
            return page(200, self.layout(lang, "О районе", about, target))
        if path.endswith(".pdf"):
            return Answer(200, b"%PDF-1.4\n%%EOF\n", "application/pdf")
        return page(404, self.layout(lang, "Ошибка 404", NOT_FOUND, target))

    def non_sef(self, query: dict[str, str]) -> Answer:
        ident = query.get("id", "").split(":")[0]
        for item in self.stories:
            if str(item.ident) == ident:
                return self.article(item.path, {}, item.non_sef)
        return page(404, self.layout("ru", "Ошибка 404", NOT_FOUND, "/"))

    def article(self, path: str, query: dict[str, str], target: str) -> Answer:
        for item in self.stories:
            if item.path != path:
                continue
            if item.gone:
                return page(item.gone, self.layout(item.lang, "Ошибка 404", NOT_FOUND, target))
            if query.get("print") == "1":
                return page(200, self.print_copy(item))
            return page(200, self.article_page(item, target, vision=query.get("version") == "vision"))
        return page(404, self.layout("ru", "Ошибка 404", NOT_FOUND, target))

    # --- pages -----------------------------------------------------------------------------------

    def home(self, lang: str) -> str:
        # The "latest news" module links the non-SEF form of each article.
        latest = "".join(
            f"<li><a href='{s.non_sef}'>{escape(s.title)}</a> <span>{s.at:%d.%m.%Y}</span></li>"
            for s in self.live(lang)[:3]
        )
        heading = "Последние новости" if lang == "ru" else "Апошнія навіны"
        return f"<div class='moduletable'><h3>{heading}</h3><ul class='latestnews'>{latest}</ul></div>"

    def category(self, lang: str, start: int, target: str) -> str:
        found = self.live(lang)
        shown = found[start : start + PER_PAGE]
        items = "".join(self.blog_item(s) for s in shown) or "<p>Нет материалов.</p>"
        pager = self.pager(lang, start, len(found))
        name = CATEGORY[lang][3]
        main = f"<h1>{name}</h1>{pager}<div class='blog'>{items}</div>{pager}"
        return self.layout(lang, name, main, target)

    def blog_item(self, item: Story) -> str:
        label = "Подробнее..." if item.lang == "ru" else "Падрабязней..."
        return (
            f"<div class='item'><h2 itemprop='name'><a href='{item.path}'>{escape(item.title)}</a></h2>"
            f"<dl class='article-info'><dd class='published'>{item.at:%d.%m.%Y %H:%M}</dd></dl>"
            f"<p>{escape(item.paragraphs[0])}</p><a class='readmore' href='{item.path}'>{label}</a>"
            f" <a class='eye' href='{self.vision(item.path)}'>Версия для слабовидящих</a></div>"
        )

    def pager(self, lang: str, start: int, total: int) -> str:
        base = CATEGORY[lang][0]
        words = {"ru": ("В начало", "Назад", "Вперёд", "В конец"), "be": ("У пачатак", "Назад", "Наперад", "У канец")}
        first, back, forward, end = words[lang]
        pages = (total + PER_PAGE - 1) // PER_PAGE
        current = start // PER_PAGE

        def href(n: int) -> str:
            return base if n == 0 else f"{base}?start={n * PER_PAGE}"

        links = [f"<li><a href='{href(0)}'>{first}</a></li>"]
        if current > 0:
            links.append(f"<li><a href='{href(current - 1)}'>{back}</a></li>")
        for n in range(pages):
            links.append(
                f"<li><span>{n + 1}</span></li>" if n == current else f"<li><a href='{href(n)}'>{n + 1}</a></li>"
            )
        if current + 1 < pages:
            links.append(f"<li><a href='{href(current + 1)}'>{forward}</a></li>")
        links.append(f"<li><a href='{href(pages - 1)}'>{end}</a></li>")
        return f"<div class='pagination'><ul>{''.join(links)}</ul></div>"

    def article_page(self, item: Story, target: str, vision: bool = False) -> str:
        body = "".join(f"<p>{escape(text)}</p>" for text in item.paragraphs)
        published = "Опубликовано" if item.lang == "ru" else "Апублікавана"
        others = "".join(
            f"<li><a href='{s.path}'>{escape(s.title)}</a></li>" for s in self.live(item.lang)[:4] if s is not item
        )
        name = CATEGORY[item.lang][3]
        crumbs = (
            f"<ul class='breadcrumb'><li><a href='/'>Главная</a></li><li><a href='{CATEGORY[item.lang][0]}'>{name}</a>"
            f"</li><li>{escape(item.title)}</li></ul>"
        )
        main = (
            f"{crumbs}<div class='item-page'><div class='page-header'><h2>{escape(item.title)}</h2></div>"
            f"<dl class='article-info'><dd class='published'>{published}: {item.shown}</dd>"
            f"<dd class='hits'>Просмотров: {item.ident * 3}</dd></dl>"
            f"<div class='icons'><a href='{item.path}?tmpl=component&print=1&layout=default' rel='nofollow'>Печать</a>"
            f" <a href='{self.vision(item.path)}'>Версия для слабовидящих</a></div>"
            f"<div itemprop='articleBody'>{body}<p><strong>{SIGNATURE[item.lang]}</strong></p></div>"
            "<div class='share'>Поделиться: <a href='https://vk.com/share.php'>ВКонтакте</a>"
            " <a href='https://ok.ru/dk'>Одноклассники</a> <a href='https://t.me/share'>Telegram</a></div>"
            f"</div><div class='moduletable'><h3>Другие новости</h3><ul>{others}</ul></div>"
        )
        head = (
            f"<link href='{self.base}{item.path}' rel='canonical'>"
            if target != item.path and self.canonical and not vision
            else ""
        )
        return self.layout(item.lang, item.title, main, target, head, vision)

    def print_copy(self, item: Story) -> str:
        body = "".join(f"<p>{escape(text)}</p>" for text in item.body)
        return (
            f"<!DOCTYPE html><html lang='{item.lang}'><head><meta charset='utf-8'><title>{escape(item.title)}</title>"
            f"<meta name='robots' content='noindex, nofollow'></head><body class='contentpane'>"
            f"<h2>{escape(item.title)}</h2><p>{item.shown}</p>{body}</body></html>"
        )

    def calendar(self, day: str | None, target: str) -> str:
        shown = dt.date.fromisoformat(day) if day else self.live()[0].at.date()
        before, after = shown - dt.timedelta(days=1), shown + dt.timedelta(days=1)
        found = [s for s in self.live() if s.at.date() == shown]
        items = "".join(f"<li><a href='{s.path}'>{escape(s.title)}</a></li>" for s in found) or "<li>Нет новостей</li>"
        main = (
            f"<h1>Календарь новостей: {shown:%d.%m.%Y}</h1><ul>{items}</ul>"
            f"<a href='/kalendar-novostej/?day={before}'>« {before:%d.%m}</a>"
            f" <a href='/kalendar-novostej/?day={after}'>{after:%d.%m} »</a>"
        )
        return self.layout("ru", "Календарь новостей", main, target)

    def gallery(self, path: str, target: str) -> str:
        if path == "/fotogalereya/":
            main = (
                "<h1>Фотогалерея</h1><div class='item'><h2><a href='/fotogalereya/den-nezavisimosti-2023.html'>"
                "День Независимости 2023 года в районном центре</a></h2><p>03.07.2023</p></div>"
            )
            return self.layout("ru", "Фотогалерея", main, target)
        images = "".join(
            f"<a href='/images/gallery/{n}.jpg'><img src='/images/gallery/{n}.jpg' alt=''></a>" for n in range(8)
        )
        heading = "<h2>День Независимости 2023 года в районном центре</h2>"
        main = f"<div class='item-page'>{heading}<p>03.07.2023</p>{images}</div>"
        return self.layout("ru", "День Независимости 2023", main, target)

    def documents(self, target: str) -> str:
        docs = "".join(
            f"<li><a href='/images/docs/reshenie-rayispolkoma-{n}-ot-2023.pdf'>Решение райисполкома № {n}"
            f" от {n + 1:02d}.11.2023 об утверждении плана мероприятий</a> (PDF, 120 КБ)</li>"
            for n in range(1, 7)
        )
        return self.layout("ru", "Документы", f"<h1>Документы</h1><ul>{docs}</ul>", target)

    def sitemap(self) -> bytes:
        static = ["/", "/o-rajone.html", "/kontakty.html", "/novosti/", "/dokumenty/", "/be/", "/be/pra-raen.html"]
        urls = "".join(f"<url><loc>{self.base}{path}</loc></url>" for path in static)
        return (
            "<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"{urls}</urlset>"
        ).encode()

    def layout(self, lang: str, title: str, main: str, target: str, head: str = "", vision: bool = False) -> str:
        panel = PANEL[lang].replace("{vision}", escape(self.vision(target), quote=True))
        menu = (
            "<nav><ul class='menu'><li><a href='/'>Главная</a></li><li><a href='/novosti/'>Новости</a></li>"
            "<li><a href='/o-rajone.html'>О районе</a></li><li><a href='/fotogalereya/'>Фотогалерея</a></li>"
            "<li><a href='/dokumenty/'>Документы</a></li><li><a href='/kontakty.html'>Контакты</a></li>"
            "<li><a href='/be/'>Беларуская версія</a></li><li><a href='/be/naviny/'>Навіны</a></li></ul></nav>"
        )
        today = self.live()[0].at.date()
        calendar = (
            f"<div class='moduletable'><h3>Календарь новостей</h3><a href='/kalendar-novostej/?day={today}'>"
            f"{today:%d.%m.%Y}</a></div>"
        )
        return (
            f"<!DOCTYPE html><html lang='{lang}-{'by' if lang == 'be' else 'ru'}'><head><meta charset='utf-8'>"
            f"<title>{escape(title)} - Районный исполнительный комитет</title>{head}</head>"
            f"<body class='{'vision' if vision else 'site'}'>{panel}<header><a href='/'>Райисполком</a></header>"
            f"{menu}<div id='content'>{main}</div><aside>{calendar}</aside>{FOOTER[lang]}</body></html>"
        )
