"""Issue 14, items 3 and 4 in a real browser: the session cookie is HttpOnly, opaque and gone
after logout, and a login survives a reload made the moment the app shows it."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.e2e.helpers import SESSION_COOKIES, cookie_cleared, idle, login, logout, open_app, session_cookies

LOGGED_IN = ".st-key-logout_button"
LOGGED_OUT = ".st-key-login_username"


def _state_after_load(page) -> str:
    """'in' or 'out' once the page shows either the logout button or the login form."""
    page.locator(f"{LOGGED_IN}, {LOGGED_OUT}").first.wait_for(timeout=30_000)
    idle(page)
    return "in" if page.locator(LOGGED_IN).count() else "out"


def test_twelve_logins_each_survive_an_immediate_reload(page, server):
    """The issue saw the cookie missing after 17 of 52 logins (a third). Reload the moment the
    logout button shows (no waiting for the cookie): 12 of 12 must stay logged in (with the
    old fault, all 12 would pass by chance less than once in a hundred runs)."""
    open_app(page, server.url)
    logouts = []
    for attempt in range(12):
        expect(page.locator(f"{LOGGED_OUT} input")).to_be_editable()
        page.locator(f"{LOGGED_OUT} input").fill("leder")
        page.locator(".st-key-login_password input").fill("demo")
        page.locator("[data-testid='stFormSubmitButton'] button").click()
        expect(page.locator(LOGGED_IN)).to_be_visible(timeout=30_000)
        page.reload()  # at once
        if _state_after_load(page) != "in":
            logouts.append(attempt)
            continue
        logout(page)
        expect(page.locator(f"{LOGGED_OUT} input")).to_be_editable()
    assert logouts == [], f"logged out by a reload after logins {logouts} of 12"


def test_the_session_cookie_is_httponly_opaque_and_strict(page, server):
    open_app(page, server.url)
    login(page, "ledelse")
    [cookie] = session_cookies(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert not cookie["secure"] and server.url.startswith("http://")  # Secure only where https
    value = cookie["value"]
    assert "ledelse" not in value and value.count(".") != 2 and len(value) >= 40  # not a JWT
    try:
        assert b"ledelse" not in base64.urlsafe_b64decode(value + "==")
    except ValueError:
        pass
    script_view = page.evaluate("document.cookie")
    assert value not in script_view and not any(name in script_view for name in SESSION_COOKIES)
    assert "digled_auth" not in script_view


def test_logout_removes_the_cookie_from_the_browser(page, server):
    open_app(page, server.url)
    login(page, "admin")
    assert session_cookies(page)
    logout(page)
    expect(page.locator(f"{LOGGED_OUT} input")).to_be_editable()
    script_view = page.evaluate("document.cookie")
    assert not any(name in script_view for name in (*SESSION_COOKIES, "digled_auth")), script_view
    assert session_cookies(page) == []  # not even the HttpOnly one the script cannot see
    page.reload()
    assert _state_after_load(page) == "out"


def test_a_stale_cookie_is_deleted_and_logs_nobody_in(browser, page, server):
    open_app(page, server.url)
    login(page, "leder")
    old = session_cookies(page)
    logout(page)
    fresh = browser.new_context()
    try:
        fresh.add_cookies(old)  # the cookie copied before the logout
        p = fresh.new_page()
        with cookie_cleared(p):
            p.goto(server.url)
        assert _state_after_load(p) == "out"
        assert not [c for c in fresh.cookies() if c["name"] in SESSION_COOKIES]
    finally:
        fresh.close()


def _post(url, body, headers):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get_all("Set-Cookie") or []


def test_the_cookie_routes_refuse_forged_and_cross_site_requests(server):
    status, cookies = _post(server.url + "/api/digled/session", {"ticket": "guessed"},
                            {"X-Digled-Handover": "1"})
    assert status == 403 and not cookies
    status, cookies = _post(server.url + "/api/digled/session", {"ticket": "guessed"},
                            {"Origin": "https://evil.example"})
    assert status == 403 and not cookies


def test_unknown_and_known_names_get_the_same_answer_in_the_browser(page, server):
    open_app(page, server.url)
    answers = []
    for name in ("ledelse", "ingen-saadan-bruger"):
        login(page, name, "forkert adgangskode", succeed=False)
        answers.append(page.locator("[data-testid='stAlertContentError']").inner_text())
    assert answers[0] == answers[1] and "Forkert brugernavn eller adgangskode" in answers[0]
