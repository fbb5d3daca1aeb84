"""safe_filename and path_inside: a name taken from a web page never leaves its folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from csto_crawler.filenames import (
    MAX_NAME_BYTES,
    UnsafePathError,
    path_inside,
    safe_filename,
    shorten,
    with_hash_suffix,
)

SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

# Hostile or broken names an attachment link may carry, and what is left of them.
NAMES = [
    ("Statement of the CSTO.docx", "Statement of the CSTO.docx"),
    ("Заявление СМИД ОДКБ.pdf", "Заявление СМИД ОДКБ.pdf"),
    ("../../etc/passwd", "passwd"),
    ("/abs/path.docx", "path.docx"),
    ("a/../../b.pdf", "b.pdf"),
    ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
    ("C:\\Users\\x\\report.pdf", "report.pdf"),
    ("..", SHA),
    ("", SHA),
    ("   ", SHA),
    ("/", SHA),
    ("../", SHA),
    ("...", SHA),
    (".bashrc", "bashrc"),
    ("report.pdf.", "report.pdf"),
    ("con.docx", "_con.docx"),
    ("CON", "_CON"),
    ("lpt1.pdf", "_lpt1.pdf"),
    ("nul.tar.gz", "_nul.tar.gz"),
    ("console.docx", "console.docx"),
    ("evil\x00.docx", "evil.docx"),
    ("line\nbreak\r.pdf", "linebreak.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override would show "exe.pdf"
    ('a:b?c*"d"<e>|f.pdf', "a_b_c__d__e__f.pdf"),
    ("\x00\x01\x02", SHA),
]


@pytest.mark.parametrize(("name", "safe"), NAMES)
def test_safe_filename_keeps_one_harmless_component(name: str, safe: str) -> None:
    assert safe_filename(name, SHA) == safe


@pytest.mark.parametrize("name", [n for n, _ in NAMES])
def test_safe_filename_never_escapes_the_folder(tmp_path: Path, name: str) -> None:
    safe = safe_filename(name, SHA)
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert not safe.startswith(".")
    target = (tmp_path / safe).resolve()
    assert target.parent == tmp_path.resolve()


def test_safe_filename_caps_long_names_keeping_the_extension() -> None:
    safe = safe_filename("Заявление " * 100 + ".docx", SHA)
    assert len(safe.encode()) <= MAX_NAME_BYTES
    assert safe.endswith(".docx")
    assert safe.startswith("Заявление Заявление")


def test_safe_filename_caps_a_long_name_without_extension() -> None:
    assert len(safe_filename("x" * 1000, SHA).encode()) == MAX_NAME_BYTES
    assert len(safe_filename("x." + "y" * 1000, SHA).encode()) == MAX_NAME_BYTES  # no 1000-char extension kept


def test_shorten_cuts_on_a_character_boundary() -> None:
    cut = shorten("ж" * 10 + ".pdf", 9)  # 2 bytes per letter: 2 letters and ".pdf" fit
    assert cut == "жж.pdf"
    cut.encode().decode()


def test_with_hash_suffix_goes_before_the_extension() -> None:
    assert with_hash_suffix("a.pdf", SHA) == "a-9f86d081884c.pdf"
    assert with_hash_suffix("README", SHA) == "README-9f86d081884c"


def test_path_inside_accepts_a_plain_name(tmp_path: Path) -> None:
    assert path_inside(tmp_path, "en", "a.pdf") == tmp_path.resolve() / "en" / "a.pdf"


@pytest.mark.parametrize("parts", [("..", "x"), ("/etc", "passwd"), ("en", "..", "..", "x"), ("",), (".",)])
def test_path_inside_refuses_paths_outside_the_root(tmp_path: Path, parts: tuple[str, ...]) -> None:
    with pytest.raises(UnsafePathError):
        path_inside(tmp_path / "out", *parts)


def test_path_inside_refuses_a_symlink_out_of_the_root(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    (root / "en").symlink_to(tmp_path)
    with pytest.raises(UnsafePathError):
        path_inside(root, "en", "a.pdf")
