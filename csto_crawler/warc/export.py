"""``csto warc export``: every stored fetch as WARC 1.1 records, streamed, one gzip member per record.

The file opens with a ``warcinfo`` record (software and version, the runs covered, what is and is
not stored). Then, for each fetch in the order it was made:

* a ``response`` record: the stored status line and headers, and the payload as received (the raw
  bytes after any content-encoding was undone); ``WARC-Date`` is the fetch time, the target URI the
  URL that answered. ``WARC-Payload-Digest`` is the archive's own sha256 of the bytes
  (``sha256:<hex>``, as Browsertrix writes it), ``WARC-Block-Digest`` the sha256 of headers and
  payload. A 200 payload already written in this file becomes a ``revisit`` record instead
  (identical-payload-digest profile), pointing at the first response that carried it;
* a ``request`` record, reconstructed (method, target, Host): the crawl's request headers are not
  stored;
* a ``metadata`` record (``application/warc-fields``) linking the response to the archive: fetch,
  run, kind, the article and version it showed, the article an attachment belongs to, and the WARC
  file and record of a capture that was itself imported.

Only selected response headers are stored (ledger.SNAPSHOT_HEADERS), so only those are written;
``Content-Length`` is set to the payload's length. Record IDs are derived from the archive's
identity and the fetch ID, so exporting the same archive again names the same records (and an
import of both files adds nothing twice).

Memory stays flat in the number of records: one SQL cursor walks the fetches, each payload is read,
written and dropped, and SQLite does the sorting (revisit detection is a window over the sha256).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..archive import blobs
from ..archive.connection import dbapi_connection
from ..archive.filters import RowFilter
from ..archive.queries import ArchiveReader
from ..archive.warc_rows import archive_identity, fetches_in_scope, runs_in_scope, site_bases
from ..throttle import Throttle
from .export_fields import metadata_fields, warcinfo_fields
from .records import RecordWriter, record_id, request_headers, response_headers, warc_date

PROGRESS_SECONDS = 2.0


@dataclass
class ExportReport:
    """What an export wrote: records per WARC type, payload bytes, fetches left out and why."""

    path: Path
    records: Counter[str] = field(default_factory=Counter)
    payload_bytes: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    runs: list[int] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def megabytes_per_second(self) -> float:
        return self.payload_bytes / 1e6 / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.records.items()))
        line = (
            f"wrote {self.path}: {sum(self.records.values())} records ({kinds}); "
            f"{self.payload_bytes / 1e6:.1f} MB of payload in {self.seconds:.1f}s "
            f"({self.megabytes_per_second:.1f} MB/s)"
        )
        if self.skipped:
            line += "; left out: " + ", ".join(f"{why} {n}" for why, n in sorted(self.skipped.items()))
        return line


class WarcExporter:
    """Writes one archive's fetches into a WARC file."""

    def __init__(self, reader: ArchiveReader, archive_path: Path, scope: RowFilter) -> None:
        self.reader = reader
        self.archive_path = archive_path
        self.scope = scope
        self.identity = archive_identity(reader, archive_path)
        self.warcinfo_id = ""

    def write(
        self,
        out: BinaryIO,
        report: ExportReport,
        gzip: bool = True,
        progress: Callable[[ExportReport], None] | None = None,
    ) -> None:
        writer = RecordWriter(out, gzip=gzip)
        throttle = Throttle(PROGRESS_SECONDS)
        with self.reader.db:  # one read transaction: a consistent snapshot, even while a crawl writes
            connection = dbapi_connection(self.reader.db)
            self._write_warcinfo(writer, connection, report)
            for row in fetches_in_scope(connection, self.scope):
                self._write_fetch(writer, connection, row, report)
                if progress is not None and throttle.due():
                    report.seconds = throttle.elapsed()
                    progress(report)
        report.seconds = throttle.elapsed()

    # --- records ------------------------------------------------------------------------------

    def _write_warcinfo(self, writer: RecordWriter, connection: Any, report: ExportReport) -> None:
        runs = runs_in_scope(connection, self.scope)
        report.runs = [int(run["id"]) for run in runs]
        bases = site_bases(connection)
        lines = warcinfo_fields(self.archive_path.name, self.scope.fetched_since, self.scope.lang)
        lines += [(f"csto-{row['key'].replace('.', '-').replace('_', '-')}", row["value"]) for row in bases]
        for run in runs:
            finished = run["finished_at"] or "unfinished"
            lines.append(
                (
                    "csto-run",
                    f"{run['id']} {run['mode']} {run['started_at']} .. {finished}"
                    f" csto-crawler {run['crawler_version']}",
                )
            )
        body = "".join(f"{name}: {value}\r\n" for name, value in lines).encode("utf-8")
        self.warcinfo_id = writer._make_warc_id()
        record = writer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(body),
            length=len(body),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": self.warcinfo_id,
                "WARC-Date": writer.curr_warc_date(),
                "WARC-Filename": report.path.name,
            },
        )
        writer.write_record(record)
        report.records["warcinfo"] += 1

    def _write_fetch(self, writer: RecordWriter, connection: Any, row: dict[str, Any], report: ExportReport) -> None:
        if not row["stored"]:
            report.skipped["snapshot not in this archive"] += 1
            return
        fetch_id = int(row["id"])
        url = row["final_url"]
        date = warc_date(row["fetched_at"])
        response_id = record_id(self.identity, fetch_id, "response")
        common = {"WARC-Date": date, "WARC-Warcinfo-ID": self.warcinfo_id}
        digest = f"sha256:{row['sha256']}"
        if row["status"] == 200 and row["size"] and row["first_id"] != fetch_id:
            record = writer.create_revisit_record(
                url,
                digest,
                row["first_url"],
                warc_date(row["first_at"]),
                http_headers=response_headers(row, int(row["size"])),
                warc_headers_dict={
                    "WARC-Record-ID": response_id,
                    "WARC-Refers-To": record_id(self.identity, int(row["first_id"]), "response"),
                    **common,
                },
            )
            kind = "revisit"
        else:
            body = _blob(connection, row["sha256"])
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=response_headers(row, len(body)),
                warc_headers_dict={"WARC-Record-ID": response_id, "WARC-Payload-Digest": digest, **common},
            )
            report.payload_bytes += len(body)
            kind = "response"
        writer.write_record(record)
        report.records[kind] += 1
        request = writer.create_warc_record(
            url,
            "request",
            http_headers=request_headers(url),
            warc_headers_dict={
                "WARC-Record-ID": record_id(self.identity, fetch_id, "request"),
                "WARC-Concurrent-To": response_id,
                **common,
            },
        )
        writer.write_record(request)
        report.records["request"] += 1
        fields = metadata_fields(connection, row)
        payload = "".join(f"{name}: {value}\r\n" for name, value in fields).encode("utf-8")
        metadata = writer.create_warc_record(
            url,
            "metadata",
            payload=io.BytesIO(payload),
            length=len(payload),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": record_id(self.identity, fetch_id, "metadata"),
                "WARC-Concurrent-To": response_id,
                **common,
            },
        )
        writer.write_record(metadata)
        report.records["metadata"] += 1


def _blob(connection: Any, sha256: str) -> bytes:
    found = blobs.load(connection, sha256)
    if found is None:
        raise blobs.BlobError(f"no stored snapshot with sha256 {sha256}")
    return found


def export_warc(
    reader: ArchiveReader,
    archive_path: Path,
    output: Path,
    scope: RowFilter,
    progress: Callable[[ExportReport], None] | None = None,
) -> ExportReport:
    """Write ``output`` (gzipped per record unless its name does not end in ``.gz``), atomically:
    into ``output.part``, renamed when complete."""
    report = ExportReport(output)
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("wb") as out:
            WarcExporter(reader, archive_path, scope).write(out, report, output.suffix == ".gz", progress)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return report
