"""Login sessions: an opaque random id in an HttpOnly cookie, the session itself on the server.

How a login reaches the browser (the Streamlit script cannot set an HTTP cookie: it talks to the
browser over a websocket):

1. The login form's check succeeds (`auth.attempt_login`). `begin` stores a *pending* session
   row for the user with a one-time ticket (random, 60 seconds, stored as an HMAC only).
2. The page runs a small script that POSTs the ticket to digled's own HTTP route
   (`digled/ui/web.py`, served by app.py's `st.App`). `redeem` turns the ticket into the
   session's random id (32 bytes); the route answers with
   `Set-Cookie: digled_session=<id>; HttpOnly; SameSite=Strict; Path=/` (plus `Secure`, and the
   `__Host-` name prefix, when the app is reached over https).
3. When that answer has arrived, the script POSTs to the confirm route, which the browser can
   only do *with* the new cookie: `confirm` marks the session as held by the browser.
4. The script run waits for that mark, and only then shows the user as logged in: from the
   moment the app looks logged in, the browser demonstrably has the cookie, so a reload finds it.

On a new page load the websocket handshake carries the cookie; `st.context.cookies` reads it and
`from_token` finds the session by the HMAC of the id. A session is valid while it is not ended,
was used within its idle time (8 hours for leaders and management, 1 hour for accounts with
the admin role; environment `DIGLED_IDLE_HOURS`, `DIGLED_ADMIN_IDLE_HOURS`) and is younger
than `MAX_AGE_DAYS`. Logout, a password change and deactivation end the rows (`auth.end_sessions`),
so a copied cookie logs nobody in; logout also deletes the cookie through the logout route
(unless the browser's cookie by then belongs to a newer live session: `clear`).

The database never holds a usable id: only HMAC-SHA256(cookie key, id), so a copy of the
database (a backup) cannot be turned into a login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import sqlite_utils

from digled.accounts import auth
from digled.platform.config import DEFAULT_MAX_SESSIONS, SessionPolicy
from digled.platform.db import write

COOKIE = "digled_session"
SECURE_COOKIE = "__Host-digled_session"  # https only: no Domain, Path=/, Secure (browser-enforced)
COOKIE_NAMES = (SECURE_COOKIE, COOKIE)
LEGACY_COOKIES = ("digled_auth",)  # streamlit-authenticator's JWT cookie, deleted when seen
TICKET_SECONDS = 60
TOUCH_SECONDS = 60


@dataclass(frozen=True)
class Session:
    id: int
    user_id: int
    created_at: float
    last_seen: float
    ended_at: float | None
    handed_over: bool  # the browser sent the cookie back (confirm)
    cleared_at: float | None

    def problem(self, user, policy: SessionPolicy, now: float | None = None) -> str | None:
        """Why this session logs nobody in (a short English reason), or None while valid."""
        now = time.time() if now is None else now
        if self.ended_at is not None:
            return "ended"
        if user is None or user.id != self.user_id or not user.active:
            return "no active account"
        if self.created_at < user.sessions_valid_after:
            return "ended"
        if now - self.last_seen > policy.idle_limit(user.roles):
            return "idle"
        if now - self.created_at > policy.max_age_seconds:
            return "too old"
        return None


def digest(key: str, value: str) -> str:
    """What the database stores of a cookie id or a ticket: HMAC-SHA256 under the cookie key."""
    return hmac.new(key.encode("utf-8"), value.encode("utf-8"), hashlib.sha256).hexdigest()


def _session(row) -> Session | None:
    if row is None:
        return None
    sid, user_id, created_at, last_seen, ended_at, confirmed_at, cleared_at = row
    return Session(sid, user_id, created_at, last_seen, ended_at, confirmed_at is not None, cleared_at)


_COLUMNS = "id, user_id, created_at, last_seen, ended_at, confirmed_at, cleared_at"


def get(db: sqlite_utils.Database, session_id: int) -> Session | None:
    return _session(db.execute(f"SELECT {_COLUMNS} FROM login_sessions WHERE id = ?", [session_id]).fetchone())


def from_token(db: sqlite_utils.Database, token: str | None, key: str) -> Session | None:
    """The session a cookie value points to, or None (absent, malformed or unknown)."""
    if not token or len(token) > 100:
        return None
    row = db.execute(
        f"SELECT {_COLUMNS} FROM login_sessions WHERE token_hash = ?", [digest(key, token)]
    ).fetchone()
    return _session(row)


def login_of(db: sqlite_utils.Database, token: str | None, key: str, policy: SessionPolicy,
             now: float | None = None) -> tuple[Session | None, object | None, str | None]:
    """The one check of a session cookie: the session it names, that session's account, and why
    it logs nobody in (None while valid; "unknown" for no such session). The websocket's runs
    (digled.ui.login) and digled's own routes (digled.ui.web) both log in through it."""

    found = from_token(db, token, key)
    user = auth.get_user_by_id(db, found.user_id) if found else None
    problem = found.problem(user, policy, now) if found else "unknown"
    return found, user, problem


