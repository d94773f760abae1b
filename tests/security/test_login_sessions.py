"""Issue 14, item 3: the login cookie. It holds only an opaque random id of a server-side session,
is HttpOnly, SameSite=Strict and (on https) Secure, dies at logout, password change, deactivation
and after an idle time, and is deleted from the browser at logout. (The browser half of these
checks is tests/e2e/test_session_browser.py.)"""

from __future__ import annotations

import base64
import json
import sqlite3

import pytest

from digled.accounts import auth, sessions
from digled.platform import config
from digled.ui import web
from tests.security import asyncrun

NOW = 1_800_000_000.0
KEY = ""  # the app's cookie key, as the routes read it (set per test below)


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("DIGLED_DEMO", "1")
    monkeypatch.setitem(globals(), "KEY", config.load_settings().cookie_key)


@pytest.fixture
def lea(database):
    auth.create_user(database, username="lea", name="Lea Leder", roles=["leader"],
                     password_hash=auth.hash_password("a good password", rounds=4))
    return auth.get_user(database, "lea")


@pytest.fixture
def anne(database):
    auth.create_user(database, username="anne", name="Anne Admin", roles=["admin"],
                     password_hash=auth.hash_password("a good password", rounds=4))
    return auth.get_user(database, "anne")


def _logged_in(database, user, now=NOW):
    session_id, ticket = sessions.begin(database, user.id, KEY, now=now)
    token = sessions.redeem(database, ticket, KEY, now=now)
    return session_id, token


# --- the cookie's value and attributes ---------------------------------------------------------


def test_the_cookie_holds_only_an_opaque_random_id(database, lea):
    _, token = _logged_in(database, lea)
    _, other = _logged_in(database, lea)
    assert token != other and len(token) >= 40
    assert token.count(".") != 2  # not a JWT
    assert "lea" not in token.lower()
    try:
        decoded = base64.urlsafe_b64decode(token + "==")
    except ValueError:
        decoded = b""
    assert b"lea" not in decoded and not _is_json(decoded)  # no readable claims (a random id may well begin with "{")


def _is_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return False
    return True


def test_the_database_holds_no_usable_cookie_value(database, lea):
    session_id, token = _logged_in(database, lea)
    dump = "\n".join(database.conn.iterdump())
    assert token not in dump
    assert sessions.from_token(database, token, KEY).id == session_id
    assert sessions.from_token(database, token, "another-key-" + "z" * 40) is None  # HMAC under the key


def test_cookie_attributes_http_and_https():
    plain = sessions.set_cookie_header("abc", is_secure=False, max_age=3600)
    assert plain.startswith("digled_session=abc;")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=3600"):
        assert attribute in plain
    assert "Secure" not in plain
    secure = sessions.set_cookie_header("abc", is_secure=True, max_age=3600)
    assert secure.startswith("__Host-digled_session=abc;") and secure.endswith("; Secure")
    assert "HttpOnly" in secure and "SameSite=Strict" in secure and "Domain" not in secure


def test_secure_where_the_base_url_or_the_request_is_https():
    assert sessions.secure("https://digled.kommune.dk")
    assert not sessions.secure("http://localhost:8501")
    assert sessions.secure("http://localhost:8501", "https")  # TLS ended at this server or a trusted proxy
    assert not sessions.secure("", "http")


def test_deleting_covers_every_cookie_digled_ever_set():
    headers = sessions.delete_cookie_headers(is_secure=True)
    names = {h.split("=", 1)[0] for h in headers}
    assert names == {"digled_session", "__Host-digled_session", "digled_auth"}
    assert all("Max-Age=0" in h for h in headers)


# --- tickets -----------------------------------------------------------------------------------


def test_a_ticket_is_single_use_and_short_lived(database, lea):
    session_id, ticket = sessions.begin(database, lea.id, KEY, now=NOW)
    assert sessions.redeem(database, ticket, KEY, now=NOW + sessions.TICKET_SECONDS + 1) is None  # expired
    session_id, ticket = sessions.begin(database, lea.id, KEY, now=NOW)
    assert not sessions.get(database, session_id).handed_over
    token = sessions.redeem(database, ticket, KEY, now=NOW + 1)
    assert token and not sessions.get(database, session_id).handed_over
    assert sessions.confirm(database, token, KEY, now=NOW + 1)  # the browser sent the cookie back
    assert sessions.get(database, session_id).handed_over
    assert sessions.redeem(database, ticket, KEY, now=NOW + 2) is None  # used
    assert not sessions.confirm(database, "made-up-cookie", KEY)
    assert sessions.redeem(database, "made-up-ticket", KEY, now=NOW) is None


