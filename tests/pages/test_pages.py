"""AppTest: every page renders for each role; roles are checked server-side."""

import pytest

from digled.accounts import auth, navigation
from tests.apptest import app_as, page_text

ROLE_USERS = {"leader": "leder", "management": "ledelse", "admin": "admin"}


def test_logged_out_shows_the_login_form(demo_db):
    at = app_as(None).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert "Demo accounts" in page_text(at)


def test_login_page_is_danish_by_default(demo_db):
    from streamlit.testing.v1 import AppTest

    from tests.apptest import ROOT

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


def test_correct_login_shows_the_leader_home(demo_db):
    at = app_as(None).run()
    at.text_input(key="login_username").input("leder")
    at.text_input(key="login_password").input("demo")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["authentication_status"] is True
    # the account's saved language (Danish) wins over the login page's (English), and stays saved
    assert "Velkommen, Lea" in page_text(at)
    assert at.selectbox(key="lang_picker").value == "da"
    assert auth.get_user(demo_db, "leder").language == "da"


@pytest.mark.parametrize("role, username", ROLE_USERS.items())
def test_every_page_of_a_role_renders(demo_db, role, username):
    for spec in navigation.pages_for((role,)):
        at = app_as(username).run()
        at.switch_page(spec.path).run()
        assert not at.exception, (spec.path, at.exception)
        assert not at.error, (spec.path, [e.value for e in at.error])


@pytest.mark.parametrize("role, username", ROLE_USERS.items())
def test_pages_of_other_roles_are_refused_server_side(demo_db, role, username):
    others = [p for p in navigation.PAGES if p.roles is not None and role not in p.roles]
    assert others
    for spec in others:
        at = app_as(username, page=spec.path).run()
        assert "You do not have access to this page." in [e.value for e in at.error], spec.path


def test_logged_out_user_cannot_open_a_page_directly(demo_db):
    at = app_as(None, page="pages/management_participation.py").run()
    assert "Please log in." in [w.value for w in at.warning]
    assert not at.metric


def test_each_demo_account_lands_on_its_own_first_page(demo_db):
    expected = {"leder": "Welcome, Lea", "ledelse": "Programme overview", "admin": "Participants"}
    for username, heading in expected.items():
        at = app_as(username).run()
        assert not at.exception
        assert heading in page_text(at), username


def test_logout_ends_the_session(demo_db):
    at = app_as("leder").run()
    at.button(key="logout_button").click().run()
    assert not at.session_state["authentication_status"]
    assert "Username" in [t.label for t in at.text_input]
    valid_after = demo_db.execute("SELECT sessions_valid_after FROM users WHERE username='leder'").fetchone()[0]
    assert valid_after > 0


def test_language_switch_to_english_and_back(demo_db):
    at = app_as("leder", lang="da").run()
    assert "Velkommen, Lea" in page_text(at)
    at.selectbox(key="lang_picker").set_value("en").run()
    assert "Welcome, Lea" in page_text(at)
    assert demo_db.execute("SELECT language FROM users WHERE username='leder'").fetchone()[0] == "en"


def _fresh_app():
    from streamlit.testing.v1 import AppTest

    from tests.apptest import ROOT

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def test_corrupt_database_stops_without_a_traceback_and_logs_the_path(tmp_path, monkeypatch, caplog):
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"garbage" * 500)
    monkeypatch.setenv("DIGLED_DB", str(bad))
    at = _fresh_app().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["digled kan ikke starte."]
    assert str(bad) not in page_text(at) and not at.code  # anonymous visitors see no paths (issue 14)
    assert str(bad) in caplog.text  # the operator finds it in the server log


def test_missing_secrets_outside_demo_name_the_setting_in_the_log(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DIGLED_DEMO", "0")
    monkeypatch.delenv("DIGLED_PSEUDONYM_SECRET")
    at = _fresh_app().run()
    assert not at.exception and at.error
    assert "DIGLED_PSEUDONYM_SECRET" in caplog.text and "pseudonym_secret" in caplog.text
    assert "DIGLED_PSEUDONYM_SECRET" not in page_text(at) and not at.code


def test_empty_installation_explains_how_to_create_the_first_admin(monkeypatch):
    monkeypatch.setenv("DIGLED_DEMO", "0")
    at = app_as(None).run()
    assert not at.exception
    assert any("add-admin" in i.value for i in at.info)
    assert "Demo accounts" not in page_text(at)
