import subprocess
import sys

from digled import auth, db
from digled.cli import main


def test_help_lists_the_commands(capsys):
    try:
        main(["--help"])
    except SystemExit as e:
        assert e.code == 0
    out = capsys.readouterr().out
    for command in ("init", "backup", "check-content", "add-admin", "export"):
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


def test_export_cohort_csv(demo_db, capsys):
    assert main(["export", "cohort", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "round,municipality,area,level,n,figure,value"
    assert lines[1].startswith("start,,,,") and ",total," in lines[1]
    hidden = [l for l in lines if ",hidden," in l]
    assert hidden and all(l.split(",")[4] == "" for l in hidden)
