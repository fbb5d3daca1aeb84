"""Soft errors: 200 answers that are not the page (maintenance, captcha, cut short, error stubs)."""

from __future__ import annotations

import pytest

from csto_crawler.pages.health import MIN_PAGE_BYTES, TAIL_BYTES, missing_content_reason, truncation

PADDING = "<p>" + "Текст страницы. " * 60 + "</p>"


def document(body: str, tail: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head><title>ОДКБ</title></head><body>{body}{PADDING}</body></html>{tail}".encode()


def test_truncation_accepts_a_whole_document() -> None:
    assert truncation(document("<h1>Заявление</h1>")) is None


def test_truncation_accepts_scripts_and_whitespace_after_the_closing_tag() -> None:
    assert truncation(document("", tail="\n<script>bx()</script>\n" + " " * 1000)) is None
    assert truncation(document("").replace(b"</html>", b"</HTML >")) is None


def test_truncation_names_a_document_cut_short() -> None:
    whole = document("<h1>Заявление</h1>")
    assert truncation(whole[: len(whole) - 20]) == "truncated document (no closing </html>)"


def test_truncation_looks_for_the_closing_tag_only_near_the_end() -> None:
    # A body cut after an embedded "</html>" (an HTML snippet in a script) is still cut short.
    cut = b"<html><script>var t = '</html>';</script>" + b"x" * TAIL_BYTES
    assert truncation(cut) == "truncated document (no closing </html>)"


@pytest.mark.parametrize("size", [0, 1, MIN_PAGE_BYTES - 1])
def test_truncation_names_an_error_stub(size: int) -> None:
    assert truncation(b"x" * size) == f"suspiciously small page ({size} bytes)"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<h1>Сайт находится на реконструкции</h1>", "maintenance page"),
        ("<p>На сайте ведутся технические работы</p>", "maintenance page"),
        ("<p>Сайт временно недоступен</p>", "maintenance page"),
        ("<h1>Site under maintenance</h1>", "maintenance page"),
        ("<h1>503 Service Unavailable</h1>", "maintenance page"),
        ("<div class='g-recaptcha'>captcha</div>", "captcha page"),
        ("<p>Подтвердите, что вы не робот</p>", "captcha page"),
        ("<p>Are you a robot?</p>", "captcha page"),
    ],
)
def test_missing_content_reason_names_maintenance_and_captcha_pages(text: str, reason: str) -> None:
    assert missing_content_reason(document(text).decode(), "article") == reason


@pytest.mark.parametrize(
    ("expected", "reason"), [("article", "not an article page"), ("listing", "not a listing page")]
)
def test_missing_content_reason_otherwise_names_the_missing_component(expected: str, reason: str) -> None:
    assert missing_content_reason(document("<h1>Главная</h1>").decode(), expected) == reason


def test_missing_content_reason_reads_only_the_head_of_the_page() -> None:
    # An article quoting "технические работы" deep in its body is no maintenance page.
    text = document("").decode() + "x" * 20_000 + "технические работы"
    assert missing_content_reason(text, "article") == "not an article page"
