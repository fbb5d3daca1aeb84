"""csto export --to postgresql://: load, upsert without duplicates, Russian and English full-text search.

Against the machine's real PostgreSQL (127.0.0.1:5432, user postgres, trust auth; .ci/run starts it
if it is not running). Each test gets a database of its own, created with a unique name and dropped
after. The tests skip, saying why, only when no PostgreSQL server answers there.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import research_archive
from archive_items import Clock, article_item, write_run
from click.testing import CliRunner

from csto_crawler.cli import ExitCode, main

SERVER = "postgresql://postgres@127.0.0.1:5432"


def server_or_skip() -> None:
    try:
        with psycopg.connect(f"{SERVER}/postgres", connect_timeout=5):
            return
    except psycopg.OperationalError as exc:
        if "connection refused" in str(exc).lower() or "could not connect" in str(exc).lower():
            pytest.skip(f"no PostgreSQL server answers at 127.0.0.1:5432 ({str(exc).strip().splitlines()[0]})")
        raise


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh database with a unique name; dropped after the test."""
    server_or_skip()
    name = f"csto_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return research_archive.build(tmp_path / "csto.sqlite")


def export(archive: Path, url: str, *extra: str) -> str:
    result = CliRunner().invoke(main, ["export", "--archive", str(archive), "--to", url, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def scalar(url: str, sql: str, *params: object) -> object:
    with psycopg.connect(url) as con:
        row = con.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


def column(url: str, sql: str, *params: object) -> list[object]:
    with psycopg.connect(url) as con:
        return [r[0] for r in con.execute(sql, params).fetchall()]


def counts(url: str) -> dict[str, tuple[object, object]]:
    return {
        "articles": (
            scalar(url, "SELECT count(*) FROM articles"),
            scalar(url, "SELECT count(DISTINCT id) FROM articles"),
        ),
        "versions": (
            scalar(url, "SELECT count(*) FROM versions"),
            scalar(url, "SELECT count(DISTINCT (article_id, version)) FROM versions"),
        ),
        "attachments": (
            scalar(url, "SELECT count(*) FROM attachments"),
            scalar(url, "SELECT count(DISTINCT url) FROM attachments"),
        ),
    }


def test_export_twice_same_rows_no_duplicates(archive: Path, database: str) -> None:
    first = export(archive, database)
    assert "articles: 7 rows (7 new, 0 updated, 0 unchanged)" in first
    assert "versions: 8 rows (8 new, 0 updated, 0 unchanged)" in first
    assert "attachments: 1 rows (1 new, 0 updated, 0 unchanged)" in first
    after_first = counts(database)
    assert after_first == {"articles": (7, 7), "versions": (8, 8), "attachments": (1, 1)}

    second = export(archive, database)
    assert "articles: 7 rows (0 new, 0 updated, 7 unchanged)" in second
    assert "versions: 8 rows (0 new, 0 updated, 8 unchanged)" in second
    assert counts(database) == after_first


def test_later_runs_update_what_changed(archive: Path, database: str) -> None:
    export(archive, database)
    clock = Clock()
    clock.advance(days=30)
    edited = article_item(
        "meeting",
        section="news/smi",
        element_id="104",
        published="2026-02-05",
        title="Meeting of the Secretaries General (updated)",
        body_text="The Secretaries General held meetings in Minsk.",
        at=clock.now,
    )
    write_run(archive, [edited], clock=clock)
    out = export(archive, database)
    assert "articles: 7 rows (0 new, 1 updated, 6 unchanged)" in out
    assert "versions: 9 rows (1 new, 0 updated, 8 unchanged)" in out
    assert scalar(database, "SELECT title FROM articles WHERE id = 'en-104'") == edited.title
    assert scalar(database, "SELECT max(version) FROM versions WHERE article_id = 'en-104'") == 2
    # The generated search column follows the update.
    found = column(database, "SELECT id FROM articles WHERE search @@ plainto_tsquery('english', 'Minsk')")
    assert found == ["en-104"]


def test_columns_are_typed(archive: Path, database: str) -> None:
    export(archive, database)
    with psycopg.connect(database) as con:
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'articles'"
            ).fetchall()
        )
    assert types["published"] == "date"
    assert types["first_seen_at"] == "timestamp with time zone"
    assert types["attachments"] == "jsonb"
    assert types["version_count"] == "bigint"
    assert types["search"] == "tsvector"
    assert str(scalar(database, "SELECT published FROM articles WHERE id = 'ru-103'")) == "2026-01-20"
    url = scalar(database, "SELECT attachments->0->>'url' FROM articles WHERE id = 'ru-103'")
    assert url == research_archive.ATTACHMENT_URL
    index = scalar(database, "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_articles_search'")
    assert "USING gin (search)" in str(index)


def test_russian_stemmed_query_finds_what_csto_search_finds(archive: Path, database: str) -> None:
    export(archive, database)
    for word in ("безопасность", "безопасности", "учения", "заявлением"):
        result = CliRunner().invoke(main, ["search", word, "--lang", "ru", "--json", "--archive", str(archive)])
        assert result.exit_code == 0, result.output
        expected = sorted(hit["id"] for hit in json.loads(result.stdout))
        found = column(
            database,
            "SELECT id FROM articles WHERE lang = 'ru' AND search @@ plainto_tsquery('russian', %s) ORDER BY id",
            word,
        )
        assert found == expected, word
        assert found, word
    assert sorted(
        column(database, "SELECT id FROM articles WHERE search @@ plainto_tsquery('russian', 'безопасность')")
    ) == sorted(research_archive.RU_SECURITY_IDS)
    # English rows are indexed with the english configuration: meetings finds "meetings" and "meeting".
    english = column(database, "SELECT id FROM articles WHERE search @@ plainto_tsquery('english', 'meeting')")
    assert english == ["en-104"]


def test_to_refuses_file_options_and_other_urls(archive: Path, tmp_path: Path) -> None:
    for extra in (["-o", str(tmp_path / "x.jsonl")], ["--versions"], ["--format", "csv"]):
        result = CliRunner().invoke(main, ["export", "--archive", str(archive), "--to", f"{SERVER}/x", *extra])
        assert result.exit_code == ExitCode.USAGE, extra
        assert "cannot go with it" in result.output
    result = CliRunner().invoke(main, ["export", "--archive", str(archive), "--to", "mysql://root@127.0.0.1/x"])
    assert result.exit_code == ExitCode.USAGE  # a malformed value, refused before anything runs
    assert "PostgreSQL URL" in result.output


def test_an_unreachable_server_is_one_line_without_the_password(archive: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://someone:s3cret@127.0.0.1:{port}/csto"
    result = CliRunner().invoke(main, ["export", "--archive", str(archive), "--to", url])
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert result.output.startswith("csto: error: PostgreSQL at postgresql://someone:***@127.0.0.1:")
    assert "s3cret" not in result.output
    assert "Traceback" not in result.output


def test_attachments_text_is_searchable_in_postgres(archive: Path, database: str) -> None:
    if not research_archive.add_attachment_text(archive):
        pytest.skip("this archive schema has no attachment_texts table (attachments' text)")
    export(archive, database)
    assert scalar(database, "SELECT text FROM attachments") == research_archive.ATTACHMENT_TEXT
    found = column(
        database, "SELECT article_id FROM attachments WHERE search @@ plainto_tsquery('russian', 'доверием')"
    )
    assert found == ["ru-103"]
