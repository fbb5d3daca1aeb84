"""ListingWalks: the run's bookkeeping of listing walks, tested without a crawl."""

from __future__ import annotations

import pytest

from csto_crawler.walks import WALK_AHEAD, ListingWalks, parent_section

KEY = ("en", "news/news_odkb")


def walks(full: bool = True, max_pages: int = 10_000) -> ListingWalks:
    found = ListingWalks(full=full, max_pages=max_pages)
    found.start(KEY)
    found.ask(KEY, 1)
    return found


def answered(found: ListingWalks, page: int, current: int, last: int) -> list[int | str]:
    """What a full walk does once listing ``page`` was read: the pages it asks for, "walked"."""
    found.answered(KEY, page, failed=False)
    last = found.saw_pager(KEY, last)
    out: list[int | str] = list(found.pages_to_ask(KEY, page, current, last))
    return [*out, "walked"] if found.newly_complete(KEY) else out


def test_dead_listing_page_is_skipped_to_the_next_page() -> None:
    found = walks(full=False)
    found.saw_pager(KEY, 4)
    assert found.page_after_failure(KEY, 2) == 3
    assert found.page_after_failure(KEY, 4) is None  # the last page


def test_dead_first_listing_page_tries_page_2_once() -> None:
    # No pager was ever read: page 2 is the only way on (a one-page section answers 404 there).
    found = walks(full=False)
    assert found.page_after_failure(KEY, 1) == 2
    found.ask(KEY, 2)
    assert found.page_after_failure(KEY, 2) is None


def test_full_walk_asks_for_every_page_at_once_and_is_walked_when_all_are_read() -> None:
    found = walks()
    assert answered(found, 1, 1, 4) == [2, 3, 4]
    assert answered(found, 4, 4, 4) == []  # pages may answer in any order
    assert answered(found, 2, 2, 4) == []
    assert answered(found, 3, 3, 4) == ["walked"]


def test_full_walk_follows_a_pager_that_shows_a_window_of_pages() -> None:
    found = walks()
    assert answered(found, 1, 1, 3) == [2, 3]
    assert answered(found, 3, 3, 5) == [4, 5]
    assert answered(found, 2, 2, 4) == []  # nothing asked for twice
    assert answered(found, 5, 5, 5) == []
    assert answered(found, 4, 4, 5) == ["walked"]


def test_pages_read_in_any_order_ask_for_each_page_once_and_record_the_walk_once() -> None:
    """Scrapy consumes a callback's output lazily: page 2 can be read before page 1's requests are
    all handed over. Pages are claimed when the pager is read, so none is asked for twice."""
    found = walks()
    assert answered(found, 1, 1, 4) == [2, 3, 4]
    assert answered(found, 2, 2, 4) == []
    assert answered(found, 3, 3, 4) == []
    assert found.pending[KEY] == {4}
    assert answered(found, 4, 4, 4) == ["walked"]
    assert answered(found, 4, 4, 4) == []  # recorded once


def test_full_walk_with_a_failed_page_is_not_walked_and_skips_nothing_twice() -> None:
    found = walks()
    assert answered(found, 1, 1, 3) == [2, 3]
    found.answered(KEY, 2, failed=True)
    assert found.page_after_failure(KEY, 2) is None  # page 3 is already asked for
    assert answered(found, 3, 3, 3) == []


def test_page_past_the_end_asks_for_nothing_more() -> None:
    """Bitrix answers a page number past the end with its last page: the pager's page, not ours."""
    found = walks()
    found.ask(KEY, 2)
    assert answered(found, 2, 1, 1) == []
    assert answered(found, 1, 1, 1) == ["walked"]


def test_a_pager_claiming_millions_of_pages_is_walked_only_to_the_cap(caplog: pytest.LogCaptureFixture) -> None:
    found = walks(max_pages=50)
    pages = [p for p in answered(found, 1, 1, 100_000_000) if isinstance(p, int)]
    assert "claims 100000000 pages; walking the first 50" in caplog.text
    assert found.last_pages[KEY] == 50
    asked = set(pages)
    for page in range(2, 51):  # every page lists new articles: walked to the cap, progressively
        assert page in asked
        found.saw_articles(KEY, page, [f"https://en.odkb-csto.org/news/a{page}/"])
        asked.update(p for p in answered(found, page, page, 100_000_000) if isinstance(p, int))
    assert max(asked) == 50


def test_a_full_walk_is_asked_for_progressively() -> None:
    found = walks()
    found.saw_articles(KEY, 1, ["https://en.odkb-csto.org/news/a1/"])
    assert answered(found, 1, 1, 400) == list(range(2, 2 + WALK_AHEAD))
    found.saw_articles(KEY, 2, ["https://en.odkb-csto.org/news/a2/"])
    assert answered(found, 2, 2, 400) == [2 + WALK_AHEAD]


