"""Importing participants from CSV and Excel: preview, every error named by line and column,
all or nothing, and the `import-users` command."""

import csv
import io
import subprocess
import sys

import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from digled import cli
from digled.accounts import auth, importer
from digled.platform import audit, db, migrations
from tests.apptest import ROOT

HEADER = "name,e-mail,municipality,area,leader level"
GOOD = [
    "Lea Dam,lea.dam@albertslund.dk,Albertslund,dagtilbud,foersteleder",
    "Bo Berg,bo.berg@glostrup.dk,Glostrup,skole,mellemleder",
    "Ida Holm,ida.holm@glostrup.dk,Glostrup,aeldre,topleder",
]


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def users(database) -> int:
    return database.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def errors_of(database, data: bytes, filename: str = "people.csv") -> list[tuple]:
    return [(e.line, e.column, e.message) for e in importer.parse(database, data, filename).errors]


@pytest.fixture
def existing(database):
    auth.create_user(database, username="anne", name="Anne Krogh", email="Anne@Glostrup.dk", municipality="Glostrup",
                     area="administration", level="mellemleder", roles=["admin"])
    return database


def test_a_good_file_previews_every_line(existing):
    result = importer.parse(existing, csv_bytes(*GOOD))
    assert result.ok and result.errors == []
    assert [(r.line, r.username, r.participant.roles) for r in result.rows] == [
        (2, "lea.dam", ("leader",)), (3, "bo.berg", ("leader",)), (4, "ida.holm", ("leader",))]
    assert users(existing) == 1  # parsing writes nothing


@pytest.mark.parametrize(
    "line, column, message",
    [
        ("Bo Berg,bo.berg@,Glostrup,skole,topleder", "email", "not a valid e-mail address"),
        ("Bo Berg,bo.berg@glostrup.dk,Ballerup,skole,topleder", "municipality", "unknown municipality “{value}”"),
        ("Bo Berg,bo.berg@glostrup.dk,Glostrup,hospital,topleder", "area", "unknown area “{value}”"),
        ("Bo Berg,bo.berg@glostrup.dk,Glostrup,skole,direktør", "level", "unknown leader level “{value}”"),
        ("Bo Berg,LEA.DAM@albertslund.dk,Glostrup,skole,topleder", "email", "the same e-mail address as line {line}"),
        ("Bo Berg,anne@glostrup.dk,Glostrup,skole,topleder", "email", "an account with this e-mail address already exists"),
        (",bo.berg@glostrup.dk,Glostrup,skole,topleder", "name", "missing value"),
        ("Bo Berg,bo.berg@glostrup.dk,Glostrup,,topleder", "area", "missing value"),
        ("Bo Berg,bo.berg@glostrup.dk,Glostrup,skole", "level", "missing value"),
        ("=1+1,bo.berg@glostrup.dk,Glostrup,skole,topleder", "name", "looks like a spreadsheet formula (starts with = + - or @)"),
        ('" \t@SUM(A1)",bo.berg@glostrup.dk,Glostrup,skole,topleder', "name", "looks like a spreadsheet formula (starts with = + - or @)"),
        ("+45 Bo,bo.berg@glostrup.dk,Glostrup,skole,topleder", "name", "looks like a spreadsheet formula (starts with = + - or @)"),
        ("Bo Berg,bo.berg@glostrup.dk,-Glostrup,skole,topleder", "municipality", "looks like a spreadsheet formula (starts with = + - or @)"),
        ("B" * 101 + ",bo.berg@glostrup.dk,Glostrup,skole,topleder", "name", "too long (at most {limit} characters)"),
        ("Bo Berg," + "b" * 250 + "@glostrup.dk,Glostrup,skole,topleder", "email", "too long (at most {limit} characters)"),
        ("Bo Berg,bo.berg@glostrup.dk,Glostrup,skole,topleder,extra", "", "this line has more cells than the header has columns"),
    ],
)
def test_each_error_names_its_line_and_column(existing, line, column, message):
    data = csv_bytes(GOOD[0], line, GOOD[2])
    assert errors_of(existing, data) == [(3, column, message)]
    with pytest.raises(importer.ImportRejected):
        importer.import_file(existing, data, "people.csv", "anne")
    assert users(existing) == 1


