"""Import participants from a CSV or Excel file: a preview first, then all or nothing.

The municipalities send their leader lists as Excel exports, often saved as CSV by a Danish
Excel (semicolons) or by hand (commas), with Danish or English column headers. `parse` reads
such a file into preview rows and a list of `LineError`s: each names its file line (the header
is line 1), the column and the problem, as a message id the page or the command line
translates. `import_file` parses again inside one write transaction and imports every row or,
when any line is bad, nothing. The page and `python -m digled import-users` share both.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd
import sqlite_utils

from . import accounts, audit, auth, organisation, participants
from .content import Organisation
from .db import write
from .i18n import N_, text
from .validation import clean

MAX_BYTES = 5_000_000
MAX_ROWS = 5000
REQUIRED = ("name", "email", "municipality", "area", "level")
HEADERS = {
    "name": ("navn", "name", "fulde navn", "full name"),
    "email": ("e-mail", "email", "mail", "e-mail-adresse", "e-mailadresse", "e-mail address", "email address"),
    "municipality": ("kommune", "municipality"),
    "area": ("fagområde", "område", "area", "fagomraade", "omraade"),
    "level": ("lederniveau", "niveau", "level", "leader level"),
    "roles": ("roller", "roles", "rolle", "role"),
}
_ALIAS = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
DEFAULT_ROLES = ("leader",)


@dataclass(frozen=True)
class LineError:
    """One problem in the file: its line (header = 1), column (a participants.FIELDS key, or ''
    for the whole line), a message id and its format params."""

    line: int
    column: str
    message: str
    params: dict = field(default_factory=dict)

    def describe(self, translate=lambda s: s) -> str:
        """'line 4, e-mail: not a valid e-mail address' (in English unless `translate` is given)."""
        where = translate("line {line}").format(line=self.line)
        if self.column:
            where += ", " + translate(participants.FIELD_LABELS.get(self.column, self.column))
        return f"{where}: {translate(self.message).format(**self.params)}"


@dataclass(frozen=True)
class PreviewRow:
    """One data line of the file, validated: `participant` is None when the line has errors."""

    line: int
    cells: dict[str, str]
    participant: participants.Participant | None
    username: str


@dataclass(frozen=True)
class ParseResult:
    rows: list[PreviewRow]
    errors: list[LineError]

    @property
    def ok(self) -> bool:
        """True when every line is good (and there is at least one participant)."""
        return not self.errors and bool(self.rows)


class ImportRejected(Exception):
    """Raised by `import_file` when any line is bad: nothing was imported."""

    def __init__(self, errors: list[LineError]):
        super().__init__("\n".join(e.describe() for e in errors))
        self.errors = errors


# --- reading the file into lines of cells -------------------------------------------------------


def _is_excel(data: bytes, filename: str) -> bool:
    return data[:4] == b"PK\x03\x04" or PurePath(filename).suffix.lower() == ".xlsx"


def _excel_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_excel(data: bytes) -> tuple[list[tuple[int, list[str]]], list[LineError]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=False)
        sheet = book.worksheets[0]
        lines = [(n, [_excel_cell(v) for v in row]) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    except Exception:  # openpyxl raises many kinds of errors on a damaged file; all mean the same here
        return [], [LineError(1, "", N_("the file cannot be read as an Excel workbook (.xlsx)"))]
    return lines, []


def _read_csv(data: bytes) -> tuple[list[tuple[int, list[str]]], list[LineError]]:
    try:
        body = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return [], [LineError(line, "", N_("the file is not UTF-8 text: save it as “CSV UTF-8”"))]
    first = body.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    lines, start = [], 1
    try:
        for cells in reader:
            lines.append((start, cells))
            start = reader.line_num + 1
    except csv.Error:
        return [], [LineError(start, "", N_("this line cannot be read as CSV (check the quotes)"))]
    return lines, []


def read_lines(data: bytes, filename: str = "") -> tuple[list[tuple[int, list[str]]], list[LineError]]:
    """The file as (line number, cells) pairs, or the error that makes it unreadable."""
    if len(data) > MAX_BYTES:
        return [], [LineError(1, "", N_("the file is too large (at most {mb} MB)"), {"mb": MAX_BYTES // 1_000_000})]
    if not data.strip():
        return [], [LineError(1, "", N_("the file is empty"))]
    return _read_excel(data) if _is_excel(data, filename) else _read_csv(data)


def header_key(cell: str) -> str:
    """The canonical column of a header cell, or '' ('E-mail ' and 'EMAIL' both give 'email')."""
    return _ALIAS.get(" ".join(cell.replace("\ufeff", "").split()).casefold().rstrip(":*"), "")


def _columns(header: list[str]) -> tuple[dict[str, int], list[LineError]]:
    columns: dict[str, int] = {}
    errors = []
    for index, cell in enumerate(header):
        key = header_key(cell)
        if not key:
            continue
        if key in columns:
            errors.append(LineError(1, key, N_("the column appears twice")))
        columns.setdefault(key, index)
    errors += [LineError(1, key, N_("the column is missing")) for key in REQUIRED if key not in columns]
    return columns, errors


# --- validating ----------------------------------------------------------------------------------


def parse(db: sqlite_utils.Database, data: bytes, filename: str = "", org: Organisation | None = None) -> ParseResult:
    """Read and validate a participant file: preview rows and every error, nothing written."""
    lines, errors = read_lines(data, filename)
    if errors:
        return ParseResult([], errors)
    header_line, header = lines[0]
    if header_line != 1 or not any(c.strip() for c in header):
        return ParseResult([], [LineError(1, "", N_("the first line must name the columns"))])
    columns, errors = _columns(header)
    if errors:
        return ParseResult([], errors)
    org = org or organisation.current(db)
    owners = participants.email_owners(db)
    taken = participants.usernames(db)
    first_line_of: dict[str, int] = {}
    rows: list[PreviewRow] = []
    for line, cells in lines[1:]:
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            errors.append(LineError(line, "", N_("too many participants in one file (at most {n})"), {"n": MAX_ROWS}))
            break
        values = {key: cells[i] if i < len(cells) else "" for key, i in columns.items()}
        extra = [c for c in cells[len(header):] if c.strip()]
        if extra:
            errors.append(LineError(line, "", N_("this line has more cells than the header has columns")))
        participant, problems = participants.check(db, values, org, owners=owners, default_roles=DEFAULT_ROLES)
        errors += [LineError(line, p.field, p.message, p.params) for p in problems]
        email = clean(values["email"]).casefold()
        if not any(p.field == "email" for p in problems):
            if email in first_line_of:
                errors.append(LineError(line, "email", N_("the same e-mail address as line {line}"),
                                        {"line": first_line_of[email]}))
                participant = None
            first_line_of.setdefault(email, line)
        username = ""
        if participant is not None and not extra:
            username = participants.derive_username(participant.email, taken)
            taken.add(username)
        else:
            participant = None
        rows.append(PreviewRow(line, {k: clean(v) for k, v in values.items()}, participant, username))
    if not rows and not errors:
        errors.append(LineError(2, "", N_("the file has no participants under the header")))
    return ParseResult(rows, errors)


def import_file(db: sqlite_utils.Database, data: bytes, filename: str, actor: str) -> int:
    """Parse and import in one write transaction: every participant, or none (ImportRejected).
    A line giving one person both the administrator and the management role is refused (its
    roles column names why): see participants, separation of duties."""
    with write(db):
        result = parse(db, data, filename)
        if not result.ok:
            raise ImportRejected(result.errors)
        for row in result.rows:
            p = row.participant
            user_id = auth.create_user(db, username=row.username, name=p.name, email=p.email,
                                       municipality=p.municipality, area=p.area, level=p.level, roles=p.roles)
            if "management" in p.roles:
                accounts.announce_management(db, user_id, actor)
        audit.log(db, actor, "import participants", f"{PurePath(filename).name}: {len(result.rows)}")
    return len(result.rows)


def preview_table(result: ParseResult, org: Organisation, lang: str) -> pd.DataFrame:
    """The preview as a table: one row per data line, organisation values by name."""
    records = []
    for row in result.rows:
        p = row.participant
        records.append({
            "line": row.line,
            "name": p.name if p else row.cells.get("name", ""),
            "email": p.email if p else row.cells.get("email", ""),
            "municipality": text(org.municipalities[p.municipality], lang) if p else row.cells.get("municipality", ""),
            "area": text(org.areas[p.area], lang) if p else row.cells.get("area", ""),
            "level": text(org.levels[p.level], lang) if p else row.cells.get("level", ""),
            "roles": ", ".join(p.roles) if p else row.cells.get("roles", ""),
            "username": row.username,
        })
    return pd.DataFrame(records, columns=["line", "name", "email", "municipality", "area", "level", "roles", "username"])


def error_table(errors: list[LineError], translate=lambda s: s) -> pd.DataFrame:
    """The errors as a table: line, column (translated label) and problem (translated)."""
    return pd.DataFrame(
        [{"line": e.line,
          "column": translate(participants.FIELD_LABELS[e.column]) if e.column else "",
          "problem": translate(e.message).format(**e.params)} for e in errors],
        columns=["line", "column", "problem"],
    )


def template_csv() -> bytes:
    """An empty participant list with Danish headers, semicolons and a BOM (opens in Danish Excel)."""
    header = ";".join(aliases[0] for aliases in HEADERS.values())
    return ("\ufeff" + header + "\r\n").encode("utf-8")
