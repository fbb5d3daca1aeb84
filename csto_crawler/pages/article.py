"""Article (detail) page -> fields. Selectors are named constants; comments name the quirk they handle.

The CSTO template (1C-Bitrix news.detail, customised) renders: an ``<h1>`` title, a head line
``Title dd.mm.yyyy``, an optional subtitle, a picture, the body ``div.news-detail__text``, an
attachments line, an optional signature block, back links, a share widget and a print link,
inside a page full of chrome (accessibility panel, menu, sidebar of other news, calendar, footer).
"""

from __future__ import annotations

import copy
import functools
import re
from urllib.parse import unquote, urlsplit

from lxml import etree
from scrapy.http import TextResponse

from ..dates import split_leading_date, split_trailing_date
from ..htmltext import clean_html, element_paragraphs, norm_ws, remove_keep_tail
from ..items import ArticleItem, AttachmentLink, DateCandidate, FetchRecord
from ..urls import section_and_slug
from . import compiled_css, page_root, search_scope

# The detail component; its id carries the Bitrix element ID: <div class="news-detail" id="bx_1373509569_8573">
DETAIL_CSS = "div.news-detail"
ELEMENT_ID_RE = re.compile(r"^bx_\w+?_(\d+)$")  # bx_1373509569_8573 -> 8573
TITLE_CSS = "h1.page-title, .news-detail h1, h1"
# "Title dd.mm.yyyy" on one line; the date is absent on no_date_line and glued_date pages.
HEAD_CSS = ".news-detail__head"
HEAD_DATE_CSS = ".news-detail__head .news-date-time::text"
SUBTITLE_CSS = ".news-detail__subtitle"
# Body container, most specific first; the wider fallbacks rely on boilerplate rules to trim.
BODY_CSS = (".news-detail__text", ".news-detail-text", "div.news-detail", "article")
# glued_date: <span class="news-date-time">21.05.2020</span>On May 26, ... at the start of the body.
BODY_DATE_CSS = ".news-date-time"
# Attachments line: <span class="news-date-time">10.06.2022</span> <a class="doc-link" href="/upload/...">
FILES_CSS = ".news-detail__files"
FILES_DATE_CSS = ".news-detail__files .news-date-time::text"
DOCUMENT_LINK_RE = re.compile(r"\.(docx?|pdf|xlsx?|rtf|pptx?|zip|rar|odt)$", re.I)
SIGNATURE_CSS = ".news-detail__sign"
PICTURE_CSS = "img.detail_picture::attr(src)"
# Language switch in the header points at the same article on the other site when one exists.
LANG_SWITCH_CSS = "a[hreflang]"
# Blocks inside the detail container that are never body (used when BODY_CSS falls back wide).
NON_BODY_CSS = (
    ".news-detail__head",
    "h1",
    ".news-detail__subtitle",
    ".news-detail__files",
    ".news-detail__sign",
    ".news-detail__back",
    ".share",
    ".print-link",
)


DETAIL = compiled_css(DETAIL_CSS)
TITLES = tuple(compiled_css(css) for css in TITLE_CSS.split(", "))
HEAD = compiled_css(HEAD_CSS)
HEAD_DATE = compiled_css(HEAD_DATE_CSS.removesuffix("::text"))
SUBTITLE = compiled_css(SUBTITLE_CSS)
BODIES = tuple(compiled_css(css) for css in BODY_CSS)
# The body containers that hold only body (not the wide fallbacks): links and pictures in them count.
BODY_LINKS = compiled_css(", ".join(f"{css} a" for css in BODY_CSS[:2]))
BODY_IMAGES = compiled_css(", ".join(f"{css} img" for css in BODY_CSS[:2]))
FILES_LINKS = compiled_css(f"{FILES_CSS} a")
FILES_DATE = compiled_css(FILES_DATE_CSS.removesuffix("::text"))
SIGNATURE = compiled_css(SIGNATURE_CSS)
PICTURE = compiled_css(PICTURE_CSS.removesuffix("::attr(src)"))
LANG_SWITCH = compiled_css(LANG_SWITCH_CSS)
NON_BODY_SELECTORS = tuple(compiled_css(css) for css in NON_BODY_CSS)
BODY_DATE_SELECTOR = compiled_css(BODY_DATE_CSS)
OWN_TEXT = etree.XPath("text()")


def _text(nodes: list[etree._Element]) -> str:
    """All text inside the first node (``css(...)[:1].css("::text")``), whitespace normalised."""
    return norm_ws(" ".join(nodes[0].itertext())) if nodes else ""


def _own_text(nodes: list[etree._Element]) -> str | None:
    """The first text node directly inside the first node (``css("...::text").get()``)."""
    for node in nodes:
        texts = OWN_TEXT(node)
        if texts:
            return str(texts[0])
    return None


def _attributes(nodes: list[etree._Element], name: str) -> list[str]:
    return [value for node in nodes if (value := node.get(name)) is not None]


