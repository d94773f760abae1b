"""Single sign-on (digled/accounts/sso.py): a verified e-mail address maps to one active account; every
other identity is refused with a translated message, creates nothing and is audited. SSO is off
unless `[auth]` is configured; the identity cookie Streamlit leaves is deleted by digled's routes."""

from __future__ import annotations

import json
import urllib.request

import pytest

from digled.accounts import auth, sessions, sso
from digled.platform import audit, i18n
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


ISS = "https://login.kommune.example/tenant/v2.0"


def _claims(email, sub="k-1", **extra) -> dict:
    """An ID token's claims as the provider sends them: issuer, subject, a verified e-mail."""
    return {"iss": ISS, "sub": sub, "email": email, "email_verified": True, **extra}


def _users(db) -> int:
    return db.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def test_a_verified_email_maps_case_insensitively_to_its_active_account(people):
    before = _users(people)
    outcome = sso.map_identity(people, _claims("lea.leder@KOMMUNE.DK"))
    assert outcome.error is None and outcome.user.username == "lea"
    assert _users(people) == before
    [entry] = audit.recent(people, 1)
    assert entry["actor"] == "lea" and entry["action"] == "log in with single sign-on"


def test_a_never_activated_account_is_activated_by_its_verified_email(people):
    outcome = sso.map_identity(people, _claims("nina@kommune.dk", email_verified="true"))
    assert outcome.user.username == "new" and outcome.user.activated


