"""The payload a WARC revisit record repeats, found in this run's recent captures or in the archive.

A revisit carries no body: it names the record it repeats (``WARC-Refers-To``) or the payload's
digest. The bytes are those of a sitemap or listing captured moments ago (kept here, as batches
not yet written are not in the archive), or of a blob the archive already holds.
"""

from __future__ import annotations

from collections import OrderedDict

from ..archive import blobs
from ..archive.connection import dbapi_connection
from ..archive.imports import payload_of_record
from ..archive.store import ArchiveWriter
from .captures import Capture, sha256_of_digest

RECENT = 256  # captures whose bodies stay at hand for revisits of them not yet written


class RevisitPayloads:
    """Bodies of recent captures, and the archive's, for the revisit records that repeat them."""

    def __init__(self, writer: ArchiveWriter) -> None:
        self.writer = writer
        self.recent_ids: OrderedDict[str, str] = OrderedDict()  # record id -> payload sha256
        self.recent_bodies: OrderedDict[str, bytes] = OrderedDict()  # payload sha256 -> bytes

    def remember(self, capture: Capture) -> None:
        """A sitemap or listing's bytes, for revisits of it in batches not written yet."""
        body = capture.body or b""
        sha = blobs.sha256_hex(body)
        self.recent_ids[capture.record_id] = sha
        self.recent_bodies[sha] = body
        for recent in (self.recent_ids, self.recent_bodies):
            while len(recent) > RECENT:
                recent.popitem(last=False)

    def body_of(self, capture: Capture) -> bytes | None:
        """The payload a revisit record repeats: the record it refers to, or the bytes of its digest."""
        connection = dbapi_connection(self.writer.db)
        sha = None
        if capture.refers_to:
            sha = self.recent_ids.get(capture.refers_to)
            if sha is None:
                sha = payload_of_record(connection, capture.refers_to)
        sha = sha or sha256_of_digest(capture.payload_digest)
        if sha is None:
            return None
        if sha in self.recent_bodies:
            return self.recent_bodies[sha]
        return blobs.load(connection, sha)
