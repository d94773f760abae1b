"""CSV files as digled writes them: one format for every download and the command line.

Written for Danish Excel, which is what the municipalities open them with (issue 14):

- `;` between cells (Danish Excel splits a double-clicked .csv on semicolons, because the
  comma is the decimal mark), every cell in double quotes, CRLF line ends;
- decimals with a comma (`3,5`), so Excel reads a number and not a date or a text;
- UTF-8 with a byte order mark (`csv_bytes`), so æ, ø and å survive a double-click;
- formula injection neutralised (`safe_cell`): a text cell that a spreadsheet could run as a
  formula gets a leading apostrophe. That is a cell starting with = + - @, a tab or a carriage
  return (also after blanks, also the full-width forms), and a cell where such a character
  follows a `;`, `,`, tab or line break, so that a name like `Fp;=1+2;` stays harmless even
  when a program splits the quoted cell anyway.

`csv_text` is the same text without the byte order mark, for a terminal or a pipe.
"""

from __future__ import annotations

import csv
import io
import math
import re

import pandas as pd

from digled.platform import numbers

SEPARATOR = ";"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_AFTER_SEPARATOR = re.compile(r"[;,\t\r\n][ \"']*[=+\-@\uff1d\uff0b\uff0d\uff20]")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading ' (other values unchanged)."""
    if not isinstance(value, str) or value.startswith("'"):
        return value
    if value.lstrip(" ").startswith(FORMULA_START) or value.startswith(FORMULA_START) or _AFTER_SEPARATOR.search(value):
        return "'" + value
    return value


def cell_text(value) -> str:
    """One cell as written: blank for missing, decimal comma for fractions, text made safe."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return numbers.cell(value, "da")  # the one number formatter; Danish Excel reads a comma
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return cell_text(value.item())
    return safe_cell(str(value))


def csv_text(df: pd.DataFrame) -> str:
    """The table as `;`-separated text, header first, every cell quoted and made safe."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=SEPARATOR, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow([cell_text(str(c)) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        w.writerow([cell_text(v) for v in row])
    return buf.getvalue()


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The file to download: `csv_text` in UTF-8 with a byte order mark."""
    return ("\ufeff" + csv_text(df)).encode("utf-8")


def excel_bytes(df: pd.DataFrame, sheet: str) -> bytes:
    """The table as an Excel workbook of one sheet named `sheet`, without the index."""
    buf = io.BytesIO()
    df.to_excel(buf, index=False, sheet_name=sheet)
    return buf.getvalue()


def read_csv_text(text: str) -> list[list[str]]:
    """Rows of a file written here (a BOM is skipped), for tests and round trips."""
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=SEPARATOR))
