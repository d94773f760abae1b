"""digled.platform.exports: one CSV format for Danish Excel: `;` between cells, every cell quoted,
CRLF, decimal comma, UTF-8 with a byte order mark, formula-like text neutralised with a leading
apostrophe. (Attacks through the downloads are in tests/security/test_csv_exports.py.)"""

import io

import numpy as np
import pandas as pd
import pytest

from digled.platform import exports


@pytest.mark.parametrize("value, shown", [
    (None, ""), (float("nan"), ""), (pd.NA, ""), (pd.NaT, ""),
    (True, "True"), (3, "3"), (3.5, "3,5"), (np.int64(7), "7"), (np.float64(0.25), "0,25"),
    ("Søren", "Søren"), ("=1+2", "'=1+2"),
])
def test_one_cell_as_written(value, shown):
    assert exports.cell_text(value) == shown


def test_safe_cell_leaves_numbers_and_quoted_text_alone():
    assert exports.safe_cell(-3) == -3
    assert exports.safe_cell("'=x") == "'=x"
    assert exports.safe_cell("a;=b") == "'a;=b"  # a formula after a separator
    assert exports.safe_cell("\uff1dx") == "'\uff1dx"  # the full-width equals sign
    assert exports.safe_cell("a - b") == "a - b"


def test_the_csv_text_is_quoted_semicolon_separated_with_crlf():
    df = pd.DataFrame({"Navn": ["Lea", "=cmd"], "Score": [1.5, None]})
    assert exports.csv_text(df) == '"Navn";"Score"\r\n"Lea";"1,5"\r\n"\'=cmd";""\r\n'


def test_the_file_has_a_byte_order_mark_and_reads_back():
    df = pd.DataFrame({"Område": ["Dagtilbud; skole"], "n": [5]})
    data = exports.csv_bytes(df)
    assert data.startswith("\ufeff".encode()) and "Område".encode() in data
    assert exports.read_csv_text(data.decode("utf-8")) == [["Område", "n"], ["Dagtilbud; skole", "5"]]


# moved from tests/insight/test_anonymity.py
def test_export_cells_are_neutralised_against_formulas():
    assert exports.safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert exports.safe_cell(" +1") == "' +1" and exports.safe_cell("@x") == "'@x" and exports.safe_cell("-2") == "'-2"
    assert exports.safe_cell("Albertslund") == "Albertslund" and exports.safe_cell(-2.5) == -2.5


def test_excel_bytes_is_one_named_sheet_without_the_index():
    df = pd.DataFrame({"Gruppe": ["Albertslund", "Glostrup"], "Svar": [12, 9]})
    book = pd.read_excel(io.BytesIO(exports.excel_bytes(df, "deltagelse")), sheet_name=None)
    assert list(book) == ["deltagelse"]
    assert book["deltagelse"].to_dict("list") == {"Gruppe": ["Albertslund", "Glostrup"], "Svar": [12, 9]}
