"""Issue 14, item 6: CSV formula injection. A name `Fp;=1+2;` became a `=1+2` cell when
Danish Excel read the comma-separated workshop tables with `;`.

Every CSV digled writes now comes from one function (digled.platform.exports): `;` between cells, every
cell quoted, decimals with a comma, UTF-8 with a byte order mark, formula-like text prefixed
with an apostrophe."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest

from digled import cli
from digled.accounts import auth
from digled.platform import exports
from digled.platform.db import write
from digled.programme import workshops
from tests.apptest import ROOT, Downloads, app_as, publish_first_figures

ATTACK = "Fp;=1+2;"  # the probe

_downloads = None


@pytest.fixture(autouse=True)
def _keep_downloads(monkeypatch):
    global _downloads
    _downloads = Downloads(monkeypatch)  # exports are made on click (issue 14)


def download(at, key: str) -> bytes:
    """The bytes the download button `key` of the last run gives."""
    return _downloads.get(at, key)


def danish_excel(data: bytes) -> list[list[str]]:
    """How Danish Excel splits a double-clicked .csv: UTF-8 by its BOM, `;` between cells."""
    assert data.startswith(b"\xef\xbb\xbf"), "no byte order mark: Excel would read æøå as cp1252"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.fixture
def seated_attacker(demo_db):
    """The demo leader `leder`, seated at workshop 1, stored with the probe as name (as a name
    from before the name rule would be; the form and the import refuse it now)."""
    with write(demo_db):
        demo_db.execute("UPDATE users SET name = ? WHERE username = 'leder'", [ATTACK])
    return auth.get_user(demo_db, "leder")


def _the_attackers_row(rows: list[list[str]]) -> list[str]:
    assert rows[0] == ["table", "name", "municipality", "area"]
    found = [r for r in rows[1:] if "Fp" in "".join(r)]
    assert len(found) == 1, found
    return found[0]


def test_the_workshop_tables_export_keeps_the_probe_in_one_neutralised_cell(demo_db, seated_attacker):
    data = workshops.to_csv(workshops.table_frame(demo_db, "workshop1", "da"))
    rows = danish_excel(data)
    row = _the_attackers_row(rows)
    assert len(row) == 4 and all(len(r) == 4 for r in rows)
    assert row[1] == "'" + ATTACK  # one cell, starting with '
    assert not any(cell.lstrip().startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    # every cell quoted: a program that splits on commas or semicolons regardless still keeps it whole
    text = data.decode("utf-8-sig")
    assert f"\"'{ATTACK}\"" in text and ";=1+2" not in text.replace(f"'{ATTACK}", "")


def test_the_page_download_and_the_command_line_are_the_same_safe_file(demo_db, seated_attacker, capsys):
    at = app_as("admin").run()
    at.switch_page("pages/admin_workshops.py").run()
    assert not at.exception
    data = download(at, "ws_csv")
    assert _the_attackers_row(danish_excel(data))[1] == "'" + ATTACK
    assert cli.main(["workshop-groups", "1"]) == 0
    out = capsys.readouterr().out
    assert _the_attackers_row(exports.read_csv_text(out))[1] == "'" + ATTACK


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\uff1d1+2",
                                  "Fp;=1+2;", "a,=cmd|' /C calc'!A0", "x\n@y", "ok; -2"])
def test_formula_like_text_gets_an_apostrophe(text):
    assert exports.safe_cell(text) == "'" + text
    assert exports.safe_cell("'" + text) == "'" + text  # once only


@pytest.mark.parametrize("value", ["Lea Dam", "Anne-Marie", "Søren Ærø", "area k1", "share 0-25 %", 3, -3, 2.5, None])
def test_other_values_are_unchanged(value):
    assert exports.safe_cell(value) == value


def test_the_format_for_danish_excel():
    df = pd.DataFrame({"name": ["Søren Ærø", "=1+2"], "n": [5, 7], "value": [-3.5, float("nan")],
                       "note": ['say "hi"; bye', ""]})
    data = exports.csv_bytes(df)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[:3] == [
        '"name";"n";"value";"note"',
        '"Søren Ærø";"5";"-3,5";"say ""hi""; bye"',  # decimal comma, quotes doubled
        '"\'=1+2";"7";"";""',
    ]
    assert exports.read_csv_text(text) == [["name", "n", "value", "note"], ["Søren Ærø", "5", "-3,5", 'say "hi"; bye'],
                                           ["'=1+2", "7", "", ""]]
    assert exports.csv_text(df) == text
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",")
    assert back["value"].iloc[0] == -3.5


def test_every_csv_download_and_export_uses_the_shared_function():
    """No CSV is written by hand or with pandas' comma default anywhere in the app or the CLI."""
    sources = [*ROOT.glob("pages/*.py"), *ROOT.glob("digled/**/*.py"), ROOT / "app.py"]
    offenders = []
    for path in sources:
        if path.name == "exports.py":
            continue
        text = re.sub(r"(def |workshops\.)to_csv\(", "", path.read_text(encoding="utf-8"))  # it wraps exports
        for pattern in (r"\.to_csv\(", r"csv\.writer\(", r"\.encode\(\"utf-8-sig\"\)"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []
    assert "exports.csv_bytes" in (ROOT / "digled/programme/workshops.py").read_text()


def test_the_management_downloads_are_for_danish_excel(demo_db):
    at = app_as("ledelse").run()
    for page, key in (("pages/management_participation.py", "part_csv"),
                      ("pages/management_competences.py", "export_csv"),
                      ("pages/management_competences.py", "export_publication")):
        at.switch_page(page).run()
        assert not at.exception, at.exception
        publish_first_figures(at)  # the management user's explicit step on the first page
        rows = danish_excel(download(at, key))
        assert len(rows) > 1 and len({len(r) for r in rows}) == 1, key
        raw = download(at, key).decode("utf-8-sig")
        assert raw.startswith('"') and all(line.startswith('"') for line in raw.splitlines() if line), key
