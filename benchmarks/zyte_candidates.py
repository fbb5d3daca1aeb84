"""One candidate extractor over every HTML response of a WARC: JSON lines ``{url, body_text}`` on stdout.

Run as a child process by ``zyte.py`` so that its start-up counts, as ``csto extract``'s does.

  python benchmarks/zyte_candidates.py trafilatura pages.warc.gz
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator

from warcio.archiveiterator import ArchiveIterator


def pages(path: str) -> Iterator[tuple[str, str]]:
    with open(path, "rb") as stream:  # noqa: PTH123  a plain script
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                url = record.rec_headers.get_header("WARC-Target-URI")
                yield url, record.content_stream().read().decode("utf-8", errors="replace")


def extractor(name: str) -> Callable[[str], str]:
    if name.startswith("trafilatura"):
        import trafilatura

        fast = name == "trafilatura-fast"
        # As the benchmark's own extractors/run_trafilatura.py calls it (comments excluded).
        return lambda html: trafilatura.extract(html, include_comments=False, fast=fast) or ""
    if name == "readability":
        import lxml.html
        from readability import Document

        return lambda html: lxml.html.fromstring(Document(html).summary(html_partial=True)).text_content()
    if name == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        return lambda html: extract_plain_text(HTMLTree.parse(html), main_content=True)
    raise SystemExit(f"unknown extractor {name}")


def main() -> None:
    extract = extractor(sys.argv[1])
    for url, html in pages(sys.argv[2]):
        try:
            body = extract(html)
        except Exception:  # noqa: BLE001  a candidate failing on a page scores nothing for it
            body = ""
        print(json.dumps({"url": url, "body_text": body}, ensure_ascii=False))


if __name__ == "__main__":
    main()
