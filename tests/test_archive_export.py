"""Exports: JSONL, CSV and Parquet carry the registry's columns in the same order and the same values,
Parquet typed as a release's (dates, UTC timestamps, lists)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from archive_items import BODY, T0, article_item, article_url, fetch_record, gone_notice, write_run
from click.testing import CliRunner

from csto_crawler.archive.tables import ARTICLE_EXPORT, VERSION_EXPORT
from csto_crawler.cli import ExitCode, main
from csto_crawler.items import AttachmentItem, AttachmentLink

ATTACHMENT_URL = "https://en.odkb-csto.org/upload/iblock/39a/statement.docx"
ATTACHMENT_BYTES = b"PK\x03\x04 a docx file"
IMAGES = ["https://en.odkb-csto.org/upload/iblock/1f2/photo.jpg"]
# Each article's versions, written across runs so that versions of different articles interleave.
RUNS = [
    [("one", "1", "v1"), ("two", "2", "v1")],
    [("one", "1", "v2")],
    [("two", "2", "v2"), ("one", "1", "v3")],
]


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "csto.sqlite"
    for n, run in enumerate(RUNS):
        items = [
            article_item(
                slug,
                element_id=eid,
                body_text=f"{BODY}\n\nRevision {label}.",
                at=day(n),
                attachments=[AttachmentLink(ATTACHMENT_URL, "statement.docx")] if slug == "one" else [],
                images=IMAGES if slug == "one" else [],
                published="2026-02-10" if slug == "one" else "2025-06-01T10:00:00+03:00",
            )
            for slug, eid, label in run
        ]
        write_run(path, items, clock=None)
    attachment = AttachmentItem(
        ATTACHMENT_URL,
        article_url("en", "one"),
        "statement.docx",
        fetch_record(
            ATTACHMENT_URL, ATTACHMENT_BYTES, kind="attachment", headers={"content-type": "application/msword"}
        ),
    )
    ru = article_item("vstrecha", lang="ru", element_id="11", title="Встреча", body_text="Текст «статьи».")
    write_run(path, [attachment, ru])
    write_run(path, [gone_notice(article_url("ru", "vstrecha"), lang="ru", at=day(9))])
    return path


def export(archive: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, ["export", "--archive", str(archive), *args])
    assert result.exit_code == 0, result.output
    return result


def exported(archive: Path, tmp_path: Path, fmt: str, *args: str) -> tuple[list[str], list[dict[str, Any]]]:
    """(column names, rows) of one export, read back with that format's own reader."""
    out = tmp_path / f"export.{fmt}"
    export(archive, "--format", fmt, "-o", str(out), *args)
    if fmt == "jsonl":
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        return list(records[0]), records
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline=""))  # CSV has a BOM
        return list(reader.fieldnames or []), list(reader)
    table = pq.read_table(out)
    return table.column_names, table.to_pylist()


def plain(value: Any, column: str) -> Any:
    """One value as every format can say it: lists decoded from JSON text, dates and instants as the
    day or the UTC instant they name, numbers and null as text."""
    if isinstance(value, str) and column in ("attachments", "images"):
        value = json.loads(value)
    if isinstance(value, str) and column == "published":
        value = value[:10]  # the site's calendar date
    elif isinstance(value, str) and column.endswith("_at") and value:
        value = dt.datetime.fromisoformat(value).astimezone(dt.UTC)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = value.isoformat()
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else value


@pytest.mark.parametrize(("flags", "columns"), [((), ARTICLE_EXPORT.names), (("--versions",), VERSION_EXPORT.names)])
def test_cli_export_formats_share_columns_and_values(
    archive: Path, tmp_path: Path, flags: tuple[str, ...], columns: tuple[str, ...]
) -> None:
    results = {fmt: exported(archive, tmp_path, fmt, *flags) for fmt in ("jsonl", "csv", "parquet")}
    for fmt, (names, _) in results.items():
        assert names == list(columns), fmt
    values = {fmt: [[plain(r[c], c) for c in columns] for r in records] for fmt, (_, records) in results.items()}
    assert values["csv"] == values["jsonl"]
    assert values["parquet"] == values["jsonl"]
    assert len(values["jsonl"]) == (3 if not flags else 6)


