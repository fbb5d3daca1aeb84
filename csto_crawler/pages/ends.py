"""Where an article ends on any template: back links (by their words, or by where they lead),
share and print widgets, or the first run of navigation.

The anchored reading (``pages.anchored``) cuts the article's region there; what stands after it
(related news, sidebars, footers) is never article text.
"""

from __future__ import annotations

import functools
from urllib.parse import SplitResult, urljoin, urlsplit

from ..boilerplate import BACK_LINK_LABELS, is_back_links_line, is_widget_line
from ..discovery.urlshape import Token, shape_of
from .lines import Line

# A line this much link text is navigation, not prose.
LINK_DENSE = 0.6
# A share row is mostly links ("Share: vk tg ok"; counters beside them are not).
WIDGET_LINK_DENSITY = 0.3
# Without back links, the body ends where navigation starts: this many link-dense lines in a row.
NAVIGATION_RUN = 3
# A back link, whatever its words ("Mass media about CSTO", "К списку"): one short line that is
# all link, to the page's own section (a parent path of its URL) or the site's home page.
BACK_LINK_MAX_CHARS = 80
BACK_LINK_DENSITY = 0.9


def _label(line: Line) -> str:
    return line.text.casefold().rstrip(" .:")


def is_back_link(line: Line, url: str = "") -> bool:
    """A back link by its words, or (with the page's ``url``) by where it leads."""
    return _label(line) in BACK_LINK_LABELS or is_back_links_line(line.text) or _links_to_parent(line, url)


# The last segment of a date archive's path: a month (/2023/09/) or a day; a year alone names a section.
MONTH_OR_DAY = frozenset({Token.MONTH, Token.DAY, Token.DATE})


def _links_to_parent(line: Line, url: str) -> bool:
    """One short all-link line to a parent path of ``url`` on its own host: the way back to the
    section, however the template words it (the section's own name, an arrow, "К списку")."""
    if not url or len(line.hrefs) != 1 or len(line.text) > BACK_LINK_MAX_CHARS:
        return False
    if line.link_density < BACK_LINK_DENSITY:
        return False
    page, target = _split(url), _joined(url, line.hrefs[0])
    if target.netloc != page.netloc or target.query or target.path.rstrip("/") == page.path.rstrip("/"):
        return False
    parent = target.path.rstrip("/") + "/"
    # A permalink's date is above it (WordPress's /2023/09/08/slug/): a calendar's "« Sep" link to the
    # month /2023/09/ is a date archive, not the way back (tests/wordpress_site.py). A year alone is a
    # section: the CSTO's "Session 2012" back link goes to /session/2012/.
    return page.path.startswith(parent) and shape_of(parent).last not in MONTH_OR_DAY


# Menus link the same few pages from every line: each URL is split once (a quarter of the time the
# readers spent looking for an article's end on the Zyte benchmark's pages).
@functools.lru_cache(maxsize=1024)
def _split(url: str) -> SplitResult:
    return urlsplit(url)


@functools.lru_cache(maxsize=1024)
def _joined(url: str, href: str) -> SplitResult:
    return urlsplit(urljoin(url, href))


def is_widget(line: Line) -> bool:
    """A share or print row (a link-dense line, or a bare label)."""
    return is_widget_line(line.text) and (line.link_density >= WIDGET_LINK_DENSITY or len(line.text) <= 30)


def find_end(lines: list[Line], start: int, url: str = "") -> tuple[int, str]:
    """The first back link after ``start`` ends the article; without one, a share or print widget;
    without those, the first run of navigation (link-dense lines)."""
    for line in lines[start:]:
        if is_back_link(line, url):
            return line.index, "back_links"
    for line in lines[start:]:
        if is_widget(line):
            return line.index, "widget"
    run = 0
    for line in lines[start:]:
        run = run + 1 if line.link_density >= LINK_DENSE else 0
        if run >= NAVIGATION_RUN:
            return line.index - NAVIGATION_RUN + 1, "navigation"
    return len(lines), "page_end"
