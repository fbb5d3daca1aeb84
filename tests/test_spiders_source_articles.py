"""Where a source's article belongs: its section and language (csto_crawler/spiders/source_articles.py)."""

from __future__ import annotations

from lxml import html

from csto_crawler.sources import Source
from csto_crawler.sources.languages import Language
from csto_crawler.spiders.source_articles import page_language, section_of

AGENCY = Source(name="agency", home="https://agency.example/")
DISTRICT = Source(name="osipovichi", home="https://osipovichi.example/")
KAZINFORM = Source(
    name="kazinform", home="https://www.inform.kz/", languages=(Language("ru", "https://www.inform.kz/ru/"),)
)


def test_section_of_leaves_out_the_language_prefix_and_the_article() -> None:
    assert section_of(AGENCY, "https://agency.example/ru/news/sostoyalas-e3a91d") == "news"
    assert section_of(KAZINFORM, "https://www.inform.kz/ru/politics/view/x_a3780271") == "politics/view"
    assert section_of(DISTRICT, "https://osipovichi.example/news-rayon/view/x-13566") == "news-rayon/view"
    assert section_of(AGENCY, "https://agency.example/ru/x-e3a91d") == ""


def test_page_language_is_the_urls_else_the_pages_own() -> None:
    root = html.fromstring("<html lang='be-BY'><body><p>x</p></body></html>")
    assert page_language(AGENCY, "https://agency.example/en/news/x-e3a91d", root) == "en"
    assert page_language(DISTRICT, "https://osipovichi.example/news-rayon/view/x-13566", root) == "be"
    assert page_language(DISTRICT, "https://osipovichi.example/x", html.fromstring("<p>x</p>")) is None
