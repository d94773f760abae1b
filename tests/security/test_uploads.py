"""Issue 14, item 2: an .xlsx zip bomb in the participant import.

Each bomb is built here: a real workbook whose sheet (or shared strings) XML is huge but packs
tiny. The import must refuse it with a clear, translated message, from the zip's directory before
unpacking it (or, where the directory lies, after unpacking no more than it declares), in little
memory; a normal workbook still imports (tests/accounts/test_importer.py), and the page reads an upload
once. How long each refusal takes is measured by `python benchmarks/run.py --only uploads`.
"""

from __future__ import annotations

import csv
import io
import resource
import struct
import tracemalloc
import zipfile

import openpyxl
import pytest

from digled.accounts import importer
from digled.platform import i18n
from tests.apptest import app_as

SHEET = "xl/worksheets/sheet1.xml"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b">"
TOO_BIG = "the workbook unpacks to too much data to be a participant list; save the list alone in a new workbook, or as CSV"


def workbook(rows=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows or [["Navn", "E-mail", "Kommune", "Fagområde", "Lederniveau"],
                        ["Lea Dam", "lea.dam@albertslund.dk", "Albertslund", "Dagtilbud", "Topleder"]]:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def with_member(data: bytes, name: str, body: bytes) -> bytes:
    """The workbook with member `name` replaced (or added), packed as hard as zip can."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        names = [i.filename for i in source.infolist()]
        for n in names:
            z.writestr(n, body if n == name else source.read(n))
        if name not in names:
            z.writestr(name, body)
    return out.getvalue()


def empty_cells_bomb(cells: int = 5_000_000) -> bytes:
    """Millions of empty <c/> cells in one row: 20 MB of XML in about 25 KB."""
    sheet = (HEAD + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Navn</t></is></c></row><row r="2">'
             + b"<c/>" * cells + b"</row></sheetData></worksheet>")
    return with_member(workbook(), SHEET, sheet)


def shared_string_bomb(size: int = 60_000_000) -> bytes:
    """One shared string of 60 million letters (60 MB unpacked, about 60 KB packed)."""
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst ' + NS + b' count="1" uniqueCount="1"><si><t>'
           + b"a" * size + b"</t></si></sst>")
    sheet = HEAD + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    return with_member(with_member(workbook(), SHEET, sheet), "xl/sharedStrings.xml", sst)


def lying_directory_bomb() -> bytes:
    """A 30 MB sheet whose zip directory claims it is 4 KB: the ratio check cannot see it, the
    reader must still stop after the declared size."""
    data = bytearray(empty_cells_bomb(7_500_000))
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == SHEET.encode():
            struct.pack_into("<I", data, pos + 24, 4096)  # uncompressed size
            break
        pos += 4
    assert pos != -1
    return bytes(data)


def dimension_bomb(last_row: int = 300_000) -> bytes:
    """A tiny sheet whose <dimension> and last row claim a sheet 16,384 columns wide and
    300,000 lines long: without limits every empty line would be built in full."""
    sheet = (HEAD + b'<dimension ref="A1:XFD%d"/><sheetData>' % last_row
             + b'<row r="1"><c r="A1" t="inlineStr"><is><t>Navn</t></is></c></row>'
             + b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (last_row, last_row)
             + b"</sheetData></worksheet>")
    return with_member(workbook(), SHEET, sheet)


class Work:
    """What reading an upload did (counted only while `measured` reads it, not while a test
    builds its file): bytes unpacked from zip members, workbooks opened by openpyxl, cells
    built from a sheet, lines the CSV reader produced."""

    def __init__(self):
        self.counting = False
        self.unpacked = 0
        self.workbooks = 0
        self.cells = 0
        self.csv_lines = 0

    def add(self, what: str, n: int = 1) -> None:
        if self.counting:
            setattr(self, what, getattr(self, what) + n)


def measured(data: bytes, work: Work):
    """read_lines(data) with its Python heap peak and process peak growth; `work` counts what it did."""
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    work.counting = True
    try:
        result = importer.read_lines(data, "deltagere.xlsx" if data[:2] == b"PK" else "deltagere.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        work.counting = False
        tracemalloc.stop()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before_rss
    return result, peak, grown


@pytest.fixture
def work(monkeypatch) -> Work:
    done = Work()
    # every zip member is decompressed through ZipExtFile._read1 (read, read1 and peek call it)
    assert hasattr(zipfile.ZipExtFile, "_read1")
    read1 = zipfile.ZipExtFile._read1

    def counted_read1(self, n):
        data = read1(self, n)
        done.add("unpacked", len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "_read1", counted_read1)
    load = openpyxl.load_workbook

    def counted_load(*args, **kwargs):
        done.add("workbooks")
        return load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", counted_load)
    cell = importer._excel_cell

    def counted_cell(value):
        done.add("cells")
        return cell(value)

    monkeypatch.setattr(importer, "_excel_cell", counted_cell)
    reader = csv.reader

    class CountedReader:
        def __init__(self, *args, **kwargs):
            self.reader = reader(*args, **kwargs)

        def __iter__(self):
            return self

        def __next__(self):
            row = next(self.reader)
            done.add("csv_lines")
            return row

        @property
        def line_num(self):
            return self.reader.line_num

    monkeypatch.setattr(importer.csv, "reader", CountedReader)
    return done


@pytest.mark.parametrize("bomb", [empty_cells_bomb, shared_string_bomb], ids=["empty-cells", "shared-string"])
def test_a_zip_bomb_is_refused_from_its_directory_small_with_a_translated_message(bomb, work):
    data = bomb()
    assert len(data) < 200_000  # packs tiny ...
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) > 19_000_000  # ... unpacks huge
    result, peak, grown = measured(data, work)
    assert (work.unpacked, work.workbooks) == (0, 0)  # refused by the directory: not one byte unpacked
    assert peak < 100_000_000 and grown < 100_000_000, (peak, grown)
    assert [(e.line, e.message) for e in result.errors] == [(1, TOO_BIG)]
    da = i18n.translator("da")(result.errors[0].message)
    assert da.startswith("projektmappen pakker sig ud til for mange data")  # said in Danish too


def test_a_zip_directory_that_lies_about_sizes_is_refused_after_what_it_declares(work):
    data = lying_directory_bomb()
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert declared < 100_000  # the sheet really unpacks to 30 MB
    result, peak, grown = measured(data, work)
    assert 0 < work.unpacked <= declared and work.workbooks == 0, (work.unpacked, declared)
    assert peak < 100_000_000 and grown < 100_000_000, (peak, grown)
    assert [e.message for e in result.errors] == ["the file cannot be read as an Excel workbook (.xlsx)"]


def test_too_many_files_in_the_zip_are_refused():
    data = workbook()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
            z.writestr(info.filename, zipfile.ZipFile(io.BytesIO(data)).read(info.filename))
        for n in range(importer.MAX_MEMBERS):
            z.writestr(f"xl/media/x{n}.bin", b"")
    assert [e.message for e in importer.read_lines(out.getvalue(), "x.xlsx").errors] == [TOO_BIG]


def test_a_sheet_claiming_a_million_lines_is_read_only_to_the_row_limit(work):
    result, peak, grown = measured(dimension_bomb(), work)
    # it claims 300,000 lines x 16,384 columns; at most MAX_LINES lines of MAX_COLUMNS cells are built
    assert work.workbooks == 1 and 0 < work.cells <= importer.MAX_LINES * importer.MAX_COLUMNS, work.cells
    assert peak < 100_000_000, peak
    assert [e.message for e in result.errors] == ["too many lines in one file (at most {n})"]


def test_reading_stops_at_the_row_limit():
    header = ["Navn", "E-mail", "Kommune", "Fagområde", "Lederniveau"]
    rows = [header] + [["Lea Dam", f"lea{i}@albertslund.dk", "Albertslund", "Dagtilbud", "Topleder"]
                       for i in range(importer.MAX_ROWS + 500)]
    result = importer.read_lines(workbook(rows), "x.xlsx")
    assert not result.errors and len(result.lines) == importer.MAX_ROWS + 2  # header, limit, one more


def test_a_normal_workbook_still_reads(database):
    result = importer.parse(database, workbook(), "liste.xlsx")
    assert result.ok and [r.participant.name for r in result.rows] == ["Lea Dam"]


def test_the_import_page_reads_each_upload_once(demo_db, monkeypatch):
    calls = []
    original = importer.read_lines
    monkeypatch.setattr(importer, "read_lines", lambda *a, **k: calls.append(1) or original(*a, **k))
    at = app_as("admin", page="pages/admin_import.py").run()
    data = "navn;e-mail;kommune;fagområde;lederniveau\nNina Nord;nina.nord@glostrup.dk;Glostrup;skole;topleder\n"
    at.file_uploader[0].set_value(("deltagere.csv", data.encode(), "text/csv")).run()
    assert not at.exception
    at.run()  # any rerun (a click elsewhere on the page)
    at.button(key="import_confirm").click().run()
    assert "1 participants were imported." in [s.value for s in at.success]
    assert len(calls) == 1


@pytest.mark.parametrize("body, message, lines", [
    # millions of empty lines: reading stops at the line limit
    (b"\n" * 4_900_000, "too many lines in one file (at most {n})", importer.MAX_LINES),
    # one endless line: refused before the CSV reader splits it (only the header was read)
    (b";" * 4_900_000, "this line has too many cells to be a participant list (at most {n})", 1),
], ids=["empty-lines", "endless-line"])
def test_a_csv_within_the_size_limit_cannot_exhaust_the_server(body, message, lines, work):
    data = b"navn;e-mail;kommune;fagomr\xc3\xa5de;lederniveau\n" + body
    assert len(data) < importer.MAX_BYTES
    result, peak, grown = measured(data, work)
    assert work.csv_lines == lines
    assert peak < 100_000_000 and grown < 100_000_000, (peak, grown)
    assert [e.message for e in result.errors] == [message]