class ArticlePage:
    """Extracts article fields from a detail page response; one method per field."""

    def __init__(self, response: TextResponse) -> None:
        self.response = response
        self.root: etree._Element = page_root(response)
        self._detail = DETAIL(self.root)
        # The component's own blocks: head line, subtitle, body, files, signature.
        self._scope = search_scope(self._detail, self.root)

    def is_article(self) -> bool:
        """A detail page has the detail component and a title; listings and static pages do not."""
        return bool(self._detail) and bool(self.title())

    def element_id(self) -> str | None:
        for value in _attributes(self._detail, "id"):
            m = ELEMENT_ID_RE.match(value)
            if m:
                return m.group(1)
        return None

    @functools.cached_property
    def _title(self) -> str:
        for selector in TITLES:
            text = _text(selector(self.root))
            if text:
                return text
        return split_trailing_date(_text(HEAD(self._scope)))[0]

    def title(self) -> str:
        """The ``<h1>``; when only the head line exists, it without the appended date."""
        return self._title

    def subtitle(self) -> str | None:
        return _text(SUBTITLE(self._scope)) or None

    def date_candidates(self) -> list[DateCandidate]:
        """Dates the page shows, best first: head line, glued to the body, attachments line."""
        found: list[DateCandidate] = []
        head = _own_text(HEAD_DATE(self._scope))
        if head and head.strip():
            found.append(DateCandidate(head.strip(), "detail"))
        else:
            trailing = split_trailing_date(_text(HEAD(self._scope)))[1]
            if trailing:
                found.append(DateCandidate(trailing, "detail"))
        glued = self._glued_date()
        if glued:
            found.append(DateCandidate(glued, "detail_body"))
        files_date = _own_text(FILES_DATE(self._scope))
        if files_date and files_date.strip():
            found.append(DateCandidate(files_date.strip(), "attachments"))
        return found

    @functools.cached_property
    def _body_element(self) -> etree._Element | None:
        for selector in BODIES:
            found = selector(self._scope)
            if found:
                return found[0]
        return None

    def _glued_date(self) -> str | None:
        body = self._body_element
        if body is None:
            return None
        first = BODY_DATE_SELECTOR(body)
        if first and _starts_body(body, first[0]):
            text = (first[0].text or "").strip()
            return text if split_leading_date(text)[1] else None
        return None

    @functools.cached_property
    def _body_tree(self) -> etree._Element | None:
        """A copy of the body container without non-body blocks and the glued date span.

        Built once per page: body_paragraphs reads it, body_html only makes its links absolute.
        """
        body = self._body_element
        if body is None:
            return None
        tree = copy.deepcopy(body)
        tree.tail = None
        for selector in NON_BODY_SELECTORS:
            for node in selector(tree):
                remove_keep_tail(node)
        dates = BODY_DATE_SELECTOR(tree)
        if dates and _starts_body(tree, dates[0]):
            remove_keep_tail(dates[0])
        return tree

    def body_paragraphs(self) -> list[str]:
        tree = self._body_tree
        return element_paragraphs(tree) if tree is not None else []

    def body_html(self) -> str:
        tree = self._body_tree
        if tree is None:
            return ""
        for node in tree.iter("a", "img"):
            for attr in ("href", "src"):
                value = node.get(attr)
                if value and not value.startswith(("#", "javascript:", "data:")):
                    node.set(attr, self.response.urljoin(value))
        return clean_html(tree)

    def signature_lines(self) -> list[str]:
        blocks = SIGNATURE(self._scope)
        return element_paragraphs(blocks[0]) if blocks else []

    def attachments(self) -> list[AttachmentLink]:
        """Document links from the attachments line and from the body, in page order, once each."""
        hrefs = _attributes(FILES_LINKS(self._scope), "href") + _attributes(BODY_LINKS(self._scope), "href")
        out: list[AttachmentLink] = []
        seen: set[str] = set()
        for href in hrefs:
            url = self.response.urljoin(href.strip())
            path = urlsplit(url).path
            if url in seen or not DOCUMENT_LINK_RE.search(path):
                continue
            seen.add(url)
            out.append(AttachmentLink(url, unquote(path.rsplit("/", 1)[-1])))
        return out

    def images(self) -> list[str]:
        """The detail picture and pictures inside the body (template images excluded)."""
        srcs = _attributes(PICTURE(self.root), "src") + _attributes(BODY_IMAGES(self._scope), "src")
        out: list[str] = []
        for src in srcs:
            src = src.strip()
            if not src or src.startswith("data:") or "/bitrix/" in src:
                continue
            url = self.response.urljoin(src)
            if url not in out:
                out.append(url)
        return out

    def counterpart_url(self) -> str | None:
        """The language switch target when it is an article (not the other site's home page)."""
        own = self.html_lang()
        for link in LANG_SWITCH(self.root):
            href, lang = link.get("href", ""), link.get("hreflang", "")
            if not href or (own and lang == own):
                continue
            url = self.response.urljoin(href)
            if len([s for s in urlsplit(url).path.split("/") if s]) >= 2:
                return url
        return None

    def html_lang(self) -> str | None:
        return self.root.get("lang") if self.root.tag == "html" else None

    def to_item(self, url: str, lang: str, fetch: FetchRecord, listed_date: str | None = None) -> ArticleItem:
        """All fields as an ArticleItem for the cleaning pipelines.

        ``listed_date`` (what a listing showed for this article) ranks right after the page's own
        dates and before the attachments line: it is the only date on no_date_line pages and carries
        the time on en /authorized_organs/ lists ("05/08/2020 08:00:00").
        """
        section, slug = section_and_slug(url)
        candidates = self.date_candidates()
        if listed_date:
            position = next((i for i, c in enumerate(candidates) if c.source == "attachments"), len(candidates))
            candidates.insert(position, DateCandidate(listed_date, "listing"))
        return ArticleItem(
            url=url,
            lang=lang,
            section=section,
            slug=slug,
            title=self.title(),
            fetch=fetch,
            element_id=self.element_id(),
            subtitle=self.subtitle(),
            date_candidates=candidates,
            body_paragraphs=self.body_paragraphs(),
            body_html=self.body_html(),
            signature_lines=self.signature_lines(),
            attachments=self.attachments(),
            images=self.images(),
            counterpart_url=self.counterpart_url(),
        )


def _starts_body(body: etree._Element, node: etree._Element) -> bool:
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
