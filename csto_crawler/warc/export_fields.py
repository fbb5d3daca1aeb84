"""What the export's ``warcinfo`` and ``metadata`` records say (``application/warc-fields`` lines).

The warcinfo record names the software, the format, what is and is not stored; each metadata
record links a response to the archive: fetch, run, kind, the article and version it showed.
"""

from __future__ import annotations

from importlib.metadata import version as package_version
from typing import Any

from .. import __version__
from ..archive.ledger import SNAPSHOT_HEADERS
from ..archive.warc_rows import version_at

CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"


def warcinfo_fields(archive_name: str, since: str | None, lang: str | None) -> list[tuple[str, Any]]:
    """The warcinfo lines every export opens with (the scope's; the runs and site bases follow)."""
    return [
        ("software", f"csto-crawler/{__version__} (warcio/{package_version('warcio')})"),
        ("format", "WARC File Format 1.1"),
        ("conformsTo", CONFORMS_TO),
        (
            "description",
            "Captures of the CSTO websites (en.odkb-csto.org, odkb-csto.org) from a csto-crawler archive",
        ),
        ("isPartOf", archive_name),
        (
            "csto-headers",
            "only these response headers are stored and written: "
            + ", ".join(SNAPSHOT_HEADERS)
            + "; Content-Length is the length of the payload, which is the body after content-encoding was undone",
        ),
        ("csto-requests", "request records are reconstructed from the URL (method, target, Host)"),
        ("csto-digests", "WARC-Payload-Digest is the archive's sha256 of the payload; block digests are sha256"),
        ("csto-scope", f"since={since or '-'} lang={lang or '-'}"),
    ]


def metadata_fields(connection: Any, row: dict[str, Any]) -> list[tuple[str, Any]]:
    """What links the response to the archive: fetch, run, kind, article and version."""
    fields: list[tuple[str, Any]] = [
        ("csto-fetch-id", row["id"]),
        ("csto-run-id", row["run_id"]),
        ("csto-kind", row["kind"]),
        ("csto-lang", row["lang"] or ""),
    ]
    if row["url"] != row["final_url"]:
        fields.append(("csto-requested-url", row["url"]))
    if row["first_showing_article"] is not None:
        fields += [
            ("csto-article-id", row["first_showing_article"]),
            ("csto-version", row["first_showing_version"]),
            ("csto-version-first-shown", "yes"),
        ]
    elif row["url_article"] is not None and row["kind"] == "article":
        number = version_at(connection, row["url_article"], row["fetched_at"])
        fields.append(("csto-article-id", row["url_article"]))
        if number is not None:
            fields.append(("csto-version", number))
    if row["attachment_of"]:
        fields.append(("csto-attachment-of", row["attachment_of"]))
    if row["source"]:
        fields += [("csto-imported-from", row["source"]), ("csto-imported-record-id", row["warc_record_id"])]
    return fields
