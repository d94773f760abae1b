"""Personal invitation links: how a leader without a password gets into digled.

An invitation is a random token sent in a link (`<base>/accept-invitation?token=...`). Only
its SHA-256 hash is stored, so a copy of the database holds no usable link. A token works once
and until it expires; creating a new invitation for a user retires their older unused ones.
Accepting sets the password and marks the token used in one immediate write transaction, so
two tabs submitting the same link at once cannot both use it.

No impersonation: a token has a *purpose*. An `invitation` exists only for an account that was
never activated (no password, never logged in): creating one for an activated account is
refused, and a token made before activation stops working once the account is activated, so
an administrator who sees an invitation link can never use it to take over a leader's account.
A `reset` exists only for an activated account and is sent by e-mail to the account's own
address (accounts.request_reset); its link is never returned to a page. The token row records
whether its link was `shown` in the app (see participants: such an account never gets the
management role).
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

from digled.accounts import auth, identities, notices, programme_runs
from digled.platform import audit, config
from digled.platform.db import write
from digled.platform.i18n import N_, MessageError

DEFAULT_BASE_URL = "http://localhost:8501"
DEFAULT_DAYS = 14
RESET_DAYS = 2
PAGE_PATH = "accept-invitation"
PURPOSES = ("invitation", "reset")
PASSWORD_CHANGED = N_("Your password was changed on {date} with a reset link sent to your e-mail "
                      "address. If you did not do this, contact the programme administrator at once.")

REASONS = {
    "unknown": N_("This invitation link is not valid. Check that you copied the whole link, or ask the programme administrator for a new one."),
    "expired": N_("This invitation link has expired or has been replaced by a newer one. Ask the programme administrator for a new link."),
    "used": N_("This invitation link has already been used. Log in with the password you chose."),
    "inactive": N_("This account is deactivated. Contact the programme administrator."),
    "activated": N_("This account is already activated, so an invitation link cannot be used for it. Log in "
                    "with your password, or ask the programme administrator to send a password reset to your "
                    "e-mail address."),
}
ACTIVATED = N_("the account is already activated: an invitation cannot be made for it; send a password reset "
               "by e-mail instead")
NOT_ACTIVATED = N_("the account is not activated yet: send an invitation instead")


class InvitationRefused(MessageError):
    """No token of this purpose may be made for the account; the message is a message id."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a token: the invited user, or the reason it cannot be used."""

    user: auth.User | None
    reason: str | None = None  # one of REASONS, None when the token is usable
    expires_at: float | None = None
    purpose: str = "invitation"  # or "reset"

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def message(self) -> str | None:
        """The translatable message id explaining the reason (None when ok)."""
        return REASONS.get(self.reason) if self.reason else None


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


_serving: str | None = None  # the address this process's own server listens on (set_serving)


def serving_address(address: str | None, port: int | str) -> str:
    """The address a server listening on `address`:`port` is reached at from this machine
    (all interfaces or none named: localhost)."""
    host = (address or "").strip()
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = "localhost"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{int(port)}"


def set_serving(url: str | None) -> None:
    """Record where this process's server answers (digled.ui.session, from Streamlit's
    server.address and server.port): without DIGLED_BASE_URL (demo), links point there."""
    global _serving
    _serving = url.rstrip("/") if url else None


def base_url(environ: dict | None = None) -> str:
    """Where the app is reachable from a leader's mail client: DIGLED_BASE_URL (required
    outside demo); in demo the address the app is actually served at (`set_serving`), so a link
    mailed by an app on port 8600 opens port 8600; a command with no server of its own:
    localhost:8501."""
    env = os.environ if environ is None else environ
    return (env.get("DIGLED_BASE_URL") or _serving or DEFAULT_BASE_URL).rstrip("/")


def link(token: str) -> str:
    """The personal link that opens the accept-invitation page for `token`."""
    return f"{base_url()}/{PAGE_PATH}?token={quote(token, safe='')}"


def create(
    db: sqlite_utils.Database,
    user_id: int,
    days: int = DEFAULT_DAYS,
    actor: str | None = None,
    now: float | None = None,
    *,
    purpose: str = "invitation",
    shown: bool = False,
) -> str:
    """Create an invitation (or, with purpose 'reset', a password reset) for `user_id` valid
    `days` days and return the raw token.

    An invitation only for a never-activated account, a reset only for an activated one
    (InvitationRefused otherwise). `shown`: the caller will show the link in the app (recorded).
    Older unused tokens of the user expire at once; users.invited_at is set on the first
    invitation. With `actor`, the action is written to the audit log."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    now = time.time() if now is None else now
    token = secrets.token_urlsafe(32)
    with write(db):
        user = auth.get_user_by_id(db, user_id)
        if user is None:
            raise KeyError(f"no user with id {user_id}")
        if purpose == "invitation" and user.activated:
            raise InvitationRefused(ACTIVATED)
        if purpose == "reset" and not user.activated:
            raise InvitationRefused(NOT_ACTIVATED)
        db.execute(
            "UPDATE invitations SET expires_at = MIN(expires_at, ?) WHERE user_id = ? AND used_at IS NULL",
            [now, user_id],
        )
        db.execute(
            "INSERT INTO invitations (token_hash, user_id, created_at, expires_at, purpose, shown) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [token_hash(token), user_id, now, now + days * 86400, purpose, int(shown)],
        )
        if purpose == "invitation":
            auth.mark_invited(db, user_id, date.fromtimestamp(now))
        if actor:
            action = "create invitation" if purpose == "invitation" else "send password reset"
            audit.log(db, actor, action, user.username + (" (link shown)" if shown else ""))
    return token


def mark_shown(db: sqlite_utils.Database, token: str) -> None:
    """Record that this token's link is shown in the app (it could not be e-mailed)."""
    with write(db):
        db.execute("UPDATE invitations SET shown = 1 WHERE token_hash = ?", [token_hash(token)])


