"""Pages standing in for the article, known by what they do (csto_crawler/stand_ins.py): a body that is
another text than the archived one, the same short body on several articles of one run."""

from __future__ import annotations

import pytest
from archive_items import article_item
from test_resemblance import ARTICLE_EN, ARTICLE_RU

from csto_crawler.items import ArticleItem, AttachmentLink, HeldPage
from csto_crawler.outcomes import Doubt
from csto_crawler.stand_ins import SHORT_BODY_CHARS, RepeatedBodies, replacement_doubts

NOTICE = "Technical works are under way on the site"
STATEMENT = (
    "The CSTO Secretariat expresses deep condolences to the families of the victims of the earthquake and"
    " wishes a speedy recovery to all the injured."
)


# --- against the archived text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notice", "archived"),
    [
        (NOTICE, ARTICLE_EN),
        ("На сайте проводятся профилактические работы.", ARTICLE_RU),
        # Not far shorter than a one-paragraph statement, but sharing nothing with it.
        ("Dear visitors, the portal is being updated at the moment; please come back in an hour.", STATEMENT),
    ],
)
def test_another_text_in_place_of_the_archived_one_is_unrelated(notice: str, archived: str) -> None:
    assert replacement_doubts(notice, archived) == [Doubt.UNRELATED_BODY]


@pytest.mark.parametrize(
    ("body", "archived"),
    [
        (ARTICLE_EN.split("\n\n")[0], ARTICLE_EN),  # the last paragraph cut
        (ARTICLE_RU.split("\n\n")[0][:120], ARTICLE_RU),  # cut to a quarter: an edit (body_shrank judges that)
        (ARTICLE_EN.replace("met the Ambassador", "held talks with the Ambassador"), ARTICLE_EN),  # reworded
        (ARTICLE_EN + "\n\nA joint statement was adopted.", ARTICLE_EN),  # longer
        ("Anything at all, as long as the archive holds nothing.", ""),
        (STATEMENT, STATEMENT[:60]),  # the archived text was shorter
    ],
)
def test_an_edit_of_the_archived_text_is_not_doubted(body: str, archived: str) -> None:
    assert replacement_doubts(body, archived) == []


def test_a_new_translation_that_keeps_the_names_is_not_unrelated() -> None:
    archived = "The CSTO Secretary General Imangali Tasmagambetov met the Ambassador of China in Moscow."
    body = "Imangali Tasmagambetov received the Chinese Ambassador."  # two thirds as long, one pair in common
    assert replacement_doubts(body, archived) == []


# --- against the run ----------------------------------------------------------------------------


def page(slug: str, body: str = NOTICE, **fields: object) -> ArticleItem:
    return article_item(slug, body_text=body, element_id=None, **fields)


def urls(items: list[object]) -> list[str]:
    return [item.url for item in items if isinstance(item, ArticleItem | HeldPage)]


def test_a_short_body_waits_until_the_run_knows_whether_it_repeats() -> None:
    memory = RepeatedBodies(pages=3)
    assert memory.admit([page("one")]) == []
    assert memory.admit([page("two")]) == []
    held = memory.admit([page("three")])
    assert urls(held) == [page(slug).url for slug in ("one", "two", "three")]
    assert all(isinstance(item, HeldPage) and item.doubts == [Doubt.REPEATED_BODY] for item in held)
    assert memory.release() == []
    later = memory.admit([page("four")])  # once it repeated, a page with it is held at once
    assert isinstance(later[0], HeldPage) and later[0].doubts == [Doubt.REPEATED_BODY]


def test_distinct_short_bodies_are_written_at_the_run_s_end() -> None:
    memory = RepeatedBodies(pages=3)
    short = [page("one", STATEMENT), page("two", NOTICE), page("three", ARTICLE_EN[:300])]
    assert memory.admit(short) == []
    assert memory.release() == short


def test_a_long_body_or_one_that_says_what_the_listing_announced_is_written_at_once() -> None:
    memory = RepeatedBodies(pages=2)
    long_body = "x " * SHORT_BODY_CHARS
    assert urls(memory.admit([page("one", long_body), page("two", long_body)])) == [page("one").url, page("two").url]
    credit = "Photo: CSTO press service"
    galleries = [page(slug, credit, listed_lead=credit) for slug in ("a", "b", "c")]
    assert memory.admit(galleries) == galleries


def test_one_text_reprinted_by_several_sources_is_no_stand_in() -> None:
    """Agencies reprint a press release word for word: three sources, one body each, nothing held."""
    memory = RepeatedBodies(pages=3)
    reprints = [page(slug, source=source) for slug, source in (("a", "csto"), ("b", "agency"), ("c", "belta"))]
    assert memory.admit(reprints) == []
    assert memory.release() == reprints
    assert urls(memory.admit([page(slug, source="belta") for slug in ("d", "e")]))  # on one site it repeats


def test_one_article_under_several_urls_counts_once() -> None:
    memory = RepeatedBodies(pages=2)
    same = [article_item(slug, body_text=NOTICE, element_id="8573") for slug in ("one", "two")]
    assert memory.admit(same) == []
    assert memory.release() == same


def test_pages_held_for_another_doubt_count_towards_the_repeat() -> None:
    memory = RepeatedBodies(pages=2)
    first = page("one")
    assert memory.admit([first]) == []
    already = HeldPage.of(page("two"), [Doubt.SHORT_BODY])
    out = memory.admit([already])
    assert out[-1] is already
    assert isinstance(out[0], HeldPage) and out[0].url == first.url and out[0].doubts == [Doubt.REPEATED_BODY]


def test_the_memory_keeps_back_a_bounded_number_of_pages() -> None:
    memory = RepeatedBodies(pages=3, max_waiting=2)
    pages = [page(slug, f"Statement number {slug} of the Secretariat.") for slug in ("a", "b", "c")]
    assert memory.admit(pages) == [pages[0]]  # the oldest written when a third would wait
    assert memory.release() == pages[1:]


def test_pages_with_pictures_or_files_are_judged_like_any_other() -> None:
    # A notice in the site's layout keeps the article's picture and files around it.
    memory = RepeatedBodies(pages=2)
    pictured = page("one", images=["https://en.odkb-csto.org/upload/a.jpg"])
    filed = page("two", attachments=[AttachmentLink("https://en.odkb-csto.org/upload/a.pdf", "a.pdf")])
    assert [type(item) for item in memory.admit([pictured, filed])] == [HeldPage, HeldPage]