def test_error_params_and_english_description(existing):
    data = csv_bytes(GOOD[0], "Bo,bo@x,Ballerup,skole,topleder", "Bo,lea.dam@albertslund.dk,Glostrup,skole,topleder")
    described = [e.describe() for e in importer.parse(existing, data).errors]
    assert described == [
        "line 3, e-mail: not a valid e-mail address",
        "line 3, municipality: unknown municipality “Ballerup”",
        "line 4, e-mail: the same e-mail address as line 2",
    ]


@pytest.mark.parametrize(
    "header, errors",
    [
        ("name,e-mail,area,leader level", [(1, "municipality", "the column is missing")]),
        ("name,email,mail,municipality,area,level", [(1, "email", "the column appears twice")]),
        (",,,,", [(1, "", "the first line must name the columns")]),
    ],
)
def test_header_problems_are_on_line_1(database, header, errors):
    assert errors_of(database, csv_bytes(*GOOD, header=header)) == errors


def test_empty_and_header_only_files(database):
    assert errors_of(database, b"") == [(1, "", "the file is empty")]
    assert errors_of(database, b" \n\n") == [(1, "", "the file is empty")]
    assert errors_of(database, csv_bytes()) == [(2, "", "the file has no participants under the header")]


def test_a_file_that_is_not_utf8_names_the_line_of_the_first_bad_byte(database):
    data = csv_bytes(GOOD[0], "Søren,s@x.dk,Glostrup,skole,topleder").replace("Søren".encode(), "Søren".encode("cp1252"))
    assert errors_of(database, data) == [(3, "", "the file is not UTF-8 text: save it as “CSV UTF-8”")]


def test_danish_headers_semicolons_bom_and_names_for_values(existing):
    text = (
        "\ufeff  NAVN ; E-Mail;Kommune;FAGOMRÅDE;  Lederniveau;Roller;Telefon\r\n"
        "Lea Dam;lea.dam@albertslund.dk;Albertslund Kommune;Dagtilbud;Førstelinjeleder;;12345678\r\n"
        "Bo Berg;bo.berg@glostrup.dk;glostrup municipality;SCHOOLS;Middle manager;leder, admin;\r\n"
        ";;;;;;\r\n"  # an empty line from Excel is skipped
        "Ida Holm;ida.holm@glostrup.dk;Glostrup;aeldre;topleder;ledelse;\r\n"
    )
    result = importer.parse(existing, text.encode("utf-8"), "deltagere.csv")
    assert result.errors == []
    assert [(r.line, r.participant.municipality, r.participant.area, r.participant.level, r.participant.roles)
            for r in result.rows] == [
        (2, "Albertslund", "dagtilbud", "foersteleder", ("leader",)),
        (3, "Glostrup", "skole", "mellemleder", ("leader", "admin")),
        (5, "Glostrup", "aeldre", "topleder", ("management",)),
    ]


def test_header_aliases(database):
    for header in ("navn;mail;kommune;område;niveau", "Name;Email;Municipality;Area;Level",
                   "fulde navn;e-mailadresse;kommune;fagområde;lederniveau"):
        data = csv_bytes(*(g.replace(",", ";") for g in GOOD), header=header)
        assert importer.parse(database, data).ok, header


def test_quoted_cells_spanning_lines_keep_file_line_numbers(database):
    data = csv_bytes('"Lea\nDam",lea@x.dk,Albertslund,skole,topleder', "Bo,bo@,Glostrup,skole,topleder")
    assert errors_of(database, data) == [(2, "name", "contains control characters"), (4, "email", "not a valid e-mail address")]


