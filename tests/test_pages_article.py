"""Article page object (and the two cleaning pipelines) replayed over the saved article fixtures."""

from __future__ import annotations

import re

import pytest
from fixture_cases import Case, build_article_item, case_named, case_params, cleaned_article_item, fixture_sites

from csto_crawler.boilerplate import drop_repeated_title, strip_boilerplate
from csto_crawler.htmltext import join_paragraphs, norm_ws
from csto_crawler.items import ArticleItem
from csto_crawler.pages.article import ArticlePage
from csto_crawler.pages.listing import ListingPage

ARTICLES = case_params("article")
NON_ARTICLES = case_params("not_article", "listing")
RU_ARTICLES = case_params("article", where=lambda c: c.lang == "ru")
NO_DATE_LINE = case_params("article", where=lambda c: "no_date_line" in c.expected()["quirks"])
WITH_BODY_HTML_RULES = case_params(
    "article", where=lambda c: c.expected()["body_html_must_contain"] or c.expected()["body_html_must_not_contain"]
)


def cleaned(case: Case) -> ArticleItem:
    """The item after the pipelines, with the listing date the spider would have passed in."""
    return cleaned_article_item(case, case.expected()["listed_date"])


def visible_text(case: Case) -> str:
    """All text of the saved page, whitespace-normalised (chrome, sidebar and footer included)."""
    return norm_ws(" ".join(case.response().css("body ::text").getall()))


@pytest.mark.parametrize("case", ARTICLES)
def test_article_page_is_article(case: Case) -> None:
    assert ArticlePage(case.response()).is_article()


@pytest.mark.parametrize("case", NON_ARTICLES)
def test_article_page_is_not_article_for_404_static_and_listing_pages(case: Case) -> None:
    assert not ArticlePage(case.response()).is_article()


@pytest.mark.parametrize("case", ARTICLES)
def test_article_page_is_not_listing(case: Case) -> None:
    assert not ListingPage(case.response()).is_listing()


@pytest.mark.parametrize("case", ARTICLES)
def test_article_page_title(case: Case) -> None:
    assert ArticlePage(case.response()).title() == case.expected()["title"]


@pytest.mark.parametrize("case", ARTICLES)
def test_article_page_subtitle(case: Case) -> None:
    assert ArticlePage(case.response()).subtitle() == case.expected()["subtitle"]


@pytest.mark.parametrize("case", ARTICLES)
def test_article_page_element_id(case: Case) -> None:
    assert ArticlePage(case.response()).element_id() == case.expected()["element_id"]


@pytest.mark.parametrize("case", ARTICLES)
def test_article_page_attachments(case: Case) -> None:
    found = [{"url": a.url, "filename": a.filename} for a in ArticlePage(case.response()).attachments()]
    assert found == case.expected()["attachments"]


@pytest.mark.parametrize("case", ARTICLES)
def test_article_page_counterpart_url(case: Case) -> None:
    target = ArticlePage(case.response()).paired_url()
    found = fixture_sites().canonicalize(target) if target else None
    assert found == case.expected()["counterpart_url"]


@pytest.mark.parametrize("case", ARTICLES)
def test_article_pipelines_published(case: Case) -> None:
    item = cleaned(case)
    expected = case.expected()
    assert (item.published, item.published_source) == (expected["published"], expected["published_source"])
    assert item.date_flags == []


@pytest.mark.parametrize("case", ARTICLES)
def test_article_pipelines_body_text_equals_expected_text(case: Case) -> None:
    assert cleaned(case).body_text == case.expected_text()


@pytest.mark.parametrize("case", ARTICLES)
def test_article_pipelines_body_must_contain(case: Case) -> None:
    body = cleaned(case).body_text
    missing = [s for s in case.expected()["body_must_contain"] if s not in body]
    assert missing == []


@pytest.mark.parametrize("case", ARTICLES)
def test_article_pipelines_body_must_not_contain(case: Case) -> None:
    body = cleaned(case).body_text
    leaked = [s for s in case.expected()["body_must_not_contain"] if s in body]
    assert leaked == []


@pytest.mark.parametrize("case", ARTICLES)
def test_article_fixture_must_not_contain_snippets_are_on_the_page(case: Case) -> None:
    """A must-not-contain snippet proves something only if the page really carries it."""
    page_text = visible_text(case)
    snippets = case.expected()["body_must_not_contain"]
    assert snippets
    assert [s for s in snippets if s not in page_text] == []


@pytest.mark.parametrize("case", ARTICLES)
def test_article_pipelines_signature(case: Case) -> None:
    assert cleaned(case).signature == case.expected()["signature"]


@pytest.mark.parametrize("case", WITH_BODY_HTML_RULES)
def test_article_page_body_html_keeps_structure_drops_noise(case: Case) -> None:
    markup = ArticlePage(case.response()).body_html()
    expected = case.expected()
    assert [s for s in expected["body_html_must_contain"] if s not in markup] == []
    assert [s for s in expected["body_html_must_not_contain"] if s in markup] == []


@pytest.mark.parametrize("case", ARTICLES)
def test_article_page_body_html_has_no_scripts_or_chrome(case: Case) -> None:
    markup = ArticlePage(case.response()).body_html()
    assert markup
    assert not re.search(r"<(script|style|iframe)\b", markup)
    assert "news-detail__back" not in markup and "print=Y" not in markup


@pytest.mark.parametrize("case", ARTICLES)
def test_article_page_wide_body_fallback_still_gives_the_clean_text(case: Case) -> None:
    """Without the body container the page object falls back to the whole detail block; the non-body
    blocks (head line, signature, attachments, back links, share, print) must still be cut out."""
    renamed = case.body().replace(b'class="news-detail__text"', b'class="news-detail__unknown"')
    assert renamed != case.body()
    page = ArticlePage(case.response().replace(body=renamed))
    clean = strip_boilerplate(drop_repeated_title(page.body_paragraphs(), page.title()))
    assert join_paragraphs(clean.paragraphs) == case.expected_text()


@pytest.mark.parametrize("case", NO_DATE_LINE)
def test_article_page_no_date_line_gets_its_date_only_from_the_listing(case: Case) -> None:
    assert ArticlePage(case.response()).date_candidates() == []
    without_listing = cleaned_article_item(case, listed_date=None)
    assert without_listing.published is None
    assert cleaned(case).published_source == "listing"


@pytest.mark.parametrize("case", RU_ARTICLES)
def test_article_page_ru_decodes_windows_1251(case: Case) -> None:
    response = case.response()
    title = case.expected()["title"]
    assert response.encoding == "cp1251"
    assert title.encode("cp1251") in case.body()  # the saved bytes really are windows-1251
    with pytest.raises(UnicodeDecodeError):
        case.body().decode("utf-8")
    assert ArticlePage(response).title() == title
    assert re.search("[а-яё]{4,}", cleaned(case).body_text)


def test_article_item_keeps_page_fields_for_the_archive() -> None:
    """The docx attachment case: every field the archive stores is filled from the page."""
    item = build_article_item(case_named("article", "ru-body-html-table-docx"))
    assert (item.section, item.slug) == ("documents/documents", "dogovor_o_kollektivnoy_bezopasnosti")
    assert [c.source for c in item.date_candidates] == ["detail", "attachments"]
    assert item.images and all(url.startswith("http://") for url in item.images)
