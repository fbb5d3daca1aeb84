"""The run's books of a source walked by discovery (csto_crawler/source_books.py)."""

from __future__ import annotations

from csto_crawler.source_books import SMALL_LISTING_PAGES, SourceBooks
from csto_crawler.sources import Source

AGENCY = Source(name="agency", home="https://agency.example/", start=("https://agency.example/ru/tag/odkb/",))


def test_pages_are_asked_once_and_never_when_asked_as_an_article() -> None:
    book = SourceBooks(AGENCY)
    assert book.claim_page("https://agency.example/ru/tag/odkb/?page=2")
    assert not book.claim_page("https://agency.example/ru/tag/odkb/?page=2")
    assert book.claim_article("https://agency.example/ru/news/x-e3a91d")
    assert not book.claim_page("https://agency.example/ru/news/x-e3a91d")


def test_an_endless_space_gets_its_budget_counting_the_page_above_it() -> None:
    book = SourceBooks(Source(name="agency", home="https://agency.example/", max_trap_requests=3))
    assert book.claim_page("https://agency.example/ru/archive/")  # not dated: outside the space
    days = [f"https://agency.example/ru/archive/2026-02-{day:02d}/" for day in range(1, 10)]
    admitted = [url for url in days if book.claim_page(url)]
    assert len(admitted) == 2  # the archive's own page counted as the third request into it


def test_a_start_walk_is_complete_once_every_page_asked_was_read_to_its_end() -> None:
    book = SourceBooks(AGENCY)
    first, second = AGENCY.start[0], AGENCY.start[0] + "?page=2"
    book.walk_asked(first)
    assert not book.walk_complete
    book.walk_answered(first)
    book.walk_asked(second)
    assert not book.walk_complete
    book.walk_answered(second)
    assert book.walk_complete
    book.walk_answered("https://agency.example/sitemap.xml", complete=False)  # no page of the walk
    assert book.walk_complete
    book.walk_asked(second + "3")
    book.walk_answered(second + "3", complete=False)  # a failed or stopped page spoils the walk
    assert not book.walk_complete


def test_a_short_start_listing_counts_as_small_up_to_its_page_budget() -> None:
    book = SourceBooks(AGENCY)
    for page in range(SMALL_LISTING_PAGES):
        assert book.walk_is_small
        book.walk_asked(f"{AGENCY.start[0]}?page={page + 1}")
    assert not book.walk_is_small


def test_a_source_without_start_pages_discovers_everything_its_filter_then_judges() -> None:
    assert SourceBooks(Source(name="any", home="https://any.example/")).discovers_everything
    assert not SourceBooks(AGENCY).discovers_everything


def test_a_page_was_read_as_an_article_when_one_more_was_or_its_url_was_before() -> None:
    book = SourceBooks(AGENCY)
    book.read("https://agency.example/ru/news/x-e3a91d", is_article=True)
    before = len(book.done)
    # An old URL form that redirects to an article read (and turned away by the filter) earlier in the run.
    assert book.read_since(before, "https://agency.example/ru/news/x-e3a91d?utm_source=old")
    assert not book.read_since(before, "https://agency.example/ru/tag/odkb/")
    book.read("https://agency.example/ru/news/y-e3a91e", is_article=True)
    assert book.read_since(before, "https://agency.example/ru/tag/odkb/")


def test_a_full_exploration_without_start_pages_is_a_complete_walk_unless_it_lost_a_listing() -> None:
    everything = Source(name="any", home="https://any.example/")
    incremental = SourceBooks(everything)
    incremental.listed.add("https://any.example/news/1/")
    assert not incremental.walk_complete  # only a full run explores every listing
    book = SourceBooks(everything, full=True)
    assert not book.walk_complete  # no listing read yet: nothing to judge absence by
    book.listed.add("https://any.example/news/1/")
    assert book.walk_complete
    book.refused_pages = 1  # the page budget cut the exploration short
    assert not book.walk_complete
    failed = SourceBooks(everything, full=True)
    failed.listed.add("https://any.example/news/1/")
    failed.walk_incomplete = True  # a listing failed for good
    assert not failed.walk_complete
