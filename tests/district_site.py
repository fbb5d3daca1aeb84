"""A district executive committee's site, as Belarusian regional sites are built: an accessibility
panel ("Font settings / Times New Roman"), an accessibility copy of every page under ``/special/``
(linked from every news item), a numbered pager (``?page=N``), dates as ``dd.mm.yyyy``, article IDs
at the end of the slug, no feed, no sitemap, no robots.txt. A site of another kind than the agency's,
for the end-to-end tests of sources (tests/test_crawl_sources.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, urlsplit

from source_sites import Answer, page

PER_PAGE = 4


@dataclass
class DistrictArticle:
    slug: str
    number: int
    title: str
    date: str  # dd.mm.yyyy, as the site shows it
    paragraphs: list[str]
    gone: int = 0  # 404 or 410 once the site removed it

    @property
    def path(self) -> str:
        return f"/ru/news-rayon/view/{self.slug}-{self.number}"


ARTICLES = [
    DistrictArticle(
        f"novost-rayona-{i}",
        13560 + i,
        f"В районе прошло событие номер {i} с участием жителей",
        f"{i + 1:02d}.0{(i % 9) + 1}.2023",
        [
            f"Жители района приняли участие в мероприятии номер {i}, которое прошло в районном центре.",
            f"Председатель райисполкома отметил важность события {i} для развития района.",
        ],
    )
    for i in range(1, 11)
]
# The district's main story of the year, at a URL that names no item: only its page says it is an article.
FEATURE_TEXT = ["Район завершил год с ростом производства и новыми объектами социальной сферы."]
FEATURE = DistrictArticle("", 0, "Итоги года: район в цифрах и событиях", "29.12.2023", FEATURE_TEXT)
FEATURE_PATH = "/ru/glavnoe/"
PANEL = (
    "<div class='panel'><span>Настройки шрифта:</span> <a href='#'>Times New Roman</a> <a href='#'>Arial</a>"
    " <span>Размер шрифта</span> <a href='#'>A</a> <a href='#'>A+</a> <span>Цвета сайта</span>"
    " <a href='/special/'>Версия для слабовидящих</a></div>"
)
MENU = (
    "<nav><a href='/'>Главная</a> <a href='/ru/news-rayon/'>Новости района</a> <a href='/ru/about/'>О районе</a>"
    " <a href='/ru/contacts/'>Контакты</a></nav>"
)
FOOTER = "<footer><p>© Осиповичский районный исполнительный комитет, 2023. Тел.: +375 2235 2-11-11</p></footer>"


def layout(title: str, main: str, special: bool = False) -> str:
    prefix = "Версия для слабовидящих. " if special else ""
    return (
        f"<!DOCTYPE html><html lang='ru'><head><meta charset='utf-8'><title>{prefix}{escape(title)}"
        f" | Райисполком</title></head><body>{PANEL}<header><a href='/'>Райисполком</a></header>{MENU}"
        f"<main>{main}</main>{FOOTER}</body></html>"
    )


def live() -> list[DistrictArticle]:
    return [article for article in ARTICLES if not article.gone]


def listing(number: int, special: bool = False) -> str:
    items = live()[::-1][(number - 1) * PER_PAGE : number * PER_PAGE]
    pages = (len(live()) + PER_PAGE - 1) // PER_PAGE
    blocks = "".join(
        f"<div class='news-item'><a href='{'/special' if special else ''}{a.path}'>{escape(a.title)}</a>"
        f" <span class='date'>{a.date}</span><p>{escape(a.paragraphs[0])}</p>"
        f" <a class='eye' href='/special{a.path}'>Версия для слабовидящих</a></div>"
        for a in items
    )
    links = [f"<a href='/ru/news-rayon/?page={n}'>{n}</a>" for n in range(1, pages + 1)]
    pager = " ".join(link if n != number else f"<span>{n}</span>" for n, link in enumerate(links, 1))
    return layout("Новости района", f"<h1>Новости района</h1><div class='list'>{blocks}</div><div>{pager}</div>")


def article_page(article: DistrictArticle, special: bool = False) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    others = "".join(f"<li><a href='{a.path}'>{escape(a.title)}</a></li>" for a in ARTICLES[:3] if a is not article)
    main = (
        f"<div class='news-detail'><h1>{escape(article.title)}</h1><div class='date'>{article.date}</div>"
        f"<div class='text'>{body}</div><div class='share'>Поделиться: <a href='https://vk.com/share'>VK</a></div>"
        f"</div><aside><h3>Другие новости</h3><ul>{others}</ul></aside>"
    )
    return layout(article.title, main, special)


def answer(target: str) -> Answer:
    parts = urlsplit(target)
    path, special = parts.path, parts.path.startswith("/special/")
    plain = path.removeprefix("/special") if special else path
    if plain in ("/", ""):
        latest = "".join(f"<li><a href='{a.path}'>{escape(a.title)}</a> {a.date}</li>" for a in live()[::-1][:3])
        feature = f"<p><a href='{FEATURE_PATH}'>Главное</a></p>"
        return page(200, layout("Главная", f"<h2>Новости</h2><ul>{latest}</ul>{feature}", special))
    if plain == FEATURE_PATH:
        return page(
            200, article_page(FEATURE, special).replace("<head>", "<head><meta property='og:type' content='article'>")
        )
    if plain == "/ru/news-rayon/":
        number = int(parse_qs(parts.query).get("page", ["1"])[0])
        return page(200, listing(number, special))
    for article in ARTICLES:
        if plain == article.path and article.gone:
            return page(article.gone, layout("Страница удалена", "<h1>Страница удалена</h1>"))
        if plain == article.path:
            return page(200, article_page(article, special))
    if plain in ("/ru/about/", "/ru/contacts/"):
        return page(200, layout("О районе", "<h1>О районе</h1><p>Район расположен в центре области.</p>", special))
    return page(404, layout("Страница не найдена", "<h1>Страница не найдена</h1>"))
