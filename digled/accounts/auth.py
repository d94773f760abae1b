"""Accounts, roles, passwords, the login decision, lockout and per-client limits.

The truth about users lives in the `users` table; passwords are bcrypt hashes. The login cookie
and the server-side sessions it points to are in `sessions.py`. This module decides a login
(`attempt_login`) so that a failed login tells nothing about whether the name exists:

- **One answer, one timing.** Every attempt runs bcrypt once: against the account's hash, or
  against a dummy hash of the same cost for an unknown, deactivated or not yet activated name.
  Every failure answers "Wrong username or password."
- **Lockout per name, known or not.** 5 failed logins with one username lock that username for
  15 minutes (`record_failed_login`), counted in `login_throttle` for existing and unknown names
  alike; the users table mirrors the count for existing accounts. A locked name answers the
  same message whether or not an account has it.
- **Limit per client.** Besides the per-name lockout, a client address with too many failed
  logins in 15 minutes is refused for 15 minutes (`config.SessionPolicy.client_max_failures`).
- **Revocation**: `end_sessions` ends every server-side session of the user (logout, password
  change, deactivation) and records the moment in `sessions_valid_after`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date

import bcrypt
import sqlite_utils

from digled.platform.db import write
from digled.platform.i18n import N_

ROLES = ("leader", "management", "admin")
MAX_FAILED_LOGINS = 5
LOCK_SECONDS = 15 * 60
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt's limit; bcrypt >= 5 raises beyond it
# A valid bcrypt hash that no password matches (hash of random bytes, salt fixed). Its cost (12)
# is the cost of `hash_password`, so checking a password against it takes as long as against a
# real account: used for unknown, deactivated and not yet activated names.
UNUSABLE_HASH = "$2b$12$eVbwsoK3OmrFvdr5NuaTAeA1bD9Jz4jNKmP2qgE4Hy9RVgVcSMA2u"
DUMMY_HASH = UNUSABLE_HASH
# Failed logins are forgotten a day after the last one (known and unknown names alike).
FORGET_FAILURES_SECONDS = 24 * 3600
CLIENT_WINDOW_SECONDS = 15 * 60
CLIENT_LOCK_SECONDS = 15 * 60

# The answers of the login form: none of them depends on whether the username exists.
ENTER_BOTH = N_("Enter both username and password.")
WRONG = N_("Wrong username or password.")
LOCKED = N_("Too many failed logins with this username: it is locked for 15 minutes.")
CLIENT_LOCKED = N_("Too many failed logins from your network. Try again in 15 minutes.")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")


@dataclass(frozen=True)
class User:
    """One account, as read from the `users` table."""

    id: int
    username: str
    name: str
    email: str
    municipality: str
    area: str
    level: str
    roles: tuple[str, ...]
    password_hash: str | None
    failed_logins: int
    locked_until: float
    sessions_valid_after: float
    active: bool
    language: str
    activated_at: str | None = None
    duty: str = ""  # 'admin' or 'management' once the account has held one of them (never both)
    scope: str | None = None  # a management account's municipality (None: every one): identities.py

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def activated(self) -> bool:
        """True once the account has a password or has been activated: from then on no
        invitation link exists for it, only a password reset sent to its own e-mail address."""
        return bool(self.password_hash) or self.activated_at is not None

    def locked(self, now: float | None = None) -> bool:
        return self.locked_until > (time.time() if now is None else now)


# Separation of duties: the administrator manages accounts and invitations, management reads
# published figures. One account never holds both, not even one after the other (`duty`), so an
# administrator cannot read figures about leaders it created or moved.
DUTIES = ("admin", "management")
BOTH_DUTIES = N_("an account cannot be both administrator and management")
OTHER_DUTY = {
    "management": N_("this account has been an administrator, so it can never get the management role"),
    "admin": N_("this account has had the management role, so it can never be an administrator"),
}


def duty_problem(roles, duty: str = "") -> str | None:
    """Why these roles are not allowed for an account whose first duty was `duty` (a message
    id), or None. Admin and management never go together on one account, nor one after the other."""
    roles = set(roles)
    if set(DUTIES) <= roles:
        return BOTH_DUTIES
    for role in DUTIES:
        if role in roles and duty and duty != role:
            return OTHER_DUTY[role]
    return None


def parse_roles(text: str) -> tuple[str, ...]:
    """Roles from their stored form 'leader,admin'; unknown names are dropped."""
    return tuple(r for r in (p.strip() for p in (text or "").split(",")) if r in ROLES)


def has_role_sql(role: str, table: str = "") -> str:
    """The SQL condition "this `users` row holds `role`" (`table`: the alias in a join).

    Roles are stored comma-separated ('leader,admin'); this is the one place that knows it:
    every query that picks accounts by role uses this condition (a test fails on a copy)."""
    if role not in ROLES:
        raise ValueError(f"unknown role: {role!r}")
    column = f"{table}.roles" if table else "roles"
    return f"(',' || {column} || ',') LIKE '%,{role},%'"


LEADER_SQL = has_role_sql("leader")


def leader_ids(db: sqlite_utils.Database) -> list[int]:
    """Every account with the leader role, active or not, in id order."""
    return [r[0] for r in db.execute(f"SELECT id FROM users WHERE {LEADER_SQL} ORDER BY id")]


def _user(row: dict) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        name=row["name"],
        email=row["email"],
        municipality=row["municipality"],
        area=row["area"],
        level=row["level"],
        roles=parse_roles(row["roles"]),
        password_hash=row["password_hash"],
        failed_logins=row["failed_logins"],
        locked_until=row["locked_until"],
        sessions_valid_after=row["sessions_valid_after"],
        active=bool(row["active"]),
        language=row["language"],
        activated_at=row.get("activated_at"),
        duty=row.get("duty") or "",
        scope=row.get("scope"),
    )


def get_user(db: sqlite_utils.Database, username: str) -> User | None:
    rows = list(db.query("SELECT * FROM users WHERE username = ?", [normalise_username(username)]))
    return _user(rows[0]) if rows else None


def get_user_by_id(db: sqlite_utils.Database, user_id: int) -> User | None:
    rows = list(db.query("SELECT * FROM users WHERE id = ?", [user_id]))
    return _user(rows[0]) if rows else None


def all_users(db: sqlite_utils.Database) -> list[User]:
    return [_user(r) for r in db.query("SELECT * FROM users ORDER BY name")]


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def hash_password(password: str, rounds: int = 12) -> str:
    """bcrypt hash of a password that passed `password_problem`."""
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def check_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:  # over 72 bytes, or a malformed hash
        return False


def password_problem(password: str, repeat: str | None = None) -> str | None:
    """A translatable message id saying why a new password is not acceptable, or None."""
    if repeat is not None and password != repeat:
        return N_("The two passwords are not the same.")
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("The password must have at least 8 characters.")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        return N_("The password is too long (at most 72 bytes).")
    if password.strip() != password:
        return N_("The password must not start or end with a space.")
    return None


def _throttle_locked(db: sqlite_utils.Database, key: str, now: float) -> bool:
    row = db.execute("SELECT locked_until FROM login_throttle WHERE key = ?", [key]).fetchone()
    return bool(row) and row[0] > now


def _throttle_fail(
    db: sqlite_utils.Database, key: str, limit: int, window: float | None, lock: float, now: float
) -> tuple[int, float]:
    """Count one failure for `key` (inside a write block); lock it at `limit` failures within
    `window` seconds (None: no window). Returns (failures, locked_until)."""
    row = db.execute(
        "SELECT failures, window_start, locked_until, updated_at FROM login_throttle WHERE key = ?", [key]
    ).fetchone()
    failures, window_start, locked_until = 0, now, 0.0
    if row is not None:
        failures, window_start, locked_until, updated_at = row
        if locked_until > now:
            return failures, locked_until  # still locked: nothing is extended or reset
        if now - updated_at > FORGET_FAILURES_SECONDS or (window is not None and now - window_start > window):
            failures, window_start = 0, now
    failures += 1
    if failures >= limit:
        failures, locked_until = 0, now + lock
    db.execute(
        "INSERT INTO login_throttle (key, failures, window_start, locked_until, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
        "window_start = excluded.window_start, locked_until = excluded.locked_until, "
        "updated_at = excluded.updated_at",
        [key, failures, window_start, locked_until, now],
    )
    return failures, locked_until


def _name_key(username: str) -> str:
    return "name:" + normalise_username(username)


def _client_key(client: str | None) -> str:
    return "client:" + (client or "local")


def name_locked(db: sqlite_utils.Database, username: str, now: float | None = None) -> bool:
    """True while logins with this username are locked (the same for unknown names)."""
    now = time.time() if now is None else now
    return _throttle_locked(db, _name_key(username), now)


def record_failed_login(db: sqlite_utils.Database, username: str, now: float | None = None) -> bool:
    """Count a failed login for a username, whether an account has it or not; lock the name
    after MAX_FAILED_LOGINS for LOCK_SECONDS. True when the name is (now) locked. An existing
    account mirrors the count and the lock in `users.failed_logins` / `users.locked_until`."""
    now = time.time() if now is None else now
    name = normalise_username(username)
    with write(db):
        failures, locked_until = _throttle_fail(db, _name_key(name), MAX_FAILED_LOGINS, None, LOCK_SECONDS, now)
        db.execute(
            "UPDATE users SET failed_logins = ?, locked_until = ? WHERE username = ?",
            [failures, locked_until, name],
        )
    return locked_until > now


def client_locked(db: sqlite_utils.Database, client: str | None, now: float | None = None) -> bool:
    now = time.time() if now is None else now
    return _throttle_locked(db, _client_key(client), now)


def record_client_failure(
    db: sqlite_utils.Database, client: str | None, limit: int, now: float | None = None
) -> bool:
    """Count a failed login from a client address; refuse the address for CLIENT_LOCK_SECONDS
    once it had `limit` failures within CLIENT_WINDOW_SECONDS. True when now refused."""
    now = time.time() if now is None else now
    with write(db):
        _, locked_until = _throttle_fail(
            db, _client_key(client), limit, CLIENT_WINDOW_SECONDS, CLIENT_LOCK_SECONDS, now
        )
    return locked_until > now


def forget_old_failures(db: sqlite_utils.Database, now: float | None = None) -> None:
    """Delete failure counts nobody added to for a day and that lock nothing (they hold names
    tried and client addresses)."""
    now = time.time() if now is None else now
    with write(db):
        db.execute(
            "DELETE FROM login_throttle WHERE updated_at < ? AND locked_until < ?",
            [now - FORGET_FAILURES_SECONDS, now],
        )


def record_successful_login(db: sqlite_utils.Database, username: str) -> None:
    with write(db):
        db.execute(
            "UPDATE users SET failed_logins = 0, locked_until = 0, "
            "activated_at = COALESCE(activated_at, ?) WHERE username = ?",
            [date.today().isoformat(), normalise_username(username)],
        )
        db.execute("DELETE FROM login_throttle WHERE key = ?", [_name_key(username)])


@dataclass(frozen=True)
class LoginOutcome:
    """The result of one login attempt: the user, or the message id to show (never both)."""

    user: User | None
    error: str | None


def attempt_login(
    db: sqlite_utils.Database,
    username: str,
    password: str,
    client: str | None,
    client_limit: int,
    now: float | None = None,
) -> LoginOutcome:
    """Decide a login. The answer and the time it takes do not depend on whether the username
    exists: bcrypt runs exactly once for every attempt that gets that far (against DUMMY_HASH
    for names without a usable account), every failure says WRONG, and a name with too many
    failures says LOCKED whether it exists or not. `client` is the client's address (None
    for a local connection): `client_limit` failures from it in 15 minutes refuse it."""
    now = time.time() if now is None else now
    if not (username or "").strip() or not password:
        return LoginOutcome(None, ENTER_BOTH)
    if client_locked(db, client, now):
        return LoginOutcome(None, CLIENT_LOCKED)
    name = normalise_username(username)
    user = get_user(db, name)
    usable = user is not None and user.active and bool(user.password_hash)
    matches = check_password(password, user.password_hash if usable else DUMMY_HASH)
    locked = name_locked(db, name, now) or (user is not None and user.locked(now))
    if locked or not (usable and matches):
        client_refused = record_client_failure(db, client, client_limit, now)
        locked = record_failed_login(db, name, now) or locked
        if client_refused:
            return LoginOutcome(None, CLIENT_LOCKED)
        return LoginOutcome(None, LOCKED if locked else WRONG)
    record_successful_login(db, name)
    return LoginOutcome(get_user(db, name), None)


def end_sessions(db: sqlite_utils.Database, username: str, now: float | None = None) -> None:
    """End every login session of the user (logout, password change, deactivation): each
    server-side session is ended, so its cookie logs nobody in any more."""
    now = time.time() if now is None else now
    with write(db):
        db.execute(
            "UPDATE users SET sessions_valid_after = ? WHERE username = ?",
            [now, normalise_username(username)],
        )
        db.execute(
            "UPDATE login_sessions SET ended_at = ? WHERE ended_at IS NULL "
            "AND user_id = (SELECT id FROM users WHERE username = ?)",
            [now, normalise_username(username)],
        )


def change_password(
    db: sqlite_utils.Database, username: str, old: str, new: str, repeat: str
) -> str | None:
    """Change a password; ends all other sessions. Returns a message id on failure, else None."""
    user = get_user(db, username)
    if user is None or not check_password(old, user.password_hash):
        return N_("The current password is wrong.")
    problem = password_problem(new, repeat)
    if problem:
        return problem
    set_password(db, username, new)
    return None


def set_password(db: sqlite_utils.Database, username: str, password: str) -> None:
    """Store a new password hash and invalidate earlier login cookies."""
    hashed = hash_password(password)
    with write(db):
        db.execute(
            "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 "
            "WHERE username = ?",
            [hashed, normalise_username(username)],
        )
    end_sessions(db, username)


def create_user(
    db: sqlite_utils.Database,
    *,
    username: str,
    name: str,
    email: str = "",
    municipality: str = "",
    area: str = "",
    level: str = "",
    roles: tuple[str, ...] | list[str] = ("leader",),
    password_hash: str | None = None,
    language: str = "da",
    invited_at: str | None = None,
    activated_at: str | None = None,
) -> int:
    """Insert a user and return its id (the caller validated the fields). Raises ValueError for
    roles that break the separation of duties (admin and management on one account)."""
    if duty_problem(roles):
        raise ValueError(BOTH_DUTIES)
    with write(db):
        cur = db.execute(
            "INSERT INTO users (username, name, email, municipality, area, level, roles, "
            "password_hash, language, invited_at, activated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                normalise_username(username),
                name,
                email,
                municipality,
                area,
                level,
                ",".join(r for r in roles if r in ROLES),
                password_hash,
                language,
                invited_at,
                activated_at,
            ],
        )
        return cur.lastrowid


def set_language(db: sqlite_utils.Database, username: str, language: str) -> None:
    with write(db):
        db.execute(
            "UPDATE users SET language = ? WHERE username = ?",
            [language, normalise_username(username)],
        )


# --- changes other modules make to an account (the `users` table is written here only) ---------
# Each runs inside the caller's transaction where there is one; the checks (who may, which
# values) stay with the caller: participants, identities, invitations, impersonation, importer,
# leader_groups, programme_runs.


def update_account(db: sqlite_utils.Database, user_id: int, *, name: str, email: str, municipality: str,
                   area: str, level: str, roles) -> None:
    """Store an account's fields and roles as given (checked by the caller)."""
    with write(db):
        db.execute(
            "UPDATE users SET name = ?, email = ?, municipality = ?, area = ?, level = ?, roles = ? WHERE id = ?",
            [name, email, municipality, area, level, ",".join(r for r in roles if r in ROLES), user_id],
        )


