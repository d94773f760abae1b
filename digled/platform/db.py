"""Open, write to and back up digled's SQLite database; the settings table.

One SQLite file (WAL mode) holds everything. Rules every caller follows:

- `connect(path)` opens a fresh connection; a connection is used by one thread only
  (Streamlit runs each session in its own thread, so never cache one across sessions).
- Every write runs inside `with write(db):`, which starts `BEGIN IMMEDIATE`, so a
  read-then-write never fails with SQLITE_BUSY halfway; other writers wait up to the busy
  timeout. sqlite-utils calls inside the block nest as savepoints.
- The schema (every migration step, `migrate`, `open_and_migrate`) is `digled.platform.migrations`.
- Files holding data are readable by the owner only (mode 0600): `connect` sets the process
  umask to (at least) 0o077 before SQLite creates anything and chmods an existing database file
  to 0600. SQLite creates the -wal and -shm files itself, with the mode of the database file
  (and the umask), so they are 0600 too. Backups are created 0600 (`private_file`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_S = 30


class StorageError(Exception):
    """The database file cannot be opened, created or migrated. The message names the path.

    Not user-facing (no MessageError): the operator meets it at start-up, in the CLI and the log."""


PRIVATE_UMASK = 0o077


def private_umask() -> None:
    """Make every file this process creates from now on private to its owner (umask 0o077
    added to the current one). Process-wide on purpose: SQLite creates -wal/-shm files and
    journals on its own, the outbox and backups are written from several places."""
    current = os.umask(PRIVATE_UMASK)
    os.umask(current | PRIVATE_UMASK)


def private_file(path: Path | str) -> Path:
    """Create `path` (or keep it) with mode 0600, before anything is written into it."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def _make_private(path: Path) -> None:
    """chmod 0600 the database and its -wal/-shm/-journal where they exist and are ours
    (files created before digled made them private)."""
    for p in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        try:
            if p.exists() and p.stat().st_uid == os.getuid() and p.stat().st_mode & 0o077:
                p.chmod(0o600)
        except OSError:
            pass  # not ours or gone: SQLite reports a real problem when it opens the file


def connect(path: Path | str) -> sqlite_utils.Database:
    """Open the database at `path` (created when missing) with digled's connection settings."""
    path = Path(path)
    private_umask()
    try:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
            _make_private(path)
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        return sqlite_utils.Database(conn)
    except (sqlite3.Error, OSError) as e:
        raise StorageError(f"Cannot open the database {path}: {e}") from e


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block as one immediate write transaction; roll back on any error."""
    if db.conn.in_transaction:  # nested: the outer block owns the transaction
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def backup(db: sqlite_utils.Database, target: Path | str) -> Path:
    """Copy the live database to `target` with SQLite's online backup API (safe while writing).

    The full copy, answers included: for the server operator (`python -m digled backup`). The
    administrator's download in the app is `admin_backup`."""
    target = Path(target)
    private_umask()
    target.parent.mkdir(parents=True, exist_ok=True)
    private_file(target)
    dest = sqlite3.connect(str(target))
    try:
        db.conn.backup(dest)
        ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dest.close()
    if ok != "ok":
        raise StorageError(f"The backup at {target} failed its integrity check: {ok}")
    return target


# What an administrator's backup leaves out: every assessment row and answer (the pseudonyms,
# scores and sealed dates), the member sets of the anonymity audit, and management's published
# figures (separation of duties: an administrator who invented leaders and knows their answers
# could subtract them from a published group). Children first.
ADMIN_BACKUP_EXCLUDES = ("answers", "importance", "published_importance", "plan_actions", "plan_needs",
                         "released_sets", "released_groups", "assessments")


def admin_backup(db: sqlite_utils.Database, target: Path | str) -> Path:
    """The administrator's backup: an online copy of the live database without assessment rows,
    answers, `released_sets` and the published figures (ADMIN_BACKUP_EXCLUDES); everything else
    is kept. The rows are
    deleted in the copy, which is then vacuumed so no freed page still holds them. The full
    backup is the operator's `python -m digled backup` (`backup`)."""
    target = Path(target)
    backup(db, target)
    dest = sqlite3.connect(str(target), isolation_level=None)
    try:
        dest.execute("PRAGMA journal_mode = DELETE")  # everything lands in the one file
        dest.execute("PRAGMA secure_delete = ON")
        tables = {r[0] for r in dest.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        dest.execute("BEGIN IMMEDIATE")
        for table in ADMIN_BACKUP_EXCLUDES:
            if table in tables:
                dest.execute(f"DELETE FROM {table}")
        dest.execute("COMMIT")
        dest.execute("VACUUM")
        ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dest.close()
    if ok != "ok":
        raise StorageError(f"The backup at {target} failed its integrity check: {ok}")
    return target


def get_setting(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(db: sqlite_utils.Database, key: str, value: str) -> None:
    with write(db):
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


def set_setting_once(db: sqlite_utils.Database, key: str, value: str) -> bool:
    """Store the setting unless it is set already (the first value stays). True when stored."""
    with write(db):
        return db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", [key, value]).rowcount == 1


def delete_setting(db: sqlite_utils.Database, key: str) -> None:
    """Forget the setting (readers get their default again)."""
    with write(db):
        db.execute("DELETE FROM settings WHERE key = ?", [key])
