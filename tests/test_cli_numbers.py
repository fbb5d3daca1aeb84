"""Every integer option of the csto command: within SQLite's integer range, else one line and exit 2.

A number past 2**63 - 1 used to reach SQLite and end in an OverflowError traceback.
"""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from csto_crawler.cli import ExitCode, main
from csto_crawler.cli.common import SQLITE_INTEGER_MAX, ArchiveInt

TOO_BIG = str(2**63)
# (command line before the number, the option) for every integer option and argument.
NUMBERS = [
    (["search", "x", "--offset"], "--offset"),
    (["search", "x", "--limit"], "--limit"),
    (["health", "--runs"], "--runs"),
    (["runs", "--limit"], "--limit"),
    (["reextract", "--workers"], "--workers"),
    (["attachment-text", "--workers"], "--workers"),
    (["snapshot", "en-1", "--version"], "--version"),
    (["diff", "en-1", "1"], "VERSIONS"),
    (["warc", "import", "x.warc", "--workers"], "--workers"),
    (["demo", "--port"], "--port"),
    (["extract", "x.warc.gz", "--workers"], "--workers"),
]


def test_every_integer_parameter_is_an_archive_int() -> None:
    def walk(command: click.Command) -> list[click.Parameter]:
        params = [p for p in command.params if isinstance(p.type, click.IntRange | type(click.INT))]
        return params + [p for sub in getattr(command, "commands", {}).values() for p in walk(sub)]

    params = walk(main)
    assert len(params) == len(NUMBERS)
    assert all(isinstance(p.type, ArchiveInt) and p.type.max is not None for p in params)
    assert all(p.type.max <= SQLITE_INTEGER_MAX for p in params)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("args", "option"), NUMBERS, ids=lambda a: " ".join(a) if isinstance(a, list) else a)
@pytest.mark.parametrize("number", [TOO_BIG, str(2**64 + 5), "-" + TOO_BIG, "1e3", "x"])
def test_an_integer_out_of_range_is_one_line_and_exit_2(args: list[str], option: str, number: str) -> None:
    if number.startswith("-") and not option.startswith("-"):
        args = [*args[:-1], "--", args[-1]]  # a negative argument reads as an option otherwise
    archive = [] if args[0] == "extract" else ["--archive", "none.sqlite"]  # extract reads files, not archives
    result = CliRunner().invoke(main, [*args, number, *archive])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("csto: error: ") and option.lower() in line.lower() and number in line


def test_the_largest_sqlite_integer_is_taken(tmp_path: object) -> None:
    assert ArchiveInt(0).convert(str(SQLITE_INTEGER_MAX), None, None) == SQLITE_INTEGER_MAX


def test_an_integer_below_its_least_value_is_one_line_and_exit_2() -> None:
    result = CliRunner().invoke(main, ["search", "x", "--limit", "0"])
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == "csto: error: '--limit': 0 is not in the range 1<=x<=1000.\n"
