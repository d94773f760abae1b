"""Personal invitation links: how a leader without a password gets into digled.

An invitation is a random token sent in a link (`<base>/accept-invitation?token=...`). Only
its SHA-256 hash is stored, so a copy of the database holds no usable link. A token works once
and until it expires; creating a new invitation for a user retires their older unused ones.
Accepting sets the password and marks the token used in one immediate write transaction, so
two tabs submitting the same link at once cannot both use it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import sqlite_utils

from . import audit, auth
from .db import write
from .i18n import N_

DEFAULT_BASE_URL = "http://localhost:8501"
DEFAULT_DAYS = 14
PAGE_PATH = "accept-invitation"

REASONS = {
    "unknown": N_("This invitation link is not valid. Check that you copied the whole link, or ask the programme administrator for a new one."),
    "expired": N_("This invitation link has expired or has been replaced by a newer one. Ask the programme administrator for a new link."),
    "used": N_("This invitation link has already been used. Log in with the password you chose."),
    "inactive": N_("This account is deactivated. Contact the programme administrator."),
}


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a token: the invited user, or the reason it cannot be used."""

    user: auth.User | None
    reason: str | None = None  # one of REASONS, None when the token is usable
    expires_at: float | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def message(self) -> str | None:
        """The translatable message id explaining the reason (None when ok)."""
        return REASONS.get(self.reason) if self.reason else None


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def base_url(environ: dict | None = None) -> str:
    """Where the app is reachable from a leader's mail client (env DIGLED_BASE_URL)."""
    env = os.environ if environ is None else environ
    return (env.get("DIGLED_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def link(token: str) -> str:
    """The personal link that opens the accept-invitation page for `token`."""
    return f"{base_url()}/{PAGE_PATH}?token={quote(token, safe='')}"


def create(
    db: sqlite_utils.Database,
    user_id: int,
    days: int = DEFAULT_DAYS,
    actor: str | None = None,
    now: float | None = None,
) -> str:
    """Create an invitation for `user_id` valid `days` days and return the raw token.

    Older unused invitations of the user expire at once; users.invited_at is set on the first
    invitation. With `actor`, the action is written to the audit log."""
    now = time.time() if now is None else now
    token = secrets.token_urlsafe(32)
    with write(db):
        username = db.execute("SELECT username FROM users WHERE id = ?", [user_id]).fetchone()
        if username is None:
            raise KeyError(f"no user with id {user_id}")
        db.execute(
            "UPDATE invitations SET expires_at = MIN(expires_at, ?) WHERE user_id = ? AND used_at IS NULL",
            [now, user_id],
        )
        db.execute(
            "INSERT INTO invitations (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            [token_hash(token), user_id, now, now + days * 86400],
        )
        db.execute(
            "UPDATE users SET invited_at = COALESCE(invited_at, ?) WHERE id = ?",
            [date.fromtimestamp(now).isoformat(), user_id],
        )
        if actor:
            audit.log(db, actor, "create invitation", username[0])
    return token


def _check(db: sqlite_utils.Database, token: str, now: float) -> tuple[Verdict, dict | None]:
    rows = list(db.query("SELECT * FROM invitations WHERE token_hash = ?", [token_hash(token)]))
    if not token or not rows:
        return Verdict(None, "unknown"), None
    row = rows[0]
    user = auth.get_user_by_id(db, row["user_id"])
    if user is None:
        return Verdict(None, "unknown"), row
    if row["used_at"] is not None:
        return Verdict(user, "used", row["expires_at"]), row
    if row["expires_at"] <= now:
        return Verdict(user, "expired", row["expires_at"]), row
    if not user.active:
        return Verdict(user, "inactive", row["expires_at"]), row
    return Verdict(user, None, row["expires_at"]), row


def verify(db: sqlite_utils.Database, token: str, now: float | None = None) -> Verdict:
    """Check a token without using it: the user, or why it cannot be used."""
    return _check(db, token, time.time() if now is None else now)[0]


def accept(
    db: sqlite_utils.Database, token: str, password: str, repeat: str, now: float | None = None
) -> str | None:
    """Use the token: set the password, mark the token used, mark the user activated.

    Returns a translatable message id when refused (bad token or password), else None.
    All of it happens in one immediate transaction: a token is used at most once."""
    now = time.time() if now is None else now
    verdict = verify(db, token, now)
    if not verdict.ok:
        return verdict.message
    problem = auth.password_problem(password, repeat)
    if problem:
        return problem
    with write(db):
        verdict, _ = _check(db, token, now)  # again, now holding the write lock
        if not verdict.ok:
            return verdict.message
        used = db.execute(
            "UPDATE invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
            [now, token_hash(token)],
        ).rowcount
        if used != 1:
            return REASONS["used"]
        auth.set_password(db, verdict.user.username, password)
        db.execute(
            "UPDATE users SET activated_at = COALESCE(activated_at, ?) WHERE id = ?",
            [date.fromtimestamp(now).isoformat(), verdict.user.id],
        )
        audit.log(db, verdict.user.username, "accept invitation", "")
    return None


def pending(db: sqlite_utils.Database) -> list[auth.User]:
    """Active leaders who have not activated their account yet (no password chosen)."""
    ids = [
        r[0]
        for r in db.execute(
            "SELECT id FROM users WHERE active = 1 AND activated_at IS NULL "
            "AND (',' || roles || ',') LIKE '%,leader,%' ORDER BY name"
        ).fetchall()
    ]
    return [auth.get_user_by_id(db, i) for i in ids]


def last_created(db: sqlite_utils.Database, user_id: int) -> float | None:
    """When the user's newest invitation was created (epoch seconds), or None."""
    return db.execute("SELECT MAX(created_at) FROM invitations WHERE user_id = ?", [user_id]).fetchone()[0]
