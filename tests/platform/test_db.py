import sqlite3
import threading

import pytest

from digled.platform import db, migrations


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
    a, b = migrations.open_and_migrate(path), db.connect(path)
    b.conn.execute("PRAGMA busy_timeout = 50")
    with db.write(a):
        # the write lock is held from BEGIN, so another writer cannot start
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            b.conn.execute("BEGIN IMMEDIATE")


def test_concurrent_writers_wait_instead_of_failing(tmp_path):
    path = tmp_path / "x.db"
    migrations.open_and_migrate(path).close()
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


def test_backup_is_a_consistent_copy(database, tmp_path):
    db.set_setting(database, "kickoff_date", "2016-01-01")
    target = db.backup(database, tmp_path / "b" / "copy.db")
    copy = db.connect(target)
    assert db.get_setting(copy, "kickoff_date") == "2016-01-01"
    assert migrations.version(copy) == migrations.SCHEMA_VERSION
