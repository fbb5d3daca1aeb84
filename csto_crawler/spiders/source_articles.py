"""An article page of a source walked by discovery -> the item the pipelines archive, or why not.

Its one URL: the page's ``<link rel=canonical>`` when it is sane, else the URL after redirects,
folded (AMP, accessibility and print copies, tracking keys; ``discovery.canonical``); every other
URL that led to it is an alias. The reading chain is the crawl's (``extraction.extract_article``:
site rules, anchored reading, generic reader). A source's filter (``must_mention``) turns away
articles whose title and text do not match: their fetch is kept as a skipped page, which the
next incremental run asks about (``CrawlState.is_skipped``) instead of fetching them again.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from scrapy.http import Response, TextResponse

from ..archive.state import CrawlState
from ..discovery.canonical import canonical_url, declared_links, resolve
from ..discovery.copies import copies_name
from ..extraction import extract_article
from ..items import ArticleItem, FetchFailure, FetchRecord, GoneNotice, NotModified, SkippedPage
from ..pages import page_root
from ..pages.anchored import Hints
from ..pages.health import page_problem
from ..source_books import SourceBooks
from ..sources import Source

logger = logging.getLogger(__name__)

SourceArticleOutput = ArticleItem | GoneNotice | NotModified | FetchFailure | SkippedPage
# <html lang="be-BY">: the page's language when neither the source nor the URL names one.
HTML_LANG_RE = re.compile(r"^([a-z]{2,3})\b", re.I)
UNKNOWN_LANGUAGE = "und"  # ISO 639-2 "undetermined"


@dataclass
class SourceArticles:
    """Reads the article pages of the sources walked by discovery."""

    books: dict[str, SourceBooks]
    state: CrawlState
    clock: Callable[[], dt.datetime]
    count: Callable[[str, int], None]

    def read(self, response: Response, source: str) -> Iterator[SourceArticleOutput]:
        book = self.books[source]
        lang = response.meta.get("csto_lang")
        fetch = FetchRecord.from_response(response, "article", lang, self.clock())
        requested = canonical_url(fetch.url, book.source)
        if response.status == 304:
            yield NotModified(requested, lang or UNKNOWN_LANGUAGE, fetch, source=source)
            return
        if response.status in (404, 410):
            yield GoneNotice(requested, lang or UNKNOWN_LANGUAGE, response.status, fetch, source=source)
            return
        problem = page_problem(response, "article")
        if problem is not None or not isinstance(response, TextResponse):
            self.count("csto/article/soft_error", 1)
            problem = problem or "not an HTML page"
            yield FetchFailure(requested, lang, "article", problem, 1, response.status, fetch, source)
            return
        yield from self.read_page(book, response, fetch, requested)

    def read_page(
        self, book: SourceBooks, response: TextResponse, fetch: FetchRecord, requested: str
    ) -> Iterator[SourceArticleOutput]:
        source = book.source
        root = page_root(response)
        redirects = response.request.meta.get("redirect_urls", []) if response.request else []
        declared = declared_links(root, response.url)
        if declared.canonical is None:  # its copy links may name it (a CMS's raw URL form of the article)
            declared = replace(declared, canonical=copies_name(root, response.url, source))
        resolved = resolve(source, [fetch.url, *redirects], response.url, declared)
        url = resolved.url
        lang = page_language(source, url, root) or UNKNOWN_LANGUAGE
        fetch.lang = lang
        if url != requested and url in book.done:
            # Another URL of an article read in this run (an old URL form that redirects, a copy):
            # read again, the same content adds no version and the writer keeps the URL as an alias.
            self.count("csto/source/copy_of_read_article", 1)
        extraction = extract_article(fetch, url, lang, response.encoding, Hints())
        item = extraction.item
        book.read(url, is_article=item is not None)
        if item is None:
            self.count("csto/source/not_an_article", 1)
            reason = extraction.problem or "no article on the page"
            yield SkippedPage(fetch.url, lang, reason, _as_other(fetch), source=source.name)
            return
        if not source.keeps(item.title, "\n".join(item.body_paragraphs)):
            self.count("csto/source/filtered_out", 1)
            yield SkippedPage(fetch.url, lang, "does not mention what the source keeps", _as_other(fetch), source.name)
            return
        yield finished(item, source, fetch, resolved.aliases, requested, self.state)


def finished(
    item: ArticleItem, source: Source, fetch: FetchRecord, aliases: tuple[str, ...], requested: str, state: CrawlState
) -> ArticleItem:
    """What only the crawl knows of a source's article: its source, fetch, aliases, section."""
    item.source = source.name
    item.fetch = fetch
    item.aliases = sorted(set(aliases) - {item.url})
    item.requested_url = requested if requested != item.url else None
    item.section = section_of(source, item.url)
    item.paired_url = None  # a language switch on another outlet is no CSTO counterpart
    known = state.known(item.url)
    item.archived_body_chars = known.body_chars if known is not None else 0
    return item


def page_language(source: Source, url: str, root: object) -> str | None:
    """The source's language of the URL, else the page's ``<html lang>``."""
    language = source.language_of(url)
    if language is not None:
        return language.code
    declared = getattr(root, "get", lambda _: None)("lang") or ""
    found = HTML_LANG_RE.match(declared.strip())
    return found.group(1).lower() if found else None


def section_of(source: Source, url: str) -> str:
    """The path above the article, without the language's own prefix: ``/ru/news/x-e3a91d`` -> ``news``."""
    language = source.language_of(url)
    path = unquote(urlsplit(url).path)
    prefix = language.prefix if language is not None else "/"
    if path.startswith(prefix):
        path = path[len(prefix) :]
    segments = [segment for segment in path.split("/") if segment]
    if language is not None and not source.languages and segments and segments[0] == language.code:
        segments = segments[1:]
    return "/".join(segments[:-1])


def _as_other(fetch: FetchRecord) -> FetchRecord:
    """The fetch of a page that holds no article of the archive ("other": not asked for again)."""
    fetch.kind = "other"
    return fetch
