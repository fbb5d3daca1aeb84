"""A list vouches for its links: spiders/listed.py's ``listed_articles`` over a real listing reading."""

from __future__ import annotations

from lxml import html

from csto_crawler.discovery.learner import PageKind, UrlShapeLearner
from csto_crawler.discovery.listing import read_listing
from csto_crawler.sources.model import Source

SOURCE = Source(name="pinsk", home="http://h/")
TITLE = "В районе состоялось мероприятие для жителей агрогородков номер"


def archive_table(codes: list[str]) -> str:
    """A Bitrix news archive as district sites build it: a table, the date in its own cell."""
    rows = "".join(
        f"<tr><td>0{n + 1}.12.2023</td><td><a href='/news/sport/{code}/'>{TITLE} {n}</a></td></tr>"
        for n, code in enumerate(codes)
    )
    menu = "<ul><li><a href='/news/'>Все новости</a></li><li><a href='/photo/'>Фотогалерея</a></li></ul>"
    return f"<html><body>{menu}<h1>Все новости</h1><table>{rows}</table></body></html>"


def listed(page: str) -> dict[str, tuple[str | None, bool]]:
    from csto_crawler.spiders.listed import listed_articles

    reading = read_listing(html.fromstring(page), "http://h/news/", SOURCE.owns)
    learner = UrlShapeLearner()
    return listed_articles(reading.candidates, SOURCE, lambda url: learner.classify(url).kind is PageKind.ARTICLE)


def test_listed_articles_a_one_word_code_among_slugs_is_an_article() -> None:
    slugs = [f"v-rayone-sostoyalos-meropriyatie-{n}" for n in range(4)]
    found = listed(archive_table([*slugs, "turnir"]))
    assert found["http://h/news/sport/turnir/"] == (f"{TITLE} 4", True)
    assert all(article for _, article in found.values())


def test_listed_articles_a_list_of_few_articles_vouches_for_nothing() -> None:
    found = listed(
        archive_table(["v-rayone-sostoyalos-meropriyatie-1", "v-rayone-sostoyalos-meropriyatie-2", "turnir"])
    )
    assert found["http://h/news/sport/turnir/"][1] is False  # two articles beside it: not enough


def test_listed_articles_a_list_mostly_of_other_pages_vouches_for_nothing() -> None:
    slugs = [f"v-rayone-sostoyalos-meropriyatie-{n}" for n in range(3)]
    found = listed(archive_table([*slugs, "turnir", "futbol"]))  # 3 articles of 5: under three quarters
    assert found["http://h/news/sport/turnir/"][1] is False
    assert found["http://h/news/sport/futbol/"][1] is False
