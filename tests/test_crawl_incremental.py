"""End to end: the run lock, a crawl after ``kill -9``, and what an incremental crawl fetches.

- two crawls on one archive at once: the second exits 5 at once; the first, killed with SIGKILL
  after it has written something, leaves nothing that stops the next crawl;
- after an edit (new body, moved sitemap <lastmod>) and a deletion (404, gone from the sitemap), the
  next crawl archives version 2, marks the deleted article gone and fetches no other article;
- ``--no-sitemap`` still finds every article through the listings.
"""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from demo_crawls import (
    Crawl,
    archived_urls,
    article_row,
    count_rows,
    crawl,
    crawl_args,
    expected_urls,
    kill,
    query,
    run_csto,
    start_crawl,
    wait_until,
)
from log_lines import unstamped

from csto_crawler.demo import DemoArticle, DemoSite, load_mirrors

MIRROR = load_mirrors()["en"]
# No article is young enough to be rechecked: a second crawl fetches an article only for a reason.
NO_RECHECK = {"CSTO_RECHECK_DAYS": "0"}
# Slow enough (0.2 s between requests, one at a time per site) to be caught mid-crawl.
SLOW = {"DOWNLOAD_DELAY": "0.2", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite() as demo:
        yield demo


# --- the run lock and kill -9 -------------------------------------------------------------------------


@dataclass
class LockScenario:
    site: DemoSite
    archive: Path
    holder_pid: int
    rival: subprocess.CompletedProcess[str]  # a second crawl started while the first runs
    after_kill: Crawl  # the crawl after the first was killed


@pytest.fixture(scope="module")
def locked(site: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> LockScenario:
    archive = tmp_path_factory.mktemp("lock") / "csto.sqlite"
    holder = start_crawl(site, archive, settings=SLOW)
    try:
        wait_until(lambda: count_rows(archive, "fetches") > 0, what="the first crawl to write")
        rival = run_csto(*crawl_args(site, archive), cwd=archive.parent)
    finally:
        kill(holder)
    return LockScenario(site, archive, holder.pid, rival, crawl(site, archive))


def test_second_crawl_on_a_locked_archive_exits_5_in_one_line(locked: LockScenario) -> None:
    assert locked.rival.returncode == 5, locked.rival.stderr
    assert locked.rival.stdout == ""
    [line] = unstamped(locked.rival.stderr).splitlines()
    assert re.fullmatch(
        rf"csto: error: another crawl is writing .*csto\.sqlite \(pid {locked.holder_pid} on .+\); "
        r"try again when it ends",
        line,
    )


def test_crawl_after_kill_9_proceeds(locked: LockScenario) -> None:
    run = locked.after_kill
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Taking over the run lock left by a run that is gone" in run.stderr
    assert sorted(archived_urls(locked.archive)) == sorted(expected_urls(locked.site))
    runs = query(locked.archive, "SELECT finish_reason FROM crawl_runs ORDER BY id")
    assert [r["finish_reason"] for r in runs] == [None, "finished"]  # the killed run never finished


# --- an edit and a deletion ---------------------------------------------------------------------------

NEWS = [a for a in MIRROR.articles if a.section == "news/news_odkb"]
EDITED, DELETED = NEWS[0], NEWS[2]
EDIT_SUFFIX = " (updated)"
NEW_LASTMOD = "2026-02-20T10:00:00+03:00"


def sitemap_of(site: DemoSite, demo_article: DemoArticle) -> str:
    """The sitemap file of the en site that lists ``demo_article``."""
    for target, response in MIRROR.responses.items():
        if target.startswith("/sitemap_iblock") and demo_article.path.encode() in response.body:
            return target
    raise AssertionError(f"no sitemap lists {demo_article.path}")


def edit_sitemap(site: DemoSite, demo_article: DemoArticle, replacement: str | None) -> None:
    """Give the article's <url> entry a new <lastmod>, or remove it (``replacement`` None)."""
    target = sitemap_of(site, demo_article)
    body = site.served("en", target).body.decode()
    loc = re.escape(site.url("en", demo_article.path))
    entry = re.compile(rf"<url><loc>{loc}</loc>(<lastmod>[^<]*</lastmod>)?</url>")
    assert entry.search(body), body
    new = (
        ""
        if replacement is None
        else f"<url><loc>{site.url('en', demo_article.path)}</loc><lastmod>{replacement}</lastmod></url>"
    )
    site.override("en", target, body=entry.sub(new, body).encode())
    # The site regenerates its sitemap index too: the file's <lastmod> there moves with it.
    index = site.served("en", "/sitemap.xml").body.decode()
    file_entry = re.compile(rf"(<loc>{re.escape(site.url('en', target))}</loc><lastmod>)[^<]*(</lastmod>)")
    assert file_entry.search(index), index
    site.override("en", "/sitemap.xml", body=file_entry.sub(rf"\g<1>{NEW_LASTMOD}\g<2>", index).encode())


@dataclass
class EditScenario:
    site: DemoSite
    archive: Path
    first: Crawl
    second: Crawl


@pytest.fixture(scope="module")
def edited(site: DemoSite, tmp_path_factory: pytest.TempPathFactory) -> EditScenario:
    archive = tmp_path_factory.mktemp("edit") / "csto.sqlite"
    first = crawl(site, archive, settings=NO_RECHECK)
    body = site.served("en", EDITED.path).body
    # An edited title shows everywhere on the page (<title>, <h1>, head line); the listing keeps the old one.
    title = html.escape(EDITED.title).encode()  # as the page writes it: "People&#x27;s Republic"
    site.override("en", EDITED.path, body=body.replace(title, title + EDIT_SUFFIX.encode()))
    edit_sitemap(site, EDITED, NEW_LASTMOD)
    site.override("en", DELETED.path, status=404)
    edit_sitemap(site, DELETED, None)
    try:
        second = crawl(site, archive, settings=NO_RECHECK)
    finally:
        site.clear_overrides()
    return EditScenario(site, archive, first, second)


def test_incremental_crawl_archives_an_edit_as_version_2(edited: EditScenario) -> None:
    assert edited.second.returncode == 0, edited.second.stderr[-3000:]
    row = article_row(edited.archive, edited.site.url("en", EDITED.path))
    assert (row["version_count"], row["title"]) == (2, EDITED.title + EDIT_SUFFIX)
    versions = query(edited.archive, "SELECT title FROM versions WHERE article_id = ? ORDER BY version", row["id"])
    assert [v["title"] for v in versions] == [EDITED.title, EDITED.title + EDIT_SUFFIX]
    assert row["sitemap_lastmod"] == NEW_LASTMOD


def test_incremental_crawl_marks_an_article_gone_from_the_sitemap(edited: EditScenario) -> None:
    row = article_row(edited.archive, edited.site.url("en", DELETED.path))
    assert row["gone_at"] is not None
    assert row["gone_reason"] == "absent from sitemap"
    assert row["version_count"] == 1  # the archived text stays
    others = query(edited.archive, "SELECT count(*) FROM articles WHERE gone_at IS NOT NULL")[0][0]
    assert others == 1


def test_incremental_crawl_parses_only_the_sitemap_files_that_changed(edited: EditScenario) -> None:
    """Unchanged files are confirmed, not parsed again, and their entries still count as listed
    (no article of theirs was marked gone, see above)."""
    files = query(edited.archive, "SELECT url, parsed_run_id, confirmed_run_id FROM sitemap_files WHERE lang = 'en'")
    changed = {edited.site.url("en", sitemap_of(edited.site, a)) for a in (EDITED, DELETED)}
    runs = [row[0] for row in query(edited.archive, "SELECT id FROM crawl_runs ORDER BY id")]
    assert len(runs) == 2 and len(files) > len(changed)
    for url, parsed, confirmed in files:
        assert (url, parsed, confirmed) == (url, runs[1] if url in changed else runs[0], runs[1])


def test_incremental_crawl_fetches_only_the_edited_article(edited: EditScenario) -> None:
    articles = {(lang, a.path) for lang in ("en", "ru") for a in edited.site.articles(lang)}
    fetched = {(r.host, r.path) for r in edited.second.requests} & articles
    assert fetched == {("en", EDITED.path)}
    assert [r.path for r in edited.second.requests if "PAGEN_1=2" in r.path] == []  # page 1 had nothing new
    assert [r.path for r in edited.second.requests if r.path.startswith("/upload/")] == []  # attachments kept
    assert len(edited.second.requests) < len(edited.first.requests) / 2


# --- listings only --------------------------------------------------------------------------------------


def test_crawl_without_sitemaps_finds_every_article(site: DemoSite, tmp_path: Path) -> None:
    archive = tmp_path / "csto.sqlite"
    run = crawl(site, archive, "--no-sitemap")
    assert run.returncode == 0, run.stderr[-3000:]
    assert [r.path for r in run.requests if "sitemap" in r.path] == []
    assert sorted(archived_urls(archive)) == sorted(expected_urls(site))