def link_was_shown(db: sqlite_utils.Database, user_id: int) -> bool:
    """True when an invitation link of this account was ever shown in the app (to an
    administrator): whoever saw it may have chosen the account's password."""
    return db.execute(
        "SELECT 1 FROM invitations WHERE user_id = ? AND shown = 1 LIMIT 1", [user_id]
    ).fetchone() is not None


def _check(db: sqlite_utils.Database, token: str, now: float) -> tuple[Verdict, dict | None]:
    rows = list(db.query("SELECT * FROM invitations WHERE token_hash = ?", [token_hash(token)]))
    if not token or not rows:
        return Verdict(None, "unknown"), None
    row = rows[0]
    purpose = row.get("purpose") or "invitation"
    user = auth.get_user_by_id(db, row["user_id"])
    if user is None:
        return Verdict(None, "unknown"), row
    if row["used_at"] is not None:
        return Verdict(user, "used", row["expires_at"], purpose), row
    if row["expires_at"] <= now:
        return Verdict(user, "expired", row["expires_at"], purpose), row
    if not user.active:
        return Verdict(user, "inactive", row["expires_at"], purpose), row
    if purpose == "invitation" and user.activated:
        return Verdict(user, "activated", row["expires_at"], purpose), row
    if purpose == "reset" and not user.activated:
        return Verdict(user, "unknown", row["expires_at"], purpose), row
    return Verdict(user, None, row["expires_at"], purpose), row


def verify(db: sqlite_utils.Database, token: str, now: float | None = None) -> Verdict:
    """Check a token without using it: the user, or why it cannot be used."""
    return _check(db, token, time.time() if now is None else now)[0]


def accept(
    db: sqlite_utils.Database, token: str, password: str, repeat: str, now: float | None = None,
    domains: tuple[str, ...] | None = None,
) -> str | None:
    """Use the token: set the password, mark the token used, mark the user activated, and
    count the account in figures when the link reached the account's address by e-mail and
    that address is in `domains` (identities.on_activation; None: the operator's
    DIGLED_MAIL_DOMAINS).

    Returns a translatable message id when refused (bad token or password), else None.
    All of it happens in one immediate transaction: a token is used at most once. An invitation
    never sets the password of an activated account; a reset leaves the user a notice that the
    password was changed (the page also e-mails them: accounts.tell_password_changed)."""
    now = time.time() if now is None else now
    if domains is None:
        domains = config.load_settings().mail_domains
    verdict = verify(db, token, now)
    if not verdict.ok:
        return verdict.message
    problem = auth.password_problem(password, repeat)
    if problem:
        return problem
    with write(db):
        verdict, row = _check(db, token, now)  # again, now holding the write lock
        if not verdict.ok:
            return verdict.message
        used = db.execute(
            "UPDATE invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
            [now, token_hash(token)],
        ).rowcount
        if used != 1:
            return REASONS["used"]
        auth.set_password(db, verdict.user.username, password)
        auth.mark_activated(db, verdict.user.id, date.fromtimestamp(now))
        identities.on_activation(db, verdict.user, verdict.purpose, bool(row.get("shown")), domains)
        if verdict.purpose == "reset":
            notices.add(db, verdict.user.id, PASSWORD_CHANGED, date=date.fromtimestamp(now).isoformat())
            audit.log(db, verdict.user.username, "reset password", "")
        else:
            audit.log(db, verdict.user.username, "accept invitation", "")
    return None


def pending(db: sqlite_utils.Database) -> list[auth.User]:
    """Active leaders who have not activated their account yet (no password chosen)."""
    ids = [
        r[0]
        for r in db.execute(
            "SELECT id FROM users WHERE active = 1 AND activated_at IS NULL AND password_hash IS NULL "
            f"AND {auth.LEADER_SQL} AND " + programme_runs.IN_RUNNING + " ORDER BY name"
        ).fetchall()
    ]
    return [auth.get_user_by_id(db, i) for i in ids]


def last_created(db: sqlite_utils.Database, user_id: int) -> float | None:
    """When the user's newest invitation was created (epoch seconds), or None."""
    return db.execute(
        "SELECT MAX(created_at) FROM invitations WHERE user_id = ? AND purpose = 'invitation'", [user_id]
    ).fetchone()[0]