def begin(db: sqlite_utils.Database, user_id: int, key: str, now: float | None = None,
          limit: int = DEFAULT_MAX_SESSIONS) -> tuple[int, str]:
    """A pending session for `user_id` and its one-time ticket (the browser redeems it for the
    cookie). The account then holds at most `limit` open sessions: the oldest others are ended
    (SessionPolicy.max_sessions, DIGLED_MAX_SESSIONS). Returns (session id, ticket)."""
    now = time.time() if now is None else now
    ticket = secrets.token_urlsafe(32)
    with write(db):
        db.execute("DELETE FROM login_sessions WHERE token_hash IS NULL AND ticket_expires < ?", [now - 3600])
        cur = db.execute(
            "INSERT INTO login_sessions (user_id, ticket_hash, ticket_expires, created_at, last_seen) "
            "VALUES (?, ?, ?, ?, ?)",
            [user_id, digest(key, ticket), now + TICKET_SECONDS, now, now],
        )
        db.execute(
            "UPDATE login_sessions SET ended_at = ? WHERE id IN (SELECT id FROM login_sessions "
            "WHERE user_id = ? AND ended_at IS NULL ORDER BY created_at DESC, id DESC LIMIT -1 OFFSET ?)",
            [now, user_id, max(1, limit)],
        )
    return cur.lastrowid, ticket


def redeem(db: sqlite_utils.Database, ticket: str, key: str, now: float | None = None) -> str | None:
    """Exchange a login ticket (once, within TICKET_SECONDS, while the session is not ended) for
    the session's cookie id. None when the ticket is unknown, used, expired or ended."""
    now = time.time() if now is None else now
    if not ticket or len(ticket) > 100:
        return None
    token = secrets.token_urlsafe(32)
    with write(db):
        cur = db.execute(
            "UPDATE login_sessions SET token_hash = ?, ticket_hash = NULL, last_seen = ? "
            "WHERE ticket_hash = ? AND ticket_expires >= ? AND ended_at IS NULL AND token_hash IS NULL",
            [digest(key, token), now, digest(key, ticket), now],
        )
    return token if cur.rowcount == 1 else None


def confirm(db: sqlite_utils.Database, token: str | None, key: str, now: float | None = None) -> bool:
    """The browser came back with the session's cookie: the handover is complete."""
    now = time.time() if now is None else now
    if not token or len(token) > 100:
        return False
    with write(db):
        cur = db.execute(
            "UPDATE login_sessions SET confirmed_at = COALESCE(confirmed_at, ?) "
            "WHERE token_hash = ? AND ended_at IS NULL",
            [now, digest(key, token)],
        )
    return cur.rowcount == 1


def touch(db: sqlite_utils.Database, session: Session, now: float | None = None) -> None:
    """Note activity (at most once a minute: a write per click would cost every click)."""
    now = time.time() if now is None else now
    if now - session.last_seen >= TOUCH_SECONDS:
        with write(db):
            db.execute("UPDATE login_sessions SET last_seen = ? WHERE id = ? AND ended_at IS NULL", [now, session.id])


