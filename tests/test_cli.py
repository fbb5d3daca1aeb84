"""The ``csto`` command line on bad input: one clear line on stderr, a documented exit code, no traceback."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from log_lines import unstamped

from csto_crawler.archive.database import open_database
from csto_crawler.archive.queries import ArchiveReader
from csto_crawler.archive.schema import SCHEMA_VERSION
from csto_crawler.cli import COMMANDS, ExitCode, main

READ_COMMANDS = [
    ["stats"],
    ["export"],
    ["search", "безопасность"],
    ["show", "en-8573"],
    ["diff", "en-8573"],
    ["verify"],
    ["failures"],
    ["coverage"],
    ["attachments"],
]


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def one_error_line(result: Result) -> str:
    """The single line a user error prints on stderr (nothing on stdout)."""
    assert result.stdout == ""
    lines = unstamped(result.stderr).splitlines()  # a scheduled command's line starts with its time
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("csto: error: ")
    return lines[0]


def usage_error(result: Result) -> str:
    """Click's usage errors: a usage line and one ``Error:`` line naming the problem, exit 2."""
    assert result.exit_code == ExitCode.USAGE
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_csto_help_has_an_example() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "--bogus"], "No such option '--bogus'"),
        (["nosuchcommand"], "No such command 'nosuchcommand'"),
        (["crawl", "--site", "en"], "expected NAME=VALUE, got 'en'"),
        (["crawl", "--site", "=http://x"], "expected NAME=VALUE"),
        (["crawl", "-s", "DOWNLOAD_DELAY"], "expected NAME=VALUE, got 'DOWNLOAD_DELAY'"),
        (["crawl", "--lang", "xx"], "'xx' is not one of 'en', 'ru'"),
        (["export", "--format", "xml"], "'xml' is not one of"),
        (["export", "--since", "14.02.2026"], "'14.02.2026' does not match the format"),
    ],
)
def test_bad_arguments_exit_2_naming_the_problem(args: list[str], message: str) -> None:
    assert message in usage_error(invoke(*args))


@pytest.mark.parametrize("base", ["ftp://x", "x", "http://", "file:///etc/passwd", "127.0.0.1:8801"])
def test_crawl_refuses_a_site_that_is_not_http(tmp_path: Path, base: str) -> None:
    result = invoke("crawl", "--site", f"en={base}", "--archive", str(tmp_path / "a.sqlite"))
    assert result.exit_code == ExitCode.USAGE  # a malformed value: refused before anything runs
    expected = f"csto: error: --site: site base URL for 'en' must be http(s)://host[:port], got {base!r}"
    assert one_error_line(result) == expected
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_read_commands_without_an_archive_say_so_in_one_line(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "none.sqlite"
    result = invoke(*command, "--archive", str(missing))
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert one_error_line(result) == f"csto: error: no archive at {missing}"
    assert not missing.exists()


@pytest.mark.parametrize("command", [*READ_COMMANDS, ["crawl"]], ids=lambda c: c[0])
def test_commands_refuse_a_directory_as_archive(tmp_path: Path, command: list[str]) -> None:
    result = invoke(*command, "--archive", str(tmp_path))
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert one_error_line(result) == f"csto: error: {tmp_path} is a directory, not an archive file"


def test_crawl_refuses_an_archive_under_a_regular_file(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder\n")
    result = invoke("crawl", "--archive", str(blocker / "csto.sqlite"))
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert "it is a file, not a folder" in one_error_line(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert blocker.read_text() == "not a folder\n"


def test_crawl_refuses_an_archive_two_levels_under_a_regular_file(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    result = invoke("crawl", "--archive", str(blocker / "sub" / "csto.sqlite"))
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert one_error_line(result) == (
        f"csto: error: cannot create an archive in {blocker / 'sub'}: no such folder (create it first)"
    )
    assert blocker.read_text() == "x"


# Files that must come out of any command byte for byte as they went in.


def text_file(path: Path) -> Path:
    path.write_text("Meeting notes, not an archive.\n" * 50, encoding="utf-8")
    return path


def newer_archive(path: Path) -> Path:
    open_database(path).close()
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    return path


def foreign_sqlite(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        db.execute("INSERT INTO moz_places (url) VALUES ('https://example.org/')")
    return path


FOREIGN_FILES = {
    "text": (text_file, "is not an SQLite archive"),
    "newer-schema": (
        newer_archive,
        f"has archive schema {SCHEMA_VERSION + 7}, newer than this csto-crawler understands",
    ),
    "other-sqlite": (foreign_sqlite, "is an SQLite file but not a csto archive"),
}


@pytest.mark.parametrize("kind", sorted(FOREIGN_FILES))
@pytest.mark.parametrize("command", [*READ_COMMANDS, ["crawl"]], ids=lambda c: c[0])
def test_commands_refuse_a_file_that_is_not_their_archive_untouched(
    tmp_path: Path, kind: str, command: list[str]
) -> None:
    make, message = FOREIGN_FILES[kind]
    path = make(tmp_path / "file.sqlite")
    before = path.read_bytes()
    result = invoke(*command, "--archive", str(path))
    assert result.exit_code == ExitCode.CANNOT_RUN
    line = one_error_line(result)
    assert line.startswith(f"csto: error: {path} ")
    assert message in line
    assert path.read_bytes() == before
    # Only SQLite's own side files of a WAL-mode file opened read-only, and crawl's run lock, may appear.
    side_files = {"file.sqlite-wal", "file.sqlite-shm", "file.sqlite.lock"}
    assert {p.name for p in tmp_path.iterdir()} <= {"file.sqlite", *side_files}


def test_ctrl_c_is_one_line_and_exit_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "a.sqlite"
    open_database(archive).close()

    def pressed(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ArchiveReader, "stats", pressed)
    result = invoke("stats", "--archive", str(archive))
    assert result.exit_code == ExitCode.INTERRUPTED == 130
    assert one_error_line(result) == "csto: error: interrupted (Ctrl-C); nothing half-written was kept"


def test_sigterm_is_one_line_and_exit_143(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "a.sqlite"
    open_database(archive).close()

    def terminated(*_: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # as `timeout` or systemd would
        time.sleep(5)  # the command's handler raises long before this ends

    monkeypatch.setattr(ArchiveReader, "stats", terminated)
    result = invoke("stats", "--archive", str(archive))
    assert result.exit_code == ExitCode.TERMINATED == 143
    assert one_error_line(result) == "csto: error: interrupted (SIGTERM); nothing half-written was kept"


def test_csto_extract_starts_without_the_archive_or_the_crawl() -> None:
    """``csto extract`` loads only its own command: no SQLAlchemy, pyarrow, crawl or Scrapy at start-up
    (about a second of the benchmark's pages/s, docs/decisions/0012)."""
    probe = (
        "import sys\n"
        "from csto_crawler.cli import main\n"
        "try:\n"
        "    main(['extract', '--help'], prog_name='csto')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('sqlalchemy', 'dataset', 'pyarrow', 'csto_crawler.archive.store', 'csto_crawler.crawl', 'scrapy')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_csto_help_lists_every_command_of_every_module() -> None:
    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert command is not None
        assert command.name == name
