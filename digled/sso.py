"""Optional single sign-on with the municipality's identity provider (OpenID Connect).

Streamlit does the OpenID Connect part itself (`st.login`, with Authlib): the `[auth]` section of
Streamlit's secrets (`.streamlit/secrets.toml`) names the provider; the callback route
`/oauth2callback` checks state, nonce and the ID token's signature, issuer, audience and expiry,
and leaves the identity in Streamlit's signed cookie `_streamlit_user`, which `st.user` reads.

digled then only *maps* that identity to an account (`map_identity`): the ID token must carry an
e-mail address that the provider says it has verified (`email_verified` true), and exactly one
active account must have that address (case-insensitive). Nothing is ever created. On success
the login continues exactly as a password login does (a server-side session and the HttpOnly
`digled_session` cookie through the one-time ticket, `digled/ui/login.py`), and digled's cookie
routes delete Streamlit's identity cookie (`web.py`), so after digled's logout no identity is
left in the browser that could log the user in again. Every refusal is audited.

SSO is off unless Streamlit's secrets hold a complete `[auth]` section (see `configured`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

import sqlite_utils

from . import audit, auth, identities
from .i18n import N_

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
BUTTON = N_("Log in with your municipality's account")
STREAMLIT_COOKIES = ("_streamlit_user", "_streamlit_user_tokens")


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


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean(email) -> str:
    return _CONTROL.sub("", email.strip())[:254] if isinstance(email, str) else ""


def map_identity(db: sqlite_utils.Database, claims: Mapping) -> Outcome:
    """The active account whose e-mail address is the identity's verified e-mail address.
    Refuses (and audits) an identity without a verified address, an address no account has,
    an address several accounts share, and a deactivated account. Creates nothing."""
    email = _clean(claims.get("email"))
    if not email or "@" not in email:
        return _refuse(db, NOT_VERIFIED, "no e-mail address", email)
    if not _verified(claims.get("email_verified")):
        return _refuse(db, NOT_VERIFIED, "e-mail address not verified", email)
    rows = list(db.query(
        "SELECT id FROM users WHERE email != '' AND lower(trim(email)) = lower(?)", [email]))
    if not rows:
        return _refuse(db, NOT_REGISTERED, "no account with this e-mail address", email)
    if len(rows) > 1:
        return _refuse(db, NOT_REGISTERED, "several accounts with this e-mail address", email)
    user = auth.get_user_by_id(db, rows[0]["id"])
    if user is None or not user.active:
        return _refuse(db, NOT_REGISTERED, "account deactivated", email)
    auth.record_successful_login(db, user.username)  # also marks a never-activated account activated
    identities.count(db, user.id, "sso")  # the identity provider's word: it counts in figures
    audit.log(db, user.username, "log in with single sign-on", email.lower())
    return Outcome(auth.get_user_by_id(db, user.id), None, "ok")


def _refuse(db: sqlite_utils.Database, error: str, reason: str, email: str) -> Outcome:
    audit.log(db, AUDIT_ACTOR, "single sign-on refused", f"{reason}: {email.lower() or '-'}")
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
    from .config import weakness

    if section is None:
        return "no [auth] section in secrets.toml"
    missing = missing_settings(section)
    if missing:
        return "[auth] in secrets.toml lacks " + ", ".join(missing)
    weak = weakness(section.get("cookie_secret"))
    if weak:
        return "[auth] cookie_secret is too weak (" + weak + ")"
    return None
