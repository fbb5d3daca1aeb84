"""Coverage reconciliation: listed or in a sitemap but never archived, no longer listed, one language only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from archive_items import (
    T0,
    TITLE,
    article_item,
    article_url,
    fetch_failure,
    gone_notice,
    listing_item,
    section_walked,
    sitemap_item,
    write_run,
)
from click.testing import CliRunner

from csto_crawler.archive.coverage import CoverageReport, coverage_report
from csto_crawler.archive.queries import ArchiveReader
from csto_crawler.cli import ExitCode, main

NEXT_DAY = T0 + dt.timedelta(days=1)


def seen(lang: str, *slugs: str) -> list[tuple[str, str, str | None]]:
    """Listing entries for these slugs, as a listing page shows them."""
    return [(article_url(lang, slug), f"{TITLE} {slug}", "10.02.2026") for slug in slugs]


def complete_archive(path: Path) -> None:
    """Every listed article archived, in both languages; the walk of each listing complete."""
    write_run(
        path,
        [
            listing_item("en", seen("en", "summit")),
            listing_item("ru", seen("ru", "summit")),
            article_item("summit", element_id="1"),
            article_item("summit", lang="ru", element_id="2"),
            section_walked("en"),
            section_walked("ru"),
        ],
    )


def gapped_archive(path: Path) -> None:
    """Run 1 lists and archives; run 2 walks the en listing again without ``talks`` and finds more."""
    write_run(
        path,
        [
            listing_item("en", seen("en", "summit", "talks", "broken")),
            fetch_failure(article_url("en", "broken"), error="HTTP 500"),
            article_item("summit", element_id="1", published="2026-02-01"),
            article_item("talks", element_id="2", paired_url=article_url("ru", "peregovory")),
            article_item("solo", element_id="3", published="2026-02-05"),
            article_item("summit", lang="ru", element_id="11"),
            article_item("tolko-ru", lang="ru", element_id="12"),
            article_item("removed", element_id="4"),
            section_walked("en"),
        ],
    )
    write_run(path, [gone_notice(article_url("en", "removed"))])
    write_run(
        path,
        [
            listing_item("en", seen("en", "summit", "broken"), at=NEXT_DAY),
            section_walked("en"),
            sitemap_item("en", {article_url("en", "summit"): None, article_url("en", "sitemap-only"): "2026-02-12"}),
        ],
    )


def report_of(path: Path) -> CoverageReport:
    reader = ArchiveReader.open(path)
    try:
        return coverage_report(reader)
    finally:
        reader.close()


@pytest.fixture
def gapped(tmp_path: Path) -> Path:
    path = tmp_path / "gapped.sqlite"
    gapped_archive(path)
    return path


@pytest.fixture
def complete(tmp_path: Path) -> Path:
    path = tmp_path / "complete.sqlite"
    complete_archive(path)
    return path


def test_coverage_report_listed_but_never_archived_with_its_error(gapped: Path) -> None:
    rows = report_of(gapped).listed_not_archived
    assert [(r["url"], r["lang"], r["error"], r["last_listed"]) for r in rows] == [
        (article_url("en", "broken"), "en", "HTTP 500", NEXT_DAY.isoformat())
    ]


def test_coverage_report_in_sitemap_but_never_archived(gapped: Path) -> None:
    rows = report_of(gapped).in_sitemap_not_archived
    assert [(r["url"], r["lastmod"]) for r in rows] == [(article_url("en", "sitemap-only"), "2026-02-12")]


def test_coverage_report_no_longer_listed_after_a_later_complete_walk(gapped: Path) -> None:
    rows = report_of(gapped).no_longer_listed
    assert [(r["id"], r["last_listed_run"], r["last_walk_run"]) for r in rows] == [("en-2", 1, 3)]


def test_coverage_report_not_listed_without_a_later_walk_is_no_gap(tmp_path: Path) -> None:
    path = tmp_path / "incremental.sqlite"
    write_run(path, [listing_item("en", seen("en", "talks")), article_item("talks"), section_walked("en")])
    write_run(path, [listing_item("en", seen("en", "newer"), at=NEXT_DAY), article_item("newer", element_id="5")])
    assert report_of(path).no_longer_listed == []  # run 2 stopped early: it never walked past page 1


def test_coverage_report_counts_live_articles_in_one_language_only(gapped: Path) -> None:
    report = report_of(gapped)
    # en: solo (talks has a counterpart URL, summit a same-slug twin, removed is gone); ru: tolko-ru.
    assert report.one_language_only == {"en": 1, "ru": 1}
    assert report.never_listed == 4  # solo, removed, and both Russian articles


def test_coverage_report_longest_stretch_without_articles(gapped: Path) -> None:
    stretches = report_of(gapped).empty_stretches["en"]  # en published 02-01, 02-05 and 02-10
    assert stretches == [("2026-02-05", "2026-02-10", 4), ("2026-02-01", "2026-02-05", 3)]


def test_coverage_report_complete_archive_has_no_gaps(complete: Path) -> None:
    report = report_of(complete)
    assert (report.gaps, report.one_language_only, report.never_listed) == (0, {}, 0)


def test_cli_coverage_with_gaps_exits_7(gapped: Path) -> None:
    result = CliRunner().invoke(main, ["coverage", "--archive", str(gapped)])
    assert result.exit_code == ExitCode.GAPS
    assert "listed but never archived: 1" in result.stdout
    assert "archived, live, but no longer listed: 1" in result.stdout
    assert "3 gap(s)" in result.stderr
    assert "no gaps" not in result.stdout


def test_cli_coverage_without_gaps_exits_0(complete: Path) -> None:
    result = CliRunner().invoke(main, ["coverage", "--archive", str(complete)])
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.splitlines()[-1] == "no gaps"
