"""What can be wrong with an archive file, as exceptions whose message is one line a researcher can act on."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base of every archive problem reported to the user."""


class ArchiveNotFoundError(ArchiveError):
    pass


class NotAnArchiveError(ArchiveError):
    pass


class EmptyArchiveError(ArchiveNotFoundError):
    """A 0-byte file: no archive in it yet (a crawl makes it one), but no "no archive at" either."""


class NewerSchemaError(ArchiveError):
    pass


class ArchiveUnwritableError(ArchiveError):
    pass


class ArchiveCorruptError(ArchiveError):
    pass