def set_roles(db: sqlite_utils.Database, user_id: int, roles) -> None:
    with write(db):
        db.execute("UPDATE users SET roles = ? WHERE id = ?", [",".join(r for r in roles if r in ROLES), user_id])


def set_email(db: sqlite_utils.Database, user_id: int, email: str) -> None:
    with write(db):
        db.execute("UPDATE users SET email = ? WHERE id = ?", [email, user_id])


def set_active(db: sqlite_utils.Database, user_id: int, active: bool) -> None:
    """Activate or deactivate the account (the caller ends its sessions on deactivation)."""
    with write(db):
        db.execute("UPDATE users SET active = ? WHERE id = ?", [int(active), user_id])


def mark_invited(db: sqlite_utils.Database, user_id: int, day: date) -> None:
    """The day of the first invitation (later invitations keep it)."""
    with write(db):
        db.execute("UPDATE users SET invited_at = COALESCE(invited_at, ?) WHERE id = ?", [day.isoformat(), user_id])


def mark_activated(db: sqlite_utils.Database, user_id: int, day: date) -> None:
    """The day the account was first activated (later activations keep it)."""
    with write(db):
        db.execute("UPDATE users SET activated_at = COALESCE(activated_at, ?) WHERE id = ?",
                   [day.isoformat(), user_id])


def mark_counted(db: sqlite_utils.Database, user_id: int, moment: str) -> bool:
    """The moment the account's answers start to count (identities.py); once: a later call keeps
    the first moment. True when it was not counted before."""
    with write(db):
        return db.execute("UPDATE users SET counted_at = ? WHERE id = ? AND counted_at IS NULL",
                          [moment, user_id]).rowcount == 1


def set_scope(db: sqlite_utils.Database, user_id: int, municipality: str | None) -> None:
    """The municipality a management account reads (None: every municipality): identities.py decides who sets it."""
    with write(db):
        db.execute("UPDATE users SET scope = ? WHERE id = ?", [municipality, user_id])


def set_leader_group(db: sqlite_utils.Database, user_id: int, group_id: int | None) -> None:
    with write(db):
        db.execute("UPDATE users SET leader_group = ? WHERE id = ?", [group_id, user_id])


def clear_leader_groups(db: sqlite_utils.Database) -> None:
    """Take every account out of its leader group (a run closes)."""
    with write(db):
        db.execute("UPDATE users SET leader_group = NULL WHERE leader_group IS NOT NULL")
