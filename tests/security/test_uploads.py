"""Issue 14, item 2: an .xlsx zip bomb in the participant import.

Each bomb is built here: a real workbook whose sheet (or shared strings) XML is huge but packs
tiny. The import must refuse it with a clear, translated message, quickly and without unpacking
it; a normal workbook still imports (tests/test_importer.py), and the page reads an upload once.
"""

from __future__ import annotations

import io
import resource
import struct
import time
import tracemalloc
import zipfile

import openpyxl
import pytest

from digled import i18n, importer
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


def measured(data: bytes):
    """read_lines(data) with its wall time, Python heap peak and process peak growth."""
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = importer.read_lines(data, "deltagere.xlsx" if data[:2] == b"PK" else "deltagere.csv")
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before_rss
    return result, seconds, peak, grown


@pytest.mark.parametrize("bomb", [empty_cells_bomb, shared_string_bomb], ids=["empty-cells", "shared-string"])
def test_a_zip_bomb_is_refused_quickly_and_small_with_a_translated_message(bomb):
    data = bomb()
    assert len(data) < 200_000  # packs tiny ...
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) > 19_000_000  # ... unpacks huge
    result, seconds, peak, grown = measured(data)
    assert seconds < 2, seconds
    assert peak < 100_000_000 and grown < 100_000_000, (peak, grown)
    assert [(e.line, e.message) for e in result.errors] == [(1, TOO_BIG)]
    da = i18n.translator("da")(result.errors[0].message)
    assert da.startswith("projektmappen pakker sig ud til for mange data")  # said in Danish too


def test_a_zip_directory_that_lies_about_sizes_is_refused_quickly():
    data = lying_directory_bomb()
    result, seconds, peak, grown = measured(data)
    assert seconds < 2 and peak < 100_000_000 and grown < 100_000_000, (seconds, peak, grown)
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


def test_a_sheet_claiming_a_million_lines_is_read_only_to_the_row_limit():
    result, seconds, peak, grown = measured(dimension_bomb())
    assert seconds < 2 and peak < 100_000_000, (seconds, peak)
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


@pytest.mark.parametrize("body, message", [
    (b"\n" * 4_900_000, "too many lines in one file (at most {n})"),  # millions of empty lines
    (b";" * 4_900_000, "this line has too many cells to be a participant list (at most {n})"),  # one endless line
])
def test_a_csv_within_the_size_limit_cannot_exhaust_the_server(body, message):
    data = b"navn;e-mail;kommune;fagomr\xc3\xa5de;lederniveau\n" + body
    assert len(data) < importer.MAX_BYTES
    result, seconds, peak, grown = measured(data)
    assert seconds < 2 and peak < 100_000_000 and grown < 100_000_000, (seconds, peak, grown)
    assert [e.message for e in result.errors] == [message]
