"""digled.ui.login: the login gate. The translated form (Danish first, the demo accounts in demo,
how to make the first administrator on an empty installation), a failed login counted and
answered in the user's language, a login starting a server-side session, every run checking it,
and logout ending every session of the user. (The cookie handover, idle and ended sessions, a
password change and single sign-on as attacks: tests/security/test_login_sessions.py,
test_enumeration.py, test_sso.py.)"""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from digled.accounts import auth, sessions
from tests.apptest import ROOT, app_as, page_text

PASSWORD = "a good password"


# --- the form in the app ---------------------------------------------------------------------------


def test_logged_out_shows_the_login_form(demo_db):
    at = app_as(None).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert "Demo accounts" in page_text(at)


def test_login_page_is_danish_by_default(demo_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert [t.label for t in at.text_input] == ["Brugernavn", "Adgangskode"]


def test_wrong_password_is_counted_and_translated(demo_db):
    at = app_as(None).run()
    at.text_input(key="login_username").input("leder")
    at.text_input(key="login_password").input("wrong")
    at.button[0].click().run()
    assert "Wrong username or password." in page_text(at)
    assert demo_db.execute("SELECT failed_logins FROM users WHERE username='leder'").fetchone()[0] == 1


def test_five_wrong_passwords_lock_even_the_right_one(demo_db):
    at = app_as(None).run()
    for _ in range(5):
        at.text_input(key="login_username").input("leder")
        at.text_input(key="login_password").input("wrong")
        at.button[0].click().run()
    at.text_input(key="login_username").input("leder")
    at.text_input(key="login_password").input("demo")
    at.button[0].click().run()
    assert "locked for 15 minutes" in page_text(at)
    assert not at.session_state["authentication_status"]


def test_empty_installation_explains_how_to_create_the_first_admin(monkeypatch):
    monkeypatch.setenv("DIGLED_DEMO", "0")
    at = app_as(None).run()
    assert not at.exception
    assert any("add-admin" in i.value for i in at.info)
    assert "Demo accounts" not in page_text(at)


# --- the gate alone ----------------------------------------------------------------------------------


@pytest.fixture
def lea(database, monkeypatch):
    """An installation outside demo with one leader, whose account speaks English."""
    monkeypatch.setenv("DIGLED_DEMO", "0")
    auth.create_user(database, username="lea", name="Lea", roles=["leader"], language="en",
                     password_hash=auth.hash_password(PASSWORD, rounds=4))
    database.conn.commit()
    return auth.get_user(database, "lea")


GATE = """
import streamlit as st

from digled.ui import login


def gate():
    user = login.current()
    if user is None:
        login.page()
    else:
        st.text("logged in as " + user.username)
        if st.button("Log out", key="out"):
            login.logout(user)
            st.rerun()


st.navigation([st.Page(gate, title="Gate", default=True), st.Page("pages/privacy.py", url_path="privacy")],
              position="hidden").run()
"""


def _gate(tmp_path) -> AppTest:
    """The gate alone: the login form, else who is logged in and a logout button (with a
    stand-in for the privacy page the form links to)."""
    (tmp_path / "pages").mkdir(exist_ok=True)
    (tmp_path / "pages" / "privacy.py").write_text("import streamlit as st\nst.write('privacy')\n")
    (tmp_path / "gate.py").write_text(GATE)
    return AppTest.from_file(str(tmp_path / "gate.py"), default_timeout=30)


def _logged_in(tmp_path, username: str = "lea", password: str = PASSWORD) -> AppTest:
    at = _gate(tmp_path)
    at.session_state["lang"] = "da"
    at.run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def _ended(database, session_id: int) -> bool:
    return database.execute("SELECT ended_at IS NOT NULL FROM login_sessions WHERE id = ?", [session_id]).fetchone()[0] == 1


def test_a_login_starts_a_server_side_session_in_the_accounts_language(database, lea, tmp_path):
    at = _logged_in(tmp_path)
    assert [x.value for x in at.text] == ["logged in as lea"]
    state = at.session_state
    assert (state["authentication_status"], state["username"], state["roles"], state["lang"]) == (True, "lea", ["leader"], "en")
    found = sessions.get(database, state["login_session"])
    assert found.user_id == lea.id and found.handed_over  # no browser to hand a cookie to: confirmed at once
    assert state["login_password"] == ""  # the password does not stay in the session
    at.run()
    assert [x.value for x in at.text] == ["logged in as lea"]  # the next run checks the session and keeps it


def test_a_wrong_password_starts_no_session(database, lea, tmp_path):
    at = _logged_in(tmp_path, password="wrong")
    assert [e.value for e in at.error] == ["Forkert brugernavn eller adgangskode."]
    assert not at.session_state["authentication_status"] and not at.text
    assert database.execute("SELECT COUNT(*) FROM login_sessions").fetchone()[0] == 0


def test_without_a_browser_there_is_no_client_address_cookie_or_sso_identity(database, lea):
    def script():
        import streamlit as st

        from digled.ui import login

        st.text(repr((login._browser(), login.client_address(), login._cookie_token(), login._sso_claims())))

    at = AppTest.from_function(script, default_timeout=30).run()
    assert at.text[0].value == "(False, None, None, None)"


@pytest.mark.parametrize("change", [
    "UPDATE users SET active = 0",  # deactivated
    "UPDATE users SET sessions_valid_after = :later",  # password reset elsewhere
])
def test_an_account_deactivated_or_reset_is_logged_out_at_the_next_run(database, lea, change, tmp_path):
    """(The reset's moment is the app's clock, which `--today` moves, not SQLite's own.)"""
    at = _logged_in(tmp_path)
    database.execute(change + " WHERE username = 'lea'", {"later": time.time() + 60})
    database.conn.commit()
    at.run()
    assert not at.session_state["authentication_status"] and at.session_state["username"] is None
    assert not at.text and [t.key for t in at.text_input] == ["login_username", "login_password"]
    assert at.session_state["_cookie_cleared"] is True  # a cookie of that login is not used again


def test_logout_ends_every_session_of_the_user(database, lea, tmp_path):
    at = _logged_in(tmp_path)
    here = at.session_state["login_session"]
    elsewhere, _ = sessions.begin(database, lea.id, "any key")  # the same account in another browser
    at.button(key="out").click().run()
    assert not at.exception, at.exception
    assert _ended(database, here) and _ended(database, elsewhere)
    assert not at.session_state["authentication_status"]
    assert "_logged_out" not in at.session_state and at.session_state["_cookie_cleared"] is True
    assert [t.key for t in at.text_input] == ["login_username", "login_password"]