def test_unknown_roles_are_refused(database):
    data = csv_bytes("Lea,lea@x.dk,Albertslund,skole,topleder,king", header=HEADER + ",roles")
    assert errors_of(database, data) == [(2, "roles", "unknown role “{value}”")]


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_an_excel_file_imports_and_names_excel_row_numbers(database):
    rows = [["Navn", "E-mail", "Kommune", "Fagområde", "Lederniveau"],
            ["Lea Dam", "lea.dam@albertslund.dk", "Albertslund", "Dagtilbud", "Topleder"],
            [None, None, None, None, None],
            ["Bo Berg", "bo.berg@glostrup", "Glostrup", "Skole og SFO", 3],
            ["Ida", "ida@glostrup.dk", "Glostrup", "=A1", "topleder"]]
    assert errors_of(database, xlsx(rows), "liste.xlsx") == [
        (4, "email", "not a valid e-mail address"),
        (4, "level", "unknown leader level “{value}”"),
        (5, "area", "looks like a spreadsheet formula (starts with = + - or @)"),
    ]
    rows[3][1:5] = ["bo.berg@glostrup.dk", "Glostrup", "Skole og SFO", "mellemleder"]
    rows[4][3] = "Ældre og sundhed"
    assert importer.import_file(database, xlsx(rows), "liste.xlsx", "anne") == 3
    assert [r[0] for r in database.execute("SELECT area FROM users ORDER BY id")] == ["dagtilbud", "skole", "aeldre"]


def test_a_damaged_excel_file_is_one_error(database):
    assert errors_of(database, b"PK\x03\x04 not really a zip", "x.xlsx") == [
        (1, "", "the file cannot be read as an Excel workbook (.xlsx)")]
    assert errors_of(database, csv_bytes(*GOOD), "named-wrong.xlsx")[0][2].startswith("the file cannot be read")


def test_import_is_all_or_nothing_and_audited(existing):
    bad = csv_bytes(*GOOD, "Bo,bo@,Glostrup,skole,topleder")
    with pytest.raises(importer.ImportRejected) as e:
        importer.import_file(existing, bad, "people.csv", "anne")
    assert [x.line for x in e.value.errors] == [5]
    assert users(existing) == 1 and audit.recent(existing) == []
    assert importer.import_file(existing, csv_bytes(*GOOD), "people.csv", "anne") == 3
    assert users(existing) == 4
    assert audit.recent(existing, 1)[0]["detail"] == "people.csv: 3"
    # the same file again: every line is now an existing account
    assert {x.message for x in importer.parse(existing, csv_bytes(*GOOD)).errors} == {
        "an account with this e-mail address already exists"}


def test_usernames_avoid_existing_and_each_other(existing):
    auth.create_user(existing, username="lea.dam", name="Another Lea", email="other@x.dk")
    data = csv_bytes(GOOD[0], "Lea Dam,lea.dam@glostrup.dk,Glostrup,skole,topleder")
    assert [r.username for r in importer.parse(existing, data).rows] == ["lea.dam2", "lea.dam3"]


def test_error_table_and_template(database):
    result = importer.parse(database, csv_bytes("Bo,bo@,Glostrup,skole,topleder"))
    table = importer.error_table(result.errors, str.upper)
    assert table.to_dict("records") == [{"line": 2, "column": "E-MAIL", "problem": "NOT A VALID E-MAIL ADDRESS"}]
    template = importer.template_csv()
    assert template.startswith(b"\xef\xbb\xbf")
    assert errors_of(database, template) == [(2, "", "the file has no participants under the header")]


# --- fuzzing: never a crash, always rows or errors, never a partial write --------------------------

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _fresh() -> db.sqlite_utils.Database:
    d = migrations.open_and_migrate(":memory:")
    auth.create_user(d, username="anne", name="Anne", email="anne@glostrup.dk")
    return d


