"""DemoSite: the recorded demo site, its loopback server, overrides and request log (faults: the tests'
FaultySite); ``csto demo`` archives the real sites' URLs; its errors."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from demo_crawls import run_csto
from faulty_site import FaultKind, FaultySite
from warcio.archiveiterator import ArchiveIterator

from csto_crawler.cli import main
from csto_crawler.demo import (
    DEMO_BASES,
    DEMO_SITE_DIR,
    REAL_BASES,
    DemoSite,
    base_rewriter,
    load_mirrors,
    normalize_target,
)
from csto_crawler.replay import ReplayMap
from csto_crawler.settings import CSTO_SECTIONS

# Quirks of the replica (see its README) the demo site must show, so a crawl of it exercises them.
REQUIRED_QUIRKS = {"word_html", "br_paragraphs", "glued_date", "no_date_line", "video", "photo_credit", "interview"}
# Listings a crawl of the demo site walks (page 1 each; news/news_odkb also has page 2).
LISTED_SECTIONS = ("news/news_odkb", "news/smi", "documents/statements", "documents/documents", "authorized_organs")
LOC_RE = re.compile(r"<loc>([^<]+)</loc>")


@pytest.fixture(scope="module")
def site() -> Iterator[FaultySite]:
    with FaultySite() as demo:
        yield demo


@pytest.fixture(autouse=True)
def clean_site(site: FaultySite) -> Iterator[None]:
    site.clear_log()
    yield
    site.clear_overrides()


def get(
    site: DemoSite, lang: str, target: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection(urlsplit(site.base_urls[lang]).netloc, timeout=10)
    try:
        connection.request(method, target, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def first_article(site: DemoSite, lang: str, section_prefix: str, quirk: str | None = None) -> str:
    for article in site.articles(lang):
        if article.section.startswith(section_prefix) and (quirk is None or quirk in article.quirks):
            return article.path
    raise AssertionError(f"no {lang} {section_prefix} article with {quirk} in the demo site")


# --- the recording -------------------------------------------------------------------------------


def test_mirror_is_small_on_disk() -> None:
    size = sum(p.stat().st_size for p in DEMO_SITE_DIR.rglob("*") if p.is_file())
    assert size < 1_500_000


def test_mirror_holds_every_article_attachment_and_listing_page() -> None:
    for lang, mirror in load_mirrors().items():
        for article in mirror.articles:
            assert mirror.responses[normalize_target(article.path)].status == 200, article.path
            for attachment in article.attachments:
                assert mirror.responses[attachment.url].status == 200
        for target in ("/robots.txt", "/sitemap.xml", "/news/news_odkb/", "/news/news_odkb/?PAGEN_1=2"):
            assert mirror.responses[target].status == 200, (lang, target)
        for section in LISTED_SECTIONS:
            assert mirror.responses[f"/{section}/"].status == 200, (lang, section)


def test_mirror_covers_the_site_quirks() -> None:
    mirrors = load_mirrors()
    for lang, mirror in mirrors.items():
        assert {q for a in mirror.articles for q in a.quirks} >= REQUIRED_QUIRKS, lang
        assert any(a.signature for a in mirror.articles), lang
        assert any(a.subtitle for a in mirror.articles), lang
        assert any(a.attachments and a.section == "documents/statements" for a in mirror.articles), lang
        assert any(a.section == "documents/documents" for a in mirror.articles), lang
        assert sum(a.section == "news/news_odkb" for a in mirror.articles) > 10, lang  # two listing pages
    assert any(a.datetime and a.section.startswith("authorized_organs/") for a in mirrors["en"].articles)


# --- serving -------------------------------------------------------------------------------------


def test_demo_site_serves_ru_pages_in_windows_1251(site: DemoSite) -> None:
    article = site.articles("ru")[0]
    status, headers, body = get(site, "ru", article.path)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=windows-1251"
    assert article.title.split()[0] in body.decode("cp1251")


def test_demo_site_rewrites_base_urls_to_its_own_ports(site: DemoSite) -> None:
    _, _, robots = get(site, "en", "/robots.txt")
    assert f"Sitemap: {site.base_urls['en']}/sitemap.xml" in robots.decode()
    _, _, index = get(site, "ru", "/sitemap.xml")
    locs = LOC_RE.findall(index.decode())
    assert locs
    assert all(loc.startswith(site.base_urls["ru"] + "/") for loc in locs)
    _, _, page = get(site, "en", site.articles("en")[0].path)
    assert DEMO_BASES["ru"].encode() not in page
    assert site.base_urls["ru"].encode() in page  # the language switch points at the running ru site


def test_demo_site_answers_404_for_anything_not_recorded(site: DemoSite) -> None:
    missing = [s for s in CSTO_SECTIONS if f"/{s}/" not in site.mirrors["en"].responses]
    assert missing  # the demo site lacks some sections, as the real sites do
    for target in (f"/{missing[0]}/", "/news/news_odkb/no-such-article/", "/news/news_odkb/?PAGEN_1=99"):
        status, headers, body = get(site, "en", target)
        assert status == 404, target
        assert headers["Content-Type"].startswith("text/html")
        assert body


def test_demo_site_matches_encoded_and_literal_paths(site: DemoSite) -> None:
    encoded = next(a.path for a in site.articles("en") if "%20" in a.path)
    assert get(site, "en", encoded)[0] == 200
    assert site.served("en", encoded.replace("%20", " ")).status == 200
    assert site.served("en", encoded.replace("%20", "%2520")).status == 404


def test_demo_site_head_has_no_body(site: DemoSite) -> None:
    status, headers, body = get(site, "en", "/robots.txt", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["Content-Length"]) > 0


def test_demo_site_revalidates_attachments_by_etag(site: DemoSite) -> None:
    attachment = next(a for art in site.articles("en") for a in art.attachments)
    status, headers, body = get(site, "en", attachment.url)
    assert status == 200
    assert len(body) == attachment.size
    status, _, body = get(site, "en", attachment.url, headers={"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")


def test_demo_site_logs_every_request(site: DemoSite) -> None:
    get(site, "en", "/robots.txt")
    get(site, "ru", "/nowhere/?x=1", method="HEAD")
    assert [(r.host, r.method, r.path, r.status) for r in site.requests()] == [
        ("en", "GET", "/robots.txt", 200),
        ("ru", "HEAD", "/nowhere/?x=1", 404),
    ]
    assert [r.path for r in site.requests("ru")] == ["/nowhere/?x=1"]


# --- overrides -----------------------------------------------------------------------------------


def test_override_status_deletes_an_article(site: DemoSite) -> None:
    path = first_article(site, "en", "news/")
    site.override("en", path, status=404)
    status, _, body = get(site, "en", path)
    assert status == 404
    assert body == site.served("en", "/no-such-page/").body
    site.clear_override("en", path)
    assert get(site, "en", path)[0] == 200


def test_override_body_serves_an_edited_article(site: DemoSite) -> None:
    path = first_article(site, "ru", "news/")
    original = site.served("ru", path)
    edited = original.body.replace(b"</h1>", " (дополнено)</h1>".encode("cp1251"), 1)
    site.override("ru", path, body=edited)
    status, headers, body = get(site, "ru", path)
    assert (status, body) == (200, edited)
    assert headers["Content-Type"] == original.content_type
    site.clear_overrides()
    assert get(site, "ru", path)[2] == original.body


def test_override_adds_a_page_that_was_not_recorded(site: DemoSite) -> None:
    site.override("en", "/news/news_odkb/?PAGEN_1=3", status=200, body=b"<html></html>", content_type="text/html")
    status, _, body = get(site, "en", "/news/news_odkb/?PAGEN_1=3")
    assert (status, body) == (200, b"<html></html>")


# --- pieces --------------------------------------------------------------------------------------


def test_base_rewriter_rewrites_in_one_pass() -> None:
    # en moves to ru's old port: ru's old base must not be rewritten twice.
    rewrite = base_rewriter(DEMO_BASES, {"en": "http://127.0.0.1:8802", "ru": "http://127.0.0.1:9000"})
    body = b'<a href="http://127.0.0.1:8801/x/">en</a> <a href="http://127.0.0.1:8802/y/">ru</a> :88010'
    assert rewrite(body) == (
        b'<a href="http://127.0.0.1:8802/x/">en</a> <a href="http://127.0.0.1:9000/y/">ru</a> :88010'
    )
    assert rewrite(b"u=http%3A%2F%2F127.0.0.1%3A8801%2Fx") == b"u=http%3A%2F%2F127.0.0.1%3A8802%2Fx"


def test_normalize_target_keeps_the_query() -> None:
    assert normalize_target("/del ODKB/?PAGEN_1=2") == "/del%20ODKB/?PAGEN_1=2"
    assert normalize_target("/del%20ODKB/") == "/del%20ODKB/"


def busy_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def test_demo_site_refuses_a_busy_port_and_binds_nothing() -> None:
    with busy_port() as sock:
        port = sock.getsockname()[1]
        site = DemoSite(ports={"en": 0, "ru": port})
        with pytest.raises(OSError):
            site.start()
        assert site._servers == {}


def test_cli_demo_busy_port_is_one_line_and_exit_code_3(tmp_path: Path) -> None:
    with busy_port() as sock:
        port = sock.getsockname()[1]
        result = CliRunner().invoke(main, ["demo", "--port", str(port), "--archive", f"{tmp_path}/d.sqlite"])
    assert result.exit_code == 3
    assert "try --port 0" in result.output
    assert "Traceback" not in result.output


# --- faults --------------------------------------------------------------------------------------


def test_fault_fails_the_next_requests_then_serves_normally(site: FaultySite) -> None:
    path = first_article(site, "en", "news/")
    site.fault("en", path, FaultKind.ERROR_503, times=2)
    assert [get(site, "en", path)[0] for _ in range(3)] == [503, 503, 200]
    assert [(r.status, r.fault) for r in site.requests("en")] == [
        (503, FaultKind.ERROR_503),
        (503, FaultKind.ERROR_503),
        (200, None),
    ]


def test_fault_429_asks_to_retry_after(site: FaultySite) -> None:
    site.fault("en", "/robots.txt", "429", retry_after=7)
    status, headers, _ = get(site, "en", "/robots.txt")
    assert (status, headers["Retry-After"]) == (429, "7")


def test_fault_dead_fails_until_cleared(site: FaultySite) -> None:
    site.fault("ru", "/robots.txt", FaultKind.DEAD, times=1)
    assert [get(site, "ru", "/robots.txt")[0] for _ in range(3)] == [500, 500, 500]
    site.clear_fault("ru", "/robots.txt")
    assert get(site, "ru", "/robots.txt")[0] == 200


def test_fault_reset_aborts_the_connection(site: FaultySite) -> None:
    site.fault("en", "/robots.txt", FaultKind.RESET)
    with pytest.raises(ConnectionResetError):
        get(site, "en", "/robots.txt")
    assert [(r.status, r.fault) for r in site.requests("en")] == [(0, FaultKind.RESET)]
    assert get(site, "en", "/robots.txt")[0] == 200  # the server keeps serving


def test_fault_truncate_sends_half_the_announced_body(site: FaultySite) -> None:
    path = first_article(site, "en", "news/")
    size = len(site.served("en", path).body)
    site.fault("en", path, FaultKind.TRUNCATE)
    with pytest.raises(http.client.IncompleteRead) as cut:
        get(site, "en", path)
    assert (len(cut.value.partial), cut.value.expected) == (size // 2, size - size // 2)


def test_fault_slow_answers_after_the_delay(site: FaultySite) -> None:
    site.fault("en", "/robots.txt", FaultKind.SLOW, delay=0.3)
    started = time.monotonic()
    assert get(site, "en", "/robots.txt")[0] == 200
    assert time.monotonic() - started >= 0.3


def test_clear_overrides_disarms_faults(site: FaultySite) -> None:
    site.fault("en", "/robots.txt", FaultKind.ERROR_500, times=5)
    site.clear_overrides()
    assert get(site, "en", "/robots.txt")[0] == 200


# --- csto demo archives the real sites' URLs -----------------------------------------------------


def test_demo_site_links_to_the_real_sites_when_asked() -> None:
    with DemoSite(links_to=REAL_BASES) as site:
        _, _, robots = get(site, "en", "/robots.txt")
        _, _, page = get(site, "en", site.articles("en")[0].path)
    assert f"Sitemap: {REAL_BASES['en']}/sitemap.xml" in robots.decode()
    assert b"127.0.0.1" not in page and REAL_BASES["ru"].encode() in page


def test_cli_demo_archives_exports_and_writes_warc_under_the_real_urls(tmp_path: Path) -> None:
    archive = tmp_path / "demo.sqlite"
    demo = run_csto("demo", "--archive", str(archive), "--port", "0", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr[-3000:]
    exported = run_csto("export", "--archive", str(archive), "-o", "demo.jsonl", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in (tmp_path / "demo.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == sum(len(mirror.articles) for mirror in load_mirrors().values())
    assert all(urlsplit(row["url"]).netloc in {"en.odkb-csto.org", "odkb-csto.org"} for row in rows)
    assert "127.0.0.1" not in (tmp_path / "demo.jsonl").read_text(encoding="utf-8")  # links, attachments too
    warc = run_csto("warc", "export", "--archive", str(archive), "-o", "demo.warc.gz", cwd=tmp_path)
    assert warc.returncode == 0, warc.stderr
    with (tmp_path / "demo.warc.gz").open("rb") as fh:
        targets = {r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh) if r.rec_type == "response"}
    # What the README's pywb example looks up: http://localhost:8080/csto/*/en.odkb-csto.org/*
    assert {urlsplit(t).netloc for t in targets} == {"en.odkb-csto.org", "odkb-csto.org"}


def test_replay_map_goes_both_ways_for_replayed_origins_only() -> None:
    origins = ReplayMap({REAL_BASES["en"]: "http://127.0.0.1:18811"})
    assert origins.replay_url("https://EN.odkb-csto.org/news/?PAGEN_1=2") == "http://127.0.0.1:18811/news/?PAGEN_1=2"
    assert origins.replay_url("https://odkb-csto.org/news/") is None  # fetched as it is
    # A redirect's Location from the replay is given back under the real origin.
    assert origins.real_url("http://127.0.0.1:18811/news/?PAGEN_1=2") == REAL_BASES["en"] + "/news/?PAGEN_1=2"
    assert origins.real_url("http://127.0.0.1:18812/news/") == "http://127.0.0.1:18812/news/"