def test_a_ticket_of_an_ended_session_gives_no_cookie(database, lea):
    _, ticket = sessions.begin(database, lea.id, KEY, now=NOW)
    auth.end_sessions(database, "lea", now=NOW + 1)  # e.g. a logout elsewhere in between
    assert sessions.redeem(database, ticket, KEY, now=NOW + 2) is None


# --- revocation and idle time ------------------------------------------------------------------


def test_logout_and_password_change_end_every_session(database, lea):
    policy = config.SessionPolicy()
    first, token = _logged_in(database, lea, now=NOW)
    second, _ = _logged_in(database, lea, now=NOW)
    auth.end_sessions(database, "lea", now=NOW + 5)  # logout
    lea = auth.get_user(database, "lea")
    assert sessions.from_token(database, token, KEY).problem(lea, policy, now=NOW + 6) == "ended"
    assert sessions.get(database, second).problem(lea, policy, now=NOW + 6) == "ended"
    third, _ = _logged_in(database, lea, now=NOW + 10)
    auth.set_password(database, "lea", "another good password")
    lea = auth.get_user(database, "lea")
    assert sessions.get(database, third).ended_at is not None


def test_idle_timeout_defaults_eight_hours_for_leaders_one_for_admins(database, lea, anne):
    policy = config.session_policy({})
    assert policy.idle_limit(("leader",)) == 8 * 3600
    assert policy.idle_limit(("management",)) == 8 * 3600
    assert policy.idle_limit(("leader", "admin")) == 3600
    leader_session, _ = _logged_in(database, lea)
    admin_session, _ = _logged_in(database, anne)
    two_hours = NOW + 2 * 3600
    assert sessions.get(database, leader_session).problem(lea, policy, now=two_hours) is None
    assert sessions.get(database, admin_session).problem(anne, policy, now=two_hours) == "idle"
    assert sessions.get(database, leader_session).problem(lea, policy, now=NOW + 8 * 3600 + 1) == "idle"


def test_activity_keeps_a_session_alive(database, lea):
    policy = config.session_policy({})
    session_id, _ = _logged_in(database, lea)
    sessions.touch(database, sessions.get(database, session_id), now=NOW + 7 * 3600)
    assert sessions.get(database, session_id).problem(lea, policy, now=NOW + 14 * 3600) is None
    week = NOW + 7 * 86400
    sessions.touch(database, sessions.get(database, session_id), now=week - 60)
    assert sessions.get(database, session_id).problem(lea, policy, now=week + 60) == "too old"  # 7 days at most


def test_idle_timeouts_are_configurable_and_validated():
    policy = config.session_policy({"DIGLED_IDLE_HOURS": "2", "DIGLED_ADMIN_IDLE_HOURS": "0.5"})
    assert policy.idle_limit(("leader",)) == 2 * 3600 and policy.idle_limit(("admin",)) == 1800
    for bad in ("0", "-1", "many", "1000"):
        with pytest.raises(config.ConfigError, match="DIGLED_IDLE_HOURS"):
            config.session_policy({"DIGLED_IDLE_HOURS": bad})
    with pytest.raises(config.ConfigError, match="DIGLED_LOGIN_CLIENT_LIMIT"):
        config.session_policy({"DIGLED_LOGIN_CLIENT_LIMIT": "2"})


# --- the HTTP routes that set and delete the HttpOnly cookie -----------------------------------


def _request(path, body, headers=None, cookies=None, scheme="http"):
    from starlette.requests import Request

    raw = [(b"host", b"127.0.0.1:8501"), (b"content-type", b"application/json")]
    for k, v in (headers or {}).items():
        raw.append((k.lower().encode(), v.encode()))
    if cookies:
        raw.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    payload = json.dumps(body).encode()

    async def receive():
        return {"type": "http.request", "body": payload, "more_body": False}

    scope = {"type": "http", "method": "POST", "path": path, "headers": raw, "scheme": scheme,
             "query_string": b"", "server": ("127.0.0.1", 8501), "client": ("127.0.0.1", 1234)}
    return Request(scope, receive)


SAME_ORIGIN = {"X-Digled-Handover": "1", "Origin": "http://127.0.0.1:8501", "Sec-Fetch-Site": "same-origin"}


def _call(endpoint, request):
    web._settings.cache_clear()
    return asyncrun.run(endpoint(request))


def _set_cookies(response):
    return [v.decode() for k, v in response.raw_headers if k == b"set-cookie"]


