"""digled.ui.router: every page address answers, logged in or not. Logged out, the public pages
themselves and every other address as the login form naming the page behind it; logged in, the
pages the roles allow and every other one as a translated "no access" screen; an address that is
no page a translated "not found" screen at that address; an administrator of an installation not
yet set up lands on the first-run wizard. In AppTest, with the browser's requested address set
as Streamlit's page manager holds it. (The same in a browser: tests/e2e/test_routes_browser.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from digled.accounts import auth, navigation
from digled.ui import router
from tests.apptest import ROOT

APP = """
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from digled.platform import i18n
from digled.ui import router, session

address = st.session_state.pop("ask", None)  # the address the browser asked for in this run
if address is not None:
    get_script_run_ctx().pages_manager.set_script_intent("", address)
routes = router.routes(session.current_user(), i18n.translator("en"))
st.session_state["pages"] = {
    p._url_path: (p.title, p.visibility, p._default, p._page.__name__ if callable(p._page) else "file " + p._page.name)
    for p in routes.pages
}
st.session_state["menu"] = {heading: [p._url_path for p in pages] for heading, pages in routes.menu.items()}
if st.session_state.get("show"):
    st.navigation(routes.pages, position="hidden").run()
"""

PUBLIC = {"privacy", "accessibility", "accept-invitation"}


@pytest.fixture
def installed(database, monkeypatch):
    """An installation outside demo with a leader, an administrator and a manager."""
    monkeypatch.setenv("DIGLED_DEMO", "0")
    for username, roles in (("lea", ["leader"]), ("anne", ["admin"]), ("mads", ["management"])):
        auth.create_user(database, username=username, name=username.title(), roles=roles, language="en")
    database.conn.commit()
    return database


def _app(tmp_path, username: str | None = None, ask: str | None = None, show: bool = False) -> AppTest:
    if not (tmp_path / "pages").exists():
        (tmp_path / "pages").symlink_to(ROOT / "pages")  # the page files, as app.py finds them
    (tmp_path / "router_app.py").write_text(APP)
    at = AppTest.from_file(str(tmp_path / "router_app.py"), default_timeout=30)
    at.session_state["lang"] = "en"
    at.session_state["show"] = show
    if ask is not None:
        at.session_state["ask"] = ask
    if username:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
    at.run()
    assert not at.exception, at.exception
    return at


def test_outside_a_script_run_no_address_was_asked_for():
    assert router.requested_address() is None


def test_logged_out_every_address_answers_with_the_login_form(installed, tmp_path):
    at = _app(tmp_path)
    pages = at.session_state["pages"]
    assert set(pages) == {router.LOGIN_PATH} | {s.url_path for s in navigation.PAGES}
    assert pages[router.LOGIN_PATH] == ("Log in", "visible", True, "page")  # login.page, the front page
    for spec in navigation.PAGES:
        title, visibility, default, shows = pages[spec.url_path]
        assert title == spec.title and not default
        if spec.url_path in PUBLIC:
            assert shows == "file " + Path(spec.path).name, spec.path  # the page itself
        else:
            assert (visibility, shows) == ("hidden", "login_for_" + spec.url_path.replace("-", "_")), spec.path
    assert at.session_state["menu"] == {"": [router.LOGIN_PATH, "accessibility", "privacy"]}  # no invitation page


def test_a_page_address_opened_logged_out_says_which_page_waits_behind_the_login(installed, tmp_path):
    at = _app(tmp_path, ask="films", show=True)
    assert [i.value for i in at.info] == ["Log in to open «Films and reflections». You will land there right after."]
    assert [t.key for t in at.text_input] == ["login_username", "login_password"]


def test_logged_in_the_roles_pages_and_a_no_access_screen_for_every_other(installed, tmp_path):
    at = _app(tmp_path, "lea")
    pages = at.session_state["pages"]
    assert set(pages) == {s.url_path for s in navigation.PAGES}  # every address, no login page
    assert pages["leader-home"][2] is True  # the leader's front page
    allowed = {s.url_path for s in navigation.pages_for(["leader"])}
    for spec in navigation.PAGES:
        shows = pages[spec.url_path][3]
        assert shows == ("file " + Path(spec.path).name if spec.url_path in allowed
                         else "no_access_" + spec.url_path.replace("-", "_"))
    menu = at.session_state["menu"]
    assert list(menu) == ["Leader", "Account"]
    assert "accept-invitation" not in menu["Account"] and "admin-participants" not in sum(menu.values(), [])


def test_a_page_the_role_may_not_open_says_so_with_a_link_home(installed, tmp_path):
    at = _app(tmp_path, "lea", ask="admin-participants", show=True)
    assert [t.value for t in at.title] == ["Participants"]
    assert [w.value for w in at.warning] == ["Your account does not give access to «Participants»."]
    (home,) = at.get("page_link")
    assert home.proto.label == "Go to the front page"


def test_an_unknown_address_gets_a_translated_not_found_at_that_address(installed, tmp_path):
    at = _app(tmp_path, "lea", ask="nowhere", show=True)
    assert [w.value for w in at.warning] == ["There is no page at this address."]
    assert at.get("page_link")[0].proto.label == "Go to the front page"
    assert at.session_state["pages"]["nowhere"][1:] == ("hidden", False, "not_found")
    assert at.session_state["_unknown_address"] == "nowhere"  # a rerun there (a language change) keeps it
    at.run()
    assert "nowhere" in at.session_state["pages"]


def test_logged_out_an_unknown_address_also_offers_the_login_form(installed, tmp_path):
    at = _app(tmp_path, ask="nowhere", show=True)
    assert [w.value for w in at.warning] == ["There is no page at this address."]
    assert [t.key for t in at.text_input] == ["login_username", "login_password"]


@pytest.mark.parametrize("asked", ["Films", "a b", "x" * 65, "-films"])
def test_an_address_that_cannot_be_a_page_goes_to_not_found(installed, tmp_path, asked):
    at = _app(tmp_path, "lea", ask=asked, show=True)
    assert asked not in at.session_state["pages"]
    assert at.session_state["pages"][router.NOT_FOUND_PATH][3] == "not_found"
    assert [w.value for w in at.warning] == ["There is no page at this address."]


@pytest.mark.parametrize(("username", "asked"), [("lea", "leader-home"), (None, router.LOGIN_PATH)])
def test_the_front_pages_own_address_shows_the_front_page(installed, tmp_path, username, asked):
    at = _app(tmp_path, username, ask=asked)
    assert router.NOT_FOUND_PATH not in at.session_state["pages"] and "_unknown_address" not in at.session_state


def test_an_administrator_of_an_installation_without_participants_lands_on_the_wizard(installed, tmp_path):
    installed.execute("DELETE FROM users WHERE username = 'lea'")
    installed.conn.commit()
    at = _app(tmp_path, "anne")
    pages, menu = at.session_state["pages"], at.session_state["menu"]
    assert pages["admin-setup"][2] is True and pages["admin-participants"][2] is False
    assert menu["Administration"][0] == "admin-setup"
    assert not at.info  # the wizard itself carries no notice
    # every other page of the run says the installation waits for the wizard
    at = _app(tmp_path, "anne", ask="admin-participants")
    assert [i.value for i in at.info] == [router.SETUP_WAITING]


def test_until_finished_the_wizard_stays_in_the_menu_but_is_not_the_front_page(installed, tmp_path):
    at = _app(tmp_path, "anne")  # lea is a participant already: the wizard is open, not needed
    pages, menu = at.session_state["pages"], at.session_state["menu"]
    assert pages["admin-participants"][2] is True and pages["admin-setup"][2] is False
    assert "admin-setup" in menu["Administration"]
    assert not at.info


def test_only_administrators_are_sent_to_the_wizard(installed, tmp_path):
    at = _app(tmp_path, "mads")
    assert at.session_state["pages"]["management-participation"][2] is True  # management's own front page
    assert "admin-setup" not in sum(at.session_state["menu"].values(), [])
    assert not at.info
