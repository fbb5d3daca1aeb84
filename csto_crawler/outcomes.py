"""The verdicts every layer shares, as Enums: how a page was read, why it is doubted, what a version
records, what kind of run wrote it and the exit code it ended with.

A leaf module (it imports nothing of the package), so that items, page objects, the archive and the
command line name the same values without importing each other. Each is a ``str`` or ``int`` Enum:
its value is what the archive stores and what a scheduler sees.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from signal import SIGTERM


class ReadingMethod(StrEnum):
    """How a page was read: the drift alarm counts pages per method; a version records its own."""

    NAMED = "named"  # the site template's named selectors (pages.named)
    ANCHORED = "anchored"  # the markup-independent reading from text anchors (pages.anchored)
    GENERIC = "generic"  # the generic reader for any news page (pages.generic), the last resort
    NONE = "none"  # no reader could read the page


class Doubt(StrEnum):
    """Why an extracted page is not trusted; the value names the field that drifted."""

    UNREADABLE = "unreadable"  # no reading found an article on an article URL
    NO_TITLE = "no_title"
    TITLE_MISMATCH = "title_mismatch"  # not the title the listing shows for this URL
    NO_BODY = "no_body"
    SHORT_BODY = "short_body"  # shorter than the listing's lead
    NO_DATE = "no_date"
    NO_ITEMS = "no_items"  # a listing page with neither items nor pager
    BODY_SHRANK = "body_shrank"  # far shorter than the archived version: a broken page, not an edit
    MAINTENANCE = "maintenance"  # the body names maintenance or an outage (a phrase list: one signal among others)
    # Stand-ins, known by what the page does (stand_ins.py, quality.py), in any wording or language:
    UNRELATED_BODY = "unrelated_body"  # far shorter than the archived text and sharing almost none of it
    REPEATED_BODY = "repeated_body"  # the same short body on several articles of one run
    NOTICE_LIKE = "notice_like"  # a line or two, none of the title's words, no date on the page itself

    @property
    def field(self) -> str:
        """The field (or fields) the doubt is about, as the drift message names them."""
        return _FIELDS[self]


_FIELDS = {
    Doubt.UNREADABLE: "title+date+body (no article found)",
    Doubt.NO_TITLE: "title",
    Doubt.TITLE_MISMATCH: "title",
    Doubt.NO_BODY: "body",
    Doubt.SHORT_BODY: "body",
    Doubt.NO_DATE: "date",
    Doubt.NO_ITEMS: "listing items",
    Doubt.BODY_SHRANK: "body",
    Doubt.MAINTENANCE: "body",
    Doubt.UNRELATED_BODY: "body",
    Doubt.REPEATED_BODY: "body",
    Doubt.NOTICE_LIKE: "body",
}


class VersionChange(StrEnum):
    """Who changed an article when a version was written (``versions.change``)."""

    SITE = "site"  # the site's content changed (or an older capture showed other content)
    EXTRACTOR = "extractor"  # the same stored page read again by a newer extractor (csto reextract)


class RunMode(StrEnum):
    """What kind of run wrote into the archive (``crawl_runs.mode``)."""

    FULL = "full"  # first crawl, or --full
    INCREMENTAL = "incremental"
    REEXTRACT = "reextract"  # stored snapshots read again, no network
    WARC_IMPORT = "warc-import"  # captures read from WARC/ARC files

    @classmethod
    def of_crawl(cls, full: bool, walked_before: bool) -> RunMode:
        """A crawl is full when asked (--full) or when no section was ever walked to its end; else incremental."""
        return cls.FULL if full or not walked_before else cls.INCREMENTAL

    @property
    def is_crawl(self) -> bool:
        """A run that fetched from the sites (its answers describe the sites as they are now)."""
        return self in (RunMode.FULL, RunMode.INCREMENTAL)


class ExitCode(IntEnum):
    """Exit codes a scheduler can act on (documented in docs/cli.md); a run records its own."""

    OK = 0
    USAGE = 2  # bad arguments (click's own code)
    CANNOT_RUN = 3  # the archive or the configuration prevents the command from running, or it stopped early
    FAILURES = 4  # the crawl finished, but more URLs failed than CSTO_MAX_FAILURE_RATIO allows
    LOCKED = 5  # another crawl holds the archive's run lock
    DAMAGED = 6  # `csto verify` found the archive damaged
    GAPS = 7  # `csto coverage` found articles listed but not archived (or the reverse)
    DRIFT = 8  # the crawl read too many pages doubtfully (CSTO_MAX_DOUBTFUL_SHARE): the site's markup changed
    INTERRUPTED = 130  # stopped by Ctrl-C, SIGINT (128 + 2, as shells report a process it ended)
    TERMINATED = 143  # stopped by SIGTERM (128 + 15): `timeout`, systemd, kill

    @classmethod
    def of_signal(cls, signum: int | None) -> ExitCode:
        """The code of a run a signal stopped: SIGTERM's, or SIGINT's for Ctrl-C (and a stop of unknown cause)."""
        return cls.TERMINATED if signum == SIGTERM else cls.INTERRUPTED
