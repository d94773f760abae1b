"""Optional single sign-on with the municipality's identity provider (OpenID Connect).

Streamlit does the OpenID Connect part itself (`st.login`, with Authlib): the `[auth]` section of
Streamlit's secrets (`.streamlit/secrets.toml`) names the provider; the callback route
`/oauth2callback` checks state, nonce and the ID token's signature, issuer, audience and expiry,
and leaves the identity in Streamlit's signed cookie `_streamlit_user`, which `st.user` reads.

digled then only *maps* that identity to an account (`map_identity`):

- the ID token must carry an e-mail claim that already is a clean address
  (`validation.exact_email_problem`: nothing stripped or cleaned, so `adm\\u0000in@x.\\tdk` is refused,
  never read as `admin@x.dk`) and that the provider says it has verified (`email_verified` true),
  and the provider's identity: issuer (`iss`) and subject (`sub`);
- an identity seen before logs in only the account it is bound to (table `sso_identities`), whatever
  e-mail address the provider sends now: a changed address at the provider never moves the login
  to another account;
- a new identity logs in the one active account with that e-mail address (case-insensitive) when
  that account is bound to no other identity, and is bound to it from then on;
- administrator accounts are kept off single sign-on unless the operator allows them
  (`DIGLED_SSO_EXCLUDE_ADMINS=0`; default 1): they log in with their password only.

Nothing is ever created but the binding. On success the login continues exactly as a password
login does (a server-side session and the HttpOnly `digled_session` cookie through the one-time
ticket, `digled/ui/login.py`), and digled's cookie routes delete Streamlit's identity cookie
(`web.py`), so after digled's logout no identity is left in the browser that could log the user
in again. Every refusal is audited. `unbind` (command line: `python -m digled sso-unbind USER`)
forgets an account's identity, e.g. when the provider made a new account for the person.

SSO is off unless Streamlit's secrets hold a complete `[auth]` section (see `configured`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from digled.accounts import auth, identities
from digled.platform import audit, validation
from digled.platform.config import weakness
from digled.platform.db import write
from digled.platform.i18n import N_

LOG = logging.getLogger("digled")

PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
SHARED_KEYS = ("redirect_uri", "cookie_secret")
AUDIT_ACTOR = "single sign-on"

NOT_VERIFIED = N_(
    "Your municipality's account did not confirm your e-mail address, so you cannot be logged in "
    "with it. Log in with your username and password, or ask the programme administrator."
)
NOT_REGISTERED = N_(
    "Your municipality's account is not linked to an active participant in this programme. "
    "Ask the programme administrator, or log in with your username and password."
)
NOT_USABLE = N_(
    "Your municipality's account sent an e-mail address or identity that digled cannot use, so you "
    "cannot be logged in with it. Log in with your username and password, or ask the programme "
    "administrator."
)
LINKED_ELSEWHERE = N_(
    "This participant is linked to another account at your municipality. Log in with your username "
    "and password, or ask the programme administrator."
)
ADMINS_OFF = N_(
    "Administrator accounts log in with their username and password, not with the municipality's "
    "account."
)
EXCLUDE_ADMINS_SETTING = "DIGLED_SSO_EXCLUDE_ADMINS"
BUTTON = N_("Log in with your municipality's account")


@dataclass(frozen=True)
class Outcome:
    """The result of mapping an identity: the user, or the message id to show (never both);
    `reason` is the short English reason written to the audit log."""

    user: auth.User | None
    error: str | None
    reason: str


def _verified(value) -> bool:
    """`email_verified` as providers send it: a JSON true (some send the string "true")."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


MAX_ISSUER = 500
MAX_SUBJECT = 255


def _identifier(value, limit: int) -> bool:
    """An `iss` or `sub` claim digled can bind: a non-empty text without control characters or
    surrounding blanks, at most `limit` characters."""
    return (isinstance(value, str) and 0 < len(value) <= limit and value == value.strip()
            and not validation.CONTROL.search(value))


def _shown(value) -> str:
    """A claim as the audit log shows it: printable, escapes for anything else, shortened."""
    if not isinstance(value, str):
        return "-" if value is None else type(value).__name__
    return value.encode("unicode_escape").decode("ascii")[:300] or "-"


def bound_account(db: sqlite_utils.Database, issuer: str, subject: str) -> int | None:
    """The id of the account bound to the provider's identity (issuer, subject), or None."""
    row = db.execute("SELECT user_id FROM sso_identities WHERE issuer = ? AND subject = ?",
                     [issuer, subject]).fetchone()
    return row[0] if row else None


def identity_of(db: sqlite_utils.Database, user_id: int) -> tuple[str, str] | None:
    """The (issuer, subject) an account is bound to, or None."""
    row = db.execute("SELECT issuer, subject FROM sso_identities WHERE user_id = ?", [user_id]).fetchone()
    return (row[0], row[1]) if row else None


