import subprocess
import sys

from digled.accounts import auth
from digled.cli import main
from digled.platform import db


def test_help_lists_the_commands(capsys):
    try:
        main(["--help"])
    except SystemExit as e:
        assert e.code == 0
    out = capsys.readouterr().out
    for command in ("init", "backup", "check-content", "add-admin", "export", "publish"):
        assert command in out


def test_init_creates_and_loads_the_demo(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGLED_DB", str(tmp_path / "new.db"))
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert "schema version" in out and "(demo loaded)" in out
    assert main(["init"]) == 0  # again: migrates, loads nothing twice
    assert "(demo loaded)" not in capsys.readouterr().out
    d = db.connect(tmp_path / "new.db")
    assert d.execute("SELECT COUNT(*) FROM users").fetchone()[0] >= 60
    assert {"leder", "ledelse", "admin"} <= {r[0] for r in d.execute("SELECT username FROM users")}


def test_init_without_demo_starts_empty(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGLED_DB", str(tmp_path / "empty.db"))
    monkeypatch.setenv("DIGLED_DEMO", "0")
    assert main(["init"]) == 0
    assert "0 users" in capsys.readouterr().out


def test_init_outside_demo_without_secrets_names_the_setting(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIGLED_DB", str(tmp_path / "empty.db"))
    monkeypatch.setenv("DIGLED_DEMO", "0")
    monkeypatch.delenv("DIGLED_COOKIE_KEY")
    assert main(["init"]) == 1
    assert "DIGLED_COOKIE_KEY" in capsys.readouterr().err


def test_backup_command_writes_a_copy(demo_db, tmp_path, capsys):
    target = tmp_path / "copy.db"
    assert main(["backup", str(target)]) == 0
    copy = db.connect(target)
    assert copy.execute("SELECT COUNT(*) FROM users").fetchone()[0] == demo_db.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def test_add_admin_from_stdin(tmp_path, monkeypatch):
    env = {"DIGLED_DB": str(tmp_path / "x.db"), "DIGLED_DEMO": "0"}
    import os

    full = {**os.environ, **env}
    run = lambda pw: subprocess.run(
        [sys.executable, "-m", "digled", "add-admin", "Hanne", "--name", "Hanne Holm", "--email", "hh@kommune.dk"],
        input=pw, text=True, capture_output=True, env=full,
    )
    bad = run("short\n")
    assert bad.returncode == 2 and "at least 8" in bad.stderr
    ok = run("a good password\n")
    assert ok.returncode == 0, ok.stderr
    user = auth.get_user(db.connect(tmp_path / "x.db"), "hanne")
    assert user.roles == ("admin",) and auth.check_password("a good password", user.password_hash)
    assert run("a good password\n").returncode == 2  # exists


def test_export_cohort_needs_a_publication(demo_db, capsys):
    assert main(["export", "cohort", "--format", "csv"]) == 1
    assert "nothing has been published yet" in capsys.readouterr().err


def test_export_cohort_csv_is_the_latest_publication(demo_db, capsys):
    import io

    import pandas as pd

    from digled.insight import assessment_figures, publications
    from digled.platform import exports
    from digled.platform.db import write

    assert main(["publish"]) == 0
    capsys.readouterr()
    assert main(["export", "cohort", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = exports.read_csv_text(out)  # ; and quotes for Danish Excel (digled.platform.exports)
    assert rows[0] == ["publication", "round", "municipality", "area", "level", "status", "n", "figure", "digcomp", "value"]
    assert rows[1][:6] == ["1", "start", "", "", "", "new"] and rows[1][7] == "total"
    hidden = [r for r in rows if r[5] == "hidden"]
    assert hidden and all(r[6] == "" and r[9] == "" for r in hidden)
    # each competence's figure carries its DigComp 2.2 number; other figures none
    digcomp = {r[7]: r[8] for r in rows[1:] if r[5] != "hidden"}
    assert digcomp["competence info_search"] == "1.1" and digcomp["competence safe_devices"] == "4.1"
    assert digcomp["total"] == "" and all(v == "" for f, v in digcomp.items() if f.startswith("purpose "))
    expected = assessment_figures.dataframe(publications.export_rows(demo_db, publications.latest(demo_db).id))
    assert out == exports.csv_text(expected)
    assert len(pd.read_csv(io.StringIO(out), sep=";", decimal=",")) == len(expected)
    # the export is the publication, not the live answers: removing every end answer changes nothing
    with write(demo_db):
        demo_db.execute("DELETE FROM assessments WHERE round = 'end'")
    assert main(["export", "cohort", "--format", "csv"]) == 0
    assert capsys.readouterr().out == out


def test_export_cohort_xlsx(demo_db, tmp_path, capsys):
    import pandas as pd

    assert main(["publish"]) == 0
    assert main(["export", "cohort", "--format", "xlsx"]) == 2  # needs --output
    target = tmp_path / "cohort.xlsx"
    assert main(["export", "cohort", "--format", "xlsx", "--output", str(target)]) == 0
    df = pd.read_excel(target)
    assert list(df.columns) == ["publication", "round", "municipality", "area", "level", "status", "n", "figure", "digcomp", "value"]
    assert set(df["publication"]) == {1}


def test_publish_first_then_nothing_due_the_same_day(demo_db, capsys):
    from digled.insight import publications

    assert main(["publish"]) == 0
    out = capsys.readouterr().out
    last = out.splitlines()[-1]
    assert last.startswith("publication 1 (first): assessment: ") and "participation: " in last
    assert any(l.startswith("assessment ") and " new " in l for l in out.splitlines())
    assert any("(fewer than 5 answers)" in l and " hidden" in l for l in out.splitlines())  # why, in words
    pubs = publications.listing(demo_db)
    assert [(p.id, p.trigger) for p in pubs] == [(1, "first")]

    assert main(["publish"]) == 0  # the same day again: nothing due, not an error (cron)
    out = capsys.readouterr().out
    assert out.startswith("no publication due") and "every 7 days" in out
    assert len(publications.listing(demo_db)) == 1


def test_publish_when_the_period_has_passed(demo_db, capsys):
    from datetime import date, timedelta

    from digled.insight import publications

    assert main(["publish"]) == 0
    later = (date.today() + timedelta(days=publications.DEFAULT_PERIOD_DAYS + 1)).isoformat()
    assert main(["publish", "--today", later]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("publication 2 (") and "first" not in last
    assert [p.id for p in publications.listing(demo_db)] == [2, 1]


def test_publish_dry_run_stores_nothing(demo_db, capsys):
    from digled.insight import publications

    before = {t: demo_db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("publications", "released_groups", "released_sets")}
    assert main(["publish", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("dry run, nothing stored: assessment: ")
    assert publications.listing(demo_db) == []
    assert {t: demo_db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in before} == before
    # after a real publication, a dry run shows what one made now would hold back, still storing nothing
    assert main(["publish"]) == 0
    capsys.readouterr()
    assert main(["publish", "--dry-run"]) == 0
    assert "dry run, nothing stored" in capsys.readouterr().out
    assert len(publications.listing(demo_db)) == 1


def test_publish_with_a_bad_date_exits_2(demo_db, capsys):
    from digled.insight import publications

    assert main(["publish", "--today", "25-01-2016"]) == 2
    assert "--today must be a date like" in capsys.readouterr().err
    assert publications.listing(demo_db) == []


def test_scope_management_sets_what_a_management_account_reads(demo_db, capsys):
    assert main(["scope-management", "ledelse", "Glostrup"]) == 0
    assert "Glostrup" in capsys.readouterr().out
    assert auth.get_user(demo_db, "ledelse").scope == "Glostrup"
    assert main(["scope-management", "ledelse", "Ballerup"]) == 1
    assert main(["scope-management", "ledelse", "all"]) == 0
    assert auth.get_user(demo_db, "ledelse").scope is None
