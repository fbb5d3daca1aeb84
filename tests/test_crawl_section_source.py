"""A source other than the CSTO walked by its sections (``walk = "sections"`` is data): the spider
walks the demo site's Bitrix sections for a source named ``ministry`` exactly as it walks the CSTO's,
and every item, ID and sitemap judgement is that source's. ``scrapy crawl news`` in a subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from csto_crawler.demo import DEMO_CRAWL_SETTINGS, DemoSite
from csto_crawler.settings import CSTO_SECTIONS

CRAWL_TIMEOUT = 120


def crawl(archive: Path, sources: list[dict[str, object]]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-s", f"CSTO_ARCHIVE_PATH={archive}"]
    command += ["-s", f"CSTO_SOURCES={json.dumps(sources)}"]
    for name, value in {**DEMO_CRAWL_SETTINGS, "LOG_LEVEL": "INFO"}.items():
        command += ["-s", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "csto_crawler.settings"}
    return subprocess.run(
        command, cwd=archive.parent, env=env, capture_output=True, text=True, timeout=CRAWL_TIMEOUT, check=False
    )


def test_a_source_named_otherwise_is_walked_by_its_declared_sections(tmp_path: Path) -> None:
    archive = tmp_path / "ministry.sqlite"
    with DemoSite() as site:
        ministry = {
            "name": "ministry",
            "home": site.base_urls["en"] + "/",
            "walk": "sections",
            "sections": list(CSTO_SECTIONS),
            "sitemaps": ["/sitemap.xml"],
            "languages": {lang: base + "/" for lang, base in site.base_urls.items()},
            "url_ids": False,
        }
        result = crawl(archive, [ministry])
        expected = {site.url(lang, a.path) for lang in ("en", "ru") for a in site.articles(lang)}
    assert result.returncode == 0, result.stderr[-2000:]
    with closing(sqlite3.connect(archive)) as db:
        found = db.execute("SELECT url, source, id, lang FROM articles").fetchall()
        sources = {name for (name,) in db.execute("SELECT name FROM sources")}
        walked = {section for (section,) in db.execute("SELECT DISTINCT section FROM section_walks")}
    assert {url for url, *_ in found} == expected
    assert {source for _, source, _, _ in found} == {"ministry"}
    # IDs in the source's scope: its name and language, then the page's element ID or the URL digest.
    assert all(aid.startswith(f"ministry-{lang}-") for _, _, aid, lang in found)
    assert "ministry" in sources
    # Found by its section walk (listings to their last page), not by discovery.
    assert walked and walked <= set(CSTO_SECTIONS)
