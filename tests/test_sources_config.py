"""Sources from TOML files and options: the examples load, every mistake is one line naming its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from csto_crawler.sources import FIELDS, SourceConfigError, load_sources, source_from_options

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(SourceConfigError) as caught:
        load_sources(write(tmp_path, text))
    assert all("\n" not in line for line in caught.value.errors)
    return caught.value.errors


@pytest.mark.parametrize("name", ["kazinform", "belta"])
def test_examples_load(name: str) -> None:
    (source,) = load_sources(EXAMPLES / f"{name}.toml")
    assert source.name == name
    assert source.must_mention is not None and source.keeps("", "the csto said") and source.keeps("ОДКБ", "")
    assert {lang.code for lang in source.languages} == {"ru", "en"}
    assert all(source.owns(url) for url in source.start_urls)


@pytest.mark.parametrize("name", ["kazinform", "belta"])
def test_examples_use_only_documented_fields(name: str) -> None:
    text = (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8")
    keys = {line.split("=", 1)[0].strip() for line in text.splitlines() if "=" in line and not line.startswith("#")}
    assert keys - {"ru", "en"} <= set(FIELDS)


def test_full_source_table(tmp_path: Path) -> None:
    (source,) = load_sources(
        write(
            tmp_path,
            """
[sources.osipovichi]
home = "https://osipovichi.gov.by/ru/"
start = ["https://osipovichi.gov.by/ru/news-rayon-ru/"]
id_pattern = "-(\\\\d+)$"
query_keys = ["page"]
trailing_slash = false
variant_prefixes = ["/print/"]
max_trap_requests = 10
[sources.osipovichi.languages]
ru = { base = "https://osipovichi.gov.by/ru", aliases = ["https://osipovichi.mogilev-region.by/ru/"] }
en = "https://osipovichi.gov.by/en/"
""",
        )
    )
    assert source.languages[0].base == "https://osipovichi.gov.by/ru/"  # a base always ends with /
    assert source.languages[0].aliases == ("https://osipovichi.mogilev-region.by/ru/",)
    assert source.id_pattern is not None and source.id_pattern.pattern == "-(\\d+)$"
    assert (source.query_keys, source.trailing_slash, source.variant_prefixes) == (("page",), False, ("/print/",))
    assert source.max_trap_requests == 10


def test_every_mistake_is_reported_once_with_its_place(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        """
[sources.Bad_Name]
home = "ftp://x"
[sources.agency]
home = "http://127.0.0.1:8811/"
start = ["http://elsewhere.org/ru/"]
must_mention = "CSTO("
id_pattern = "no-group"
trailing_slash = "yes"
max_trap_requests = -1
homepage = "http://127.0.0.1:8811/"
[sources.agency.languages]
ru = "http://127.0.0.1:8811/ru/?x=1"
english = "http://127.0.0.1:8811/en/"
""",
    )
    joined = "\n".join(errors)
    for expected in [
        "sources.Bad_Name: a name is",
        "sources.Bad_Name.home: not an http(s) URL",
        "sources.agency.homepage: unknown field",
        "sources.agency.must_mention: not a regular expression",
        "sources.agency.id_pattern: needs exactly 1 group",
        "sources.agency.trailing_slash: must be true or false",
        "sources.agency.max_trap_requests: must be a whole number",
        "sources.agency.languages.ru: a language base has no query",
        "sources.agency.languages.english: a language code is",
    ]:
        assert expected in joined
    assert len(errors) == 9
    assert all(line.startswith(f"{tmp_path / 'sources.toml'}: ") for line in errors)


def test_start_pages_must_be_on_the_languages_hosts(tmp_path: Path) -> None:
    errors = errors_of(
        tmp_path,
        """
[sources.agency]
home = "http://127.0.0.1:8811/"
start = ["http://elsewhere.org/ru/"]
[sources.agency.languages]
ru = "http://127.0.0.1:8811/ru/"
""",
    )
    assert errors == [
        f"{tmp_path / 'sources.toml'}: sources.agency: http://elsewhere.org/ru/ is on none of the languages' hosts"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sources.a\nhome = 1", "not TOML"),
        ("title = 'x'\n[sources.a]\nhome = 'http://a/'", "unknown top-level key"),
        ("", "no [sources.NAME] table"),
        ("[sources.a]\nstart = ['http://a/']", "sources.a.home: required"),
        ("[sources.a]\nhome = 'http://a/'\nlanguages = 'ru'", "sources.a.languages: must be a table"),
        (
            "[sources.a]\nhome = 'http://a/'\n[sources.a.languages]\nru = 'http://a/x/'\nen = 'http://a/x'",
            "share the base",
        ),
    ],
)
def test_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    errors = errors_of(tmp_path, text)
    assert len(errors) == 1 and message in errors[0]


def test_unreadable_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(SourceConfigError, match="cannot read"):
        load_sources(tmp_path / "missing.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"[sources.a]\nhome = '\xff'")
    with pytest.raises(SourceConfigError, match="cannot read"):
        load_sources(path)


def test_source_from_options() -> None:
    source = source_from_options(
        "agency",
        "http://127.0.0.1:8811",
        start=["http://127.0.0.1:8811/ru/tag/odkb/", "http://127.0.0.1:8811/en/tag/csto/"],
        must_mention="CSTO|ОДКБ",
        langs=["ru", "en=http://127.0.0.1:8811/en/"],
    )
    assert [(lang.code, lang.base) for lang in source.languages] == [
        ("ru", "http://127.0.0.1:8811/ru/"),
        ("en", "http://127.0.0.1:8811/en/"),
    ]
    assert source.keeps("odkb? no: ОДКБ", "")
    with pytest.raises(SourceConfigError, match="must_mention: not a regular expression"):
        source_from_options("agency", "http://127.0.0.1:8811/", must_mention="(")


def test_a_source_table_reads_back_to_the_same_source() -> None:
    from pathlib import Path

    from csto_crawler.sources import csto_source, load_sources, sources_from_setting, sources_setting

    examples = Path(__file__).resolve().parent.parent / "examples"
    sources = [csto_source(), *load_sources(examples / "kazinform.toml"), *load_sources(examples / "belta.toml")]
    back = sources_from_setting(sources_setting(sources))
    assert back == sources
    assert [s.must_mention.pattern if s.must_mention else None for s in back] == [
        s.must_mention.pattern if s.must_mention else None for s in sources
    ]
