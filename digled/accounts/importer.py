"""Import participants from a CSV or Excel file: a preview first, then all or nothing.

The municipalities send their leader lists as Excel exports, often saved as CSV by a Danish
Excel (semicolons) or by hand (commas), with Danish or English column headers. `parse` reads
such a file into preview rows and a list of `LineError`s: each names its file line (the header
is line 1), the column and the problem, as a message id the page or the command line
translates. `import_file` validates again inside one write transaction and imports every row
or, when any line is bad, nothing. The page and `python -m digled import-users` share both.

An uploaded workbook is untrusted: an .xlsx is a zip of XML files, and a few hundred kilobytes
can unpack to gigabytes (a "zip bomb"). `check_workbook` therefore reads only the zip's
directory first and refuses a workbook with more than MAX_MEMBERS files, a file larger than
MAX_MEMBER_BYTES unpacked, more than MAX_UNPACKED_BYTES in all, or a file that unpacks to more
than MAX_RATIO times its packed size (once past RATIO_FLOOR bytes). Python's zipfile never
yields more than the size the directory declares (a lying entry fails its CRC check), so the
limits hold while openpyxl reads. `_check_xml` then counts the XML's elements and cells with
expat, building nothing (MAX_XML_ELEMENTS, MAX_CELLS; no DOCTYPE). The sheet is then streamed
(`read_only=True`), at most MAX_COLUMNS columns wide, and reading stops after MAX_ROWS
participants (or MAX_LINES lines, empty ones included). A CSV file is read to the same line
limits, and a line with more than MAX_LINE_DELIMITERS separators is refused before it is split.
`read_lines` returns a `Lines` value that `parse` and `import_file` take instead of the bytes,
so the page reads an upload once (cached by content hash).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.parsers import expat

import openpyxl
import pandas as pd
import sqlite_utils

from digled.accounts import auth, identities, organisation, participants
from digled.content.loader import Organisation
from digled.platform import audit, zipcheck
from digled.platform.db import write
from digled.platform.i18n import N_, ProblemsError, text
from digled.platform.validation import clean

MAX_BYTES = 5_000_000
MAX_ROWS = 5000
MAX_LINES = MAX_ROWS + 1000  # lines read from a sheet, empty ones included (header too)
MAX_COLUMNS = 50  # cells kept per line; a participant list has 6 columns
MAX_LINE_DELIMITERS = 1000  # a CSV line with more separators is refused before it is split
# an .xlsx is a zip of XML: limits checked on its directory before anything is unpacked
MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 8_000_000  # 5,000 participants in Excel's own format: about 2 MB per file
MAX_UNPACKED_BYTES = 24_000_000
MAX_RATIO = 100  # Excel's XML packs 5-20 times; a bomb packs hundreds or thousands of times
RATIO_FLOOR = 1_000_000  # small files (styles, themes) may pack better than MAX_RATIO
# ... and on the XML itself, in one quick streaming pass (expat) before openpyxl builds cells
MAX_XML_ELEMENTS = 400_000  # 5,000 participants in 6 columns: about 100,000
MAX_CELLS = (MAX_ROWS + 1) * 16  # <c> elements in all sheets: 16 columns per participant
REQUIRED = ("name", "email", "municipality", "area", "level")
HEADERS = {
    "name": ("navn", "name", "fulde navn", "full name"),
    "email": ("e-mail", "email", "mail", "e-mail-adresse", "e-mailadresse", "e-mail address", "email address"),
    "municipality": ("kommune", "municipality"),
    "area": ("fagområde", "område", "area", "fagomraade", "omraade"),
    "level": ("lederniveau", "niveau", "level", "leader level"),
    "roles": ("roller", "roles", "rolle", "role"),
}
# optional columns beyond the participant's fields (not in the template): the leader group, by the
# name of an existing group (issue 12)
OPTIONAL_HEADERS = {"leader_group": ("ledergruppe", "leader group")}
_ALIAS = {alias: key for key, aliases in (HEADERS | OPTIONAL_HEADERS).items() for alias in aliases}
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
        where = translate(N_("line {line}")).format(line=self.line)
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
    leader_group: int | None = None  # the id of the group named in the optional `ledergruppe` column


@dataclass(frozen=True)
class ParseResult:
    rows: list[PreviewRow]
    errors: list[LineError]

    @property
    def ok(self) -> bool:
        """True when every line is good (and there is at least one participant)."""
        return not self.errors and bool(self.rows)


class ImportRejected(ProblemsError):
    """Raised by `import_file` when any line is bad: nothing was imported (`errors`: the lines)."""

    problems: list[LineError]

    @property
    def errors(self) -> list[LineError]:
        return self.problems

    def _each(self, t) -> list[str]:
        return [e.describe(t) for e in self.problems]


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


_UNREADABLE = N_("the file cannot be read as an Excel workbook (.xlsx)")
_TOO_BIG = N_("the workbook unpacks to too much data to be a participant list; save the list alone in a "
              "new workbook, or as CSV")


def check_workbook(data: bytes) -> LineError | None:
    """Why a workbook is refused before it is unpacked (see the module text), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return LineError(1, "", _UNREADABLE)
    if zipcheck.directory_too_big(members, max_members=MAX_MEMBERS, max_unpacked=MAX_UNPACKED_BYTES,
                                  max_ratio=MAX_RATIO, ratio_floor=RATIO_FLOOR, max_member=MAX_MEMBER_BYTES):
        return LineError(1, "", _TOO_BIG)
    return _check_xml(data, members)


