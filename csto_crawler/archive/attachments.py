"""Downloaded attachments read back from the archive: names, languages, articles, text status, verified bytes."""

from __future__ import annotations

from dataclasses import dataclass

from . import blobs
from .database import dbapi_connection
from .queries import ArchiveReader

# The language of an attachment is its article's; one fetched only as a retry of an earlier
# failure may lack the article, and then the fetch records the language.
SELECT_ATTACHMENTS = (
    "SELECT t.url, t.filename, t.sha256, t.size,"
    " coalesce(a.lang, (SELECT f.lang FROM fetches f WHERE f.url = t.url AND f.lang IS NOT NULL LIMIT 1)) AS lang,"
    " x.status AS text_status, x.chars AS text_chars"
    " FROM attachments t LEFT JOIN articles a ON a.url = t.article_url AND a.vacated_by IS NULL"
    " LEFT JOIN attachment_texts x ON x.sha256 = t.sha256"
    " WHERE t.sha256 IS NOT NULL ORDER BY lang, t.url"
)
# Attachment URL -> the articles that link it: those whose latest content lists it, and the one
# the download was made for (attachments.article_url; '' for a file fetched as a retry).
LINKS_SQL = (
    "SELECT a.id AS article_id, t.url FROM articles a JOIN json_each(a.attachments) j"
    " JOIN attachments t ON t.url = json_extract(j.value, '$.url') WHERE a.attachments <> '[]'"
    " UNION SELECT a.id, t.url FROM attachments t JOIN articles a ON a.url = t.article_url AND a.vacated_by IS NULL"
)


@dataclass(frozen=True)
class StoredAttachment:
    url: str
    filename: str  # as the page named it: untrusted, see csto_crawler.filenames
    sha256: str
    size: int
    lang: str | None
    article_ids: tuple[str, ...] = ()  # the articles that link it
    text_status: str | None = None  # attachment_texts.status; None while its text is not extracted
    text_chars: int | None = None


def list_attachments(reader: ArchiveReader) -> list[StoredAttachment]:
    """Every downloaded attachment (without its bytes)."""
    links = article_links(reader)
    return [
        StoredAttachment(
            r["url"],
            r["filename"],
            r["sha256"],
            int(r["size"] or 0),
            r["lang"],
            tuple(links.get(r["url"], ())),
            r["text_status"],
            r["text_chars"],
        )
        for r in reader.query(SELECT_ATTACHMENTS)
    ]


def article_links(reader: ArchiveReader) -> dict[str, list[str]]:
    """Attachment URL -> IDs of the articles that link it (sorted)."""
    links: dict[str, list[str]] = {}
    for row in reader.query(LINKS_SQL):
        links.setdefault(row["url"], []).append(row["article_id"])
    return {url: sorted(ids) for url, ids in links.items()}


def attachment_bytes(reader: ArchiveReader, sha256: str) -> bytes:
    """The file's bytes, checked against its sha256; raises blobs.BlobError when missing or damaged."""
    data = blobs.load(dbapi_connection(reader.db), sha256, check=True)
    if data is None:
        raise blobs.BlobError(f"no stored file with sha256 {sha256}")
    return data
