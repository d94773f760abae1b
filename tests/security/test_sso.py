"""Single sign-on (digled/sso.py): a verified e-mail address maps to one active account; every
other identity is refused with a translated message, creates nothing and is audited. SSO is off
unless `[auth]` is configured; the identity cookie Streamlit leaves is deleted by digled's routes."""

from __future__ import annotations

import json
import urllib.request

import pytest

from digled import audit, auth, i18n, sessions, sso
from digled.ui import web
from tests.security import asyncrun

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "sso-cookie-secret-Kq7ZmP3vXc8LrT2wNf9BhJ4sGd5YaE6u",
    "client_id": "digled",
    "client_secret": "provider-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def people(database):
    hashed = auth.hash_password("a good password", rounds=4)
    auth.create_user(database, username="lea", name="Lea Leder", email="Lea.Leder@Kommune.dk",
                     roles=["leader"], password_hash=hashed)
    auth.create_user(database, username="ole", name="Ole Old", email="ole@kommune.dk", roles=["leader"],
                     password_hash=hashed)
    database.execute("UPDATE users SET active = 0 WHERE username = 'ole'")
    auth.create_user(database, username="new", name="Nina New", email="nina@kommune.dk", roles=["leader"])
    auth.create_user(database, username="twin1", name="Twin One", email="twin@kommune.dk", roles=["leader"])
    auth.create_user(database, username="twin2", name="Twin Two", email="TWIN@kommune.dk", roles=["leader"])
    return database


def _users(db) -> int:
    return db.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def test_a_verified_email_maps_case_insensitively_to_its_active_account(people):
    before = _users(people)
    outcome = sso.map_identity(people, {"email": "lea.leder@KOMMUNE.DK", "email_verified": True, "sub": "x"})
    assert outcome.error is None and outcome.user.username == "lea"
    assert _users(people) == before
    [entry] = audit.recent(people, 1)
    assert entry["actor"] == "lea" and entry["action"] == "log in with single sign-on"


def test_a_never_activated_account_is_activated_by_its_verified_email(people):
    outcome = sso.map_identity(people, {"email": "nina@kommune.dk", "email_verified": "true"})
    assert outcome.user.username == "new" and outcome.user.activated


@pytest.mark.parametrize("claims, error, reason", [
    ({"email": "lea.leder@kommune.dk", "email_verified": False}, sso.NOT_VERIFIED, "e-mail address not verified"),
    ({"email": "lea.leder@kommune.dk"}, sso.NOT_VERIFIED, "e-mail address not verified"),
    ({"email": "lea.leder@kommune.dk", "email_verified": "false"}, sso.NOT_VERIFIED, "e-mail address not verified"),
    ({"email": "lea.leder@kommune.dk", "email_verified": 1}, sso.NOT_VERIFIED, "e-mail address not verified"),
    ({"email_verified": True, "preferred_username": "lea"}, sso.NOT_VERIFIED, "no e-mail address"),
    ({"email": "stranger@kommune.dk", "email_verified": True}, sso.NOT_REGISTERED, "no account with this e-mail address"),
    ({"email": "ole@kommune.dk", "email_verified": True}, sso.NOT_REGISTERED, "account deactivated"),
    ({"email": "twin@kommune.dk", "email_verified": True}, sso.NOT_REGISTERED, "several accounts with this e-mail address"),
    ({"email": "", "email_verified": True}, sso.NOT_VERIFIED, "no e-mail address"),
])
def test_refusals_create_nothing_and_are_audited(people, claims, error, reason):
    before = _users(people)
    outcome = sso.map_identity(people, claims)
    assert outcome.user is None and outcome.error == error and outcome.reason == reason
    assert _users(people) == before
    [entry] = audit.recent(people, 1)
    assert entry["actor"] == sso.AUDIT_ACTOR and entry["action"] == "single sign-on refused"
    assert entry["detail"].startswith(reason)


def test_refusals_are_translated():
    da = i18n.translator("da")
    for message in (sso.NOT_VERIFIED, sso.NOT_REGISTERED, sso.BUTTON):
        assert da(message) != message


def test_a_weak_cookie_secret_keeps_sso_off():
    assert sso.problem(AUTH) is None
    assert "too weak" in sso.problem({**AUTH, "cookie_secret": "xxx"})
    assert "too weak" in sso.problem({**AUTH, "cookie_secret": "a" * 40})
    assert sso.problem(None) == "no [auth] section in secrets.toml"


def test_missing_settings():
    assert sso.missing_settings(None) == ["redirect_uri", "cookie_secret", "client_id", "client_secret",
                                          "server_metadata_url"]
    assert sso.missing_settings(AUTH) == []
    assert sso.missing_settings({**AUTH, "client_secret": ""}) == ["client_secret"]


# --- the routes delete Streamlit's identity cookie ---------------------------------------------


def _request(path, body, cookies):
    from starlette.requests import Request

    raw = [(b"host", b"127.0.0.1:8501"), (b"content-type", b"application/json"),
           (b"x-digled-handover", b"1"), (b"origin", b"http://127.0.0.1:8501"), (b"sec-fetch-site", b"same-origin"),
           (b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode())]
    payload = json.dumps(body).encode()

    async def receive():
        return {"type": "http.request", "body": payload, "more_body": False}

    return Request({"type": "http", "method": "POST", "path": path, "headers": raw, "scheme": "http",
                    "query_string": b"", "server": ("127.0.0.1", 8501), "client": ("127.0.0.1", 1)}, receive)


def _deleted(response) -> set[str]:
    return {v.decode().split("=", 1)[0] for k, v in response.raw_headers
            if k == b"set-cookie" and b"Max-Age=0" in v}


