"""Article (detail) page -> fields, read through the template's named selectors where they match,
else from the text anchors every CSTO detail page shows (``pages.anchored``), else by the generic
reader for any news page (``pages.generic``).

The named reading is kept only when it agrees with what is known of the page (a title, a body,
the listing's title for this URL); otherwise the anchored reading answers, and when it cannot, the
generic one: the chain degrades, it never stops. The reading says which one answered, for the
drift alarm and ``csto health`` (``quality``).
"""

from __future__ import annotations

import copy
import functools
import re
from html import escape
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

from ..htmltext import norm_ws
from ..items import ArticleItem, AttachmentLink, DateCandidate, FetchRecord
from ..urls import section_and_slug
from . import common_ancestor, compiled_css, page_root
from .anchored import AnchoredArticle, Hints, fold, read_anchored, stands_on_site_marks
from .generic import read_generic
from .items import ItemList, find_item_lists
from .lines import Line, page_lines
from .named import ELEMENT_ID_RE, absolute_html, read_named
from .reading import ArticleReading, ReadingMethod
from .source import PageResponse

DOCUMENT_LINK_RE = re.compile(r"\.(docx?|pdf|xlsx?|rtf|pptx?|zip|rar|odt|ods)$", re.I)
# A link whose URL path ends so names the extension in its href, unless the href has no path of its
# own ("?p=2", "#top", ""): other links are not resolved at all (a generic page has dozens).
DOCUMENT_HREF_RE = re.compile(r"\.(docx?|pdf|xlsx?|rtf|pptx?|zip|rar|odt|ods)|^[?#]|^$", re.I)
# The language switch points at the same article on the other site when one exists: a link with
# hreflang, a <link rel="alternate" hreflang>, or a link labelled with the other language.
LANG_SWITCH_CSS = "a[hreflang], link[rel=alternate][hreflang]"
LANGUAGE_LABELS = frozenset({"en", "eng", "english", "ru", "rus", "рус", "русский", "по-русски", "in english"})
# Links short enough to be a language label (filtered in C before Python reads their text).
SHORT_LINKS = etree.XPath("//a[@href and string-length(normalize-space(.)) <= 12]")
DOCUMENT_TITLE_CSS = "title"
OG_TITLE_CSS = "meta[property='og:title']"

LANG_SWITCH = compiled_css(LANG_SWITCH_CSS)
DOCUMENT_TITLE = compiled_css(DOCUMENT_TITLE_CSS)
OG_TITLE = compiled_css(OG_TITLE_CSS)


