"""The one way a number becomes text: every table, chart label, tooltip and download.

Danish writes a decimal comma (3,9; +11,7), English a decimal point (3.9; +11.7). Pages never
format a fractional number themselves (no f"{v:.1f}" in a page): they call `decimal`, hand a
table to `frame` and a plotly figure's layout `separators` (digled.ui.widgets does both), and
CSV downloads write their cells with `cell` in Danish (digled/platform/exports.py: Danish Excel reads a
comma).
"""

from __future__ import annotations

import math

import pandas as pd

DECIMAL_MARK = {"da": ",", "en": "."}


def _mark(lang: str) -> str:
    return DECIMAL_MARK.get(lang, DECIMAL_MARK["da"])


def decimal(value: float, lang: str, digits: int = 1, sign: bool = False) -> str:
    """`value` with `digits` decimals in the language's form: '3,9' / '3.9', with `sign`
    '+11,7' / '-0,4'. A value that rounds to zero is '0,0', without a sign (never '-0,0')."""
    value = float(value)
    if round(value, digits) == 0:
        value, sign = 0.0, False
    s = f"{value:{'+' if sign else ''}.{digits}f}"
    return s.replace(".", _mark(lang))


def cell(value, lang: str) -> str:
    """One table or file cell: '' for missing, a whole number as it is, a fraction with all
    the decimals it has (rounded where it was computed) in the language's form."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return str(value)
    if hasattr(value, "item") and not isinstance(value, (str, int, float)):  # numpy scalars
        return cell(value.item(), lang)
    if isinstance(value, float):
        value = float(value)  # np.float64 is a float, but its repr names the type
        if math.isnan(value):
            return ""
        return repr(value).replace(".", _mark(lang)) if "e" not in repr(value) else decimal(value, lang, 6)
    return str(value)


def frame(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table to show: a column of whole numbers (pandas keeps 11 beside a blank as 11.0) as
    whole numbers; where the language's decimal mark is not Streamlit's point (Danish), the
    columns holding fractions written in the language's form. English keeps its fractions as
    numbers (the grid draws them with a point and sorts them); text columns and the headers
    stay as they are."""
    out = df.copy()
    for column in out.columns:
        values = [v for v in out[column] if v is not None and v is not pd.NA]
        floats = [v for v in values if isinstance(v, float) and not math.isnan(v)]
        if not floats:
            continue
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        if numeric and all(v.is_integer() for v in floats):
            out[column] = pd.array([None if pd.isna(v) else int(v) for v in out[column]], dtype="Int64")
        elif _mark(lang) != ".":
            out[column] = [cell(v, lang) for v in out[column]]
    return out


def separators(lang: str) -> str:
    """plotly's `layout.separators` for the language: the decimal mark, then the thousands
    separator (Danish ',.'; English '.,'), so hover and axis numbers follow `decimal`."""
    return ",." if _mark(lang) == "," else ".,"