def test_pages_that_list_nothing_new_stop_a_pager_that_claims_more_than_the_site_holds(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A hostile or broken pager: page 3 onwards repeat what pages 1-2 listed."""
    found = walks()
    asked = {1}
    for page in range(1, 200):
        if page not in asked:
            break
        urls = [f"https://en.odkb-csto.org/news/a{min(page, 2)}/"]
        found.saw_articles(KEY, page, urls)
        asked.update(p for p in answered(found, page, page, 100_000_000) if isinstance(p, int))
    assert max(asked) == 2 + WALK_AHEAD
    assert "the pages after page 2 listed no article not already listed; stopped walking at page 12" in caplog.text
    assert KEY in found.stopped


def test_incremental_walks_walk_all_only_when_new_full_or_rescuing() -> None:
    found = ListingWalks(walked_before={KEY})
    assert not found.walks_all(KEY)
    assert found.walks_all(("en", "session"))  # never walked to its end before
    found.start(("en", "news"), rescue=True)
    assert found.walks_all(("en", "news"))
    assert ListingWalks(walked_before={KEY}, full=True).walks_all(KEY)


def test_a_failed_walk_is_rescued_once_by_its_parent_and_the_subsections_its_articles_came_from() -> None:
    found = ListingWalks()
    organs = ("en", "authorized_organs")
    found.start(organs)
    found.start(("en", "news/smi"))
    found.saw_articles(
        organs,
        1,
        [
            "https://en.odkb-csto.org/authorized_organs/secretariat/a/",
            "https://en.odkb-csto.org/authorized_organs/permanent_council/b/",
        ],
    )
    found.answered(organs, 2, failed=True)
    known = {"en": {"authorized_organs/council_of_ministers", "news/news_odkb"}, "ru": {"authorized_organs/x"}}
    assert found.rescue_walks(known) == [
        ("en", "authorized_organs/council_of_ministers"),
        ("en", "authorized_organs/permanent_council"),
        ("en", "authorized_organs/secretariat"),
    ]
    assert found.rescue_walks(known) == []  # once
    smi = ("en", "news/smi")
    found.answered(smi, 3, failed=True)
    found.start(("en", "news/news_odkb"))
    assert found.rescue_walks(known) == [("en", "news")]  # the parent; news/news_odkb is no subsection of it


def test_covers_a_section_and_everything_below_it() -> None:
    found = ListingWalks()
    found.start(("en", "authorized_organs"))
    assert found.covers("en", "authorized_organs/secretariat")
    assert not found.covers("ru", "authorized_organs/secretariat")
    assert not found.covers("en", "authorized")


def test_parent_section() -> None:
    assert (parent_section("news/news_odkb"), parent_section("session/2019"), parent_section("news")) == (
        "news",
        "session",
        None,
    )


def incremental_walk_stopped_at_page_1(last: int) -> ListingWalks:
    """An incremental run's walk of a section an earlier run completed: page 1 read, nothing new."""
    found = ListingWalks(walked_before={KEY})
    found.start(KEY)
    found.ask(KEY, 1)
    found.answered(KEY, 1, failed=False)
    found.saw_pager(KEY, last)
    found.saw_articles(KEY, 1, ["https://en.odkb-csto.org/news/news_odkb/a/"])
    return found


def test_a_walk_that_stopped_early_is_widened_to_its_last_page() -> None:
    found = incremental_walk_stopped_at_page_1(last=4)
    assert found.stopped_early("en") == [KEY]
    assert found.stopped_early("ru") == []
    assert found.widen(KEY) == [2, 3, 4]
    assert found.walks_all(KEY)  # its answers now ask for the rest, as in a full walk
    assert found.stopped_early("en") == []  # widened once
    for page in (2, 3, 4):
        found.ask(KEY, page)
    assert [answered(found, page, page, 4) for page in (2, 3, 4)] == [[], [], ["walked"]]


def test_widening_asks_at_most_walk_ahead_pages_at_once() -> None:
    found = incremental_walk_stopped_at_page_1(last=500)
    assert found.widen(KEY) == list(range(2, 2 + WALK_AHEAD))


def test_failed_complete_and_one_page_walks_are_not_widened() -> None:
    failed = incremental_walk_stopped_at_page_1(last=4)
    failed.answered(KEY, 2, failed=True)  # a dead page: rescue walks make up for it, not widening
    one_page = incremental_walk_stopped_at_page_1(last=1)  # read to its end already
    no_listing = ListingWalks(walked_before={KEY})  # page 1 answered 404: no pager, nothing to widen
    no_listing.start(KEY)
    no_listing.ask(KEY, 1)
    no_listing.answered(KEY, 1, failed=False)
    first_run = walks(full=False)  # not walked before: it walks every page anyway
    first_run.saw_pager(KEY, 4)
    assert [w.stopped_early("en") for w in (failed, one_page, no_listing, first_run)] == [[], [], [], []]