class ArticlePage:
    """Extracts article fields from a detail page response; one method per field."""

    def __init__(self, response: PageResponse, hints: Hints | None = None) -> None:
        self.response = response
        self.hints = hints or Hints()
        self.root: etree._Element = page_root(response)

    @functools.cached_property
    def reading(self) -> ArticleReading | None:
        """The named reading when it agrees with what is known, else the anchored one, else the
        generic one when it finds a title and a body, else whatever title the named one found."""
        named = read_named(self.root, self.response)
        if named is not None and self._agrees(named):
            if named.date_candidates:
                return named
            # The site rules' class names (Bitrix's default "news-detail") on another outlet's page
            # find its text but not its date (tests/portal_site.py): a reading that dates it wins.
            other = self._unnamed_reading()
            return other if other is not None and other.date_candidates else named
        found = self._unnamed_reading()
        return found if found is not None else named if named is not None and named.title else None

    def _unnamed_reading(self) -> ArticleReading | None:
        """The anchored reading on site marks, else the generic one with a title and a body, else the anchored one."""
        if self._may_show_site_marks() and self._anchored is not None and self._anchored.on_site_marks:
            return self._anchored_fields(self._anchored)
        # Anchored on a heading and a date alone, which any news page has: the generic reader
        # knows such pages better (their ends are comments and teasers, not back links).
        generic = self._generic_reading()
        if generic is not None and generic.title and any(p.strip() for p in generic.body_paragraphs):
            return generic
        if generic is not None and generic.title and generic.date_candidates:
            # A dated page with a title and no text of its own (a photo album, tests/bitrix_district_site.py):
            # anchored on its heading and date, the "body" would be the sidebar and the footer.
            return None
        if self._anchored is not None:
            return self._anchored_fields(self._anchored)
        return None

    def _may_show_site_marks(self) -> bool:
        """What the anchored reading stands on, looked for on the lines alone before paying for
        the page's lists of news (most news pages show none of it)."""
        return stands_on_site_marks(self._lines, self.document_title(), self.hints, self.response.url)

    def _agrees(self, reading: ArticleReading) -> bool:
        """A title and a body, and the listing's title unless the page repeats its own title."""
        if not reading.title or not any(p.strip() for p in reading.body_paragraphs):
            return False
        return reading.title_repeated or not self.hints.title or fold(self.hints.title) == fold(reading.title)

    @property
    def method(self) -> ReadingMethod:
        return self.reading.method if self.reading else ReadingMethod.NONE

    def is_article(self) -> bool:
        """The page shows an article: one of the readings found its title and anchors."""
        return self.reading is not None and bool(self.reading.title)

    def title(self) -> str:
        return self.reading.title if self.reading else ""

    def subtitle(self) -> str | None:
        return self.reading.subtitle if self.reading else None

    def date_candidates(self) -> list[DateCandidate]:
        """Dates the page shows, best first: head line, glued to the body, attachments line."""
        return list(self.reading.date_candidates) if self.reading else []

    def body_paragraphs(self) -> list[str]:
        return self.reading.body_paragraphs if self.reading else []

    def body_html(self) -> str:
        return self.reading.body_html if self.reading else ""

    def signature_lines(self) -> list[str]:
        return self.reading.signature_lines if self.reading else []

    def element_id(self) -> str | None:
        return self.reading.element_id if self.reading else None

    def attachments(self) -> list[AttachmentLink]:
        """Document links of the article (attachments line and body), in page order, once each."""
        out: list[AttachmentLink] = []
        seen: set[str] = set()
        for href in self.reading.link_hrefs if self.reading else []:
            if not DOCUMENT_HREF_RE.search(href.strip()):
                continue
            url = self.response.urljoin(href.strip())
            path = urlsplit(url).path
            if url in seen or not DOCUMENT_LINK_RE.search(path):
                continue
            seen.add(url)
            out.append(AttachmentLink(url, unquote(path.rsplit("/", 1)[-1])))
        return out

    def images(self) -> list[str]:
        """The detail picture and pictures inside the body (template images excluded)."""
        out: list[str] = []
        for src in self.reading.image_srcs if self.reading else []:
            src = src.strip()
            if not src or src.startswith("data:") or "/bitrix/" in src:
                continue
            url = self.response.urljoin(src)
            if url not in out:
                out.append(url)
        return out

    def paired_url(self) -> str | None:
        """The language switch target when it is an article (not the other site's home page)."""
        own = self.html_lang()
        own_host = urlsplit(self.response.url).netloc
        candidates = [(node.get("href", ""), node.get("hreflang", "")) for node in LANG_SWITCH(self.root)]
        candidates += [
            (link.get("href", ""), "")
            for link in SHORT_LINKS(self.root)
            if norm_ws(" ".join(link.itertext())).casefold() in LANGUAGE_LABELS
        ]
        for href, lang in candidates:
            if not href or (own and lang == own):
                continue
            url = self.response.urljoin(href)
            if urlsplit(url).netloc != own_host and len([s for s in urlsplit(url).path.split("/") if s]) >= 2:
                return url
        return None

    def html_lang(self) -> str | None:
        return self.root.get("lang") if self.root.tag == "html" else None

    def document_title(self) -> str:
        og = OG_TITLE(self.root)
        if og and og[0].get("content"):
            return str(og[0].get("content"))
        found = DOCUMENT_TITLE(self.root)
        return norm_ws(" ".join(found[0].itertext())) if found else ""

    # --- the anchored reading -------------------------------------------------------------------

    @functools.cached_property
    def _lines(self) -> list[Line]:
        return page_lines(self.root)

    @functools.cached_property
    def _lists(self) -> list[ItemList]:
        return find_item_lists(self.root, self.response.url)

    def _generic_reading(self) -> ArticleReading | None:
        """The generic reader's, for a page that answered (a 404 page shows no article)."""
        if self.response.status >= 300:
            return None
        return read_generic(self.root, self.response.url, self.hints, self._listed, self._lines)

    def _listed(self) -> frozenset[etree._Element]:
        """The items of the page's lists of three news or more (asked for only when needed)."""
        return frozenset(item.element for found in self._lists if len(found.items) >= 3 for item in found.items)

    @functools.cached_property
    def _anchored(self) -> AnchoredArticle | None:
        """The anchored reading when it is confident."""
        found = read_anchored(self._lines, self.document_title(), self.hints, self._lists, self.response.url)
        return found if found is not None and found.confident else None

    def _anchored_fields(self, found: AnchoredArticle) -> ArticleReading:
        lines = self._lines
        return ArticleReading(
            method=ReadingMethod.ANCHORED,
            title=found.title,
            title_repeated=found.head > found.first,
            subtitle=found.subtitle,
            date_candidates=_anchored_dates(found),
            body_paragraphs=[line.text for line in found.body],
            body_html=self._anchored_html(found.body),
            signature_lines=found.signature,
            link_hrefs=self._hrefs_between(lines, found),
            image_srcs=self._srcs_between(lines, found),
            element_id=_element_id_around(lines[found.head]) or self.hints.element_id,
        )

    @functools.cached_property
    def _positions(self) -> dict[etree._Element, int]:
        return {element: i for i, element in enumerate(self.root.iter())}

    def _span(self, lines: list[Line], found: AnchoredArticle) -> tuple[int, int]:
        """Document positions from the first title line to the line that ends the article."""
        start = self._positions.get(lines[found.first].first, 0)
        end = self._positions.get(lines[found.end].first, len(self._positions)) if found.end < len(lines) else None
        return start, end if end is not None else len(self._positions)

    def _hrefs_between(self, lines: list[Line], found: AnchoredArticle) -> list[str]:
        start, end = self._span(lines, found)
        return [
            str(link.get("href"))
            for link in self.root.iter("a")
            if link.get("href") and start <= self._positions.get(link, -1) < end
        ]

    def _srcs_between(self, lines: list[Line], found: AnchoredArticle) -> list[str]:
        start, end = self._span(lines, found)
        return [
            str(image.get("src"))
            for image in self.root.iter("img")
            if image.get("src") and start <= self._positions.get(image, -1) < end
        ]

    def _anchored_html(self, body: list[Line]) -> str:
        """The body's markup: its container when it holds nothing but the body; else the
        container's children that hold only body lines, and body text standing in it as <p>."""
        if not body:
            return ""
        container = common_ancestor([line.block for line in body])
        inside = page_lines(container)
        if [line.text for line in inside] == [line.text for line in body]:
            return absolute_html(copy.deepcopy(container), self.response)
        parts: list[str] = []
        done: set[int] = set()
        for line in body:
            child = _child_holding(container, line.block)
            if child is not None and id(child) not in done and _holds_only(child, body):
                done.add(id(child))
                wrapper = lxml_html.Element("div")
                wrapper.append(copy.deepcopy(child))
                wrapper[0].tail = None
                parts.append(absolute_html(wrapper, self.response))
            elif child is None or id(child) not in done:
                parts.append(f"<p>{escape(line.text)}</p>")
        return "\n".join(part for part in parts if part)

    # --- the item -------------------------------------------------------------------------------

    def to_item(self, url: str, lang: str, fetch: FetchRecord) -> ArticleItem:
        """All fields as an ArticleItem for the cleaning pipelines.

        The listing's date ranks right after the page's own dates and before the attachments
        line: it is the only date on no_date_line pages and carries the time on en
        /authorized_organs/ lists ("05/08/2020 08:00:00").
        """
        section, slug = _section_and_slug(url)
        candidates = self.date_candidates()
        if self.hints.date_raw:
            # The generic reader's text dates are guesses from lines under the title: the listing's
            # date ranks above them, below only what the page states in its metadata.
            after = {"attachments", "detail", "url"} if self.method == ReadingMethod.GENERIC else {"attachments"}
            position = next((i for i, c in enumerate(candidates) if c.source in after), len(candidates))
            candidates.insert(position, DateCandidate(self.hints.date_raw, "listing"))
        if not candidates and self.hints.lastmod:
            # No date on the page and no listing showed it (a dead listing page): the day the
            # sitemap says it was last modified, rather than no date at all (published_source says so).
            candidates.append(DateCandidate(self.hints.lastmod[:10], "sitemap"))
        return ArticleItem(
            url=url,
            lang=lang,
            section=section,
            slug=slug,
            title=self.title(),
            fetch=fetch,
            element_id=self.element_id(),
            subtitle=self.subtitle(),
            author=self.reading.author if self.reading else None,
            date_candidates=candidates,
            body_paragraphs=self.body_paragraphs(),
            body_html=self.body_html(),
            signature_lines=self.signature_lines(),
            attachments=self.attachments(),
            images=self.images(),
            paired_url=self.paired_url(),
            reading_method=self.method,
            title_repeated=bool(self.reading and self.reading.title_repeated),
            listed_title=self.hints.title,
            listed_lead=self.hints.lead,
        )