STREAMLIT = {"_streamlit_user": "signed", "_streamlit_user_tokens": "signed", "_streamlit_user_1": "chunk",
             "_streamlit_xsrf": "keep"}


def test_the_session_route_deletes_streamlits_identity_cookie(people, settings):
    lea = auth.get_user(people, "lea")
    _, ticket = sessions.begin(people, lea.id, settings.cookie_key)
    web._settings.cache_clear()
    response = asyncrun.run(web.session_endpoint(_request(web.SESSION_PATH, {"ticket": ticket}, STREAMLIT)))
    assert response.status_code == 200
    assert _deleted(response) == {"_streamlit_user", "_streamlit_user_tokens", "_streamlit_user_1"}


def test_the_logout_route_deletes_streamlits_identity_cookie(people):
    web._settings.cache_clear()
    response = asyncrun.run(web.logout_endpoint(_request(web.LOGOUT_PATH, {"ticket": None}, STREAMLIT)))
    assert {"_streamlit_user", "_streamlit_user_tokens", "_streamlit_user_1"} <= _deleted(response)
    assert "_streamlit_xsrf" not in _deleted(response)


# --- the login page (AppTest: st.user is stood in for) -----------------------------------------


@pytest.fixture
def demo_app(demo_db, monkeypatch):
    monkeypatch.setenv("DIGLED_DEMO", "1")
    return demo_db


def test_no_sso_button_unless_configured(demo_app):
    from tests.apptest import app_as

    at = app_as(None).run()
    assert not [b for b in at.button if b.key == "sso_login"]
    at = app_as(None)
    at.secrets["auth"] = {**AUTH, "client_secret": ""}  # incomplete: still off
    at.run()
    assert not [b for b in at.button if b.key == "sso_login"]
    at = app_as(None)
    at.secrets["auth"] = {**AUTH, "cookie_secret": "xxx"}  # a guessable cookie secret: still off
    at.run()
    assert not [b for b in at.button if b.key == "sso_login"]
    at = app_as(None)
    at.secrets["auth"] = AUTH
    at.run()
    assert [b.label for b in at.button if b.key == "sso_login"] == ["Log in with your municipality's account"]


def test_an_sso_identity_starts_digleds_own_session(demo_app, monkeypatch):
    from digled.ui import login
    from tests.apptest import app_as

    monkeypatch.setattr(login, "_sso_claims", lambda: {
        "is_logged_in": True, "email": "LEDER@demo.digled.dk", "email_verified": True, "sub": "abc"})
    at = app_as(None)
    at.secrets["auth"] = AUTH
    at.run()
    assert at.session_state["authentication_status"] is True and at.session_state["username"] == "leder"
    row = demo_app.execute("SELECT ended_at, confirmed_at FROM login_sessions WHERE id = ?",
                           [at.session_state["login_session"]]).fetchone()
    assert row[0] is None and row[1] is not None
    at.button(key="logout_button").click().run()
    assert not at.session_state["authentication_status"]  # and the same identity does not log in again
    assert at.session_state["_sso_seen"] is True


def test_an_unknown_sso_identity_is_refused_on_the_page(demo_app, monkeypatch):
    from digled.ui import login
    from tests.apptest import app_as, page_text

    monkeypatch.setattr(login, "_sso_claims", lambda: {
        "is_logged_in": True, "email": "nobody@kommune.dk", "email_verified": True})
    at = app_as(None, lang="da")
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.session_state["authentication_status"]
    assert i18n.translator("da")(sso.NOT_REGISTERED) in page_text(at)
    assert audit.recent(demo_app, 1)[0]["action"] == "single sign-on refused"


def test_without_auth_settings_an_identity_is_ignored(demo_app, monkeypatch):
    from digled.ui import login
    from tests.apptest import app_as

    monkeypatch.setattr(login, "_sso_claims", lambda: {
        "is_logged_in": True, "email": "leder@demo.digled.dk", "email_verified": True})
    at = app_as(None).run()
    assert not at.session_state["authentication_status"]


# --- the local provider itself (used by tests/e2e/test_sso_browser.py) -------------------------


def test_the_local_provider_signs_verifiable_id_tokens():
    from joserfc import jwt
    from joserfc.jwk import KeySet

    from tests.oidc_provider import OIDCProvider

    with OIDCProvider() as provider:
        meta = json.load(urllib.request.urlopen(provider.metadata_url, timeout=5))
        keys = KeySet.import_key_set(json.load(urllib.request.urlopen(meta["jwks_uri"], timeout=5)))
        provider.identity = {"sub": "7", "email": "lea@kommune.dk", "email_verified": True}
        import http.client
        from urllib.parse import parse_qs, urlencode, urlsplit

        conn = http.client.HTTPConnection("127.0.0.1", provider.port, timeout=5)
        conn.request("GET", "/authorize?" + urlencode({"client_id": "digled", "response_type": "code",
                     "redirect_uri": "http://x/cb", "state": "s", "nonce": "n"}))
        location = conn.getresponse().getheader("location")
        code = parse_qs(urlsplit(location).query)["code"][0]
        conn = http.client.HTTPConnection("127.0.0.1", provider.port, timeout=5)
        conn.request("POST", "/token", urlencode({"grant_type": "authorization_code", "code": code,
                     "redirect_uri": "http://x/cb", "client_id": "digled", "client_secret": "provider-secret"}),
                     {"Content-Type": "application/x-www-form-urlencoded"})
        token = json.loads(conn.getresponse().read())
        claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
        assert claims["email"] == "lea@kommune.dk" and claims["nonce"] == "n" and claims["iss"] == provider.issuer
