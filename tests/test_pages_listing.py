"""Listing page object replayed over the saved listing fixtures, plus the stock-template variants."""

from __future__ import annotations

import pytest
from fixture_cases import Case, case_named, case_params, fixture_sites
from scrapy.http import HtmlResponse, Request

from csto_crawler.dates import parse_site_date
from csto_crawler.pages.listing import ListingPage

LISTINGS = case_params("listing")
NON_LISTINGS = case_params("article", "not_article")


def listing(case: Case) -> ListingPage:
    return ListingPage(case.response())


def html_response(url: str, markup: str) -> HtmlResponse:
    return HtmlResponse(
        url=url, body=markup.encode("utf-8"), headers={"Content-Type": "text/html; charset=UTF-8"}, request=Request(url)
    )


@pytest.mark.parametrize("case", LISTINGS)
def test_listing_page_is_listing(case: Case) -> None:
    assert listing(case).is_listing()


@pytest.mark.parametrize("case", NON_LISTINGS)
def test_listing_page_is_not_listing_for_articles_and_other_pages(case: Case) -> None:
    assert not listing(case).is_listing()


@pytest.mark.parametrize("case", LISTINGS)
def test_listing_page_items(case: Case) -> None:
    found = [
        {"position": i.position, "url": i.url, "title": i.title, "date_raw": i.date_raw, "element_id": i.element_id}
        for i in listing(case).items()
    ]
    expected = [{k: v for k, v in item.items() if k in found[0]} for item in case.expected()["items"]]
    assert len(found) == len(expected)
    assert found == expected


@pytest.mark.parametrize("case", LISTINGS)
def test_listing_page_page_number_and_last_page(case: Case) -> None:
    page = listing(case)
    expected = case.expected()
    assert (page.page_number(), page.last_page()) == (expected["page_number"], expected["last_page"])


@pytest.mark.parametrize("case", LISTINGS)
def test_listing_items_canonicalize_to_article_urls(case: Case) -> None:
    """Listed links may carry ?bxajaxid= or lack the slash; each must map to its article's one URL."""
    sites = fixture_sites()
    found = [sites.canonicalize(i.url) for i in listing(case).items()]
    assert found == [item["canonical_url"] for item in case.expected()["items"]]


@pytest.mark.parametrize("case", LISTINGS)
def test_listing_item_dates_parse_to_gold_dates(case: Case) -> None:
    found = [parse_site_date(i.date_raw).iso() for i in listing(case).items() if i.date_raw]
    assert found == [item["date_iso"] for item in case.expected()["items"]]


def test_listing_page_ru_decodes_windows_1251() -> None:
    case = case_named("listing", "ru-first-page")
    response = case.response()
    assert response.encoding == "cp1251"
    titles = [i.title for i in ListingPage(response).items()]
    assert titles[0] == case.expected()["items"][0]["title"]
    assert titles[0].encode("cp1251") in case.body()


def test_listing_page_out_of_range_page_reports_the_last_page() -> None:
    """Bitrix answers ?PAGEN_1=99 with the last page: the pager, not the URL, says where we are."""
    case = case_named("listing", "en-out-of-range-page")
    assert "PAGEN_1=99" in case.url
    page = listing(case)
    assert page.page_number() == page.last_page() == 11


def test_listing_page_without_pager_is_page_one() -> None:
    page = ListingPage(html_response("http://127.0.0.1:8801/news/", '<div class="news-list"></div>'))
    assert (page.is_listing(), page.items(), page.page_number(), page.last_page()) == (True, [], 1, 1)


def test_listing_page_stock_template_items_use_the_bold_title_link() -> None:
    """Stock news.list writes <p class="news-item"> with a picture link first and the title in <b>."""
    markup = (
        '<div class="news-list"><p class="news-item" id="bx_3218110189_22946">'
        '<a href="/news/a/"><img src="/upload/a.png"></a><span class="news-date-time">14.09.2022</span>'
        '<a href="/news/a/?bxajaxid=1"><b>Title A</b></a> lead</p>'
        '<p class="news-item"><a href="/news/b">Only link</a></p></div>'
    )
    items = ListingPage(html_response("http://127.0.0.1:8801/news/", markup)).items()
    assert [(i.url, i.title, i.date_raw, i.position, i.element_id) for i in items] == [
        ("http://127.0.0.1:8801/news/a/?bxajaxid=1", "Title A", "14.09.2022", 1, "22946"),
        ("http://127.0.0.1:8801/news/b", "Only link", None, 2, None),
    ]


def test_listing_page_last_page_reads_pager_links() -> None:
    markup = (
        '<div class="news-list"></div><div class="modern-page-navigation">'
        '<a href="/news/">1</a> <span class="modern-page-current">2</span> '
        '<a href="/news/?PAGEN_1=3">3</a> <a href="/news/?PAGEN_1=40&amp;bxajaxid=9">End</a></div>'
    )
    page = ListingPage(html_response("http://127.0.0.1:8801/news/?PAGEN_1=2", markup))
    assert (page.page_number(), page.last_page()) == (2, 40)


def test_listing_page_with_a_pager_above_and_below_and_two_lists_reads_them_all() -> None:
    """Bitrix can show the pager above and below the list; parts are then looked up on the whole page."""
    pager = (
        '<div class="modern-page-navigation"><a href="/news/">1</a> <span class="modern-page-current">2</span> '
        '<a href="/news/?PAGEN_1={last}">{last}</a></div>'
    )
    markup = (
        pager.format(last=7)
        + '<div class="news-list"><div class="news-item"><a href="/news/a/">A</a></div></div>'
        + '<div class="news-list"><div class="news-item"><a href="/news/b/">B</a></div></div>'
        + pager.format(last=9)
    )
    page = ListingPage(html_response("http://127.0.0.1:8801/news/?PAGEN_1=2", markup))
    assert [(i.url, i.position) for i in page.items()] == [
        ("http://127.0.0.1:8801/news/a/", 1),
        ("http://127.0.0.1:8801/news/b/", 2),
    ]
    assert (page.page_number(), page.last_page()) == (2, 9)


def test_listing_page_links_resolve_against_the_pages_base_element() -> None:
    markup = (
        '<head><base href="http://127.0.0.1:8801/archive/"></head>'
        '<div class="news-list"><div class="news-item"><a href="x/">X</a></div></div>'
    )
    page = ListingPage(html_response("http://127.0.0.1:8801/news/", markup))
    assert [i.url for i in page.items()] == ["http://127.0.0.1:8801/archive/x/"]
