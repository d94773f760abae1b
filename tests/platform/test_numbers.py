"""digled.platform.numbers, the one number formatter: a decimal comma in Danish, a point in English, for
text, tables, charts and CSV files alike."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from digled.platform import exports, numbers


def test_decimal_in_both_languages():
    assert numbers.decimal(3.94, "da") == "3,9" and numbers.decimal(3.94, "en") == "3.9"
    assert numbers.decimal(11.66, "da", sign=True) == "+11,7" and numbers.decimal(-0.4, "en", sign=True) == "-0.4"
    assert numbers.decimal(1.256, "da", 2) == "1,26" and numbers.decimal(43.6, "da", 0) == "44"
    assert numbers.decimal(-0.04, "da", sign=True) == "0,0"  # no change: never "-0,0" or "+0,0"


def test_a_table_writes_fractions_in_the_language_and_keeps_whole_numbers_whole():
    df = pd.DataFrame({"name": ["a", "b"], "level": [3.9, 2.1], "share": [11.0, None], "n": [5, 6]})
    da = numbers.frame(df, "da")
    assert list(da["level"]) == ["3,9", "2,1"] and list(da["name"]) == ["a", "b"]
    assert da["share"].dtype == "Int64" and da["share"][0] == 11 and da["share"][1] is pd.NA
    assert list(da["n"]) == [5, 6]
    en = numbers.frame(df, "en")  # English: the grid's own point, numbers stay numbers
    assert list(en["level"]) == [3.9, 2.1] and en["share"].dtype == "Int64"
    assert list(df["level"]) == [3.9, 2.1]  # the caller's frame (downloads) is left as it was
    mixed = pd.DataFrame({"x": ["", 4.0, 1.26]})
    assert list(numbers.frame(mixed, "da")["x"]) == ["", "4,0", "1,26"]


def test_plotly_separators_and_csv_cells_follow_the_same_rule():
    assert numbers.separators("da") == ",." and numbers.separators("en") == ".,"
    assert exports.cell_text(1.26) == numbers.cell(1.26, "da") == "1,26"
    assert numbers.cell(float("nan"), "da") == "" and numbers.cell(None, "en") == ""
    assert not math.isnan(float(numbers.cell(2.5, "en")))


def test_a_numpy_float_is_written_as_its_value():
    """np.float64 is a float whose repr (numpy 2) is 'np.float64(0.25)': the cell shows 0,25."""
    assert numbers.cell(np.float64(0.25), "da") == "0,25" and numbers.cell(np.float64(2.5), "en") == "2.5"
    assert numbers.cell(np.float64("nan"), "da") == ""
