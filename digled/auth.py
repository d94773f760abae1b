"""Accounts, roles, passwords, lockout and login-cookie revocation.

The truth about users lives in the `users` table. streamlit-authenticator gets a fresh
credentials dict built from it on every run (`credentials_for_login`), with bcrypt hashes
(`auto_hash=False`). What the library does not do, this module does:

- **Lockout**: 5 failed logins lock an account for 15 minutes (`record_failed_login`). A locked
  or deactivated account is handed to the library with a hash no password matches.
- **Cookie revocation**: the library's cookie is a JWT of `{username, exp_date}` with no
  server-side state. Its issue time is `exp_date - expiry`; a cookie issued before the user's
  last logout or password change (`sessions_valid_after`) is refused (`cookie_is_valid`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date

import bcrypt
import jwt
import sqlite_utils

from .db import write
from .i18n import N_

ROLES = ("leader", "management", "admin")
MAX_FAILED_LOGINS = 5
LOCK_SECONDS = 15 * 60
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt's limit; bcrypt >= 5 raises beyond it
# A valid bcrypt hash that no password matches (hash of random bytes, salt fixed).
UNUSABLE_HASH = "$2b$12$eVbwsoK3OmrFvdr5NuaTAeA1bD9Jz4jNKmP2qgE4Hy9RVgVcSMA2u"
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


def credentials_for_login(users: list[User], now: float | None = None) -> dict:
    """The credentials dict streamlit-authenticator expects, built fresh from the database."""
    now = time.time() if now is None else now
    usernames = {}
    for u in users:
        usable = u.active and not u.locked(now) and u.password_hash
        usernames[u.username] = {
            "name": u.name,
            "email": u.email,
            "password": u.password_hash if usable else UNUSABLE_HASH,
            "roles": list(u.roles),
            "failed_login_attempts": 0,
            "logged_in": False,
        }
    return {"usernames": usernames}


def failed_usernames(credentials: dict) -> list[str]:
    """Usernames the library counted a failed password for during this run (dict is mutated)."""
    return [u for u, c in credentials["usernames"].items() if c.get("failed_login_attempts")]


def record_failed_login(db: sqlite_utils.Database, username: str, now: float | None = None) -> bool:
    """Count a failed login; lock the account after MAX_FAILED_LOGINS. True when now locked."""
    now = time.time() if now is None else now
    with write(db):
        row = db.execute(
            "SELECT failed_logins, locked_until FROM users WHERE username = ?",
            [normalise_username(username)],
        ).fetchone()
        if row is None:
            return False
        failed, locked_until = row
        if locked_until > now:
            return True
        failed += 1
        if failed >= MAX_FAILED_LOGINS:
            db.execute(
                "UPDATE users SET failed_logins = 0, locked_until = ? WHERE username = ?",
                [now + LOCK_SECONDS, normalise_username(username)],
            )
            return True
        db.execute(
            "UPDATE users SET failed_logins = ? WHERE username = ?",
            [failed, normalise_username(username)],
        )
        return False


def record_successful_login(db: sqlite_utils.Database, username: str) -> None:
    with write(db):
        db.execute(
            "UPDATE users SET failed_logins = 0, "
            "activated_at = COALESCE(activated_at, ?) WHERE username = ?",
            [date.today().isoformat(), normalise_username(username)],
        )


def end_sessions(db: sqlite_utils.Database, username: str, now: float | None = None) -> None:
    """Invalidate every login cookie issued so far (logout, password change)."""
    now = time.time() if now is None else now
    with write(db):
        db.execute(
            "UPDATE users SET sessions_valid_after = ? WHERE username = ?",
            [now, normalise_username(username)],
        )


def decode_cookie(token: str | None, key: str) -> dict | None:
    """The payload of a login cookie signed with `key`, or None when absent or forged."""
    if not token:
        return None
    try:
        payload = jwt.decode(token, key, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    if not isinstance(payload, dict) or "username" not in payload or "exp_date" not in payload:
        return None
    return payload


def cookie_is_valid(
    payload: dict | None, user: User | None, expiry_days: float, now: float | None = None
) -> bool:
    """True when a decoded cookie may log `user` in: unexpired, issued after the last logout."""
    now = time.time() if now is None else now
    if payload is None or user is None or not user.active:
        return False
    try:
        exp = float(payload["exp_date"])
    except (TypeError, ValueError):
        return False
    issued = exp - expiry_days * 86400
    return exp > now and issued >= user.sessions_valid_after


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
