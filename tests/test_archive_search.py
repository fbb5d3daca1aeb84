"""Full-text search: stemmed in both languages, title hits first, filters, snippets, hostile queries as plain text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from archive_items import article_item, count, fetch_record, write_run
from click.testing import CliRunner

from csto_crawler.archive.queries import ArchiveReader
from csto_crawler.archive.search import SearchFilter, count_matches, search
from csto_crawler.archive.search_query import MAX_QUERY_WORDS, SearchQueryError
from csto_crawler.archive.stored_pages import StoredPage
from csto_crawler.cli import ExitCode, main
from csto_crawler.pages.anchored import Hints
from csto_crawler.reextract import read_snapshot

# (slug, lang, element ID, section, published, title, body)
CORPUS = [
    (
        "minsk",
        "en",
        "1",
        "news/news_odkb",
        "2026-01-10",
        "CSTO Secretary General held a meeting in Minsk",
        "The talks covered the situation near the Tajik-Afghan border.",
    ),
    (
        "stability",
        "en",
        "2",
        "documents/statements",
        "2025-12-01",
        "Statement on regional stability",
        "Adopted after several meetings of the working group.",
    ),
    (
        "exercises",
        "en",
        "3",
        "news/news_odkb",
        "2025-09-20",
        "Exercises Interaction-2025 completed",
        "The motto of the exercises was «безопасность» in Russian.",
    ),
    (
        "o-bezopasnosti",
        "ru",
        "11",
        "news/news_odkb",
        "2026-01-10",
        "О коллективной безопасности",
        "Совет принял заявление.",
    ),
    (
        "vstrecha",
        "ru",
        "12",
        "news/smi",
        "2025-11-05",
        "Встреча министров",
        "Министры обсудили вопросы региональной безопасности и сотрудничества в Центральной Азии.",
    ),
    ("treaty", "en", "4", "documents/documents", "2025-05-15", "Treaty on Collective Security", "Signed in 1992."),
    ("partners", "en", "5", "news/smi", "2025-04-01", "Partners", "Security is a collective effort, they agreed."),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "csto.sqlite"
    items = [
        article_item(slug, lang=lang, element_id=eid, section=section, published=published, title=title, body_text=body)
        for slug, lang, eid, section, published, title, body in CORPUS
    ]
    write_run(path, items)
    return path


@pytest.fixture
def reader(archive: Path) -> Iterator[ArchiveReader]:
    opened = ArchiveReader.open(archive)
    yield opened
    opened.close()


def ids(reader: ArchiveReader, query: str, **filters: Any) -> list[str]:
    return [hit["id"] for hit in search(reader.db, query, SearchFilter(**filters))]


def test_search_finds_other_russian_word_forms(reader: ArchiveReader) -> None:
    assert ids(reader, "безопасность", lang="ru") == ["ru-11", "ru-12"]
    assert ids(reader, "министрами") == ["ru-12"]


def test_search_finds_other_english_word_forms(reader: ArchiveReader) -> None:
    assert ids(reader, "meetings") == ["en-1", "en-2"]
    assert ids(reader, "Meeting") == ["en-1", "en-2"]


def test_search_ranks_title_hits_first(reader: ArchiveReader) -> None:
    hits = search(reader.db, "безопасности", SearchFilter(lang="ru"))
    assert [h["id"] for h in hits] == ["ru-11", "ru-12"]  # ru-11 has it in the title, ru-12 in the body
    assert hits[0]["score"] < hits[1]["score"]


def test_search_all_words_must_match(reader: ArchiveReader) -> None:
    assert ids(reader, "безопасность сотрудничество") == ["ru-12"]
    assert ids(reader, "meeting Minsk") == ["en-1"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"lang": "en"}, ["en-3"]),
        ({"lang": "ru"}, ["ru-11", "ru-12"]),
        ({"section": "news/news_odkb"}, ["ru-11", "en-3"]),
        ({"section": "news"}, ["ru-11", "ru-12", "en-3"]),
        ({"section": "news/"}, ["ru-11", "ru-12", "en-3"]),
        ({"since": "2026-01-01"}, ["ru-11"]),
        ({"until": "2025-11-05"}, ["ru-12", "en-3"]),
        ({"since": "2025-10-01", "until": "2025-12-31"}, ["ru-12"]),
    ],
    ids=["lang-en", "lang-ru", "section", "section-prefix", "section-slash", "since", "until", "range"],
)
def test_search_filters(reader: ArchiveReader, filters: dict[str, str], expected: list[str]) -> None:
    assert sorted(ids(reader, "безопасность", **filters)) == sorted(expected)


def test_search_section_filter_does_not_match_a_longer_name(reader: ArchiveReader) -> None:
    assert ids(reader, "meeting", section="news/news_odk") == []
    assert ids(reader, "meeting", section="documents/statement") == []


def test_search_snippet_marks_the_hit(reader: ArchiveReader) -> None:
    hits = search(reader.db, "безопасность", SearchFilter(lang="ru", section="news/smi"))
    assert [h["snippet"] for h in hits] == [
        "Министры обсудили вопросы региональной [безопасности] и сотрудничества в Центральной Азии."
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('" OR 1=1 --"', []),  # a phrase of the words or, 1, 1
        ("NEAR(", ["en-1"]),
        ("border*", ["en-1"]),
        ("'; DROP TABLE articles; --", []),
        ("title:Minsk", []),
        ("^Minsk", ["en-1"]),
    ],
)
def test_search_treats_operators_and_sql_as_plain_words(reader: ArchiveReader, query: str, expected: list[str]) -> None:
    assert ids(reader, query) == expected
    assert reader.query("SELECT count(*) AS n FROM articles") == [{"n": len(CORPUS)}]


@pytest.mark.parametrize("query", ["", "   ", "*", '"" -- ;', "«»"])
def test_search_query_without_words_raises(reader: ArchiveReader, query: str) -> None:
    with pytest.raises(SearchQueryError, match=r"nothing to search for .* give at least one word"):
        search(reader.db, query, SearchFilter())


def test_search_query_with_too_many_words_raises(reader: ArchiveReader) -> None:
    with pytest.raises(SearchQueryError, match="too many words"):
        search(reader.db, " ".join(["meeting"] * (MAX_QUERY_WORDS + 1)), SearchFilter())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"коллективной безопасности"', ["ru-11"]),
        ('"коллективная безопасность"', ["ru-11"]),  # a phrase of stems: other word forms too
        ("«коллективной безопасности»", ["ru-11"]),
        ("“secretary general”", ["en-1"]),
        ('"Secretary General" Minsk', ["en-1"]),
        ('"held a meeting" "in Minsk"', ["en-1"]),
        ('"безопасности коллективной"', []),  # the words, not in that order
        ('"general secretary"', []),
        ('"secretary meeting"', []),  # both words in en-1, not next to each other
        ("secretary meeting", ["en-1"]),  # without quotes: anywhere
        ('"Tajik-Afghan border"', ["en-1"]),
        ('"regional"', ["en-2"]),
        ('"collective security"', ["en-4"]),
        ("collective security", ["en-4", "en-5"]),
        ('"Безопасность коллективная"', []),
        ('"security" border', []),
    ],
)
def test_search_quoted_phrase_matches_adjacent_words_in_order(
    reader: ArchiveReader, query: str, expected: list[str]
) -> None:
    assert sorted(ids(reader, query)) == sorted(expected)


def test_search_phrase_words_count_towards_the_limit(reader: ArchiveReader) -> None:
    with pytest.raises(SearchQueryError, match="too many words"):
        search(reader.db, '"' + " ".join(["meeting"] * (MAX_QUERY_WORDS + 1)) + '"', SearchFilter())


def test_search_pages_with_offset_and_counts_every_match(reader: ArchiveReader) -> None:
    everything = ids(reader, "безопасность")
    assert len(everything) == 3
    pages = [ids(reader, "безопасность", limit=2, offset=offset) for offset in (0, 2, 4)]
    assert pages == [everything[:2], everything[2:], []]
    assert count_matches(reader.db, "безопасность", SearchFilter(limit=1, offset=1)) == 3
    assert count_matches(reader.db, "безопасность", SearchFilter(lang="ru")) == 2
    assert count_matches(reader.db, '"коллективной безопасности"', SearchFilter()) == 1


@pytest.mark.parametrize(
    ("args", "shown", "line"),
    [
        ([], 3, "3 result(s)"),
        (["--limit", "2"], 2, "2 of 3 result(s); next: --offset 2"),
        (["--limit", "1", "--offset", "1"], 1, "1 of 3 result(s) (2-2); next: --offset 2"),
        (["--limit", "2", "--offset", "2"], 1, "1 of 3 result(s) (3-3)"),
        (["--offset", "5"], 0, "0 of 3 result(s) (none after --offset 5)"),
        (["--lang", "ru"], 2, "2 result(s)"),
    ],
)
def test_cli_search_says_how_many_of_how_many(archive: Path, args: list[str], shown: int, line: str) -> None:
    result = CliRunner().invoke(main, ["search", "безопасность", "--archive", str(archive), *args])
    assert result.exit_code == 0, result.output
    assert result.stderr == line + "\n"
    assert result.stdout.count("/news/") == shown
    as_json = CliRunner().invoke(main, ["search", "безопасность", "--archive", str(archive), "--json", *args])
    assert len(json.loads(as_json.stdout)) == shown
    assert as_json.stderr == line + "\n"


def test_cli_search_finds_a_quoted_phrase(archive: Path) -> None:
    def found(query: str) -> list[str]:
        result = CliRunner().invoke(main, ["search", query, "--archive", str(archive), "--json"])
        assert result.exit_code == 0, result.output
        return sorted(hit["id"] for hit in json.loads(result.stdout))

    assert found('"collective security"') == ["en-4"]
    assert found("collective security") == ["en-4", "en-5"]


def test_cli_search_prints_hits_as_json(archive: Path) -> None:
    result = CliRunner().invoke(main, ["search", "безопасность", "--lang", "ru", "--json", "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert [(h["id"], h["published"]) for h in hits] == [("ru-11", "2026-01-10"), ("ru-12", "2025-11-05")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Minsk OR Treaty", ["en-1", "en-4"]),
        ("security OR peace", ["en-4", "en-5"]),
        ("meeting) OR (stability", ["en-1", "en-2"]),  # brackets are not syntax: meeting OR stability
        ("security OR minsk treaty", ["en-4"]),  # OR binds its neighbours: (security OR minsk) AND treaty
        ('"collective security" OR Minsk', ["en-1", "en-4"]),
        ("security -treaty", ["en-5"]),
        ('collective -"collective security"', ["en-5"]),
        ("безопасность -министры", ["en-3", "ru-11"]),  # the excluded word in any form
        ("Tajik-Afghan", ["en-1"]),  # a hyphenated word is a phrase of its parts
        ("security or peace", []),  # lower-case or is a word
    ],
)
def test_search_or_and_excluded_words(reader: ArchiveReader, query: str, expected: list[str]) -> None:
    assert sorted(ids(reader, query)) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('a" b', "unclosed quote"),
        ("«безопасность", "unclosed quote"),
        ("OR security", "OR needs a word or phrase on each side"),
        ("security OR", "OR needs a word or phrase on each side"),
        ("security OR OR peace", "OR needs a word or phrase on each side"),
        ("security OR -peace", "cannot be one side of an OR"),
        ("-security", "at least one word that is not excluded"),
    ],
)
def test_search_syntax_errors_say_what_is_wrong(reader: ArchiveReader, query: str, message: str) -> None:
    with pytest.raises(SearchQueryError, match=message):
        search(reader.db, query, SearchFilter())


def test_cli_search_takes_unquoted_words_and_operators(archive: Path) -> None:
    def found(*args: str) -> list[str]:
        result = CliRunner().invoke(main, ["search", *args, "--archive", str(archive), "--json"])
        assert result.exit_code == 0, result.output
        return sorted(hit["id"] for hit in json.loads(result.stdout))

    assert found("collective", "security") == ["en-4", "en-5"]
    assert found("security", "-treaty", "--lang", "en") == ["en-5"]
    assert found("security", "OR", "Minsk") == ["en-1", "en-4", "en-5"]


@pytest.mark.parametrize("args", [['"collective', "security"], ["security", "OR"], ["-security"], ["a", "--lmit", "5"]])
def test_cli_search_syntax_error_is_one_line_exit_2(archive: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, ["search", *args, "--archive", str(archive)])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("csto: error: ")
    assert result.stdout == ""


def test_cli_search_without_words_is_a_usage_error(archive: Path) -> None:
    result = CliRunner().invoke(main, ["search", "*", "--archive", str(archive)])
    assert result.exit_code == ExitCode.USAGE
    assert "nothing to search for" in result.stderr
    assert "Traceback" not in result.output
    assert count(archive, "articles") == len(CORPUS)


# --- text as a reader sees it ---------------------------------------------------------------------

SHY_PAGE = """<html><head><title>Meeting of the Coun\u00adcil</title></head><body>
<div class="menu"><a href="/">Home</a> <a href="/news/">News</a></div>
<div class="wrap"><h1>Meeting of the Coun\u00adcil</h1>
<div>Meeting of the Coun\u00adcil 13.11.2023</div>
<div class="text"><p>The \u200bparticipants dis\u00adcussed inter\u00adoperability of the forces.</p>
<p>They also agreed on a plan of joint exer\u00adcises for the next year.</p></div>
<a href="/news/">Back to the section</a></div>
<div class="footer">{links}<p>© Collective Security Treaty Organization</p></div></body></html>""".format(
    links="".join(f'<a href="/section-{n}/">Section {n}</a> ' for n in range(40))
)


def test_search_finds_a_word_written_with_a_soft_hyphen_in_the_page(tmp_path: Path) -> None:
    url = "https://en.odkb-csto.org/news/news_odkb/meeting-of-the-council/"
    fetch = fetch_record(url, SHY_PAGE.encode("utf-8"), headers={"content-type": "text/html; charset=utf-8"})
    snapshot = StoredPage(url, "en", "news/news_odkb", None, None, fetch, Hints())
    reading = read_snapshot(snapshot, "Europe/Moscow")
    assert reading.item is not None and reading.doubts == []
    path = tmp_path / "csto.sqlite"
    write_run(path, [reading.item])
    with closing(ArchiveReader.open(path)) as opened:
        row = opened.query("SELECT title, body_text FROM articles")[0]
        assert row["title"] == "Meeting of the Council"
        assert "interoperability" in row["body_text"] and "\u200b" not in row["body_text"]
        assert [hit["title"] for hit in search(opened.db, "interoperability", SearchFilter())] == [row["title"]]
        # A query pasted with the invisible characters still finds it.
        assert len(search(opened.db, "exer\u00adcises", SearchFilter())) == 1