def map_identity(db: sqlite_utils.Database, claims: Mapping, exclude_admins: bool = True) -> Outcome:
    """The account this identity logs in (see the module docstring), or a refusal (audited).
    Creates nothing but the binding of a first SSO login."""
    email = claims.get("email")
    if email is None or email == "":
        return _refuse(db, NOT_VERIFIED, "no e-mail address", email)
    if validation.exact_email_problem(email):
        return _refuse(db, NOT_USABLE, "e-mail claim is not a clean address", email)
    if not _verified(claims.get("email_verified")):
        return _refuse(db, NOT_VERIFIED, "e-mail address not verified", email)
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not _identifier(issuer, MAX_ISSUER) or not _identifier(subject, MAX_SUBJECT):
        return _refuse(db, NOT_USABLE, "no usable issuer and subject", email)
    with write(db):  # one immediate transaction: two first logins at once cannot both bind
        return _decide(db, email, issuer, subject, exclude_admins)


def _decide(db: sqlite_utils.Database, email: str, issuer: str, subject: str, exclude_admins: bool) -> Outcome:
    known = bound_account(db, issuer, subject)
    if known is not None:
        user = auth.get_user_by_id(db, known)
        if user is None or not user.active:
            return _refuse(db, NOT_REGISTERED, "account deactivated", email)
    else:
        rows = list(db.query(
            "SELECT id FROM users WHERE email != '' AND lower(trim(email)) = lower(?)", [email]))
        if not rows:
            return _refuse(db, NOT_REGISTERED, "no account with this e-mail address", email)
        if len(rows) > 1:
            return _refuse(db, NOT_REGISTERED, "several accounts with this e-mail address", email)
        user = auth.get_user_by_id(db, rows[0]["id"])
        if user is None or not user.active:
            return _refuse(db, NOT_REGISTERED, "account deactivated", email)
        if identity_of(db, user.id) is not None:
            return _refuse(db, LINKED_ELSEWHERE, "account bound to another identity at the provider", email)
    if exclude_admins and user.has_role("admin"):
        return _refuse(db, ADMINS_OFF, "administrator account (DIGLED_SSO_EXCLUDE_ADMINS)", email)
    detail = email.lower()
    if known is None:
        db.execute("INSERT INTO sso_identities (user_id, issuer, subject, bound_at) VALUES (?, ?, ?, ?)",
                   [user.id, issuer, subject, datetime.now(UTC).isoformat(timespec="seconds")])
        audit.log(db, user.username, "single sign-on identity bound", f"{_shown(issuer)} {_shown(subject)}")
    elif (user.email or "").strip().lower() != email.lower():
        detail += f" (the account's address is {user.email or '-'})"
    auth.record_successful_login(db, user.username)  # also marks a never-activated account activated
    identities.count(db, user.id, "sso")  # the identity provider's word: it counts in figures
    audit.log(db, user.username, "log in with single sign-on", detail)
    return Outcome(auth.get_user_by_id(db, user.id), None, "ok")


def unbind(db: sqlite_utils.Database, username: str, actor: str) -> bool:
    """Forget the provider identity bound to an account (its next SSO login binds afresh, by its
    e-mail address). True when there was one; audited."""
    user = auth.get_user(db, username)
    if user is None:
        return False
    with write(db):
        cur = db.execute("DELETE FROM sso_identities WHERE user_id = ?", [user.id])
        if cur.rowcount:
            audit.log(db, actor, "single sign-on identity unbound", user.username)
    return cur.rowcount > 0


def _refuse(db: sqlite_utils.Database, error: str, reason: str, email) -> Outcome:
    audit.log(db, AUDIT_ACTOR, "single sign-on refused", f"{reason}: {_shown(email).lower()}")
    LOG.info("single sign-on refused: %s", reason)
    return Outcome(None, error, reason)


def missing_settings(section: Mapping | None) -> list[str]:
    """The settings a complete `[auth]` section still lacks (all of them when there is none)."""
    if not section:
        return [*SHARED_KEYS, *PROVIDER_KEYS]
    return [k for k in (*SHARED_KEYS, *PROVIDER_KEYS) if not section.get(k)]


def problem(section: Mapping | None) -> str | None:
    """Why an `[auth]` section does not switch single sign-on on (English, for the server log),
    or None. Its `cookie_secret` signs Streamlit's identity cookie: whoever can guess it can
    forge any identity, so it must pass the same strength check as digled's own secrets."""

    if section is None:
        return "no [auth] section in secrets.toml"
    missing = missing_settings(section)
    if missing:
        return "[auth] in secrets.toml lacks " + ", ".join(missing)
    weak = weakness(section.get("cookie_secret"))
    if weak:
        return "[auth] cookie_secret is too weak (" + weak + ")"
    return None
