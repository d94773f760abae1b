import sqlite3
import threading

import pytest

from digled.platform import db


def test_new_database_is_at_latest_version_in_wal_mode(tmp_path):
    d = db.open_and_migrate(tmp_path / "x.db")
    assert db.version(d) == db.SCHEMA_VERSION
    assert d.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert d.execute("PRAGMA busy_timeout").fetchone()[0] == db.BUSY_TIMEOUT_S * 1000
    assert {"users", "assessments", "answers", "participation", "settings", "audit_log"} <= set(d.table_names())


def test_migrating_an_old_database_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    d = db.connect(path)
    db.migrate(d, target=1)
    assert db.version(d) == 1
    d.execute("INSERT INTO users (username, name, email) VALUES ('ole', 'Ole Olsen', 'ole@x.dk')")
    d.execute("INSERT INTO settings (key, value) VALUES ('kickoff_date', '2015-11-16')")
    d.close()
    d = db.open_and_migrate(path)
    assert db.version(d) == db.SCHEMA_VERSION
    assert d.execute("SELECT name, email FROM users").fetchall() == [("Ole Olsen", "ole@x.dk")]
    assert db.get_setting(d, "kickoff_date") == "2015-11-16"
    assert "assessments" in d.table_names()


def test_migrate_is_idempotent(database):
    assert db.migrate(database) == db.SCHEMA_VERSION
    assert db.migrate(database) == db.SCHEMA_VERSION


def test_a_newer_database_is_refused(tmp_path):
    d = db.connect(tmp_path / "x.db")
    d.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    with pytest.raises(db.StorageError, match="newer"):
        db.migrate(d)


def test_write_rolls_back_everything_on_error(database):
    with pytest.raises(RuntimeError):
        with db.write(database):
            database.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
            raise RuntimeError("boom")
    assert db.get_setting(database, "a") is None
    assert not database.conn.in_transaction


def test_nested_write_is_part_of_the_outer_transaction(database):
    with pytest.raises(RuntimeError):
        with db.write(database):
            db.set_setting(database, "a", "1")
            raise RuntimeError("boom")
    assert db.get_setting(database, "a") is None


def test_write_starts_an_immediate_transaction(tmp_path):
    path = tmp_path / "x.db"
    a, b = db.open_and_migrate(path), db.connect(path)
    b.conn.execute("PRAGMA busy_timeout = 50")
    with db.write(a):
        # the write lock is held from BEGIN, so another writer cannot start
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            b.conn.execute("BEGIN IMMEDIATE")


def test_concurrent_writers_wait_instead_of_failing(tmp_path):
    path = tmp_path / "x.db"
    db.open_and_migrate(path).close()
    errors = []

    def writer(n):
        d = db.connect(path)
        try:
            for i in range(50):
                db.set_setting(d, f"k{n}-{i}", str(i))
        except Exception as e:  # pragma: no cover - the assertion reports it
            errors.append(e)
        finally:
            d.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.connect(path).execute("SELECT COUNT(*) FROM settings").fetchone()[0] == 400


def test_corrupt_file_gives_a_storage_error_naming_the_path(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(db.StorageError) as e:
        db.open_and_migrate(path)
    assert str(path) in str(e.value)


def test_unwritable_path_gives_a_storage_error_naming_the_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    path = blocker / "sub" / "x.db"  # a file where a folder must be
    with pytest.raises(db.StorageError) as e:
        db.open_and_migrate(path)
    assert str(path) in str(e.value)


def test_backup_is_a_consistent_copy(database, tmp_path):
    db.set_setting(database, "kickoff_date", "2016-01-01")
    target = db.backup(database, tmp_path / "b" / "copy.db")
    copy = db.connect(target)
    assert db.get_setting(copy, "kickoff_date") == "2016-01-01"
    assert db.version(copy) == db.SCHEMA_VERSION
