"""The baseline: a bare Scrapy spider that fetches a given list of URLs and discards every response.

It is what a user would otherwise write: Scrapy's defaults plus the same concurrency, politeness off,
robots.txt obeyed (as our crawl does), cookies off (as ours). Redirects are not followed because the
URL list already holds every request our crawl made, redirect targets included.

Example:
  python benchmarks/bare_spider.py --urls urls.txt --log-file bare.log
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from measure import FAST_SETTINGS
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls_file: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = Path(urls_file).read_text(encoding="utf-8").split()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            # Every status reaches the callback (and is dropped there); duplicates are fetched as listed.
            yield scrapy.Request(
                url,
                callback=self.discard,
                dont_filter=True,
                meta={"dont_redirect": True, "handle_httpstatus_all": True},
            )

    def discard(self, response: Response) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", required=True, help="file with one URL per line")
    parser.add_argument("--log-file", required=True, help="Scrapy log (its final stats dump is read)")
    args = parser.parse_args()
    settings = {
        **FAST_SETTINGS,
        "ROBOTSTXT_OBEY": True,
        "COOKIES_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "LOG_FILE": args.log_file,
    }
    process = CrawlerProcess(settings)
    process.crawl(BareSpider, urls_file=args.urls)
    process.start()


if __name__ == "__main__":
    main()
