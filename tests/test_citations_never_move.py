"""A citation never moves: importing older captures into an archive leaves every (article, version) ->
content_sha256 pair as it was, adds the older contents under new numbers, and shows them first in time.

The demo site plays three epochs: epoch 1 as recorded (archive A, exported as WARC); epoch 2 edits two
articles and epoch 3 one of them again and a third (archive B, crawled at epochs 2 and 3). A's WARC
is then imported into B, as an archivist adds the Wayback Machine's older captures.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from demo_crawls import crawl, query

from csto_crawler.cli import main
from csto_crawler.demo import DemoArticle, DemoSite, load_mirrors

NEWS = [a for a in load_mirrors()["en"].articles if a.section == "news/news_odkb"]
TWICE, ONCE, LATE = NEWS[0], NEWS[1], NEWS[3]  # edited at epochs 2 and 3; at epoch 2; at epoch 3
PAIRS = "SELECT article_id, version, content_sha256 FROM versions"


@dataclass
class Epochs:
    site: DemoSite
    a: Path
    b: Path
    warc: Path
    before: dict[tuple[str, int], str]  # B's citations before the import


def retitle(site: DemoSite, article: DemoArticle, suffix: str) -> None:
    """The article's title edited on its page (everywhere it shows there; the listing keeps the old one)."""
    body = site.served("en", article.path).body
    title = html.escape(article.title).encode()
    site.override("en", article.path, body=body.replace(title, title + suffix.encode()))


def citations(archive: Path) -> dict[tuple[str, int], str]:
    return {(r["article_id"], r["version"]): r["content_sha256"] for r in query(archive, PAIRS)}


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def epochs(tmp_path_factory: pytest.TempPathFactory) -> Epochs:
    folder = tmp_path_factory.mktemp("epochs")
    a, b, warc = folder / "a.sqlite", folder / "b.sqlite", folder / "a.warc.gz"
    with DemoSite() as site:
        assert crawl(site, a).returncode == 0
        cli("warc", "export", "--archive", str(a), "-o", str(warc))
        retitle(site, TWICE, " (updated)")
        retitle(site, ONCE, " (updated)")
        assert crawl(site, b).returncode == 0
        site.clear_overrides()
        retitle(site, TWICE, " (updated again)")
        retitle(site, ONCE, " (updated)")
        retitle(site, LATE, " (updated)")
        assert crawl(site, b, "--full").returncode == 0
        site.clear_overrides()
        before = citations(b)
        sites = [option for lang, base in site.base_urls.items() for option in ("--site", f"{lang}={base}")]
        cli("warc", "import", str(warc), "--archive", str(b), "--workers", "2", *sites)
        return Epochs(site, a, b, warc, before)


def article_id(epochs: Epochs, article: DemoArticle) -> str:
    url = epochs.site.url("en", article.path)
    return str(query(epochs.b, "SELECT id FROM articles WHERE url = ?", url)[0]["id"])


def history(epochs: Epochs, article: DemoArticle) -> list[tuple[int, str]]:
    """(version, title) in time order."""
    rows = query(
        epochs.b,
        "SELECT version, title FROM versions WHERE article_id = ? ORDER BY first_seen_at, version",
        article_id(epochs, article),
    )
    return [(r["version"], r["title"]) for r in rows]


def test_every_citation_of_the_archive_still_names_the_same_content(epochs: Epochs) -> None:
    after = citations(epochs.b)
    assert {key: sha for key, sha in after.items() if key in epochs.before} == epochs.before
    assert len(after) == len(epochs.before) + 2  # the two articles edited since epoch 1 gained their old text


def test_the_older_versions_come_first_in_time_under_new_numbers(epochs: Epochs) -> None:
    title = TWICE.title
    assert history(epochs, TWICE) == [(3, title), (1, f"{title} (updated)"), (2, f"{title} (updated again)")]
    assert history(epochs, ONCE) == [(2, ONCE.title), (1, f"{ONCE.title} (updated)")]
    # Epoch 1's content was B's first version already: seen earlier, no new version.
    assert history(epochs, LATE) == [(1, LATE.title), (2, f"{LATE.title} (updated)")]
    row = query(epochs.b, "SELECT current_version, title FROM articles WHERE id = ?", article_id(epochs, TWICE))[0]
    assert (row["current_version"], row["title"]) == (2, f"{TWICE.title} (updated again)")


def test_the_archive_is_sound_and_readers_show_versions_in_time_order(epochs: Epochs) -> None:
    assert cli("verify", "--archive", str(epochs.b)).splitlines()[-1] == "archive is sound"
    shown = json.loads(cli("show", article_id(epochs, TWICE), "--versions", "--json", "--archive", str(epochs.b)))
    assert [v["version"] for v in shown["versions"]] == [3, 1, 2]
    exported = [json.loads(line) for line in cli("export", "--versions", "--archive", str(epochs.b)).splitlines()]
    assert [r["version"] for r in exported if r["article_id"] == article_id(epochs, TWICE)] == [3, 1, 2]
    diff = cli("diff", article_id(epochs, TWICE), "--archive", str(epochs.b))  # the last two in time: 1 and 2
    assert "(updated again)" in diff and f"{article_id(epochs, TWICE)} v1 title" in diff
