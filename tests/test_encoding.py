"""choose_encoding: which encoding really decodes a page when the header and the page disagree."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from csto_crawler.encoding import choose_encoding, decodes_cleanly, meta_charset, normalise

# Every character here exists in windows-1251 and must come back unchanged: Ё/ё, guillemets, em dash, №.
TITLE = "Заявление Совета министров «О ситуации» — ёлки, Ёжик, № 5"
URL = "https://odkb-csto.org/news/news_odkb/zayavlenie/"


def html(title: str = TITLE, meta: str | None = "windows-1251", encoding: str = "cp1251") -> bytes:
    head = f'<meta charset="{meta}">' if meta else ""
    return f"<html><head>{head}<title>ОДКБ</title></head><body><h1>{title}</h1></body></html>".encode(encoding)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("UTF-8", "utf-8"), ("windows-1251", "cp1251"), ('"cp1251"', "cp1251"), (" Windows-1251 ", "cp1251")],
)
def test_normalise_gives_pythons_codec_name(name: str, canonical: str) -> None:
    assert normalise(name) == canonical


@pytest.mark.parametrize("name", [None, "", "klingon-8"])
def test_normalise_unknown_encoding_is_none(name: str | None) -> None:
    assert normalise(name) is None


@pytest.mark.parametrize(
    "head",
    [
        b'<meta charset="windows-1251">',
        b"<meta charset=windows-1251>",
        b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251" />',
    ],
)
def test_meta_charset_reads_both_forms(head: bytes) -> None:
    assert meta_charset(b"<html><head>" + head + b"</head></html>") == "cp1251"


def test_meta_charset_looks_only_at_the_first_4_kb() -> None:
    assert meta_charset(b" " * 4096 + b'<meta charset="windows-1251">') is None
    assert meta_charset(b"<html><head></head></html>") is None


def test_decodes_cleanly_rejects_the_byte_windows_1251_lacks() -> None:
    assert decodes_cleanly(html(), "cp1251")
    assert not decodes_cleanly(html() + b"\x98", "cp1251")
    assert not decodes_cleanly(html(), "utf-8")
    assert not decodes_cleanly(b"x", "klingon-8")


def test_choose_encoding_trusts_a_header_that_decodes_the_bytes() -> None:
    assert choose_encoding(html(), "windows-1251") == ("cp1251", None)
    assert choose_encoding(html(encoding="utf-8", meta="utf-8"), "utf-8") == ("utf-8", None)
    assert choose_encoding(b"<html>plain ascii</html>", "windows-1251") == ("cp1251", None)


def test_choose_encoding_takes_the_meta_declaration_without_a_header() -> None:
    assert choose_encoding(html(), None) == ("cp1251", "announced no encoding, bytes decode as cp1251")


def test_choose_encoding_repairs_windows_1251_announced_as_utf8() -> None:
    assert choose_encoding(html(), "utf-8") == ("cp1251", "announced utf-8, bytes decode as cp1251")


def test_choose_encoding_falls_back_to_windows_1251_without_meta() -> None:
    encoding, note = choose_encoding(html(meta=None), "utf-8")
    assert normalise(encoding) == "cp1251"
    assert note is not None


def test_choose_encoding_takes_valid_utf8_whatever_was_announced() -> None:
    body = html(meta="windows-1251", encoding="utf-8")  # a template that kept the old meta
    assert choose_encoding(body, "windows-1251") == ("utf-8", "announced cp1251, bytes are UTF-8")


def test_choose_encoding_flags_bytes_nothing_decodes() -> None:
    body = html().replace(b"</h1>", b"\x98</h1>")  # not UTF-8, and 0x98 is unassigned in windows-1251
    assert choose_encoding(body, "windows-1251") == (
        None,
        "no encoding decodes the bytes cleanly (announced cp1251)",
    )


# Scrapy's own detection on real response objects: the encodings the site serves round-trip exactly.


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({"Content-Type": "text/html; charset=windows-1251"}, html(meta=None)),  # by header
        ({"Content-Type": "text/html"}, html()),  # by <meta>
        ({"Content-Type": "text/html; charset=UTF-8"}, html(meta="utf-8", encoding="utf-8")),
    ],
    ids=["windows-1251-by-header", "windows-1251-by-meta", "utf-8"],
)
def test_html_response_round_trips_cyrillic_exactly(headers: dict[str, str], body: bytes) -> None:
    response = HtmlResponse(URL, body=body, headers=headers)
    assert response.css("h1::text").get() == TITLE


def test_html_response_with_repaired_encoding_round_trips_cyrillic_exactly() -> None:
    response = HtmlResponse(URL, body=html(), headers={"Content-Type": "text/html; charset=UTF-8"})
    assert response.css("h1::text").get() != TITLE  # what Scrapy alone would archive
    encoding, _ = choose_encoding(response.body, response.encoding)
    assert encoding is not None
    assert response.replace(encoding=encoding).css("h1::text").get() == TITLE


CP1251_PAGE = (
    '<html><head><meta charset="windows-1251"><title>Совет</title></head><body><p>'
    + "Совет коллективной безопасности ОДКБ принял заявление. " * 20
    + "</p></body></html>"
).encode("cp1251")


@pytest.mark.parametrize("announced", ["iso-8859-1", "koi8-r", "cp1252"])
def test_a_header_charset_that_decodes_anything_loses_to_the_pages_own_declaration(announced: str) -> None:
    encoding, note = choose_encoding(CP1251_PAGE, announced)
    assert encoding == "cp1251"
    assert note is not None and "the page declares cp1251" in note
    assert "Совет коллективной" in CP1251_PAGE.decode(encoding)


def test_a_latin_page_keeps_its_header_charset_over_a_wrong_declaration() -> None:
    page = b'<html><head><meta charset="koi8-r"></head><body>Caf\xe9 au lait, a meeting in Paris.</body></html>'
    assert choose_encoding(page, "iso-8859-1") == ("iso8859-1", None)