def _check_invariants(data: bytes, filename: str) -> None:
    d = _fresh()
    result = importer.parse(d, data, filename)
    assert result.ok or result.errors, "neither rows nor errors"
    assert all(e.line >= 1 and e.column in ("", *importer.HEADERS) for e in result.errors)
    for e in result.errors:
        e.describe()  # every message formats with its params
    try:
        n = importer.import_file(d, data, filename, "fuzz")
    except importer.ImportRejected as rejected:
        assert not result.ok and rejected.errors == result.errors
        assert users(d) == 1
        event("rejected")
    else:
        assert result.ok and n == len(result.rows) and users(d) == 1 + n
        event("imported")
    d.close()


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["x.csv", "x.xlsx", "x"]))
def test_random_bytes_never_crash(data, filename):
    _check_invariants(data, filename)


CELLS = st.one_of(
    st.sampled_from(["Lea Dam", "Bo", "Albertslund", "glostrup kommune", "skole", "Day care", "topleder",
                     "Middle manager", "leder", "admin", "", " ", "=1", "\t+x", "@a", "x@y.dk", "anne@glostrup.dk"]),
    st.from_regex(r"[a-z]{1,8}@[a-z]{1,6}\.dk", fullmatch=True),
    st.text(max_size=30),
)
VALID_ROW = st.tuples(
    st.sampled_from(["Lea Dam", "Bo Berg", "Ida"]),
    st.from_regex(r"[a-z]{1,8}\.[a-z]{1,8}@[a-z]{2,6}\.dk", fullmatch=True),
    st.sampled_from(["Albertslund", "Glostrup", "Glostrup Kommune"]),
    st.sampled_from(["skole", "Dagtilbud", "Elder care and health"]),
    st.sampled_from(["topleder", "Mellemleder", "First-line leader"]),
).map(list)
DANISH = ["navn", "e-mail", "kommune", "fagområde", "lederniveau", "roller"]


@FUZZ
@given(st.permutations(DANISH),
       st.lists(st.one_of(VALID_ROW.map(lambda r: dict(zip(DANISH, r))), st.lists(CELLS, max_size=7)), max_size=8),
       st.sampled_from([",", ";"]), st.booleans())
def test_random_csv_text_never_crashes(header, rows, delimiter, bom):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows([row.get(h, "") for h in header] if isinstance(row, dict) else row for row in rows)
    _check_invariants((("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8"), "x.csv")


EXCEL_CELLS = st.one_of(CELLS.filter(lambda c: not ILLEGAL_CHARACTERS_RE.search(c)), st.integers(), st.floats(),
                        st.none(), st.booleans())  # openpyxl cannot even write control characters


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(VALID_ROW, st.lists(EXCEL_CELLS, max_size=6)), max_size=6))
def test_random_excel_cells_never_crash(rows):
    _check_invariants(xlsx([["Navn", "E-mail", "Kommune", "Fagområde", "Lederniveau"], *rows]), "x.xlsx")


# --- the command line --------------------------------------------------------------------------------


def test_cli_imports_nothing_on_one_bad_line_then_everything(tmp_path, capsys, database):
    path = tmp_path / "deltagere.csv"
    path.write_bytes(csv_bytes(GOOD[0], "Bo Berg,bo.berg@,Glostrup,skole,topleder", GOOD[2]))
    assert cli.main(["import-users", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == ["line 3, e-mail: not a valid e-mail address"]
    assert users(database) == 0
    path.write_bytes(csv_bytes(*GOOD))
    assert cli.main(["import-users", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "imported 3 participants"
    assert users(database) == 3
    assert cli.main(["import-users", str(tmp_path / "missing.csv")]) == 1


def test_python_m_digled_import_users_exits_1(tmp_path, database):
    path = tmp_path / "deltagere.csv"
    path.write_bytes(csv_bytes(GOOD[0], "=HYPERLINK(\"x\"),bo@glostrup.dk,Glostrup,skole,topleder"))
    done = subprocess.run([sys.executable, "-m", "digled", "import-users", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stdout.strip() == "line 3, name: looks like a spreadsheet formula (starts with = + - or @)"
    assert users(database) == 0
