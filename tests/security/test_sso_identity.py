"""Issue 21, item 3, as an attacker tries it: a real browser (Chromium) through Streamlit's
`st.login` against the local OpenID Connect provider (tests/oidc_provider.py, RS256 ID tokens,
PKCE), whose ID token carries whatever claims the test gives it.

- A verified e-mail claim `adm\\u0000in@demo.digled.\\tdk` logged in as `admin@demo.digled.dk`
  (control characters were stripped, not refused): now refused.
- Administrator accounts are kept off single sign-on (DIGLED_SSO_EXCLUDE_ADMINS, on by default).
- The provider's identity (iss, sub) is bound at the first SSO login: when the address of that
  identity changes at the provider to another participant's, the login stays with the bound
  account; another identity claiming the bound account's address is refused.

The unit tests of the same rules are in tests/security/test_sso.py."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import expect_text, idle, logout, open_app, session_cookies

# the fake provider and the app configured for it, as the SSO browser tests start them (module fixtures)
from tests.e2e.test_sso_browser import LOGGED_IN, SSO_BUTTON, provider, sso_server  # noqa: F401

pytestmark = pytest.mark.e2e


def _name(server, username: str) -> str:
    with sqlite3.connect(server.db_path) as c:
        return c.execute("SELECT name FROM users WHERE username = ?", [username]).fetchone()[0]


def _sso(page, server, identity: dict, provider) -> None:
    provider.identity = identity
    open_app(page, server.url)
    page.locator(SSO_BUTTON).click()  # to the provider, which approves at once, and back


def _logged_in_as(page, server, username: str) -> None:
    expect(page.locator(LOGGED_IN)).to_be_visible(timeout=30_000)
    idle(page)
    assert ("Logget ind som " + _name(server, username)) in page.inner_text("[data-testid='stSidebar']")


def _refused(page, text: str) -> None:
    expect_text(page, text, timeout=30_000)
    assert page.locator(LOGGED_IN).count() == 0 and session_cookies(page) == []


def test_an_e_mail_claim_with_control_characters_does_not_log_in_as_the_administrator(page, sso_server, provider):
    _sso(page, sso_server, {"sub": "evil-1", "email": "adm\u0000in@demo.digled.\tdk", "email_verified": True},
         provider)
    _refused(page, "som digled ikke kan bruge")
    with sqlite3.connect(sso_server.db_path) as c:
        assert c.execute("SELECT detail FROM audit_log WHERE action = 'single sign-on refused' "
                         "ORDER BY id DESC LIMIT 1").fetchone()[0].startswith("e-mail claim is not a clean address")
        assert c.execute("SELECT COUNT(*) FROM sso_identities").fetchone()[0] == 0


def test_an_administrator_account_is_kept_off_single_sign_on(page, sso_server, provider):
    _sso(page, sso_server, {"sub": "adm-1", "email": "admin@demo.digled.dk", "email_verified": True}, provider)
    _refused(page, "Administratorkonti logger ind med brugernavn og adgangskode")


def test_the_providers_identity_is_bound_and_a_changed_address_does_not_move_the_login(page, sso_server, provider):
    # the first SSO login binds leder's account to the identity k-100
    _sso(page, sso_server, {"sub": "k-100", "email": "leder@demo.digled.dk", "email_verified": True}, provider)
    _logged_in_as(page, sso_server, "leder")
    logout(page)
    # k-100's address changes at the provider to the management account's: still leder
    _sso(page, sso_server, {"sub": "k-100", "email": "ledelse@demo.digled.dk", "email_verified": True}, provider)
    _logged_in_as(page, sso_server, "leder")
    logout(page)
    # another identity now claiming leder's address: refused
    _sso(page, sso_server, {"sub": "k-200", "email": "leder@demo.digled.dk", "email_verified": True}, provider)
    _refused(page, "knyttet til en anden konto i din kommune")
    with sqlite3.connect(sso_server.db_path) as c:
        assert c.execute("SELECT u.username, s.issuer, s.subject FROM sso_identities s JOIN users u ON u.id = s.user_id"
                         ).fetchall() == [("leder", provider.issuer, "k-100")]
