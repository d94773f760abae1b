"""The schema steps: a new database is at the latest version, an old one migrates keeping its
data, a newer one is refused, and a file SQLite cannot use is a StorageError naming the path."""

import sqlite3

import pytest

from digled.platform import db, migrations


def test_new_database_is_at_latest_version_in_wal_mode(tmp_path):
    d = migrations.open_and_migrate(tmp_path / "x.db")
    assert migrations.version(d) == migrations.SCHEMA_VERSION
    assert d.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert d.execute("PRAGMA busy_timeout").fetchone()[0] == db.BUSY_TIMEOUT_S * 1000
    assert {"users", "assessments", "answers", "participation", "settings", "audit_log"} <= set(d.table_names())


def test_migrating_an_old_database_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    d = db.connect(path)
    migrations.migrate(d, target=1)
    assert migrations.version(d) == 1
    d.execute("INSERT INTO users (username, name, email) VALUES ('ole', 'Ole Olsen', 'ole@x.dk')")
    d.execute("INSERT INTO settings (key, value) VALUES ('kickoff_date', '2015-11-16')")
    d.close()
    d = migrations.open_and_migrate(path)
    assert migrations.version(d) == migrations.SCHEMA_VERSION
    assert d.execute("SELECT name, email FROM users").fetchall() == [("Ole Olsen", "ole@x.dk")]
    assert db.get_setting(d, "kickoff_date") == "2015-11-16"
    assert "assessments" in d.table_names()


def test_migrate_is_idempotent(database):
    assert migrations.migrate(database) == migrations.SCHEMA_VERSION
    assert migrations.migrate(database) == migrations.SCHEMA_VERSION


def test_a_newer_database_is_refused(tmp_path):
    d = db.connect(tmp_path / "x.db")
    d.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    with pytest.raises(db.StorageError, match="newer"):
        migrations.migrate(d)


def test_corrupt_file_gives_a_storage_error_naming_the_path(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(db.StorageError) as e:
        migrations.open_and_migrate(path)
    assert str(path) in str(e.value)


def test_unwritable_path_gives_a_storage_error_naming_the_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    path = blocker / "sub" / "x.db"  # a file where a folder must be
    with pytest.raises(db.StorageError) as e:
        migrations.open_and_migrate(path)
    assert str(path) in str(e.value)


def test_step_14_widens_the_rounds_and_keeps_every_answer_and_mark(tmp_path):
    """Follow-up rounds (issue 23): the round's CHECK is widened in place; a rebuild would have
    cascaded the answers and importance marks away."""
    conn = db.connect(tmp_path / "old.db")
    migrations.migrate(conn, target=13)
    with db.write(conn):
        conn.execute("INSERT INTO assessments (id, respondent, round, status, started) VALUES (7, 'r', 'start', 'submitted', '')")
        conn.execute("INSERT INTO answers (assessment_id, item, value) VALUES (7, 'k1', 3)")
        conn.execute("INSERT INTO importance (assessment_id, competence, value) VALUES (7, 'c', 'less')")
        conn.execute("INSERT INTO plan_actions (respondent, competence, text) VALUES ('r', 'c', 'do it')")
    assert migrations.migrate(conn) == migrations.SCHEMA_VERSION
    assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM importance").fetchone()[0] == 1
    assert conn.execute("SELECT outcome, outcome_note FROM plan_actions").fetchall() == [("", "")]
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with db.write(conn):
        conn.execute("INSERT INTO assessments (id, respondent, round, status, started) VALUES (8, 'r', 'followup_6', 'draft', '')")
    assert conn.execute("SELECT cohort_id IS NOT NULL FROM assessments WHERE id = 8").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError), db.write(conn):
        conn.execute("INSERT INTO assessments (id, respondent, round, status, started) VALUES (9, 'r', 'later', 'draft', '')")
    with pytest.raises(sqlite3.IntegrityError), db.write(conn):
        conn.execute("UPDATE plan_actions SET outcome = 'maybe'")
