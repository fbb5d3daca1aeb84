"""Downloaded attachments read back from the archive: their names, languages and verified bytes."""

from __future__ import annotations

from dataclasses import dataclass

from . import blobs
from .queries import ArchiveReader

# The language of an attachment is its article's; one fetched only as a retry of an earlier
# failure may lack the article, and then the fetch records the language.
SELECT_ATTACHMENTS = (
    "SELECT t.url, t.filename, t.sha256, t.size,"
    " coalesce(a.lang, (SELECT f.lang FROM fetches f WHERE f.url = t.url AND f.lang IS NOT NULL LIMIT 1)) AS lang"
    " FROM attachments t LEFT JOIN articles a ON a.url = t.article_url"
    " WHERE t.sha256 IS NOT NULL ORDER BY lang, t.url"
)


@dataclass(frozen=True)
class StoredAttachment:
    url: str
    filename: str  # as the page named it: untrusted, see csto_crawler.filenames
    sha256: str
    size: int
    lang: str | None


def list_attachments(reader: ArchiveReader) -> list[StoredAttachment]:
    """Every downloaded attachment (without its bytes)."""
    return [
        StoredAttachment(r["url"], r["filename"], r["sha256"], int(r["size"] or 0), r["lang"])
        for r in reader.query(SELECT_ATTACHMENTS)
    ]


def attachment_bytes(reader: ArchiveReader, sha256: str) -> bytes:
    """The file's bytes, checked against its sha256; raises blobs.BlobError when missing or damaged."""
    rows = reader.query("SELECT codec, data FROM blobs WHERE sha256 = :sha", sha=sha256)
    if not rows:
        raise blobs.BlobError(f"no stored file with sha256 {sha256}")
    return blobs.verify(sha256, rows[0]["codec"], rows[0]["data"])
