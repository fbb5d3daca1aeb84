"""SitemapLedger: which languages' sitemaps were all read, tested without a crawl."""

from __future__ import annotations

from csto_crawler.sitemap_ledger import SitemapLedger

ROOT = "https://en.odkb-csto.org/sitemap.xml"
CHILD = "https://en.odkb-csto.org/sitemap_iblock_3.xml"


def ledger() -> SitemapLedger:
    found = SitemapLedger()
    found.roots.add(ROOT)
    return found


def test_a_language_whose_every_file_was_read_is_complete() -> None:
    found = ledger()
    found.file_read("en")
    assert (found.complete(["en", "ru"]), found.unread(["en", "ru"])) == (["en"], ["ru"])


def test_a_failed_file_leaves_the_language_unread() -> None:
    found = ledger()
    found.file_read("en")
    found.file_failed("en")
    assert (found.complete(["en"]), found.unread(["en"])) == ([], ["en"])
    assert found.why_incomplete("en", enabled=True).startswith("a sitemap file failed")


def test_a_file_the_index_lists_that_answers_404_leaves_the_language_unread() -> None:
    found = ledger()
    found.file_read("en")
    found.file_missing("en", CHILD)
    assert found.unread(["en"]) == ["en"]
    assert found.why_incomplete("en", enabled=True) == "a sitemap file its index lists answered 404"


def test_a_configured_path_that_answers_404_is_no_sitemap_not_a_missing_file() -> None:
    found = ledger()
    found.file_missing("en", ROOT)
    assert found.missing == set()
    assert found.unread(["en"]) == ["en"]  # nothing was read either
    assert found.why_incomplete("en", enabled=True) == "no sitemap was found"
    assert found.why_incomplete("en", enabled=False) == "sitemaps are off in this run"