def test_cli_export_parquet_has_the_release_types(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    export(archive, "--format", "parquet", "-o", str(out))
    schema = pq.read_schema(out)
    assert schema.field("published").type == pa.date32()
    assert schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("first_seen_at").type == pa.timestamp("us", tz="UTC")
    assert pa.types.is_list(schema.field("attachments").type)
    assert schema.field("version_count").type == pa.int64()
    rows = {r["id"]: r for r in pq.read_table(out).to_pylist()}
    # 10:00 in Moscow (+03:00) is 07:00 UTC; the calendar date stays the site's.
    assert rows["en-2"]["published"] == dt.date(2025, 6, 1)
    assert rows["en-2"]["published_at"] == dt.datetime(2025, 6, 1, 7, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_cli_export_lists_round_trip_with_attachment_hashes(archive: Path, tmp_path: Path, fmt: str) -> None:
    _, records = exported(archive, tmp_path, fmt)
    row = next(r for r in records if r["id"] == "en-1")
    attachments, images = (plain(row[c], c) for c in ("attachments", "images"))
    sha256 = fetch_record("x", ATTACHMENT_BYTES).sha256
    # text and text_status stay null until the file's text is extracted (test_attachment_text.py)
    assert attachments == [
        {"url": ATTACHMENT_URL, "filename": "statement.docx", "sha256": sha256, "text": None, "text_status": None}
    ]
    assert images == IMAGES
    assert plain(next(r for r in records if r["id"] == "en-2")["attachments"], "attachments") == []


def test_cli_export_versions_are_in_order_within_each_article(archive: Path, tmp_path: Path) -> None:
    _, records = exported(archive, tmp_path, "jsonl", "--versions")
    assert [(r["article_id"], r["version"]) for r in records] == [
        ("en-1", 1),
        ("en-1", 2),
        ("en-1", 3),
        ("en-2", 1),
        ("en-2", 2),
        ("ru-11", 1),
    ]
    assert [r["body_text"].rsplit("\n\n", 1)[-1] for r in records if r["article_id"] == "en-1"] == [
        "Revision v1.",
        "Revision v2.",
        "Revision v3.",
    ]


def test_cli_export_includes_gone_articles_with_gone_at(archive: Path, tmp_path: Path) -> None:
    _, records = exported(archive, tmp_path, "jsonl", "--lang", "ru")
    assert [(r["id"], r["gone_at"], r["title"], r["body_text"]) for r in records] == [
        ("ru-11", day(9).isoformat(), "Встреча", "Текст «статьи».")
    ]


def test_cli_export_filters_by_published_date(archive: Path, tmp_path: Path) -> None:
    _, records = exported(archive, tmp_path, "jsonl", "--since", "2026-01-01", "--until", "2026-02-10")
    assert sorted(r["id"] for r in records) == ["en-1", "ru-11"]
    _, records = exported(archive, tmp_path, "jsonl", "--until", "2025-06-01")
    assert [r["id"] for r in records] == ["en-2"]  # a datetime value is filtered by its date


def test_cli_export_jsonl_to_stdout_keeps_cyrillic(archive: Path) -> None:
    result = export(archive, "--lang", "ru")
    assert result.stdout.count("\n") == 1
    assert '"title": "Встреча"' in result.stdout
    assert result.stderr.strip() == "exported 1 rows"


def test_cli_export_parquet_without_output_is_a_usage_error(archive: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--archive", str(archive), "--format", "parquet"])
    assert result.exit_code == ExitCode.USAGE
    assert "give an output file with -o" in result.stderr
    assert result.stdout == ""