def _check_xml(data: bytes, members: list[zipfile.ZipInfo]) -> LineError | None:
    """Count the elements of every XML file with expat, building nothing (bounded by the limits
    above): too many cells or elements, or a DOCTYPE (entities; Excel never writes one), is
    refused before openpyxl builds a single cell."""

    class Refused(Exception):
        pass

    counts = {"elements": 0, "cells": 0}

    def start(name, attributes):
        counts["elements"] += 1
        if name == "c" or name.endswith((":c", " c")):
            counts["cells"] += 1
        if counts["elements"] > MAX_XML_ELEMENTS or counts["cells"] > MAX_CELLS:
            raise Refused

    def doctype(*args):
        raise expat.ExpatError("DOCTYPE")

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in members:
                if not member.filename.lower().endswith((".xml", ".rels")):
                    continue
                parser = expat.ParserCreate(namespace_separator=" ")
                parser.StartElementHandler = start
                parser.StartDoctypeDeclHandler = doctype
                parser.EntityDeclHandler = doctype
                with archive.open(member) as stream:
                    while chunk := stream.read(65536):
                        parser.Parse(chunk, False)
                parser.Parse(b"", True)
    except Refused:
        return LineError(1, "", _TOO_BIG)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        return LineError(1, "", _UNREADABLE)
    return None


def _read_excel(data: bytes) -> tuple[list[tuple[int, list[str]]], list[LineError]]:
    refused = check_workbook(data)
    if refused:
        return [], [refused]

    lines: list[tuple[int, list[str]]] = []
    book = None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        filled = 0
        # max_col and max_row given: the sheet's own <dimension> (attacker-controlled) would
        # otherwise set the width of every line and the number of lines
        rows = sheet.iter_rows(min_row=1, max_row=MAX_LINES, max_col=MAX_COLUMNS, values_only=True)
        for n, row in enumerate(rows, start=1):
            cells = [_excel_cell(v) for v in row]
            while cells and cells[-1] == "":
                cells.pop()
            lines.append((n, cells))
            filled += any(c.strip() for c in cells)
            if filled > MAX_ROWS + 1:  # the header and one line too many: parse() names it
                break
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors on a damaged file; all mean the same here
        return [], [LineError(1, "", _UNREADABLE)]
    finally:
        if book is not None:
            book.close()
    if len(lines) >= MAX_LINES and filled <= MAX_ROWS + 1:
        return [], [LineError(MAX_LINES, "", N_("too many lines in one file (at most {n})"), {"n": MAX_LINES})]
    return lines, []


def _read_csv(data: bytes) -> tuple[list[tuple[int, list[str]]], list[LineError]]:
    try:
        body = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return [], [LineError(line, "", N_("the file is not UTF-8 text: save it as “CSV UTF-8”"))]
    first = body.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)

    class TooWide(Exception):
        pass

    def bounded(stream):
        for text_line in stream:
            if text_line.count(delimiter) > MAX_LINE_DELIMITERS:  # 5 MB of ";": millions of cells
                raise TooWide
            yield text_line

    reader = csv.reader(bounded(io.StringIO(body, newline="")), delimiter=delimiter)
    lines, start, filled = [], 1, 0
    try:
        for cells in reader:
            lines.append((start, cells[:MAX_COLUMNS]))
            start = reader.line_num + 1
            filled += any(c.strip() for c in cells)
            if filled > MAX_ROWS + 1:  # the header and one line too many: parse() names it
                break
            if len(lines) >= MAX_LINES:  # 5 MB of empty lines would be millions of them
                return [], [LineError(start, "", N_("too many lines in one file (at most {n})"), {"n": MAX_LINES})]
    except csv.Error:
        return [], [LineError(start, "", N_("this line cannot be read as CSV (check the quotes)"))]
    except TooWide:
        return [], [LineError(start, "", N_("this line has too many cells to be a participant list (at most {n})"),
                              {"n": MAX_LINE_DELIMITERS})]
    return lines, []


