"""Regenerate the bundled demo site (csto_crawler/demo_site/) from the replica in ../shared/replica.

The demo site is a recording of every response one crawl of a small replica corpus needs, so
``csto demo`` and the end-to-end tests run offline, without the replica checkout. It is a golden
file: change it only by running this script on purpose, and review the diff of the two JSON indexes.

Usage, from the repository root::

    /work/venv/bin/python scripts/build_demo_site.py                  # replica at ../shared/replica
    /work/venv/bin/python scripts/build_demo_site.py --replica PATH

Steps:

1. Pick ``DEMO_ARTICLES`` from the replica's ``corpus/public.json`` and write them to
   ``scripts/demo_corpus.json`` (replica corpus format).
2. Start the replica on two free ports with that corpus; dump its gold.
3. Fetch, for each language: robots.txt, the sitemap index and every child sitemap, page 1 to N of
   every listing in ``CSTO_SECTIONS`` (a section the site lacks answers 404 and is not recorded: the
   demo server answers 404 for anything it does not hold), every article and every attachment.
4. Write ``demo_site/<lang>.json`` (request target -> status, content type, headers, body name; plus
   the expected articles from the gold) and ``demo_site/bodies.tar.xz`` (bodies named by sha256).

The build ports are replaced by the replica's default ports (8801 en, 8802 ru) in every text body,
so the output does not depend on which free ports were used; ``DemoSite`` rewrites them to its own
ports at serve time. The output is byte-identical from one run to the next.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import json
import logging
import lzma
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from csto_crawler.demo import DEMO_BASES, DEMO_SITE_DIR, base_rewriter, is_text
from csto_crawler.settings import CSTO_SECTIONS

logger = logging.getLogger("build_demo_site")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REPLICA = ROOT.parent / "shared" / "replica"
CORPUS_OUT = ROOT / "scripts" / "demo_corpus.json"

# (lang, Bitrix element ID) of the corpus items in the demo site, and why each is there. Most are
# en/ru pairs, so the language switch links an article to its counterpart.
DEMO_ARTICLES: list[tuple[str, int, str]] = [
    # news/news_odkb: 11 per language, so the listing has a second page.
    ("en", 5308, "word_html, underscore slug (before 2019-03)"),
    ("en", 7081, "video"),
    ("en", 7454, "no_date_line, interview, subtitle"),
    ("en", 8016, "br_paragraphs"),
    ("en", 10535, "glued_date"),
    ("en", 10627, "signature"),
    ("en", 12962, "br_paragraphs"),
    ("en", 13335, "no_date_line, signature"),
    ("en", 17535, "interview, subtitle"),
    ("en", 20146, "video, photo_credit"),
    ("en", 22200, "word_html, br_paragraphs"),
    ("en", 13146, "news/smi: photo_credit, ru_dateline_in_en"),
    ("en", 21546, "news/smi: no_date_line"),
    ("en", 13800, "documents/statements: attachment"),
    ("en", 14454, "documents/statements: attachment, slug with a space"),
    ("en", 4281, "documents/documents: body_html (lists, table, script noise)"),
    ("en", 7827, "authorized_organs/secretariat: MM/DD/YYYY HH:MM:SS listing date, glued_date"),
    ("en", 8573, "authorized_organs/permanent_council: signature, no 'Go back' link (2019)"),
    ("en", 5681, "authorized_organs/secretariat: no_date_line, no counterpart"),
    ("en", 12589, "training/other: glued_date"),
    ("ru", 31681, "word_html"),
    ("ru", 33454, "video"),
    ("ru", 33827, "no_date_line, interview, subtitle"),
    ("ru", 34481, "br_paragraphs"),
    ("ru", 37000, "glued_date"),
    ("ru", 37189, "signature"),
    ("ru", 39054, "br_paragraphs"),
    ("ru", 39427, "no_date_line, signature"),
    ("ru", 43627, "interview, subtitle"),
    ("ru", 46519, "video, photo_credit"),
    ("ru", 48292, "word_html, br_paragraphs"),
    ("ru", 39335, "news/smi"),
    ("ru", 47546, "news/smi: no_date_line"),
    ("ru", 39989, "documents/statements: attachment"),
    ("ru", 40454, "documents/statements: attachment, slug with a space"),
    ("ru", 30470, "documents/documents: body_html, attachment"),
    ("ru", 34389, "authorized_organs/secretariat: glued_date"),
    ("ru", 35227, "authorized_organs/permanent_council: signature"),
    ("ru", 38773, "training/other: glued_date"),
]

# Response headers worth replaying; Date, Server, Content-Length and Connection are the server's own.
KEPT_HEADERS = ("etag", "last-modified", "location", "x-powered-cms")
PAGEN_RE = re.compile(r"PAGEN_1=(\d+)")  # href="/news/news_odkb/?PAGEN_1=2"
LOC_RE = re.compile(r"<loc>([^<]+)</loc>")  # <loc>http://127.0.0.1:8801/sitemap_iblock_1.xml</loc>
GOLD_FIELDS = ("id", "path", "section", "title", "subtitle", "date", "datetime", "pair", "quirks", "signature", "body")


def write_corpus(replica: Path) -> None:
    public = json.loads((replica / "corpus" / "public.json").read_text(encoding="utf-8"))
    by_key = {(a["lang"], a["id"]): a for a in public["articles"]}
    articles = [by_key[(lang, element_id)] for lang, element_id, _ in DEMO_ARTICLES]
    corpus = {"version": 1, "epoch1_date": public["epoch1_date"], "articles": articles}
    CORPUS_OUT.write_text(json.dumps(corpus, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def start_replica(replica: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    command = [sys.executable, str(replica / "serve.py"), "--corpus", str(CORPUS_OUT), "--en-port", "0"]
    process = subprocess.Popen([*command, "--ru-port", "0"], stdout=subprocess.PIPE, text=True)  # noqa: S603
    bases: dict[str, str] = {}
    for line in process.stdout or ():
        if line.strip() == "ready":
            return process, bases
        lang, _, url = line.strip().partition(" ")
        bases[lang] = url
    raise RuntimeError("the replica stopped before it was ready")


def dump_gold(replica: Path) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold.jsonl"
        command = [sys.executable, str(replica / "serve.py"), "--corpus", str(CORPUS_OUT), "--dump-gold", str(gold)]
        subprocess.run(command, check=True)  # noqa: S603
        return [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]


class Recorder:
    """Fetches targets from one replica site and keeps the responses, bodies normalised to DEMO_BASES."""

    def __init__(self, lang: str, base: str, build_bases: dict[str, str], bodies: dict[str, bytes]) -> None:
        self.lang, self.bodies = lang, bodies
        self.rewrite = base_rewriter(build_bases, DEMO_BASES)
        self.netloc = urlsplit(base).netloc
        self.responses: dict[str, dict[str, Any]] = {}

    def fetch(self, target: str) -> tuple[dict[str, Any], bytes]:
        """GET one target: its index record and its (normalised) body."""
        connection = http.client.HTTPConnection(self.netloc, timeout=30)
        try:
            connection.request("GET", target)
            response = connection.getresponse()
            body, status = response.read(), response.status
            content_type = response.getheader("Content-Type", "application/octet-stream")
            headers = {k: v for k, v in response.getheaders() if k.lower() in KEPT_HEADERS}
        finally:
            connection.close()
        if is_text(content_type):
            body = self.rewrite(body)
        sha256 = hashlib.sha256(body).hexdigest()
        self.bodies[sha256] = body
        return {"status": status, "content_type": content_type, "headers": headers, "body": sha256}, body

    def keep(self, target: str) -> bytes:
        """Fetch a target that must exist and record it."""
        record, body = self.fetch(target)
        if record["status"] != 200:
            raise RuntimeError(f"{self.lang} {target}: HTTP {record['status']}")
        self.responses[target] = record
        return body

    def keep_listing(self, section: str) -> None:
        """Record every page of a section listing; a section the site lacks (404) is left out."""
        record, body = self.fetch(f"/{section}/")
        if record["status"] == 404:
            logger.info("%s: no listing %s", self.lang, section)
            return
        self.responses[f"/{section}/"] = record
        pages = [int(n) for n in PAGEN_RE.findall(body.decode("latin-1"))]
        for page in range(2, max(pages, default=1) + 1):
            self.keep(f"/{section}/?PAGEN_1={page}")

    def keep_sitemaps(self) -> None:
        index = self.keep("/sitemap.xml").decode("utf-8")
        for loc in LOC_RE.findall(index):
            self.keep(urlsplit(loc).path)

    def not_found(self) -> dict[str, Any]:
        record, _ = self.fetch("/csto-demo/no-such-page/")
        if record["status"] != 404:
            raise RuntimeError(f"{self.lang}: expected a 404 page, got HTTP {record['status']}")
        return record


def record_site(lang: str, bases: dict[str, str], gold: list[dict[str, Any]], bodies: dict[str, bytes]) -> Any:
    recorder = Recorder(lang, bases[lang], bases, bodies)
    recorder.keep("/robots.txt")
    recorder.keep_sitemaps()
    for section in CSTO_SECTIONS:
        recorder.keep_listing(section)
    articles = [g for g in gold if g["lang"] == lang]
    for article in articles:
        recorder.keep(article["path"])
        for attachment in article["attachments"]:
            recorder.keep(attachment["url"])
    return {
        "lang": lang,
        "base": DEMO_BASES[lang],
        "not_found": recorder.not_found(),
        "responses": dict(sorted(recorder.responses.items())),
        "articles": [expected_article(g) for g in articles],
    }


def expected_article(gold: dict[str, Any]) -> dict[str, Any]:
    """What the archive should hold for one article (the replica's gold, trimmed)."""
    record = {key: gold[key] for key in GOLD_FIELDS}
    record["attachments"] = [{k: a[k] for k in ("url", "filename", "sha256", "size")} for a in gold["attachments"]]
    return record


def write_bodies(bodies: dict[str, bytes], path: Path) -> None:
    """One xz-compressed tar of every body: pages share their chrome, so one stream compresses best."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(bodies):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(bodies[name]), 0, 0o644
            tar.addfile(info, io.BytesIO(bodies[name]))
    path.write_bytes(lzma.compress(raw.getvalue(), preset=9 | lzma.PRESET_EXTREME))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replica", type=Path, default=DEFAULT_REPLICA, help="replica checkout")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    write_corpus(args.replica)
    gold = dump_gold(args.replica)
    process, bases = start_replica(args.replica)
    bodies: dict[str, bytes] = {}
    try:
        sites = {lang: record_site(lang, bases, gold, bodies) for lang in ("en", "ru")}
    finally:
        process.terminate()
        process.wait(timeout=10)
    DEMO_SITE_DIR.mkdir(exist_ok=True)
    for lang, site in sites.items():
        text = json.dumps(site, ensure_ascii=False, indent=1) + "\n"
        (DEMO_SITE_DIR / f"{lang}.json").write_text(text, encoding="utf-8")
        logger.info("%s: %d responses, %d articles", lang, len(site["responses"]), len(site["articles"]))
    write_bodies(bodies, DEMO_SITE_DIR / "bodies.tar.xz")
    logger.info("%d bodies, %d bytes raw", len(bodies), sum(map(len, bodies.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
