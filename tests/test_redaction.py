"""Passwords never printed: fifteen ``csto export --to`` URLs that fail, each with a password, and the
redaction functions on their own. The password appears in no output line, log record or exception
message, however the URL is wrong (issue 24).
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest
import research_archive
from click.testing import CliRunner

from csto_crawler.archive.postgres import engine_url, safe_url
from csto_crawler.cli import ExitCode, main
from csto_crawler.redaction import MASK, redact, redact_url

SECRET = "S3cretPw1"  # noqa: S105  the password the test looks for


def free_port() -> int:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def failing_urls(port: int) -> list[str]:
    """Fifteen URLs that cannot work, each carrying ``SECRET``: misspelt schemes, another database,
    the password as a parameter, an unescaped @, bad ports and hosts, a closed port."""
    return [
        f"postgressql://alice:{SECRET}@127.0.0.1/csto",
        f"mysql://alice:{SECRET}@127.0.0.1/csto",
        f"postgresql:/alice:{SECRET}@127.0.0.1/csto",
        f"postgresql://alice@127.0.0.1:{port}/csto?password={SECRET}",
        f"postgresql://alice:S3cr@tPw1@127.0.0.1:{port}/csto",
        f"postgresql://alice:{SECRET}@127.0.0.1:port/csto",
        f"postgresql://alice:{SECRET}@127.0.0.1:99999/csto",
        f"postgresql://alice:{SECRET}@no-such-host.invalid:{port}/csto",
        f"postgresql://alice:{SECRET}@127.0.0.1:{port}/csto",
        f"postgresql://alice:{SECRET}@127.0.0.1:{port}/csto?sslmode=bogus",
        f"postgres ql://alice:{SECRET}@127.0.0.1/csto",
        f"postgresql+nosuchdriver://alice:{SECRET}@127.0.0.1/csto",
        f"alice:{SECRET}@127.0.0.1/csto",
        f"postgresql://alice:{SECRET}@[::1/csto",
        f"postgresql://alice:S3cret/Pw1@127.0.0.1:{port}/csto",
    ]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return research_archive.build(tmp_path_factory.mktemp("redaction") / "csto.sqlite")


@pytest.mark.parametrize("index", range(15))
def test_a_failing_url_never_prints_its_password(archive: Path, index: int, caplog: pytest.LogCaptureFixture) -> None:
    url = failing_urls(free_port())[index]
    with caplog.at_level(logging.DEBUG):
        result = CliRunner().invoke(main, ["export", "--archive", str(archive), "--to", url])
    assert result.exit_code in (ExitCode.USAGE, ExitCode.CANNOT_RUN), result.output
    assert isinstance(result.exception, SystemExit)  # no exception escaped: no traceback
    for piece in (SECRET, "S3cr@tPw1", "tPw1", "S3cret/Pw1", "Pw1"):
        assert piece not in result.output, result.output
        assert piece not in caplog.text
    [line] = result.stderr.splitlines()
    assert line.startswith("csto: error: ") and MASK in line


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p4ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql:/u:p4ss@h/db", "postgresql:/u:***@h/db"),
        ("u:p4ss@h/db", "u:***@h/db"),
        ("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u@h/db?sslmode=require&password=p4ss", "postgresql://u@h/db?sslmode=require&password=***"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql://h/db", "postgresql://h/db"),
    ],
)
def test_redact_url_masks_the_password_whatever_the_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown == safe_url(url)


def test_redact_masks_pieces_a_parser_printed() -> None:
    url = "postgresql://u:S3cr@tPw1@127.0.0.1/db"
    message = "failed to resolve host 'tPw1@127.0.0.1'; dsn postgresql://u:S3cr@tPw1@127.0.0.1/db"
    assert redact(message, url) == "failed to resolve host '***@127.0.0.1'; dsn postgresql://u:***@127.0.0.1/db"


def test_engine_url_refusal_names_the_url_without_its_password() -> None:
    with pytest.raises(Exception, match=r"not 'mysql://root:\*\*\*@h/db'"):
        engine_url("mysql://root:p4ss@h/db")
