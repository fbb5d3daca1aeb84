"""The docs stay true: README commands, CI, every command/option, setting, table and column documented."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from csto_crawler import settings as project_settings
from csto_crawler.archive.database import open_database
from csto_crawler.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
SETTINGS_DOC = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
SCHEMA_DOC = (ROOT / "docs" / "archive-schema.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    """The shell commands in the README's "Set up and run" section (before its subsections)."""
    section = README.split("## Set up and run", 1)[1].split("###", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [line for block in blocks for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = setup_commands()
    assert len(commands) == 2
    assert commands[0].endswith("csto crawl")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


def commands() -> dict[str, click.Command]:
    ctx = click.Context(main)
    found = {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


@pytest.mark.parametrize("name", sorted(commands()))
def test_cli_doc_describes_every_command_and_option(name: str) -> None:
    assert f"### `csto {name}" in CLI_DOC
    section = CLI_DOC.split(f"### `csto {name}", 1)[1].split("\n### ", 1)[0]
    for param in commands()[name].params:
        if isinstance(param, click.Option) and param.name != "help":
            assert any(opt in section for opt in param.opts), f"{name}: {param.opts} undocumented"


@pytest.mark.parametrize("name", sorted(commands()))
def test_cli_help_has_an_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def documented_exit_codes() -> set[int]:
    """The codes of docs/cli.md's exit-code table."""
    table = CLI_DOC.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)}


def test_cli_doc_exit_codes_are_the_code_s() -> None:
    """docs/cli.md's table and the one ExitCode enum list the same codes; every error a command
    raises (a CstoError subclass) exits with one of them, and click's usage errors with USAGE."""
    from csto_crawler.cli import ExitCode
    from csto_crawler.cli.common import CstoError

    assert documented_exit_codes() == {int(code) for code in ExitCode}
    errors = [CstoError, *CstoError.__subclasses__()]
    assert {error.exit_code for error in errors} <= set(ExitCode)
    assert {int(error.exit_code) for error in errors} | {0, int(ExitCode.USAGE)} == documented_exit_codes()
    assert click.UsageError("x").exit_code == ExitCode.USAGE


def used_settings() -> set[str]:
    """CSTO_* names defined in settings.py or read anywhere in the package."""
    names = {n for n in dir(project_settings) if n.startswith("CSTO_")}
    for path in (ROOT / "csto_crawler").rglob("*.py"):
        names |= set(re.findall(r"\"(CSTO_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    return names


def test_settings_doc_describes_every_csto_setting() -> None:
    missing = sorted(n for n in used_settings() if f"`{n}`" not in SETTINGS_DOC)
    assert not missing


def test_schema_doc_describes_every_table_and_column(tmp_path: Path) -> None:
    open_database(tmp_path / "a.sqlite").close()
    con = sqlite3.connect(tmp_path / "a.sqlite")
    fts_tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
    shadows = {f"{t}_{part}" for t in fts_tables for part in ("data", "idx", "content", "docsize", "config")}
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'") if r[0] not in shadows]
    assert "articles" in tables
    for table in tables:
        assert f"### `{table}`" in SCHEMA_DOC, f"table {table} undocumented"
        section = SCHEMA_DOC.split(f"### `{table}`", 1)[1].split("\n### ", 1)[0]
        for (column,) in con.execute(f"SELECT name FROM pragma_table_info('{table}')"):  # noqa: S608  (names from SQLite)
            assert f"`{column}`" in section, f"{table}.{column} undocumented"


def test_schema_doc_is_generated_from_the_registry() -> None:
    """docs/archive-schema.md is written by schema_doc.py; regenerate it when the registry changes:
    ``python -m csto_crawler.archive.schema_doc > docs/archive-schema.md``."""
    from csto_crawler.archive.schema_doc import schema_document

    assert schema_document() == SCHEMA_DOC, "docs/archive-schema.md is stale: regenerate it (see the docstring)"