@pytest.mark.parametrize("claims, error, reason", [
    ({"email": "lea.leder@kommune.dk", "email_verified": False}, sso.NOT_VERIFIED, "e-mail address not verified"),
    ({"email": "lea.leder@kommune.dk"}, sso.NOT_VERIFIED, "e-mail address not verified"),
    ({"email": "lea.leder@kommune.dk", "email_verified": "false"}, sso.NOT_VERIFIED, "e-mail address not verified"),
    ({"email": "lea.leder@kommune.dk", "email_verified": 1}, sso.NOT_VERIFIED, "e-mail address not verified"),
    ({"email_verified": True, "preferred_username": "lea"}, sso.NOT_VERIFIED, "no e-mail address"),
    (_claims("stranger@kommune.dk"), sso.NOT_REGISTERED, "no account with this e-mail address"),
    (_claims("ole@kommune.dk"), sso.NOT_REGISTERED, "account deactivated"),
    (_claims("twin@kommune.dk"), sso.NOT_REGISTERED, "several accounts with this e-mail address"),
    (_claims(""), sso.NOT_VERIFIED, "no e-mail address"),
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


# --- issue 21: a clean e-mail claim, the provider's identity bound, administrators kept off ------


@pytest.mark.parametrize("email", [
    "lea.leder\u0000@kommune.dk", "lea.leder@kommune.\tdk", " lea.leder@kommune.dk", "lea.leder@kommune.dk\n",
    "lea.leder@kommune.dk\u200b", "lea.l\u0435der@kommune.dk",  # a zero-width space, a Cyrillic e
    "lea leder@kommune.dk", "lea.leder@kommune", "<lea.leder@kommune.dk>", ["lea.leder@kommune.dk"],
])
def test_an_e_mail_claim_that_is_not_a_clean_address_is_refused_not_cleaned(people, email):
    outcome = sso.map_identity(people, _claims(email))
    assert outcome.user is None and outcome.error == sso.NOT_USABLE
    assert outcome.reason == "e-mail claim is not a clean address"
    assert people.execute("SELECT COUNT(*) FROM sso_identities").fetchone()[0] == 0
    detail = audit.recent(people, 1)[0]["detail"]
    assert "\x00" not in detail and "\t" not in detail  # the audit log shows escapes, not the characters


@pytest.mark.parametrize("claims", [
    {"email": "lea.leder@kommune.dk", "email_verified": True},  # no issuer, no subject
    {"iss": ISS, "email": "lea.leder@kommune.dk", "email_verified": True},
    {"sub": "k-1", "email": "lea.leder@kommune.dk", "email_verified": True},
    _claims("lea.leder@kommune.dk", sub=""), _claims("lea.leder@kommune.dk", sub="k\u00001"),
    _claims("lea.leder@kommune.dk", sub=12345), _claims("lea.leder@kommune.dk", sub="x" * 256),
])
def test_an_identity_without_a_usable_issuer_and_subject_is_refused(people, claims):
    outcome = sso.map_identity(people, claims)
    assert outcome.error == sso.NOT_USABLE and outcome.reason == "no usable issuer and subject"


def test_the_first_login_binds_the_account_to_the_providers_identity(people):
    lea = auth.get_user(people, "lea")
    assert sso.identity_of(people, lea.id) is None
    assert sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-1")).user.username == "lea"
    assert sso.identity_of(people, lea.id) == (ISS, "k-1")
    assert sso.bound_account(people, ISS, "k-1") == lea.id
    assert [e["action"] for e in audit.recent(people, 2)] == ["log in with single sign-on", "single sign-on identity bound"]
    assert sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-1")).user.username == "lea"  # again
    assert people.execute("SELECT COUNT(*) FROM sso_identities").fetchone()[0] == 1


def test_a_changed_address_at_the_provider_does_not_move_the_login(people):
    """Lea's identity k-1 is bound to lea. The provider now sends Nina's address for k-1 (the
    address was changed there, by mistake or by Lea): still lea, never nina."""
    assert sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-1")).user.username == "lea"
    outcome = sso.map_identity(people, _claims("nina@kommune.dk", sub="k-1"))
    assert outcome.user.username == "lea"
    assert "Lea.Leder@Kommune.dk" in audit.recent(people, 1)[0]["detail"]  # the mismatch is in the audit log
    nina = auth.get_user(people, "new")
    assert sso.identity_of(people, nina.id) is None and not nina.activated


def test_another_identity_with_a_bound_accounts_address_is_refused(people):
    """Another provider account (k-2, or another issuer) that claims Lea's address after Lea's own
    identity was bound: refused, nothing bound."""
    sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-1"))
    for claims in (_claims("lea.leder@kommune.dk", sub="k-2"),
                   {**_claims("lea.leder@kommune.dk", sub="k-1"), "iss": "https://evil.example"}):
        outcome = sso.map_identity(people, claims)
        assert outcome.user is None and outcome.error == sso.LINKED_ELSEWHERE
        assert outcome.reason == "account bound to another identity at the provider"
    assert people.execute("SELECT COUNT(*) FROM sso_identities").fetchone()[0] == 1


def test_a_bound_account_that_was_deactivated_is_refused(people):
    sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-1"))
    people.execute("UPDATE users SET active = 0 WHERE username = 'lea'")
    assert sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-1")).reason == "account deactivated"


def test_unbinding_lets_the_next_login_bind_afresh(people):
    sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-1"))
    assert sso.unbind(people, "lea", actor="anne") and not sso.unbind(people, "lea", actor="anne")
    assert audit.recent(people, 1)[0]["action"] == "single sign-on identity unbound"
    assert sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-9")).user.username == "lea"
    assert sso.identity_of(people, auth.get_user(people, "lea").id) == (ISS, "k-9")


def test_the_command_line_unbinds(people, capsys):
    from digled import cli

    sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-1"))
    assert cli.main(["sso-unbind", "lea"]) == 0
    assert "forgotten" in capsys.readouterr().out
    assert sso.identity_of(people, auth.get_user(people, "lea").id) is None
    assert cli.main(["sso-unbind", "nobody"]) == 1


def test_administrators_are_kept_off_single_sign_on_by_default(people):
    auth.create_user(people, username="anne", name="Anne Admin", email="anne@kommune.dk", roles=["admin"])
    auth.create_user(people, username="lars", name="Lars Leder", email="lars@kommune.dk", roles=["leader", "admin"])
    for email in ("anne@kommune.dk", "lars@kommune.dk"):
        outcome = sso.map_identity(people, _claims(email, sub=email))
        assert outcome.user is None and outcome.error == sso.ADMINS_OFF
        assert outcome.reason == "administrator account (DIGLED_SSO_EXCLUDE_ADMINS)"
    assert people.execute("SELECT COUNT(*) FROM sso_identities").fetchone()[0] == 0
    assert sso.map_identity(people, _claims("anne@kommune.dk", sub="a-1"), exclude_admins=False).user.username == "anne"


def test_an_account_that_became_an_administrator_is_kept_off_too(people):
    sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-1"))
    people.execute("UPDATE users SET roles = 'leader,admin' WHERE username = 'lea'")
    assert sso.map_identity(people, _claims("lea.leder@kommune.dk", sub="k-1")).error == sso.ADMINS_OFF


def test_the_setting_keeping_administrators_off(monkeypatch):
    from digled.platform import config

    monkeypatch.delenv("DIGLED_SSO_EXCLUDE_ADMINS", raising=False)
    assert config.load_settings().sso_exclude_admins is True
    monkeypatch.setenv("DIGLED_SSO_EXCLUDE_ADMINS", "0")
    assert config.load_settings().sso_exclude_admins is False
    monkeypatch.setenv("DIGLED_SSO_EXCLUDE_ADMINS", "maybe")
    with pytest.raises(config.ConfigError, match="DIGLED_SSO_EXCLUDE_ADMINS"):
        config.load_settings()


def test_the_new_refusals_are_translated():
    da = i18n.translator("da")
    for message in (sso.NOT_USABLE, sso.LINKED_ELSEWHERE, sso.ADMINS_OFF):
        assert da(message) != message


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
        "is_logged_in": True, **_claims("LEDER@demo.digled.dk", sub="abc")})
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
        "is_logged_in": True, **_claims("nobody@kommune.dk")})
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