@dataclass(frozen=True)
class Lines:
    """A file read once: its (line number, cells) pairs, or the errors that make it unreadable.
    `digest` (SHA-256 of the bytes) lets a caller keep it per upload."""

    digest: str
    lines: list[tuple[int, list[str]]]
    errors: list[LineError]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_lines(data: bytes, filename: str = "") -> Lines:
    """The file as (line number, cells) pairs, or the error that makes it unreadable."""
    if len(data) > MAX_BYTES:
        found = [], [LineError(1, "", N_("the file is too large (at most {mb} MB)"), {"mb": MAX_BYTES // 1_000_000})]
    elif not data.strip():
        found = [], [LineError(1, "", N_("the file is empty"))]
    else:
        found = _read_excel(data) if _is_excel(data, filename) else _read_csv(data)
    return Lines(digest(data), *found)


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
        if key in columns and key in OPTIONAL_HEADERS:
            errors.append(LineError(1, "", N_("the column {column} appears twice"), {"column": cell.strip()}))
        elif key in columns:
            errors.append(LineError(1, key, N_("the column appears twice")))
        columns.setdefault(key, index)
    errors += [LineError(1, key, N_("the column is missing")) for key in REQUIRED if key not in columns]
    return columns, errors


# --- validating ----------------------------------------------------------------------------------


def parse(db: sqlite_utils.Database, data: bytes | Lines, filename: str = "",
          org: Organisation | None = None) -> ParseResult:
    """Read and validate a participant file (its bytes, or the `Lines` read from them once):
    preview rows and every error, nothing written."""
    read = data if isinstance(data, Lines) else read_lines(data, filename)
    lines, errors = read.lines, list(read.errors)
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
    groups = {n.casefold(): i for i, n in db.execute("SELECT id, trim(name) FROM leader_groups")}
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
        group_name = clean(values.get("leader_group", ""))
        group_id = groups.get(group_name.casefold()) if group_name else None
        if group_name and group_id is None:
            errors.append(LineError(line, "", N_("there is no leader group named \u201c{group}\u201d: create it under "
                                                 "Leader groups first"), {"group": group_name}))
            participant = None
        username = ""
        if participant is not None and not extra:
            username = participants.derive_username(participant.email, taken)
            taken.add(username)
        else:
            participant = None
        rows.append(PreviewRow(line, {k: clean(v) for k, v in values.items()}, participant, username, group_id))
    if not rows and not errors:
        errors.append(LineError(2, "", N_("the file has no participants under the header")))
    return ParseResult(rows, errors)


def import_file(db: sqlite_utils.Database, data: bytes | Lines, filename: str, actor: str) -> int:
    """Validate and import in one write transaction: every participant, or none (ImportRejected).
    `data` is the file's bytes or the `Lines` already read from them (the page's preview).
    A line giving one person both the administrator and the management role is refused (its
    roles column names why): see participants, separation of duties."""
    with write(db):
        result = parse(db, data, filename)
        if not result.ok:
            raise ImportRejected(result.errors)
        for row in result.rows:
            p = row.participant
            user_id = auth.create_user(db, username=row.username, name=p.name, email=p.email,
                                       municipality=p.municipality, area=p.area, level=p.level,
                                       roles=participants.granted_roles(p.roles, ()))
            if identities.MANAGEMENT in p.roles:
                identities.request_management(db, user_id, actor)
            if row.leader_group is not None:
                auth.set_leader_group(db, user_id, row.leader_group)
        grouped = sum(1 for row in result.rows if row.leader_group is not None)
        audit.log(db, actor, "import participants", f"{PurePath(filename).name}: {len(result.rows)}"
                  + (f", {grouped} in leader groups" if grouped else ""))
    return len(result.rows)


def preview_table(result: ParseResult, org: Organisation, lang: str, translate=lambda s: s) -> pd.DataFrame:
    """The preview as a table: one row per data line, organisation values and roles by name
    (roles as the participants page names them, through `translate`)."""
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
            "roles": ", ".join(translate(participants.ROLE_LABELS[r]) for r in p.roles) if p
            else row.cells.get("roles", ""),
            "leader_group": row.cells.get("leader_group", ""),
            "username": row.username,
        })
    return pd.DataFrame(records, columns=["line", "name", "email", "municipality", "area", "level", "roles",
                                          "leader_group", "username"])


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
