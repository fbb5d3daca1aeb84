"""A district executive committee's site built on 1C-Bitrix, as many Belarusian regional sites are:
the news archive ("Все новости") is a ``<table>`` whose rows hold the date in one cell and the link in
another, paged by ``?PAGEN_1=N`` with the pager both above and below the table; the home page's news
block is a ``<ul>`` with the dates in their own ``<span>``; article URLs are Bitrix symbolic codes
under a rubric (``/news/obshchestvo/v-rayone-proshel-subbotnik/``, some short: ``/news/sport/turnir/``);
accessibility copies at ``?special_version=Y``; dates as ``13 декабря 2023 г., 10:15`` on articles;
a photo gallery whose albums are pages of pictures, a documents page of PDF links, an events
calendar (``?date=13.12.2023``) that leads on for ever; a breadcrumb, a share widget, a footer with
the address and working hours, a signature line ending each article; no feed, no sitemap, no
robots.txt. Its state changes between crawls (``add``, ``edit``, ``delete``).

Our own markup and wording, written for the tests (tests/test_crawl_regions.py): the crawler must not
know any of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, urlsplit

from source_sites import Answer, page

PER_PAGE = 6
MINSK = dt.timezone(dt.timedelta(hours=3))
FIRST = dt.datetime(2023, 6, 1, 9, 0, tzinfo=MINSK)
SIGNATURE = "Пресс-служба райисполкома"
RUBRICS = ("obshchestvo", "ekonomika", "sport")
MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
# Some symbolic codes are one word: only the listing's template says such a URL is an article.
SHORT_CODES = {3: "turnir", 8: "subbotnik", 14: "vypusknoy"}
ALBUMS = ("den-nezavisimosti-v-rayonnom-tsentre-2023", "dozhinki-2023-v-rayone")
NOT_FOUND = "<h1>Страница не найдена</h1><p>Ошибка 404</p>"


@dataclass
class Item:
    n: int
    title: str
    paragraphs: list[str]
    at: dt.datetime
    gone: int = 0

    @property
    def path(self) -> str:
        code = SHORT_CODES.get(self.n, f"v-rayone-sostoyalos-meropriyatie-{self.n}")
        return f"/news/{RUBRICS[self.n % 3]}/{code}/"

    @property
    def shown(self) -> str:
        return f"{self.at.day} {MONTHS[self.at.month - 1]} {self.at.year} г., {self.at:%H:%M}"

    @property
    def body(self) -> list[str]:
        return [*self.paragraphs, SIGNATURE]


def item(n: int) -> Item:
    at = FIRST + dt.timedelta(days=4 * n, hours=n % 6, minutes=13 * n % 60)
    title = f"В районе состоялось мероприятие номер {n} для жителей агрогородков"
    text = [
        f"В районном Доме культуры прошло мероприятие номер {n}, в котором приняли участие жители агрогородков.",
        f"Заместитель председателя райисполкома вручил благодарственные письма {n % 5 + 3} участникам.",
        "Организаторы поблагодарили трудовые коллективы района за помощь в подготовке.",
    ]
    return Item(n, title, text, at)


class BitrixDistrictSite:
    """The site's current state; ``answer`` serves it; ``base`` is set once the server listens."""

    def __init__(self) -> None:
        self.items = [item(n) for n in range(1, 17)]
        self.base = ""

    def live(self) -> list[Item]:
        return sorted((i for i in self.items if not i.gone), key=lambda i: i.at, reverse=True)

    def item(self, n: int) -> Item:
        return next(i for i in self.items if i.n == n)

    def add(self, n: int) -> Item:
        self.items.append(item(n))
        return self.items[-1]

    def edit(self, n: int) -> Item:
        found = self.item(n)
        found.title += " (обновлено)"
        found.paragraphs.append("Фоторепортаж с мероприятия будет опубликован позднее.")
        return found

    def delete(self, n: int, status: int = 404) -> None:
        self.item(n).gone = status

    # --- routing ---------------------------------------------------------------------------------

    def answer(self, target: str) -> Answer:
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path, special = parts.path, query.get("special_version") == "Y"
        if path == "/":
            return page(200, self.layout("Главная", self.home(), target, special))
        if path == "/news/":
            return page(200, self.archive(int(query.get("PAGEN_1", "1")), target, special))
        if path == "/news/calendar.php":
            return page(200, self.calendar(query.get("date"), target))
        for found in self.items:
            if path == found.path and found.gone:
                return page(found.gone, self.layout("Страница не найдена", NOT_FOUND, target))
            if path == found.path:
                return page(200, self.article(found, target, special))
        if path == "/photo/":
            return page(200, self.gallery(target))
        if path.startswith("/photo/") and path.strip("/").split("/")[-1] in ALBUMS:
            return page(200, self.album(path.strip("/").split("/")[-1], target))
        if path == "/documents/":
            return page(200, self.documents(target))
        if path.endswith(".pdf"):
            return Answer(200, b"%PDF-1.4\n%%EOF\n", "application/pdf")
        if path in ("/about/", "/contacts/"):
            about = "<h1>О районе</h1><p>Район образован в 1924 году и расположен на юге области.</p>"
            return page(200, self.layout("О районе", about, target, special))
        return page(404, self.layout("Страница не найдена", NOT_FOUND, target))

    # --- pages -----------------------------------------------------------------------------------

    def home(self) -> str:
        latest = "".join(
            f"<li><span class='dt'>{i.at:%d.%m.%Y}</span> <a href='{i.path}'>{escape(i.title)}</a></li>"
            for i in self.live()[:5]
        )
        return (
            f"<div class='block'><div class='block-title'>Новости района</div><ul class='list'>{latest}</ul>"
            "<a href='/news/'>Все новости</a></div>"
            "<div class='block'><div class='block-title'>Фотогалерея</div><a href='/photo/'>Все фото</a></div>"
        )

    def archive(self, number: int, target: str, special: bool) -> str:
        found = self.live()
        rows = "".join(
            f"<tr><td class='c1'>{i.at:%d.%m.%Y}</td><td class='c2'><a href='{i.path}'>{escape(i.title)}</a></td></tr>"
            for i in found[(number - 1) * PER_PAGE : number * PER_PAGE]
        )
        pager = self.pager(number, (len(found) + PER_PAGE - 1) // PER_PAGE)
        main = f"<h1>Все новости</h1>{pager}<table class='tbl'>{rows}</table>{pager}"
        return self.layout("Все новости", main, target, special)

    def pager(self, number: int, pages: int) -> str:
        def href(n: int) -> str:
            return f"/news/?PAGEN_1={n}"

        links = ["<a href='/news/'>Начало</a>"] if number > 1 else ["<span>Начало</span>"]
        if number > 1:
            links.append(f"<a href='{href(number - 1)}'>Пред.</a>")
        links += [f"<b>{n}</b>" if n == number else f"<a href='{href(n)}'>{n}</a>" for n in range(1, pages + 1)]
        if number < pages:
            links += [f"<a href='{href(number + 1)}'>След.</a>", f"<a href='{href(pages)}'>Конец</a>"]
        return f"<div class='nav'>Новости {number} из {pages}<br>{' | '.join(links)}</div>"

    def article(self, found: Item, target: str, special: bool) -> str:
        body = "".join(f"<p>{escape(text)}</p>" for text in found.paragraphs)
        rubric = RUBRICS[found.n % 3]
        crumbs = (
            f"<div class='crumbs'><a href='/'>Главная</a> / <a href='/news/'>Новости</a> /"
            f" <a href='/news/{rubric}/'>{rubric.capitalize()}</a> / <span>{escape(found.title)}</span></div>"
        )
        main = (
            f"{crumbs}<h1>{escape(found.title)}</h1><div class='meta'>Дата публикации: {found.shown}</div>"
            f"<div class='detail'>{body}<p style='text-align: right;'><b>{SIGNATURE}</b></p></div>"
            "<div class='share'><span>Поделиться:</span> <a href='https://vk.com/share.php'>ВКонтакте</a>"
            " <a href='https://connect.ok.ru/offer'>Одноклассники</a> <a href='https://t.me/share/url'>Telegram</a>"
            " <a href='viber://forward'>Viber</a></div><a href='/news/'>Вернуться к списку новостей</a>"
        )
        return self.layout(found.title, main, target, special)

    def calendar(self, day: str | None, target: str) -> str:
        shown = dt.datetime.strptime(day, "%d.%m.%Y").date() if day else self.live()[0].at.date()  # noqa: DTZ007
        before, after = shown - dt.timedelta(days=1), shown + dt.timedelta(days=1)
        found = [i for i in self.live() if i.at.date() == shown]
        items = "".join(f"<li><a href='{i.path}'>{escape(i.title)}</a></li>" for i in found) or "<li>Событий нет</li>"
        main = (
            f"<h1>Календарь событий на {shown:%d.%m.%Y}</h1><ul>{items}</ul>"
            f"<a href='/news/calendar.php?date={before:%d.%m.%Y}'>Предыдущий день</a>"
            f" <a href='/news/calendar.php?date={after:%d.%m.%Y}'>Следующий день</a>"
        )
        return self.layout("Календарь событий", main, target)

    def gallery(self, target: str) -> str:
        albums = "".join(
            f"<div class='album'><a href='/photo/{a}/'><img src='/upload/{a}.jpg' alt=''></a>"
            f"<a href='/photo/{a}/'>{a.replace('-', ' ').capitalize()}</a> <span>03.07.2023</span></div>"
            for a in ALBUMS
        )
        return self.layout("Фотогалерея", f"<h1>Фотогалерея</h1>{albums}", target)

    def album(self, name: str, target: str) -> str:
        pictures = "".join(
            f"<a href='/upload/{name}/{n}.jpg'><img src='/upload/{name}/{n}s.jpg' alt=''></a>" for n in range(9)
        )
        heading = name.replace("-", " ").capitalize()
        main = f"<h1>{heading}</h1><div class='date'>03.07.2023</div><div class='photos'>{pictures}</div>"
        return self.layout("Фотогалерея", main, target)

    def documents(self, target: str) -> str:
        docs = "".join(
            f"<tr><td>{n + 1:02d}.11.2023</td><td><a href='/upload/iblock/{n}a7/reshenie-{n}.pdf'>Решение"
            f" райисполкома № {n * 101} «Об утверждении плана мероприятий на 2024 год»</a></td></tr>"
            for n in range(1, 7)
        )
        return self.layout("Документы", f"<h1>Документы</h1><table>{docs}</table>", target)

    def layout(self, title: str, main: str, target: str, special: bool = False) -> str:
        sep = "&" if "?" in target else "?"
        panel = (
            "<div class='special-panel'><span>Настройки шрифта:</span> <a href='#'>Times New Roman</a>"
            " <a href='#'>Arial</a> <span>Размер шрифта:</span> <a href='#'>A</a> <a href='#'>A+</a>"
            " <a href='#'>A++</a> <span>Цветовая схема:</span> <a href='#'>Ч/Б</a> <a href='#'>Б/Ч</a>"
            f" <a href='{escape(target + sep)}special_version=Y'>Версия для слабовидящих</a></div>"
        )
        menu = (
            "<div class='top-menu'><ul><li><a href='/'>Главная</a></li><li><a href='/news/'>Новости</a></li>"
            "<li><a href='/about/'>О районе</a></li><li><a href='/photo/'>Фотогалерея</a></li>"
            "<li><a href='/documents/'>Документы</a></li><li><a href='/contacts/'>Контакты</a></li></ul></div>"
        )
        today = self.live()[0].at.date()
        side = (
            "<div class='right'><div class='block-title'>Календарь событий</div>"
            f"<a href='/news/calendar.php?date={today:%d.%m.%Y}'>{today:%d.%m.%Y}</a>"
            "<div class='banners'><a href='https://president.gov.by/'>Президент Республики Беларусь</a></div></div>"
        )
        footer = (
            "<div class='footer'><p>Районный исполнительный комитет</p><p>Адрес: 225710, г. Пинск, ул. Ленина, 12</p>"
            "<p>Время работы: пн-пт 8.00-13.00, 14.00-17.00</p>"
            "<p>Приемная: 8 (0165) 35-12-34, e-mail: rik@example.by</p>"
            "<p>© 2023 При использовании материалов ссылка на сайт обязательна</p></div>"
        )
        return (
            f"<!DOCTYPE html><html lang='ru'><head><meta charset='UTF-8'><title>{escape(title)}</title></head>"
            f"<body>{panel}<div class='header'><a href='/'>Районный исполнительный комитет</a></div>{menu}"
            f"<div class='content'><div class='left'>{main}</div>{side}</div>{footer}</body></html>"
        )