def test_the_session_route_sets_an_httponly_cookie(database, lea, monkeypatch):
    monkeypatch.delenv("DIGLED_BASE_URL", raising=False)
    session_id, ticket = sessions.begin(database, lea.id, KEY)
    response = _call(web.session_endpoint, _request(web.SESSION_PATH, {"ticket": ticket}, SAME_ORIGIN))
    assert response.status_code == 200
    [cookie] = _set_cookies(response)
    assert cookie.startswith("digled_session=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert sessions.from_token(database, token, KEY).id == session_id
    again = _call(web.session_endpoint, _request(web.SESSION_PATH, {"ticket": ticket}, SAME_ORIGIN))
    assert again.status_code == 403 and not _set_cookies(again)  # single use
    assert not sessions.get(database, session_id).handed_over
    confirmed = _call(web.confirm_endpoint, _request(web.CONFIRM_PATH, {}, SAME_ORIGIN, cookies={"digled_session": token}))
    assert confirmed.status_code == 200 and sessions.get(database, session_id).handed_over
    refused = _call(web.confirm_endpoint, _request(web.CONFIRM_PATH, {}, SAME_ORIGIN, cookies={"digled_session": "forged"}))
    assert refused.status_code == 403


def test_the_session_cookie_is_secure_when_the_base_url_is_https(database, lea, monkeypatch):
    monkeypatch.setenv("DIGLED_BASE_URL", "https://digled.kommune.dk")
    _, ticket = sessions.begin(database, lea.id, KEY)
    response = _call(web.session_endpoint, _request(web.SESSION_PATH, {"ticket": ticket}, SAME_ORIGIN))
    [cookie] = _set_cookies(response)
    assert cookie.startswith("__Host-digled_session=") and cookie.endswith("; Secure")


@pytest.mark.parametrize("headers", [
    {},  # no custom header: a plain cross-site form post or <img>
    {"X-Digled-Handover": "1", "Origin": "https://evil.example"},
    {"X-Digled-Handover": "1", "Sec-Fetch-Site": "cross-site"},
])
def test_the_routes_refuse_other_sites(database, lea, headers):
    _, ticket = sessions.begin(database, lea.id, KEY)
    response = _call(web.session_endpoint, _request(web.SESSION_PATH, {"ticket": ticket}, headers))
    assert response.status_code == 403 and not _set_cookies(response)
    out = _call(web.logout_endpoint, _request(web.LOGOUT_PATH, {"ticket": None}, headers))
    assert out.status_code == 403 and not _set_cookies(out)


def test_the_logout_route_deletes_the_cookie_of_an_ended_session(database, lea):
    session_id, token = _logged_in(database, lea)
    auth.end_sessions(database, "lea")
    ticket = sessions.logout_ticket(database, session_id, KEY)
    response = _call(web.logout_endpoint, _request(
        web.LOGOUT_PATH, {"ticket": ticket}, SAME_ORIGIN, cookies={"digled_session": token}))
    deleted = {c.split("=", 1)[0] for c in _set_cookies(response) if "Max-Age=0" in c}
    assert {"digled_session", "digled_auth"} <= deleted
    assert sessions.get(database, session_id).cleared_at is not None


def test_a_stale_tab_does_not_delete_a_newer_live_cookie(database, lea):
    """Tab 1 still shows an ended session; tab 2 has logged in again since. Tab 1's cleanup must
    not delete (or end) tab 2's cookie."""
    old_id, _ = _logged_in(database, lea)
    auth.end_sessions(database, "lea")
    _, live_token = _logged_in(database, lea, now=NOW + 100)
    ticket = sessions.logout_ticket(database, old_id, KEY)
    response = _call(web.logout_endpoint, _request(
        web.LOGOUT_PATH, {"ticket": ticket}, SAME_ORIGIN, cookies={"digled_session": live_token}))
    assert not _set_cookies(response)
    assert sessions.from_token(database, live_token, KEY).ended_at is None


# --- the login page (AppTest: no browser, so no cookie; the session row is still made) --------


@pytest.fixture
def demo_app(demo_db, monkeypatch):
    monkeypatch.setenv("DIGLED_DEMO", "1")
    return demo_db


def _login_form(at, username, password):
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def test_a_form_login_starts_a_server_side_session_and_logout_ends_it(demo_app):
    from tests.apptest import app_as

    at = _login_form(app_as(None).run(), "leder", "demo")
    assert at.session_state["authentication_status"] is True
    session_id = at.session_state["login_session"]
    row = demo_app.execute("SELECT ended_at, token_hash FROM login_sessions WHERE id = ?", [session_id]).fetchone()
    assert row[0] is None and row[1]
    at.button(key="logout_button").click().run()
    assert not at.session_state["authentication_status"]
    assert demo_app.execute("SELECT ended_at FROM login_sessions WHERE id = ?", [session_id]).fetchone()[0]


def test_an_idle_session_is_logged_out_with_a_message(demo_app):
    from tests.apptest import app_as, page_text

    demo_app.execute("UPDATE users SET language = 'en' WHERE username = 'admin'")  # the account's language
    at = _login_form(app_as(None).run(), "admin", "demo")
    assert at.session_state["authentication_status"] is True
    demo_app.execute("UPDATE login_sessions SET last_seen = last_seen - 2 * 3600")  # admin: 1 hour
    at.run()
    assert not at.session_state["authentication_status"]
    assert "logged out after a time without activity" in page_text(at)


def test_a_session_ended_elsewhere_logs_this_one_out(demo_app):
    from tests.apptest import app_as

    at = _login_form(app_as(None).run(), "leder", "demo")
    demo_app.execute("UPDATE login_sessions SET ended_at = 1")  # e.g. deactivation, logout elsewhere
    at.run()
    assert not at.session_state["authentication_status"]


def test_a_password_change_keeps_this_session_with_a_new_id(demo_app):
    from tests.apptest import app_as

    demo_app.execute("UPDATE users SET language = 'en' WHERE username = 'leder'")  # the account's language
    at = _login_form(app_as(None).run(), "leder", "demo")
    first = at.session_state["login_session"]
    at.switch_page("pages/account.py").run()
    at.text_input(key="pw_old").input("demo")
    at.text_input(key="pw_new").input("a new password")
    at.text_input(key="pw_repeat").input("a new password")
    at.button[[b.label for b in at.button].index("Change password")].click().run()
    assert at.session_state["authentication_status"] is True
    second = at.session_state["login_session"]
    assert second != first
    ended = dict(demo_app.execute("SELECT id, ended_at IS NOT NULL FROM login_sessions").fetchall())
    assert ended[first] and not ended[second]
    at.run()
    assert at.session_state["authentication_status"] is True


def test_schema_has_no_plain_cookie_column(database):
    columns = {r[1] for r in database.execute("PRAGMA table_info(login_sessions)")}
    assert {"token_hash", "ticket_hash"} <= columns and "token" not in columns
    with pytest.raises(sqlite3.IntegrityError):  # a session belongs to an account
        database.execute("INSERT INTO login_sessions (user_id, created_at, last_seen) VALUES (999, 0, 0)")


def test_old_sessions_and_failure_counts_are_deleted(database, lea):
    ended, _ = _logged_in(database, lea, now=NOW)
    live, _ = _logged_in(database, lea, now=NOW + 2 * 86400)
    sessions.end(database, ended, now=NOW + 10)
    auth.record_failed_login(database, "somebody", now=NOW)
    auth.record_client_failure(database, "192.0.2.5", 30, now=NOW)
    later = NOW + 2 * 86400 + 60
    sessions.purge(database, config.SessionPolicy(), now=later)
    auth.forget_old_failures(database, now=later)
    assert sessions.get(database, ended) is None and sessions.get(database, live) is not None
    assert database.execute("SELECT COUNT(*) FROM login_throttle").fetchone()[0] == 0


@pytest.mark.parametrize("elsewhere", [
    "UPDATE login_sessions SET ended_at = 1",  # a logout elsewhere
    "UPDATE users SET active = 0 WHERE username = 'leder'",  # deactivated
])
def test_a_login_ended_elsewhere_ends_the_assessment_at_its_next_step(demo_app, elsewhere):
    """Next and Back draw the step without a full run (issue 22): they check the login
    themselves, and a login ended elsewhere logs this session out instead of moving on."""
    from tests.apptest import app_as, page_text

    at = _login_form(app_as(None).run(), "leder", "demo")
    at.switch_page("pages/assessment.py").run()
    at.button(key="start_assessment").click().run()
    at.button(key="step_next").click().run()
    assert "Trin 2 af 18" in page_text(at)
    demo_app.execute(elsewhere)
    at.button(key="step_next").click().run()
    assert not at.exception and not at.session_state["authentication_status"]
    assert [t.key for t in at.text_input] == ["login_username", "login_password"]
    steps = demo_app.execute("SELECT step FROM assessments WHERE status = 'draft'").fetchall()
    assert steps == [(1,)]  # it did not move on; the draft is kept for the next login
