"""Text-level boilerplate rules: navigation, attachment lines, signatures, repeated titles."""

from __future__ import annotations

import pytest

from csto_crawler.boilerplate import (
    clean_signature,
    drop_repeated_title,
    is_attachment_line,
    is_navigation_line,
    is_signature_line,
    signature_start,
    strip_boilerplate,
)

BODY = [
    "On May 18, 2022, the CSTO Secretary General met the SCO Secretary General.",
    "The parties discussed cooperation.",
]
SIGNATURE_2022 = ["_____________________________________", "The CSTO Press Secretary Vladimir Zaynetdinov"]
PHONES = ["+7 495-795-27-10", "+7 495-621-33-23"]


@pytest.mark.parametrize(
    "line",
    [
        "Go back",
        "Back to the section",
        "Back to the all news",
        "Назад",
        "Вернуться в раздел",
        "Вернуться ко всем новостям",
        "Font settings",
        "  Letter\xa0spacing ",
        "Настройки шрифта",
        "Цветовая схема",
        "Share:",
        "Print version",
        "Версия для печати",
    ],
)
def test_is_navigation_line_labels(line: str) -> None:
    assert is_navigation_line(line)


@pytest.mark.parametrize(
    "line",
    ["Go back to the negotiating table, the minister urged.", "Назад в будущее", "Shared values of the member states"],
)
def test_is_navigation_line_not_for_sentences(line: str) -> None:
    assert not is_navigation_line(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("10.06.2022 Download document 39357fa0b754c4c5529e0bcf4d007437.docx", True),
        ("Download document c50d46b44ffd419a849995d8bc6ac6da.pdf", True),
        ("23.04.2012 Скачать документ 94986ef0e01757607b9c2ba55937b531.docx", True),
        ("The ministers agreed to download documents from the portal.", False),
    ],
)
def test_is_attachment_line(line: str, expected: bool) -> None:
    assert is_attachment_line(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("_____________________________________", True),
        ("CSTO spokesman Vladimir Zainetdinov", True),
        ("Пресс-секретарь ОДКБ Владимир Зайнетдинов", True),
        ("+7 495-795-27-10", True),
        ("+7 (495) 621-33-23", True),
        ("+7495-795-27-10,", True),
        ("+7495-621-33-23-tel/fax", True),
        ("+7495-621-33-23 - tel/fax", True),
        ("odkb-pressa@gov.ru", True),
        ("In 2022 the number grew to 1234567890.", False),
        ("The Council met in Minsk.", False),
    ],
)
def test_is_signature_line(line: str, expected: bool) -> None:
    assert is_signature_line(line) is expected


def test_strip_boilerplate_removes_navigation_attachment_line_and_signature() -> None:
    paragraphs = [
        *BODY,
        "10.06.2022 Download document 39357fa0b754c4c5529e0bcf4d007437.docx",
        *SIGNATURE_2022,
        *PHONES,
        "Go back",
        "Back to the section",
        "Back to the all news",
    ]
    clean = strip_boilerplate(paragraphs)
    assert clean.paragraphs == BODY
    assert clean.signature == ["The CSTO Press Secretary Vladimir Zaynetdinov", *PHONES]
    text = "\n".join(clean.paragraphs)
    for leak in ("Download document", "______", "Press Secretary", "+7 495", "Go back", "Back to the"):
        assert leak not in text


def test_strip_boilerplate_2019_spokesman_signature_without_rule() -> None:
    clean = strip_boilerplate([*BODY, "CSTO spokesman Vladimir Zainetdinov", *PHONES])
    assert clean.paragraphs == BODY
    assert clean.signature == ["CSTO spokesman Vladimir Zainetdinov", *PHONES]


def test_strip_boilerplate_nbsp_padded_title_then_name_line() -> None:
    """Jan 2022: 'The CSTO Press Secretary' padded with &nbsp; runs, the name after the padding."""
    padded = "The CSTO Press Secretary" + "\xa0 " * 15 + "Vladimir Zaynetdinov"
    clean = strip_boilerplate([*BODY, "_____", padded, *PHONES])
    assert clean.paragraphs == BODY
    assert clean.signature == ["The CSTO Press Secretary Vladimir Zaynetdinov", *PHONES]


def test_strip_boilerplate_2023_signature_with_tel_fax_and_email() -> None:
    signature = ["The CSTO Press Secretary Vladimir Zaynetdinov", "+7495-621-27-10", "+7495-621-33-23 - tel/fax"]
    clean = strip_boilerplate([*BODY, "_____", *signature, "odkb-pressa@gov.ru"])
    assert clean.paragraphs == BODY
    assert clean.signature == [*signature, "odkb-pressa@gov.ru"]


def test_strip_boilerplate_russian_signature_and_back_links() -> None:
    body = ["10 июня 2023 года Генеральный секретарь ОДКБ направил поздравление."]
    clean = strip_boilerplate([*body, "_____", "Пресс-секретарь ОДКБ Владимир Зайнетдинов", *PHONES, "Назад"])
    assert clean.paragraphs == body
    assert clean.signature == ["Пресс-секретарь ОДКБ Владимир Зайнетдинов", *PHONES]


@pytest.mark.parametrize(
    "closing",
    [
        "The CSTO Press Secretary said the next meeting will be held in Minsk in November.",
        "The CSTO Press Secretary said it was postponed.",
        "The CSTO Press Secretary Vladimir Zaynetdinov said:",
        "Пресс-секретарь ОДКБ сообщил об этом журналистам.",
    ],
)
def test_strip_boilerplate_keeps_a_closing_sentence_that_starts_with_the_title(closing: str) -> None:
    clean = strip_boilerplate([*BODY, closing])
    assert clean.paragraphs == [*BODY, closing]
    assert clean.signature == []


def test_strip_boilerplate_keeps_title_sentence_followed_by_body_text() -> None:
    paragraphs = [*BODY, "Press Secretary Vladimir Zaynetdinov", "said that the talks were constructive."]
    assert strip_boilerplate(paragraphs).paragraphs == paragraphs


def test_signature_start_only_at_the_end_of_the_body() -> None:
    paragraphs = ["CSTO spokesman Vladimir Zainetdinov", *[f"Paragraph {i} of the body text." for i in range(10)]]
    assert signature_start(paragraphs) is None
    assert signature_start([*BODY, *SIGNATURE_2022, *PHONES]) == len(BODY)


def test_clean_signature_drops_rule_and_padding() -> None:
    lines = ["_____________", " The CSTO Press Secretary\xa0\xa0 Vladimir Zaynetdinov ", "", "+7 495-795-27-10"]
    assert clean_signature(lines) == ["The CSTO Press Secretary Vladimir Zaynetdinov", "+7 495-795-27-10"]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        (["Title of the news 14.09.2022", "Body."], ["Body."]),
        (["Title  of the\xa0news", "Body."], ["Body."]),
        (["Title of the news is longer", "Body."], ["Title of the news is longer", "Body."]),
        ([], []),
    ],
)
def test_drop_repeated_title(paragraphs: list[str], expected: list[str]) -> None:
    assert drop_repeated_title(paragraphs, "Title of the news") == expected