def _section_and_slug(url: str) -> tuple[str, str]:
    """The URL's section and slug; a page outside any section (``csto extract`` of
    https://example.org/story.html) has an empty section."""
    try:
        return section_and_slug(url)
    except ValueError:
        return "", url.rstrip("/").rsplit("/", 1)[-1]


def _anchored_dates(found: AnchoredArticle) -> list[DateCandidate]:
    dates = []
    if found.head_date:
        dates.append(DateCandidate(found.head_date, "detail"))
    if found.glued_date:
        dates.append(DateCandidate(found.glued_date, "detail_body"))
    if found.attachments_date:
        dates.append(DateCandidate(found.attachments_date, "attachments"))
    return dates


def _element_id_around(line: Line) -> str | None:
    """A Bitrix element ID (``id="bx_1373509569_8573"``) on the head line's block or an ancestor."""
    for element in (line.block, *line.block.iterancestors()):
        m = ELEMENT_ID_RE.match(element.get("id", ""))
        if m:
            return m.group(1)
    return None


def _child_holding(container: etree._Element, element: etree._Element) -> etree._Element | None:
    """The child of ``container`` that is or holds ``element`` (None when it is the container)."""
    if element is container:
        return None
    for ancestor in (element, *element.iterancestors()):
        if ancestor.getparent() is container:
            return ancestor
    return None


def _holds_only(child: etree._Element, body: list[Line]) -> bool:
    """True when every line inside ``child`` is a body line."""
    texts = {line.text for line in body}
    return all(line.text in texts for line in page_lines(child))