def end(db: sqlite_utils.Database, session_id: int, now: float | None = None) -> None:
    now = time.time() if now is None else now
    with write(db):
        db.execute("UPDATE login_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", [now, session_id])


def discard(db: sqlite_utils.Database, session_id: int) -> None:
    """Forget a pending session whose cookie never reached the browser."""
    with write(db):
        db.execute("DELETE FROM login_sessions WHERE id = ? AND confirmed_at IS NULL", [session_id])


def logout_ticket(db: sqlite_utils.Database, session_id: int, key: str, now: float | None = None) -> str:
    """A one-time ticket with which the browser confirms it deleted the cookie of an ended session."""
    now = time.time() if now is None else now
    ticket = secrets.token_urlsafe(32)
    with write(db):
        db.execute(
            "UPDATE login_sessions SET ticket_hash = ?, ticket_expires = ?, ended_at = COALESCE(ended_at, ?) "
            "WHERE id = ?",
            [digest(key, ticket), now + TICKET_SECONDS, now, session_id],
        )
    return ticket


def clear(db: sqlite_utils.Database, key: str, ticket: str | None, token: str | None, now: float | None = None) -> bool:
    """The logout route: marks the ticket's session as cleared and says whether to delete the
    browser's cookie: yes when it points to no session or to an ended one; no when it belongs to
    a live session (another tab logged in again since), which a stale tab must not end."""
    now = time.time() if now is None else now
    with write(db):
        if ticket and len(ticket) <= 100:
            db.execute(
                "UPDATE login_sessions SET cleared_at = ?, ticket_hash = NULL "
                "WHERE ticket_hash = ? AND ticket_expires >= ?",
                [now, digest(key, ticket), now],
            )
        if not token or len(token) > 100:
            return True
        row = db.execute("SELECT ended_at FROM login_sessions WHERE token_hash = ?", [digest(key, token)]).fetchone()
    return row is None or row[0] is not None


def purge(db: sqlite_utils.Database, policy: SessionPolicy, now: float | None = None) -> None:
    """Delete sessions that ended, or could not be used any more, over a day ago."""
    now = time.time() if now is None else now
    with write(db):
        db.execute(
            "DELETE FROM login_sessions WHERE ended_at < ? OR last_seen < ? OR created_at < ?",
            [now - 86400, now - max(policy.idle_seconds, policy.admin_idle_seconds) - 86400,
             now - policy.max_age_seconds - 86400],
        )


def secure(base_url: str | None, scheme: str | None = None) -> bool:
    """Whether the cookie gets `Secure` (and the `__Host-` name): the public address
    (DIGLED_BASE_URL) or the request itself is https."""
    return (base_url or "").lower().startswith("https://") or (scheme or "").lower() in {"https", "wss"}


def set_cookie_header(token: str, is_secure: bool, max_age: float) -> str:
    """The Set-Cookie value for a session id: HttpOnly, SameSite=Strict, Path=/, Secure on https."""
    name = SECURE_COOKIE if is_secure else COOKIE
    value = f"{name}={token}; Max-Age={int(max_age)}; Path=/; HttpOnly; SameSite=Strict"
    return value + ("; Secure" if is_secure else "")


def delete_cookie_headers(is_secure: bool) -> list[str]:
    """Set-Cookie values that delete every login cookie digled ever set."""
    headers = [f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict"]
    if is_secure:
        headers.append(f"{SECURE_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure")
    headers += [f"{name}=; Max-Age=0; Path=/; SameSite=Strict" for name in LEGACY_COOKIES]
    return headers


def cookie_value(cookies, is_secure: bool) -> str | None:
    """The session id among a request's cookies. On https (`secure`) only the `__Host-` name
    counts: the browser accepts that name only from this very host over https, without a Domain,
    whereas a plain `digled_session` can be planted by a sibling subdomain or an http page of the
    domain (holding the attacker's own session id: the victim would work in the attacker's
    account). On http (the demo on localhost) the plain name is read, the `__Host-` name first."""
    for name in (SECURE_COOKIE,) if is_secure else COOKIE_NAMES:
        value = cookies.get(name) if cookies else None
        if value:
            return value
    return None
