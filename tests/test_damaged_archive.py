"""A damaged archive (random bytes written into a valid file): every command reports the damage in
one line with a documented exit code, never a traceback, and a crawl refuses to write into it."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_items import article_item, write_run
from click.testing import CliRunner
from demo_crawls import crawl
from log_lines import unstamped

from csto_crawler.cli import ExitCode, main
from csto_crawler.demo import DemoSite

DAMAGE_BYTES = 40_000


def damage(path: Path, seed: int = 7) -> None:
    """Overwrite 40 KB in the middle of the file with random bytes (the header stays valid)."""
    data = bytearray(path.read_bytes())
    start = len(data) // 2 - DAMAGE_BYTES // 2
    rng = random.Random(seed)  # noqa: S311  (reproducible damage, not a secret)
    data[start : start + DAMAGE_BYTES] = bytes(rng.getrandbits(8) for _ in range(DAMAGE_BYTES))
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("damaged") / "csto.sqlite"
    body = "\n\n".join(f"Paragraph {n} of a long article about collective security." * 20 for n in range(20))
    write_run(path, [article_item(f"article-{n}", element_id=str(n), body_text=body) for n in range(120)])
    assert path.stat().st_size > 4 * DAMAGE_BYTES
    damage(path)
    yield path


@pytest.mark.parametrize(
    "command",
    [
        ["verify"],
        ["export", "--format", "jsonl", "-o", "{tmp}/x.jsonl"],
        ["stats"],
        ["coverage"],
        ["search", "security"],
    ],
)
def test_read_commands_report_damage_in_one_line(damaged: Path, tmp_path: Path, command: list[str]) -> None:
    """What reads only undamaged pages may succeed; what meets the damage says so in one line."""
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    result = CliRunner().invoke(main, [*args, "--archive", str(damaged)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code != ExitCode.OK:
        assert result.exit_code == ExitCode.DAMAGED, result.output
        errors = [line for line in unstamped(result.output).splitlines() if line.startswith("csto: error:")]
        assert len(errors) == 1 and "damaged" in errors[0], result.output


def test_verify_exits_6_on_damage(damaged: Path) -> None:
    result = CliRunner().invoke(main, ["verify", "--archive", str(damaged)])
    assert result.exit_code == ExitCode.DAMAGED


def test_crawl_refuses_to_write_into_a_damaged_archive(damaged: Path) -> None:
    size = damaged.stat().st_size
    before = damaged.read_bytes()
    with DemoSite() as site:
        run = crawl(site, damaged)
    assert run.returncode == ExitCode.CANNOT_RUN, run.stderr[-2000:]
    assert unstamped(run.stderr).strip().splitlines()[-1].startswith("csto: error:")
    assert "restore it from a backup" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.requests == []
    assert damaged.stat().st_size == size and damaged.read_bytes() == before
