"""Single sign-on in a real browser (digled/accounts/sso.py): Streamlit's `st.login` against a local
OpenID Connect provider (tests/oidc_provider.py, RS256 ID tokens), started by the test; the
verified e-mail address lands logged in as the mapped demo leader, with digled's own HttpOnly
session cookie and without Streamlit's identity cookie; an unknown address is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _require_chromium
from tests.e2e.helpers import cookie_cleared, cookie_handover, expect_text, idle, logout, open_app, session_cookies
from tests.oidc_provider import OIDCProvider
from tests.servers import Server

LOGGED_IN = ".st-key-logout_button"
SSO_BUTTON = ".st-key-sso_login button"
COOKIE_SECRET = "sso-e2e-cookie-secret-Wm4Qz8TxRb3NvK7cLh2PjF5sYd9GeA6u"


class SSOServer(Server):
    """The app with an `[auth]` section in a secrets file of its own (`--secrets.files`)."""

    def __init__(self, workdir, provider: OIDCProvider):
        super().__init__(workdir)
        self.secrets = workdir / "sso-secrets.toml"
        self.secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "{self.url}/oauth2callback"\n'
            f'cookie_secret = "{COOKIE_SECRET}"\n'
            f'client_id = "{provider.client_id}"\n'
            f'client_secret = "{provider.client_secret}"\n'
            f'server_metadata_url = "{provider.metadata_url}"\n'
        )

    def command(self) -> list[str]:
        return [*super().command(), "--secrets.files", str(self.secrets)]


@pytest.fixture(scope="module")
def provider():
    with OIDCProvider() as p:
        yield p


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory, provider):
    _require_chromium()
    s = SSOServer(tmp_path_factory.mktemp("sso"), provider).start()
    yield s
    s.stop()


def _identity_cookies(page) -> list[str]:
    return [c["name"] for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]


def test_a_verified_email_logs_in_as_the_mapped_leader(page, sso_server, provider):
    provider.identity = {"sub": "k-1001", "email": "Leder@Demo.Digled.dk", "email_verified": True,
                         "name": "Lone Leder (kommunen)"}
    open_app(page, sso_server.url)
    with cookie_handover(page):  # the handover's first answer also deletes Streamlit's identity cookie
        page.locator(SSO_BUTTON).click()  # to the provider, which approves at once, and back
    expect(page.locator(LOGGED_IN)).to_be_visible(timeout=30_000)
    idle(page)
    assert "authorize" in provider.log and "token" in provider.log
    assert provider.pkce_methods[-1] == "S256"
    [cookie] = session_cookies(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    import sqlite3

    with sqlite3.connect(sso_server.db_path) as c:
        name = c.execute("SELECT name FROM users WHERE username = 'leder'").fetchone()[0]
    assert ("Logget ind som " + name) in page.inner_text("[data-testid='stSidebar']")
    assert _identity_cookies(page) == []  # the session route deleted Streamlit's identity cookie
    page.reload()
    expect(page.locator(LOGGED_IN)).to_be_visible(timeout=30_000)  # digled's own session
    logout(page)
    page.reload()
    idle(page)
    expect(page.locator(".st-key-login_username input")).to_be_editable()
    assert page.locator(LOGGED_IN).count() == 0 and session_cookies(page) == []


def test_an_unknown_email_is_refused_and_creates_nothing(page, sso_server, provider):
    import sqlite3

    provider.identity = {"sub": "k-2002", "email": "stranger@kommune.dk", "email_verified": True}
    open_app(page, sso_server.url)  # the first visit creates the demo database
    with sqlite3.connect(sso_server.db_path) as c:
        users = c.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    assert users > 0
    with cookie_cleared(page):  # the refusal deletes Streamlit's identity cookie
        page.locator(SSO_BUTTON).click()
    expect_text(page, "ikke knyttet til en aktiv deltager", timeout=30_000)
    assert page.locator(LOGGED_IN).count() == 0 and session_cookies(page) == []
    with sqlite3.connect(sso_server.db_path) as c:
        assert c.execute("SELECT COUNT(*) FROM users").fetchone()[0] == users
        assert c.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0] == \
            "single sign-on refused"
    assert _identity_cookies(page) == []


def test_an_unverified_email_is_refused(page, sso_server, provider):
    provider.identity = {"sub": "k-3003", "email": "leder@demo.digled.dk", "email_verified": False}
    open_app(page, sso_server.url)
    page.locator(SSO_BUTTON).click()
    expect_text(page, "bekræftede ikke din e-mailadresse", timeout=30_000)
    assert page.locator(LOGGED_IN).count() == 0 and session_cookies(page) == []
