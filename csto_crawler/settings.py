"""Scrapy settings for csto-crawler: the only configuration system (``CSTO_*`` are ours).

Defaults are polite settings for the live sites. Override any of them with ``csto crawl -s NAME=VALUE``
(or ``scrapy crawl news -s NAME=VALUE``); docs/settings.md describes each ``CSTO_*`` setting.
"""

BOT_NAME = "csto_crawler"
SPIDER_MODULES = ["csto_crawler.spiders"]
NEWSPIDER_MODULE = "csto_crawler.spiders"

# --- what to crawl ---------------------------------------------------------------------------

# Language -> base URL. ``www.`` and http/https variants of these hosts are aliases of the same site.
CSTO_SITES = {"en": "https://en.odkb-csto.org", "ru": "https://odkb-csto.org"}
# The languages of the section-walked source crawled (``csto crawl --lang en`` narrows them); empty: all.
CSTO_LANGS: list[str] = []
# The sources crawled in this run, as tables with a ``name`` (sources.config.sources_setting; the
# fields of examples/*.toml). Empty: the default source, the CSTO's sites above. ``csto crawl`` fills
# it from the archive's sources (``--source NAME`` picks some).
CSTO_SOURCES: list[dict[str, object]] = []
# Listing sections walked newest first through ?PAGEN_1=N. A parent listing (authorized_organs,
# session, training) lists the articles of all its subsections, so new subsections are not missed.
CSTO_SECTIONS = [
    "news/news_odkb",
    "news/smi",
    "documents/statements",
    "documents/documents",
    "authorized_organs",
    "session",
    "training",
    "75-letie-pobedy/novosti",
    "25years/news",
]
# A listing walk asks for at most this many pages: /news/ of the whole site is about 4,000; a
# pager claiming ?PAGEN_1=100000000 (a broken or hostile page) is walked only this far.
CSTO_MAX_LISTING_PAGES = 10_000
# Sitemaps fill gaps in the listings (articles in sections we do not walk) and give <lastmod>.
CSTO_USE_SITEMAP = True
CSTO_SITEMAP_PATHS = ["/sitemap.xml"]
# Child sitemaps fetched per language in one run (files unchanged since a finished run are not
# fetched and do not count). The sites have about twenty; an index of 50,000 would take 21 hours
# at the polite delay. Past it, a warning, the rest wait for later runs, and that run marks no
# article gone for absence from the sitemaps.
CSTO_MAX_SITEMAP_FILES = 1_000
# Download attachment files (docx/pdf) into the archive, content-addressed.
CSTO_FETCH_ATTACHMENTS = True
# Attachments' text (csto_crawler/attachment_text/limits.py): each file is read in a child process
# killed after CSTO_ATTACHMENT_SECONDS (status timeout) and refused past CSTO_ATTACHMENT_MEMORY_MB
# of memory it adds (too_large); the readers' own caps refuse hostile files long before.
CSTO_ATTACHMENT_SECONDS = 60.0
CSTO_ATTACHMENT_MEMORY_MB = 1024
# Files over this are not read (DOWNLOAD_MAXSIZE refuses larger downloads anyway).
CSTO_ATTACHMENT_MAX_FILE_BYTES = 100 * 1024 * 1024
# XML a Word, Excel or OpenDocument package may unpack to, counted as it streams (headers lie).
CSTO_ATTACHMENT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# XML elements a package may hold (python-docx keeps them all as a tree, ~150 bytes each, and
# reads ~30,000 paragraphs a second).
CSTO_ATTACHMENT_MAX_XML_ELEMENTS = 500_000
# Workbook cells read (empty ones included); the rest is left out, noted in the reason.
CSTO_ATTACHMENT_MAX_CELLS = 1_000_000
# RTF groups nested deeper than this are refused (real documents nest a dozen deep).
CSTO_ATTACHMENT_MAX_RTF_DEPTH = 1_000
# Pages of a PDF read (a PDF also stops turning pages at half of CSTO_ATTACHMENT_SECONDS).
CSTO_ATTACHMENT_MAX_PDF_PAGES = 2_000
# Characters of text kept per file; the rest is cut, noted in the reason.
CSTO_ATTACHMENT_MAX_TEXT_CHARS = 5_000_000
# Timezone the site's times are in; date-only values stay calendar dates.
CSTO_SITE_TIMEZONE = "Europe/Moscow"

# Drift alarm (csto_crawler/quality.py): a run where more than this share of a language's or a
# section's article (or listing) pages read doubtfully (no body, no date, a title the listing does
# not show, ...) exits with code 8 and names the fields; doubtful pages are held, never archived.
CSTO_MAX_DOUBTFUL_SHARE = 0.2
# ... counted only where a run read at least this many pages (one odd page is not a redesign).
CSTO_DRIFT_MIN_PAGES = 5

# --- where it goes ----------------------------------------------------------------------------

CSTO_ARCHIVE_PATH = "archive/csto.sqlite"
# Items written per transaction, and the longest a written item waits in memory (seconds).
CSTO_WRITE_BATCH_SIZE = 100
CSTO_WRITE_BATCH_SECONDS = 2.0
# A progress line (pages fetched, queued, failed, outcomes so far) this often, when stderr is a terminal.
CSTO_PROGRESS_SECONDS = 3.0
EXTENSIONS = {"csto_crawler.progress.TerminalProgress": 500}

