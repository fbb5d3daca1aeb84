"""csto-crawler: the archive of record of the CSTO websites (en.odkb-csto.org, odkb-csto.org)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("csto-crawler")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
