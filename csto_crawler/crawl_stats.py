"""The crawl's stats keys that components share: the spider publishes, the pipelines and ``csto crawl`` read.

Scrapy's stats collector is the crawl-wide channel between components (no component reads another's
attributes); every key shared that way is named here once.
"""

from __future__ import annotations

RUN_ID = "csto/run_id"  # the run's crawl_runs.id (archive pipeline)
HEALTH = "csto/health"  # extraction health per language and section (quality pipeline)
DRIFT = "csto/health/drift"  # the sections that drifted, one line each (quality pipeline)
RUN_COUNTS_LIVE = "csto/run_counts_live"  # counts so far, for the progress line (archive pipeline)
RUN_COUNTS = "csto/run_counts"  # the run's final counts (archive pipeline)
EXIT_CODE = "csto/exit_code"  # the exit code the run was recorded with (archive pipeline)
ARCHIVE_ERROR = "csto/archive/error"  # why writing to the archive stopped the crawl (archive pipeline)
# [source, language] pairs whose sitemap files were all read in the run (spider)
SITEMAPS_COMPLETE = "csto/sitemap/complete"
