"""Issue 14, item 7: every file digled creates that holds data is mode 0600 (owner only):
the database and its -wal/-shm, the outbox .eml files, the demo secrets file and backups."""

from __future__ import annotations

import os
import stat
from email.message import EmailMessage

import pytest

from digled.cli import main
from digled.platform import config, db, mailer, migrations


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def _permissive_umask():
    """Start every test from the usual umask 022 (files 0644), so 0600 is digled's own doing."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_database_and_its_wal_and_shm_are_private(tmp_path):
    path = tmp_path / "new.db"
    d = migrations.open_and_migrate(path)
    try:
        db.set_setting(d, "x", "1")  # a write: the -wal and -shm exist now
        files = [path, path.with_name("new.db-wal"), path.with_name("new.db-shm")]
        assert all(p.exists() for p in files)
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    finally:
        d.close()


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    path = tmp_path / "old.db"
    migrations.open_and_migrate(path).close()
    for p in tmp_path.iterdir():
        p.chmod(0o644)
    d = db.connect(path)
    try:
        db.set_setting(d, "x", "1")
        assert mode(path) == 0o600 and mode(path.with_name("old.db-wal")) == 0o600
    finally:
        d.close()


def test_outbox_messages_are_private(tmp_path):
    settings = config.Settings(db_path=tmp_path / "d.db", demo=True, cookie_key="k", pseudonym_secret="p")
    ms = mailer.load(settings, {"DIGLED_OUTBOX": str(tmp_path / "outbox")})
    msg = EmailMessage()
    msg["To"] = "lea@example.dk"
    msg["Subject"] = "Invitation"
    msg.set_content("https://digled.example.dk/accept-invitation?token=secret")
    with mailer.Mailer(ms) as m:
        path = m.send(msg, "invitation-lea")
    assert path.endswith(".eml") and mode(path) == 0o600
    assert mode(tmp_path / "outbox") == 0o700


def test_the_demo_secrets_file_is_created_private(tmp_path, monkeypatch):
    created = []
    real_open = os.open

    def watching_open(path, flags, mode=0o777, *a, **k):
        if str(path).endswith(".secrets.toml") and flags & os.O_CREAT:
            created.append(mode)
        return real_open(path, flags, mode, *a, **k)

    monkeypatch.setattr(os, "open", watching_open)
    config.load_settings({"DIGLED_DB": str(tmp_path / "a.db"), "DIGLED_SECRETS_FILE": str(tmp_path / "none.toml")})
    path = config.demo_secrets_path(tmp_path / "a.db")
    assert mode(path) == 0o600
    assert created == [0o600]  # created 0600 from the start, not chmod-ed afterwards


def test_backups_are_private(demo_db, tmp_path):
    assert mode(db.backup(demo_db, tmp_path / "full.db")) == 0o600
    assert mode(db.admin_backup(demo_db, tmp_path / "admin.db")) == 0o600
    target = tmp_path / "cli.db"
    assert main(["backup", str(target)]) == 0
    assert mode(target) == 0o600
