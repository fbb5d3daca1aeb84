"""Where an article ends (csto_crawler/pages/ends.py): the way back to its section, told from a
calendar's link to a date archive above a dated permalink."""

from __future__ import annotations

import lxml.html
import pytest

from csto_crawler.pages.ends import is_back_link
from csto_crawler.pages.lines import page_lines


def only_line(html: str) -> object:
    (line,) = page_lines(lxml.html.fromstring(f"<html><body><p>{html}</p></body></html>"))
    return line


@pytest.mark.parametrize(
    ("page", "link", "back"),
    [
        # The CSTO's session pages: the section is a year, and its link is the way back.
        ("https://odkb-csto.org/session/2012/session201205/", '<a href="/session/2012/">Сессия 2012 года</a>', True),
        ("https://h.example/news/smi/some-article/", '<a href="/news/smi/">Media about us</a>', True),
        # WordPress: the calendar's month and day archives above /2023/09/08/slug/ are no way back.
        ("https://h.example/2023/09/08/csto-exercise/", '<a href="/2023/09/">« сен</a>', False),
        ("https://h.example/2023/09/08/csto-exercise/", '<a href="/2023/09/08/">8</a>', False),
        ("https://h.example/news/smi/some-article/", '<a href="/about/">About us</a>', False),
    ],
)
def test_a_link_to_the_section_above_is_the_way_back_and_a_month_archive_is_not(
    page: str, link: str, back: bool
) -> None:
    assert is_back_link(only_line(link), page) is back  # type: ignore[arg-type]
