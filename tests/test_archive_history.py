"""One article's history: found by ID, URL or alias; versions diffed; ``csto show`` and ``csto diff``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_items import BODY, T0, TITLE, article_item, article_url, gone_notice, write_run
from click.testing import CliRunner, Result

from csto_crawler.archive.history import ArticleHistory, UnknownArticleError, load_history, version_diff
from csto_crawler.archive.queries import ArchiveReader
from csto_crawler.cli import ExitCode, main

EDITED_BODY = BODY.replace("in Moscow", "in Minsk") + "\n\nA joint statement was adopted."
OLD_URL, NEW_URL = article_url("en", "meeting"), article_url("en", "meeting-minsk")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """en-8573: v1, then its slug and body edited (v2), then its title edited (v3); en-9 never edited."""
    path = tmp_path_factory.mktemp("history") / "csto.sqlite"
    write_run(path, [article_item(), article_item("single", element_id="9")])
    write_run(path, [article_item("meeting-minsk", body_text=EDITED_BODY, at=T0 + dt.timedelta(days=1))])
    write_run(path, [article_item("meeting-minsk", title="New title", body_text=EDITED_BODY, at=T0 + dt.timedelta(2))])
    write_run(path, [gone_notice(article_url("en", "single"), at=T0 + dt.timedelta(days=3))])
    return path


@pytest.fixture
def reader(archive: Path) -> Iterator[ArchiveReader]:
    opened = ArchiveReader.open(archive)
    yield opened
    opened.close()


@pytest.mark.parametrize("key", ["en-8573", NEW_URL, OLD_URL], ids=["id", "url", "alias"])
def test_load_history_finds_the_article(reader: ArchiveReader, key: str) -> None:
    history = load_history(reader, key)
    assert (history.article["id"], history.article["url"]) == ("en-8573", NEW_URL)
    assert [v["version"] for v in history.versions] == [1, 2, 3]
    assert [v["url"] for v in history.versions] == [OLD_URL, NEW_URL, NEW_URL]
    assert [e["event"] for e in history.events] == ["url_changed"]
    assert history.aliases == [OLD_URL]
    assert history.article["attachments"] == [] and isinstance(history.versions[0]["images"], list)


@pytest.mark.parametrize("key", ["en-1", "https://en.odkb-csto.org/news/", "en-8573' OR '1'='1"])
def test_load_history_unknown_key_raises(reader: ArchiveReader, key: str) -> None:
    with pytest.raises(UnknownArticleError, match=r"no article .* in the archive"):
        load_history(reader, key)


def history_of(reader: ArchiveReader) -> ArticleHistory:
    return load_history(reader, "en-8573")


def test_version_diff_shows_removed_and_added_lines(reader: ArchiveReader) -> None:
    text = version_diff(history_of(reader), 1, 2)
    lines = text.splitlines()
    assert "--- en-8573 v1 body_text" in lines and "+++ en-8573 v2 body_text" in lines
    assert "-On 10 February the Secretaries General met in Moscow." in lines
    assert "+On 10 February the Secretaries General met in Minsk." in lines
    assert "+A joint statement was adopted." in lines
    assert not any(line.startswith("--- en-8573 v1 title") for line in lines)  # the title did not change


def test_version_diff_defaults_to_the_last_two(reader: ArchiveReader) -> None:
    text = version_diff(history_of(reader))
    assert text.splitlines()[:2] == ["--- en-8573 v2 title", "+++ en-8573 v3 title"]
    assert f"-{TITLE}" in text.splitlines() and "+New title" in text.splitlines()
    assert "body_text" not in text


def test_version_diff_of_a_version_with_itself_is_empty(reader: ArchiveReader) -> None:
    assert version_diff(history_of(reader), 2, 2) == ""


@pytest.mark.parametrize("versions", [(1, 4), (5, 1), (-1, 2)])
def test_version_diff_unknown_version_raises(reader: ArchiveReader, versions: tuple[int, int]) -> None:
    with pytest.raises(UnknownArticleError, match=r"has versions 1\.\.3"):
        version_diff(history_of(reader), *versions)


def csto(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_cli_show_prints_the_article_and_its_history(archive: Path) -> None:
    result = csto("show", OLD_URL, "--versions", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"en-8573  en  news/news_odkb  published 2026-02-10\n{NEW_URL}\n\nNew title\n")
    assert "A joint statement was adopted." in out
    assert "[live; seen " in out and "3 version(s)]" in out
    assert [line.split()[0] for line in out.splitlines() if line.startswith("  v")] == ["v1", "v2", "v3"]
    assert f"  event url_changed at {(T0 + dt.timedelta(days=1)).isoformat()} (run 2): {OLD_URL} -> {NEW_URL}" in out
    assert f"  alias {OLD_URL}" in out


def test_cli_show_json_of_a_gone_article(archive: Path) -> None:
    result = csto("show", "en-9", "--json", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["id"], payload["gone_reason"], payload["aliases"]) == ("en-9", "HTTP 404", [])
    assert [e["event"] for e in payload["events"]] == ["gone"]
    assert "versions" not in payload


def test_cli_show_unknown_article_exits_3(archive: Path) -> None:
    result = csto("show", "en-1", "--archive", str(archive))
    assert result.exit_code == ExitCode.CANNOT_RUN
    assert result.stderr.startswith("csto: error: no article 'en-1' in the archive")
    assert "Traceback" not in result.output


def test_cli_diff_prints_the_unified_diff(archive: Path) -> None:
    result = csto("diff", "en-8573", "1", "3", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert {"+New title", f"-{TITLE}", "+A joint statement was adopted."} <= set(lines)


def test_cli_diff_single_version_has_nothing_to_compare(archive: Path) -> None:
    result = csto("diff", "en-9", "--archive", str(archive))
    assert result.exit_code == 0
    assert (result.stdout, result.stderr.strip()) == ("", "en-9 has a single version: nothing to compare")


@pytest.mark.parametrize(("versions", "message"), [(["2"], "give two version numbers"), (["1", "7"], "versions 1..3")])
def test_cli_diff_bad_version_numbers_are_usage_errors(archive: Path, versions: list[str], message: str) -> None:
    result = csto("diff", "en-8573", *versions, "--archive", str(archive))
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr
