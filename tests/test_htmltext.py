"""HTML fragments -> clean paragraphs and sanitised HTML."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from lxml import html as lxml_html

from csto_crawler.htmltext import (
    clean_html,
    element_paragraphs,
    fragment_paragraphs,
    join_paragraphs,
    norm_ws,
    remove_keep_tail,
)

# word_html quirk: MsoNormal paragraphs, <font>, split spans, &nbsp; runs, empty <o:p>&nbsp;</o:p> paragraphs.
WORD_HTML = (
    '<p class="MsoNormal"><span lang="EN-US">On May</span><span lang="EN-US"> 26,&nbsp;&nbsp;2020, the'
    "</span><o:p></o:p></p>"
    '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
    '<p class="MsoNormal"><font face="Arial">The Council</font> <b>met</b>.</p>'
)


def fragment(markup: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(markup, create_parent="div")


def test_norm_ws_collapses_nbsp_tabs_and_newlines() -> None:
    assert norm_ws("\xa0 The\tCSTO\n\n Press\u2009Secretary  ") == "The CSTO Press Secretary"


def test_norm_ws_knows_exactly_the_whitespace_of_the_regular_expression() -> None:
    """norm_ws splits instead of running ``\\s+``: the two must agree on every code point, but for
    invisible format characters (Cf), which it removes, control characters (Cc), which are spaces,
    and what NFC composes."""
    regex = re.compile(r"\s+")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        text = f" a{char}b{char} "
        expected = regex.sub(" ", text).strip()
        if unicodedata.category(char) == "Cf":
            expected = "ab"
        elif unicodedata.category(char) == "Cc":
            expected = "a b"
        assert norm_ws(text) == unicodedata.normalize("NFC", expected), hex(code)


@pytest.mark.parametrize(
    ("raw", "seen"),
    [
        ("безо\xadпасность", "безопасность"),  # soft hyphen (Word)
        ("Secre\u200btary", "Secretary"),  # zero-width space
        ("\ufeffCSTO", "CSTO"),  # byte-order mark at the start of a paste
        ("\u200eОДКБ\u200f", "ОДКБ"),  # bidi marks
        ("Zas\u2060", "Zas"),  # word joiner
        ("Оде\u0301ссa", "Оде́ссa"),  # a combining accent becomes one character where one exists
        ("Cafe\u0301", "Café"),
    ],
)
def test_norm_ws_gives_text_as_a_reader_sees_it(raw: str, seen: str) -> None:
    assert norm_ws(raw) == seen
    assert unicodedata.is_normalized("NFC", norm_ws(raw))
    assert not any(unicodedata.category(ch) == "Cf" for ch in norm_ws(raw))


def test_join_paragraphs_one_blank_line_apart_without_empty_ones() -> None:
    assert (
        join_paragraphs([" First  paragraph ", "", "\xa0", "Second\nparagraph"])
        == "First paragraph\n\nSecond paragraph"
    )


def test_fragment_paragraphs_word_html() -> None:
    assert fragment_paragraphs(WORD_HTML) == ["On May 26, 2020, the", "The Council met."]


def test_fragment_paragraphs_br_separated_text() -> None:
    markup = "First paragraph.<br><br>Second paragraph with <b>bold</b> words.<br />Third."
    assert fragment_paragraphs(markup) == ["First paragraph.", "Second paragraph with bold words.", "Third."]


def test_fragment_paragraphs_skips_scripts_styles_players_and_comments() -> None:
    markup = (
        '<p>Text<script>var label = "Go back";</script> continues<!-- Font settings --> here.</p>'
        '<iframe src="https://www.youtube.com/embed/x">Your browser does not support video</iframe>'
        "<style>.news-detail{color:red}</style><noscript>Enable JavaScript</noscript><p>Last.</p>"
    )
    paragraphs = fragment_paragraphs(markup)
    assert paragraphs == ["Text continues here.", "Last."]
    text = " ".join(paragraphs)
    for noise in ("Go back", "Font settings", "youtube", "browser", "color:red", "JavaScript"):
        assert noise not in text


def test_fragment_paragraphs_lists_and_tables_become_paragraphs() -> None:
    markup = "<ul><li>- one;</li><li>- two.</li></ul><table><tr><td>Статья 4</td><td>Текст</td></tr></table>"
    assert fragment_paragraphs(markup) == ["- one;", "- two.", "Статья 4", "Текст"]


def test_fragment_paragraphs_empty_fragment() -> None:
    assert fragment_paragraphs("  \n ") == []


def test_element_paragraphs_excludes_the_tail_and_restores_it() -> None:
    root = fragment("<p>Body</p>Text after the element")
    paragraph = root[0]
    assert element_paragraphs(paragraph) == ["Body"]
    assert paragraph.tail == "Text after the element"


def test_clean_html_keeps_structure_and_drops_attributes_scripts_and_comments() -> None:
    root = fragment(
        '<p class="MsoNormal" onclick="x()">Hi <a href="javascript:alert(1)" target="_blank">bad</a> '
        '<a href="/news/a/" class="x">good</a></p><p>&nbsp;</p><script>track()</script><!-- gallery -->'
        '<table class="doc-table"><tr><td colspan="2" style="width:5px">A</td></tr></table>'
        '<span class="x">kept text</span><iframe src="https://youtube.com/embed/x"></iframe>'
    )
    assert clean_html(root) == (
        '<p>Hi <a>bad</a> <a href="/news/a/">good</a></p><table><tr><td colspan="2">A</td></tr></table>kept text'
    )


def test_clean_html_does_not_change_the_source_element() -> None:
    root = fragment('<p class="a">x</p><script>y</script>')
    clean_html(root)
    assert len(root) == 2 and root[0].get("class") == "a"


def test_remove_keep_tail_keeps_following_text() -> None:
    root = fragment("<span>21.05.2020</span>On May 26 <b>bold</b><i>gone</i> tail")
    remove_keep_tail(root[0])
    remove_keep_tail(root.find("i"))
    assert lxml_html.tostring(root, encoding="unicode") == "<div>On May 26 <b>bold</b> tail</div>"


def test_norm_ws_turns_control_characters_into_spaces() -> None:
    """A hostile page's ESC sequences, NUL and C1 controls never reach the archive or a terminal."""
    assert norm_ws("Title\x1b[31m red\x00text\u0085end\x7f!") == "Title [31m red text end !"
