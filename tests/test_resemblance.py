"""How much two texts share (csto_crawler/resemblance.py): an edit keeps the article's wording, a page
standing in for it does not, in any language."""

from __future__ import annotations

import pytest

from csto_crawler.resemblance import body_fingerprint, shared_share, stems, word_pairs, words

ARTICLE_EN = (
    "On 10 February, the CSTO Secretary General Imangali Tasmagambetov met the Ambassador of the People's"
    " Republic of China to the Russian Federation. The interlocutors discussed the situation in Central Asia"
    " and the prospects of cooperation between the CSTO and the SCO.\n\nThe parties noted the importance of"
    " joint efforts against international terrorism and drug trafficking."
)
ARTICLE_RU = (
    "10 февраля Генеральный секретарь ОДКБ Имангали Тасмагамбетов встретился с Послом Китайской Народной"
    " Республики в Российской Федерации. Собеседники обсудили ситуацию в Центральной Азии и перспективы"
    " сотрудничества ОДКБ и ШОС.\n\nСтороны отметили важность совместных усилий в борьбе с международным"
    " терроризмом и незаконным оборотом наркотиков."
)


def test_words_are_case_folded_in_any_script() -> None:
    assert words("ОДКБ и CSTO, 2024!") == ["одкб", "и", "csto", "2024"]


def test_word_pairs_leave_out_pairs_of_short_words_unless_there_are_no_others() -> None:
    assert word_pairs(words("on the site of the CSTO")) == {("the", "site"), ("site", "of"), ("the", "csto")}
    assert word_pairs(words("it is on")) == {("it", "is"), ("is", "on")}
    assert word_pairs(["one"]) == {("one",)}
    assert word_pairs([]) == set()


@pytest.mark.parametrize("article", [ARTICLE_EN, ARTICLE_RU])
def test_an_edit_that_cuts_the_article_shares_all_it_keeps(article: str) -> None:
    first_paragraph = article.split("\n\n")[0]
    assert shared_share(first_paragraph, article) == 1.0


@pytest.mark.parametrize(
    ("notice", "article"),
    [
        ("Technical works are under way on the site", ARTICLE_EN),
        ("На сайте проводятся профилактические работы.", ARTICLE_RU),
        ("Уважаемые посетители! Сайт обновляется, зайдите, пожалуйста, через час. Приносим извинения.", ARTICLE_RU),
    ],
)
def test_a_notice_shares_next_to_nothing_with_the_article(notice: str, article: str) -> None:
    assert shared_share(notice, article) < 0.1


def test_an_empty_text_shares_everything() -> None:
    assert shared_share("", ARTICLE_EN) == 1.0


def test_stems_are_content_words_cut_short() -> None:
    assert stems("Секретариата ОДКБ и 2024 meetings") == {"секрет", "одкб", "meetin"}


def test_the_same_body_has_one_fingerprint_whatever_its_spacing_case_and_the_page_s_title() -> None:
    notice = "The page «{}» is being updated. Come back later."
    one = body_fingerprint(notice.format("CSTO exercises"), "CSTO exercises")
    other = body_fingerprint(notice.format("Council meeting").upper().replace(" ", "  "), "Council meeting")
    assert one == other
    assert body_fingerprint("The site is being updated.") != body_fingerprint("The site was updated.")
