"""Security: no remote-control surface, only the configured hosts, robots.txt obeyed end to end.

Other security tests live with their modules: hostile sitemaps (entity expansion, external entities)
in test_pages_sitemap.py, SQL/FTS syntax in search queries in test_archive_search.py, the host
allow-list in test_middlewares.py, redirects to another host in test_crawl_faults.py, attachment
names that try to leave their folder in test_filenames.py and test_cli_files.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from demo_crawls import Crawl, crawl
from scrapy.utils.test import get_crawler

from csto_crawler import settings as project_settings
from csto_crawler.demo import DemoSite
from csto_crawler.spiders.news import NewsSpider

# Extensions that would open a code-execution or remote-control surface.
REMOTE_EXTENSIONS = ("TelnetConsole", "RemoteControl")
# robots.txt of the demo site disallows these; the crawl must never ask for them.
ROBOTS_DISALLOWED = ("/bitrix/", "/search/", "/auth/", "/personal/")
# An extra rule the test adds to robots.txt: it covers an article the /training/ listing links to,
# which the crawler's own URL filters would otherwise fetch.
EXTRA_DISALLOW = "/training/other/"


def test_settings_switch_off_telnet_and_remote_control() -> None:
    assert project_settings.TELNETCONSOLE_ENABLED is False
    assert project_settings.REMOTE_CONTROL_ENABLED is False
    assert project_settings.ROBOTSTXT_OBEY is True


def test_crawler_built_from_the_settings_enables_no_remote_extension() -> None:
    ours = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    crawler = get_crawler(NewsSpider, ours)  # our values override the ones get_crawler sets itself
    assert crawler.extensions is not None
    enabled = [type(extension).__name__ for extension in crawler.extensions.middlewares]
    assert "CoreStats" in enabled
    assert not set(enabled) & set(REMOTE_EXTENSIONS)


@dataclass
class RobotsCrawl:
    site: DemoSite
    run: Crawl


@pytest.fixture(scope="module")
def robots_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RobotsCrawl]:
    """An English crawl at INFO level; robots.txt gains a rule, a sitemap lists disallowed URLs."""
    with DemoSite() as site:
        robots = site.served("en", "/robots.txt").body
        site.override(
            "en",
            "/robots.txt",
            body=robots.replace(b"User-agent: *\n", f"User-agent: *\nDisallow: {EXTRA_DISALLOW}\n".encode(), 1),
        )
        sitemap = site.served("en", "/sitemap_iblock_7.xml").body
        listed = "".join(
            f"<url><loc>{site.url('en', target)}</loc></url>"
            for target in (
                "/bitrix/admin/index.php",
                "/search/index.php?q=ODKB",
                "/auth/?login=yes",
                "/personal/profile/",
                "/news/news_odkb/some-article/?print=Y",
                "/training/other/another-exercise/",
            )
        )
        site.override("en", "/sitemap_iblock_7.xml", body=sitemap.replace(b"</urlset>", listed.encode() + b"</urlset>"))
        archive = tmp_path_factory.mktemp("robots") / "csto.sqlite"
        run = crawl(site, archive, "--lang", "en", "--log-level", "DEBUG", settings={"CSTO_MAX_FAILURE_RATIO": "0.5"})
        yield RobotsCrawl(site, run)


def test_crawl_log_shows_no_remote_extension_enabled(robots_crawl: RobotsCrawl) -> None:
    log = robots_crawl.run.stderr
    assert robots_crawl.run.returncode == 0, log[-3000:]
    block = log.split("Enabled extensions:", 1)[1].split("]", 1)[0]
    assert "scrapy.extensions.corestats.CoreStats" in block
    for name in REMOTE_EXTENSIONS:
        assert name not in block
    assert "Telnet console listening" not in log


def test_crawl_asks_for_robots_txt_first(robots_crawl: RobotsCrawl) -> None:
    assert robots_crawl.run.paths("en")[0] == "/robots.txt"


def test_crawl_never_requests_what_robots_txt_disallows(robots_crawl: RobotsCrawl) -> None:
    paths = robots_crawl.run.paths("en")
    assert "/training/" in paths  # the listing linking to the disallowed article was read
    assert [p for p in paths if p.startswith((*ROBOTS_DISALLOWED, EXTRA_DISALLOW))] == []
    assert [p for p in paths if "print=Y" in p] == []


def test_crawl_only_talks_to_the_configured_site(robots_crawl: RobotsCrawl) -> None:
    assert {r.host for r in robots_crawl.run.requests} == {"en"}  # --lang en: not even the ru site
