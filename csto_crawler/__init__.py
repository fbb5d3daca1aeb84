"""csto-crawler: the archive of record of the CSTO websites (en.odkb-csto.org, odkb-csto.org)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("csto-crawler")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

# The version of what page reading (csto_crawler.pages, cleaning) produces: recorded with every
# version and held page, so an archive tells which extractor wrote what. Bump it when a change
# makes the same page give other fields; `csto reextract` then brings stored pages up to date.
# 5: date archives are no back links, headings over dropped link lists go, a dated reading wins
# over an undated site-rule one
EXTRACTOR_VERSION = "5"
