"""load_crawl_state: what the archive tells the next crawl, read once and read-only."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_items import (
    BODY,
    T0,
    TITLE,
    article_item,
    article_url,
    fetch_failure,
    fetch_record,
    gone_notice,
    listing_item,
    section_walked,
    sitemap_item,
    write_run,
)

from csto_crawler.archive.state import CrawlState, KnownArticle, load_crawl_state
from csto_crawler.items import ArticleItem, AttachmentItem, SkippedPage
from csto_crawler.plan import FetchReason, refetch_reason

ATTACHMENT_URL = "https://en.odkb-csto.org/upload/iblock/39a/statement.docx"
SECTION_PAGE = "https://en.odkb-csto.org/news/"
DAY = dt.timedelta(days=1)
TODAY = dt.date(2026, 2, 15)


def with_etag(item: ArticleItem, etag: str) -> ArticleItem:
    item.fetch.headers["etag"] = etag
    return item


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawlState]:
    path = tmp_path_factory.mktemp("state") / "csto.sqlite"
    listed = article_url("en", "meeting")
    write_run(
        path,
        [
            sitemap_item("en", {article_url("en", "old-slug"): "2026-02-10"}),
            with_etag(article_item("old-slug"), '"abc"'),
            article_item("removed", element_id="2"),
            listing_item("en", [(listed, TITLE, "10.02.2026")]),
            fetch_failure(article_url("en", "broken"), attempts=2),
            section_walked("en"),
            section_walked("ru", "documents/statements", 3),
            AttachmentItem(
                ATTACHMENT_URL, listed, "statement.docx", fetch_record(ATTACHMENT_URL, b"PK", kind="attachment")
            ),
            SkippedPage(
                SECTION_PAGE, "en", "not an article page", fetch_record(SECTION_PAGE, b"<html/>", kind="other")
            ),
        ],
    )
    write_run(
        path,
        [
            article_item("meeting", at=T0 + DAY),  # the slug changed: old-slug becomes an alias
            gone_notice(article_url("en", "removed"), at=T0 + DAY),
            listing_item("en", [(listed, TITLE, "11.02.2026")], at=T0 + DAY),
        ],
    )
    # Run 3 sees the first sighting again: the latest sighting is the one seen last, not the newest row.
    write_run(path, [listing_item("en", [(listed, TITLE, "10.02.2026")], at=T0 + 2 * DAY)])
    state = load_crawl_state(path)
    yield state
    state.close()


def test_load_crawl_state_missing_archive_is_empty_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "absent.sqlite"
    state = load_crawl_state(path)
    assert state == CrawlState()
    assert list(tmp_path.iterdir()) == []


def test_load_crawl_state_known_articles(state: CrawlState) -> None:
    assert state.article_count() == 2
    meeting = state.known(article_url("en", "meeting"))
    assert meeting == KnownArticle(
        id="en-8573",
        lang="en",
        section="news/news_odkb",
        title=TITLE,
        published="2026-02-10",
        gone=False,
        sitemap_lastmod="2026-02-10",
        etag=None,  # the fetch in run 2 sent no ETag: the old one no longer applies
        last_modified=None,
        last_seen_at=(T0 + DAY).isoformat(),
        body_chars=len(BODY),
    )
    removed = state.known(article_url("en", "removed"))
    assert removed is not None and removed.gone is True


def test_load_crawl_state_resolves_aliases(state: CrawlState) -> None:
    found = state.known(article_url("en", "old-slug"))
    assert found is not None and found.id == "en-8573"
    assert state.known(article_url("en", "never-seen")) is None


def test_known_many_answers_like_known(state: CrawlState) -> None:
    urls = [article_url("en", slug) for slug in ("meeting", "old-slug", "removed", "never-seen")]
    many = state.known_many(urls * 300)  # more URLs than one IN (...) chunk
    assert many == {url: state.known(url) for url in urls if state.known(url) is not None}
    assert sorted(many) == sorted(urls[:3])


def test_load_crawl_state_latest_listed_date_wins(state: CrawlState) -> None:
    assert state.listed_date(article_url("en", "meeting")) == "10.02.2026"
    assert state.listed_date(article_url("en", "removed")) is None


def test_load_crawl_state_failures_walks_attachments_and_skipped_pages(state: CrawlState) -> None:
    assert state.failures == [(article_url("en", "broken"), "article", "en")]
    assert state.walked == {("en", "news/news_odkb"), ("ru", "documents/statements")}
    assert state.has_attachment(ATTACHMENT_URL)
    assert not state.has_attachment(ATTACHMENT_URL.replace("statement", "other"))
    assert state.is_skipped(SECTION_PAGE)
    assert not state.is_skipped(article_url("en", "meeting"))


def test_recheck_window_lists_live_articles_published_since(state: CrawlState) -> None:
    assert [url for url, _ in state.published_since(dt.date(2026, 2, 10), ["en", "ru"])] == [
        article_url("en", "meeting")  # "removed" was published the same day but is gone
    ]
    assert state.published_since(dt.date(2026, 2, 11), ["en"]) == []
    assert state.published_since(dt.date(2026, 2, 1), ["ru"]) == []


def test_articles_archived_after_the_state_was_read_are_not_known(tmp_path: Path) -> None:
    """The run's own articles do not count as known: a listing walk judges pages by the archive
    as it was when the run started, whatever order its pages arrive in."""
    path = tmp_path / "csto.sqlite"
    write_run(path, [article_item("meeting")])
    state = load_crawl_state(path)
    try:
        write_run(path, [article_item("later", element_id="9")])  # stands for this run's own writes
        assert state.known(article_url("en", "meeting")) is not None
        assert state.known(article_url("en", "later")) is None
        assert state.known_many([article_url("en", "later")]) == {}
    finally:
        state.close()


def test_sitemap_files_are_trusted_only_from_runs_that_finished(tmp_path: Path) -> None:
    path = tmp_path / "csto.sqlite"
    finished = sitemap_item("en", {article_url("en", "meeting"): "2026-02-10"})
    write_run(path, [finished])
    killed = sitemap_item("en", {article_url("en", "other"): "2026-02-11"})
    killed.fetch.url = killed.fetch.final_url = killed.fetch.url.replace("iblock-1", "iblock-2")
    write_run(path, [killed], finish=False)
    state = load_crawl_state(path)
    state.close()
    assert state.sitemap_files == {finished.fetch.url: hashlib.sha256(finished.fetch.body).hexdigest()}


def test_load_crawl_state_interrupted_run_does_not_hide_a_moved_lastmod(tmp_path: Path) -> None:
    """Run 2 reads a sitemap whose <lastmod> moved after run 1's fetch, and is killed before refetching.

    The archive must not record that <lastmod> as if the article had been fetched with it, or run 3
    would see no change and miss the edit.
    """
    path = tmp_path / "csto.sqlite"
    url = article_url("en", "meeting")
    write_run(path, [article_item()])  # run 1: no sitemap read
    write_run(path, [sitemap_item("en", {url: "2026-02-14T09:00:00+03:00"}, at=T0 + DAY)])  # run 2, killed
    known = load_crawl_state(path).known(url)
    assert known is not None and known.sitemap_lastmod is None
    reason = refetch_reason(known, full=False, sitemap_lastmod="2026-02-14T09:00:00+03:00", today=TODAY, recheck_days=0)
    assert reason is FetchReason.LASTMOD_CHANGED


def test_sitemap_files_parsed_by_an_import_are_read_again_by_the_next_crawl(tmp_path: Path) -> None:
    """A WARC import records a sitemap file but fetches none of its articles: the next crawl must
    parse it even when its bytes are the same."""
    from archive_items import open_writer

    path = tmp_path / "csto.sqlite"
    item = sitemap_item("en", {article_url("en", "meeting"): "2026-02-10"})
    writer = open_writer(path)
    try:
        run = writer.begin_run("warc-import", {})
        writer.write_batch([item], run)
        writer.finish_run(run, "finished")
    finally:
        writer.close()
    state = load_crawl_state(path)
    try:
        assert state.sitemap_files == {}
    finally:
        state.close()
    write_run(path, [item])  # a crawl's own reading counts
    state = load_crawl_state(path)
    try:
        assert list(state.sitemap_files) == [item.fetch.url]
    finally:
        state.close()
