"""The CSTO detail template read through named selectors: the fast first choice where it matches.

The template these selectors were written for (1C-Bitrix news.detail, customised) renders an
``<h1>`` title, a head line ``Title dd.mm.yyyy``, an optional subtitle, a picture, the body
``div.news-detail__text``, an attachments line, an optional signature block, back links, a share
widget and a print link. The class names are a guess at the live site's markup (the replica's
``odkb`` theme); where the body container is missing, ``pages.anchored`` reads the page instead.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from ..dates import split_leading_date, split_trailing_date
from ..htmltext import clean_html, element_paragraphs, norm_ws, remove_keep_tail
from ..items import DateCandidate
from . import compiled_css, search_scope
from .reading import ArticleReading, ReadingMethod
from .source import PageResponse

# The detail component; its id carries the Bitrix element ID: <div class="news-detail" id="bx_1373509569_8573">
DETAIL_CSS = "div.news-detail"
ELEMENT_ID_RE = re.compile(r"^bx_\w+?_(\d+)$")  # bx_1373509569_8573 -> 8573
TITLE_CSS = "h1.page-title, .news-detail h1, h1"
# "Title dd.mm.yyyy" on one line; the date is absent on no_date_line and glued_date pages.
HEAD_CSS = ".news-detail__head"
HEAD_DATE_CSS = ".news-detail__head .news-date-time"
SUBTITLE_CSS = ".news-detail__subtitle"
# The body container: only these say the page is in this template.
BODY_CSS = (".news-detail__text", ".news-detail-text")
# glued_date: <span class="news-date-time">21.05.2020</span>On May 26, ... at the start of the body.
BODY_DATE_CSS = ".news-date-time"
# Attachments line: <span class="news-date-time">10.06.2022</span> <a class="doc-link" href="/upload/...">
FILES_CSS = ".news-detail__files"
FILES_DATE_CSS = ".news-detail__files .news-date-time"
SIGNATURE_CSS = ".news-detail__sign"
PICTURE_CSS = "img.detail_picture"

DETAIL = compiled_css(DETAIL_CSS)
TITLES = tuple(compiled_css(css) for css in TITLE_CSS.split(", "))
HEAD = compiled_css(HEAD_CSS)
HEAD_DATE = compiled_css(HEAD_DATE_CSS)
SUBTITLE = compiled_css(SUBTITLE_CSS)
BODIES = tuple(compiled_css(css) for css in BODY_CSS)
BODY_LINKS = compiled_css(", ".join(f"{css} a" for css in BODY_CSS))
BODY_IMAGES = compiled_css(", ".join(f"{css} img" for css in BODY_CSS))
FILES_LINKS = compiled_css(f"{FILES_CSS} a")
FILES_DATE = compiled_css(FILES_DATE_CSS)
SIGNATURE = compiled_css(SIGNATURE_CSS)
PICTURE = compiled_css(PICTURE_CSS)
BODY_DATE_SELECTOR = compiled_css(BODY_DATE_CSS)
OWN_TEXT = etree.XPath("text()")
# Every block read here (DETAIL_CSS, BODY_CSS) has a class with this in its name.
TEMPLATE_MARK = etree.XPath("(//*[contains(@class, 'news-detail')])[1]")


def _text(nodes: list[etree._Element]) -> str:
    """All text inside the first node, whitespace normalised."""
    return norm_ws(" ".join(nodes[0].itertext())) if nodes else ""


def _own_text(nodes: list[etree._Element]) -> str | None:
    """The first text node directly inside the first node that has one."""
    for node in nodes:
        texts = OWN_TEXT(node)
        if texts:
            return str(texts[0])
    return None


def _attributes(nodes: list[etree._Element], name: str) -> list[str]:
    return [value for node in nodes if (value := node.get(name)) is not None]


def read_named(root: etree._Element, response: PageResponse) -> ArticleReading | None:
    """The page read through the template's selectors, or None when its body container is absent."""
    if not TEMPLATE_MARK(root):
        return None  # none of the template's blocks: one scan of the page instead of three
    detail = DETAIL(root)
    scope = search_scope(detail, root)
    body = next((found[0] for selector in BODIES if (found := selector(scope))), None)
    if body is None:
        return None
    title = next((text for selector in TITLES if (text := _text(selector(root)))), "")
    head_title = split_trailing_date(_text(HEAD(scope)))[0]
    tree = _body_tree(body)
    signature = SIGNATURE(scope)
    return ArticleReading(
        method=ReadingMethod.NAMED,
        title=title or head_title,
        title_repeated=bool(title) and title.casefold() == head_title.casefold(),
        subtitle=_text(SUBTITLE(scope)) or None,
        date_candidates=_date_candidates(scope, body),
        body_paragraphs=element_paragraphs(tree),
        body_html=absolute_html(tree, response),
        signature_lines=element_paragraphs(signature[0]) if signature else [],
        link_hrefs=_attributes(FILES_LINKS(scope), "href") + _attributes(BODY_LINKS(scope), "href"),
        image_srcs=_attributes(PICTURE(root), "src") + _attributes(BODY_IMAGES(scope), "src"),
        element_id=_element_id(detail),
    )


def _element_id(detail: list[etree._Element]) -> str | None:
    for value in _attributes(detail, "id"):
        m = ELEMENT_ID_RE.match(value)
        if m:
            return m.group(1)
    return None


def _date_candidates(scope: etree._Element, body: etree._Element) -> list[DateCandidate]:
    """Dates the page shows, best first: head line, glued to the body, attachments line."""
    found: list[DateCandidate] = []
    head = _own_text(HEAD_DATE(scope))
    if head and head.strip():
        found.append(DateCandidate(head.strip(), "detail"))
    else:
        trailing = split_trailing_date(_text(HEAD(scope)))[1]
        if trailing:
            found.append(DateCandidate(trailing, "detail"))
    glued = _glued_date(body)
    if glued:
        found.append(DateCandidate(glued, "detail_body"))
    files_date = _own_text(FILES_DATE(scope))
    if files_date and files_date.strip():
        found.append(DateCandidate(files_date.strip(), "attachments"))
    return found


def _glued_date(body: etree._Element) -> str | None:
    first = BODY_DATE_SELECTOR(body)
    if first and starts_body(body, first[0]):
        text = (first[0].text or "").strip()
        return text if split_leading_date(text)[1] else None
    return None


def _body_tree(body: etree._Element) -> etree._Element:
    """A copy of the body container without the glued date span."""
    tree = copy.deepcopy(body)
    tree.tail = None
    dates = BODY_DATE_SELECTOR(tree)
    if dates and starts_body(tree, dates[0]):
        remove_keep_tail(dates[0])
    return tree


def absolute_html(tree: etree._Element, response: PageResponse) -> str:
    """Sanitised inner HTML of ``tree`` (a copy: it is changed) with absolute links and sources."""
    for node in tree.iter("a", "img"):
        for attr in ("href", "src"):
            value = node.get(attr)
            if value and not value.startswith(("#", "javascript:", "data:")):
                node.set(attr, response.urljoin(value))
    return clean_html(tree)


def starts_body(body: etree._Element, node: etree._Element) -> bool:
    """True when no text precedes ``node`` inside ``body`` (the glued_date position)."""
    if (body.text or "").strip():
        return False
    ancestors = set(node.iterancestors())
    for element in body.iter():
        if element is body:
            continue
        if element is node:
            return True
        if isinstance(element.tag, str) and (element.text or "").strip():
            return False
        if element not in ancestors and (element.tail or "").strip():
            return False
    return False
