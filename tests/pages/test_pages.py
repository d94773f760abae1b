"""AppTest: every page renders for each role; roles are checked server-side."""

import pytest

from digled.accounts import auth, navigation
from tests.apptest import app_as, page_text

ROLE_USERS = {"leader": "leder", "management": "ledelse", "admin": "admin"}


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