# A crawl whose failed URLs exceed this share of the pages fetched exits with code 4.
CSTO_MAX_FAILURE_RATIO = 0.02
# Set by `csto crawl --full`: walk every listing to its last page and fetch every article again.
CSTO_FULL = False
# Incremental runs fetch again the articles published in the last N days: edits happen then.
CSTO_RECHECK_DAYS = 14
# An article missing from a complete set of sitemaps is marked gone, unless more than this share
# of a language's articles would be (then the sitemap is more likely broken than the site emptied).
CSTO_MAX_SITEMAP_ABSENT_SHARE = 0.1
# When a language's sitemaps cannot all be read in an incremental run (down, missing, --no-sitemap),
# its listing walks that stopped early go on to their last page: a complete walk is then the only
# witness of deletions. The cost is listing pages (one per ten archived articles), never articles.
CSTO_WALK_ALL_WITHOUT_SITEMAPS = True

# --- politeness -------------------------------------------------------------------------------

# Who we are and how to reach us: site operators see this in their logs.
CSTO_CONTACT = "https://github.com/csto-crawler/csto-crawler"
USER_AGENT = f"csto-crawler/0.1 (archive of record of the CSTO websites; +{CSTO_CONTACT})"
ROBOTSTXT_OBEY = True
# At most one request per second per host: 1.5 s between requests, varied by a third (1.0-2.0 s) so
# they do not arrive in a machine-like rhythm; AutoThrottle only ever lengthens it.
DOWNLOAD_DELAY = 1.5
DOWNLOAD_DELAY_JITTER = 1 / 3
# One request in flight per host; a government site on one server should never feel us.
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Both sites together, each with its own download slot and delay.
CONCURRENT_REQUESTS = 4
# Politeness is per host: the two sites are crawled at the same time. Scrapy's default queue would
# hand the downloader whatever has the highest priority (one site's articles) while the other
# site's listings wait; this queue serves the least busy download slot first.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
AUTOTHROTTLE_ENABLED = True
# Start cautiously; AutoThrottle then follows the server's response times.
AUTOTHROTTLE_START_DELAY = 1.0
# Never wait more than a minute between requests to a slow server.
AUTOTHROTTLE_MAX_DELAY = 60.0
# Aim for one request in flight per host on average.
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Before crawling, each site's host is resolved and connected to within this many seconds; when
# none answers the crawl stops at once (exit 3) instead of retrying for minutes. 0 skips the check.
CSTO_PREFLIGHT_TIMEOUT = 10.0
# Origin -> origin that serves a recording of it (csto_crawler/replay.py, with DOWNLOAD_HANDLERS):
# csto demo crawls the real sites' URLs from its loopback copy. Empty: every URL is fetched as it is.
CSTO_REPLAY_ORIGINS: dict[str, str] = {}
# A detail page is 30-70 KB; 30 s covers a slow server without hanging on a dead one.
DOWNLOAD_TIMEOUT = 30
# Refuse anything past 16 MB (attachments included); log a warning past 4 MB.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
# A handful of redirects is plenty for a slash fix; more means a loop.
REDIRECT_MAX_TIMES = 5
# 404/410 reach the spider: that is how removed articles are noticed; 304 answers our conditional requests.
HTTPERROR_ALLOWED_CODES = [304, 404, 410]
# Session cookies (PHPSESSID) change nothing in the content; not sending them keeps requests stateless.
COOKIES_ENABLED = False

# --- safety -----------------------------------------------------------------------------------

# No code-execution or remote-control surface: Scrapy 2.19's RemoteControl extension runs an HTTP
# server that executes Python, and the telnet console is a Python shell.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- components -------------------------------------------------------------------------------

# Five attempts in all for 5xx, 429, timeouts, resets and truncated bodies...
RETRY_TIMES = 4
# ... waiting 1 s, 2 s, 4 s, 8 s (+ up to 1 s jitter) between them, or the server's Retry-After.
CSTO_RETRY_BACKOFF_BASE = 1.0
# No single wait longer than this, whatever Retry-After says.
CSTO_RETRY_BACKOFF_MAX = 60.0
# robots.txt's Crawl-delay is obeyed up to this many seconds (a warning says when it asks for more:
# "Crawl-delay: 100000" would stall a crawl for 27 hours).
CSTO_MAX_CRAWL_DELAY = 60.0

# Scrapy's HTTP/1.1 handler, whose transfers and queued requests a stop signal ends at once
# (csto_crawler/stoppable.py): SIGTERM or Ctrl-C closes the run within seconds, whatever it waits on.
DOWNLOAD_HANDLERS = {
    "http": "csto_crawler.stoppable.StoppableDownloadHandler",
    "https": "csto_crawler.stoppable.StoppableDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {
    # Only the configured hosts, ever (also for redirects); runs before anything else. It replaces
    # Scrapy's OffsiteMiddleware, which compares host names only (not ports).
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "csto_crawler.middlewares.AllowedHostsMiddleware": 50,
    # A <meta http-equiv="refresh"> on a CSTO page is a maintenance or error page: never follow it.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    # After Scrapy's robots.txt check (100): keep slot delays at or above robots.txt Crawl-delay.
    "csto_crawler.middlewares.RobotsCrawlDelayMiddleware": 110,
    # Replaces Scrapy's RetryMiddleware at the same position, adding backoff and Retry-After.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "csto_crawler.middlewares.BackoffRetryMiddleware": 550,
    # Runs on responses after decompression (590): fixes a header that contradicts the bytes.
    "csto_crawler.middlewares.EncodingRepairMiddleware": 580,
}
ITEM_PIPELINES = {
    "csto_crawler.pipelines.NormalizeDatesPipeline": 100,
    "csto_crawler.pipelines.StripBoilerplatePipeline": 200,
    "csto_crawler.pipelines.CheckQualityPipeline": 300,
    "csto_crawler.pipelines.ArchivePipeline": 900,
}

LOG_LEVEL = "INFO"
# No dump of every library's version at start-up (the run records csto-crawler's own in crawl_runs).
LOG_VERSIONS: list[str] = []
FEED_EXPORT_ENCODING = "utf-8"
