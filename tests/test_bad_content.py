"""The archive of record takes no bad content: an article later served in its normal layout with an
empty body, or with a maintenance notice as its body, is held back (snapshot kept, listed by
``csto health``) and never becomes the article's current version."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from demo_crawls import Crawl, crawl, query

from csto_crawler.demo import DemoArticle, DemoSite

NOTICE = "The site is temporarily unavailable: maintenance mode. Please come back later."


def with_body(page: bytes, text: str) -> bytes:
    """The same page, its article text replaced by ``text`` (the layout untouched)."""
    root = lxml.html.document_fromstring(page)
    [body] = root.find_class("news-detail__text")
    for child in list(body):
        body.remove(child)
    body.text = text
    return lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")


@dataclass
class BadContent:
    archive: Path
    emptied: DemoArticle
    noticed: DemoArticle
    second: Crawl


@pytest.fixture(scope="module")
def bad_content(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BadContent]:
    archive = tmp_path_factory.mktemp("bad") / "csto.sqlite"
    with DemoSite() as site:
        first = crawl(site, archive, "--lang", "en")
        assert first.returncode == 0, first.stderr[-2000:]
        long_articles = [a for a in site.articles("en") if len(site.served("en", a.path).body) > 20_000]
        emptied, noticed = long_articles[0], long_articles[1]
        for article, text in ((emptied, ""), (noticed, NOTICE)):
            page = with_body(site.served("en", article.path).body, text)
            site.override("en", article.path, body=page, content_type="text/html; charset=utf-8")
        second = crawl(site, archive, "--lang", "en", "--full")
        yield BadContent(archive, emptied, noticed, second)


def test_bad_pages_make_no_version_and_keep_the_archived_text(bad_content: BadContent) -> None:
    for article in (bad_content.emptied, bad_content.noticed):
        [(versions, body)] = query(
            bad_content.archive, "SELECT version_count, body_text FROM articles WHERE url LIKE ?", f"%{article.path}"
        )
        assert versions == 1
        assert len(body) > 200 and NOTICE not in body


def test_bad_pages_are_held_with_why(bad_content: BadContent) -> None:
    held = dict(query(bad_content.archive, "SELECT url, doubts FROM held_pages"))
    by_path = {url.split("127.0.0.1", 1)[1].split("/", 1)[1]: doubts for url, doubts in held.items()}
    assert "body_shrank" in by_path[bad_content.noticed.path.lstrip("/")]
    assert "maintenance" in by_path[bad_content.noticed.path.lstrip("/")]
    assert by_path[bad_content.emptied.path.lstrip("/")] is not None
