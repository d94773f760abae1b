"""Which screen an address shows: every page address answers, logged in or not.

Streamlit's own answer to an address it does not know is an English "Page not found" box over
the default page, and the address resets to `/`: an e-mailed link to `/films` opened logged out
would lose its way. So app.py registers *every* page address on every run (st.Page keys a page
by its url_path, so the screen behind an address can change from run to run while the address
stays):

- logged out: the public pages (privacy, accessibility, accepting an invitation) themselves; every
  other page as the login form, saying which page waits behind it. Logging in reruns the same
  address, which then runs the real page;
- logged in: the pages the roles allow; every other page as a translated "no access" screen
  with a link home;
- an administrator of an installation that is not set up yet (digled/programme/first_run.py) lands on the
  first-run wizard, and the other pages show a notice with a link to it; a demo never offers it;
- an address that is no page at all: a translated "page not found" screen with a link home
  (registered under the very address asked for, so Streamlit never sees an unknown one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from digled.accounts import navigation
from digled.platform.i18n import N_
from digled.programme import first_run
from digled.ui import login, session

LOGIN_PATH = "login"
NOT_FOUND_PATH = "not-found"
_ADDRESS = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

LOGIN_TO_OPEN = N_("Log in to open «{page}». You will land there right after.")
NO_ACCESS = N_("Your account does not give access to «{page}».")
NOT_FOUND = N_("There is no page at this address.")
HOME = N_("Go to the front page")


@dataclass
class Routes:
    """What app.py hands to st.navigation, and the menu it draws (heading -> pages)."""

    pages: list
    menu: dict[str, list]


def requested_address() -> str | None:
    """The page address the browser asked for in this run (the path after the server's base
    URL), or None when it navigated by page (a rerun, a page link). Streamlit keeps it in the
    run's page manager; read here in one place."""
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    if manager is None or manager.intended_page_script_hash:
        return None
    return manager.intended_page_name or None


def _ask_for(address: str) -> None:
    """Resolve this run as if the browser had asked for `address` (Streamlit then shows it,
    instead of its "Page not found" box, and puts it in the address bar)."""
    manager = get_script_run_ctx().pages_manager
    manager.set_script_intent("", address)


def _screen(name: str, render: Callable[[], None]) -> Callable[[], None]:
    """A page function of its own (Streamlit names page functions by __name__)."""
    render.__name__ = render.__qualname__ = name.replace("-", "_")
    return render


def _home_link(t, home) -> None:
    st.page_link(home, label=t(HOME), icon=":material/home:")


def _login_screen(spec: navigation.PageSpec, t) -> Callable[[], None]:
    def render() -> None:
        st.info(t(LOGIN_TO_OPEN).format(page=t(spec.title)), icon=":material/lock:")
        login.page()

    return _screen("login_for_" + spec.url_path, render)


def _no_access_screen(spec: navigation.PageSpec, t, home) -> Callable[[], None]:
    def render() -> None:
        st.title(t(spec.title))
        st.warning(t(NO_ACCESS).format(page=t(spec.title)), icon=":material/block:")
        _home_link(t, home)

    return _screen("no_access_" + spec.url_path, render)


def _not_found_screen(t, home, logged_in: bool) -> Callable[[], None]:
    def render() -> None:
        st.warning(t(NOT_FOUND), icon=":material/explore_off:")
        if logged_in:
            _home_link(t, home)
        else:
            login.page()

    return _screen("not_found", render)


def _page(spec: navigation.PageSpec, t, **kwargs):
    return st.Page(spec.path, title=t(spec.title), icon=spec.icon, url_path=spec.url_path, **kwargs)


def routes(user, t) -> Routes:
    """Every address of the app for this user (None: logged out), and their menu."""
    if user is None:
        home = st.Page(login.page, title=t("Log in"), icon=":material/login:", url_path=LOGIN_PATH, default=True)
        pages = [home]
        public = []
        for spec in navigation.PAGES:
            if spec.public:
                page = _page(spec, t)
                public.append(page)
            else:
                page = st.Page(_login_screen(spec, t), title=t(spec.title), icon=spec.icon,
                               url_path=spec.url_path, visibility="hidden")
            pages.append(page)
        menu = {"": [home, *[p for p in public if p.url_path != "accept-invitation"]]}
    else:
        allowed = navigation.pages_for(user.roles)
        wizard = _wizard(user)
        home_spec = next(s for s in allowed if (s.path == SETUP_PAGE) == (wizard == "needed"))
        menu: dict[str, list] = {}
        by_path = {}
        for spec in allowed:
            page = _page(spec, t, default=spec is home_spec)
            by_path[spec.url_path] = page
            if spec.in_menu and (spec.path != SETUP_PAGE or wizard in ("needed", "open")):
                menu.setdefault(t(spec.section), []).append(page)
        home = by_path[home_spec.url_path]
        pages = list(by_path.values())
        for spec in navigation.PAGES:
            if spec.url_path not in by_path:
                pages.append(st.Page(_no_access_screen(spec, t, home), title=t(spec.title), icon=spec.icon,
                                     url_path=spec.url_path, visibility="hidden"))
    _resolve_unknown(pages, requested_address(), home, t, user is not None)
    if user is not None and wizard == "needed":
        _setup_notice(pages, by_path[navigation.spec_for(SETUP_PAGE).url_path], home, t)
    return Routes(pages=pages, menu=menu)


# --- the first-run wizard (digled/programme/first_run.py): an administrator of an empty installation
# outside demo lands on it; the other pages say it is waiting. A demo never offers it.

SETUP_PAGE = "pages/admin_setup.py"
SETUP_WAITING = N_("This installation is not set up yet: name the run, set the kick-off date and add the first "
                   "participants.")


def _wizard(user) -> str | None:
    """"needed" (the administrator lands on the wizard), "open" (offered in the menu until
    finished), or None (not an administrator, a demo, or finished)."""
    if "admin" not in user.roles or session.context().settings.demo:
        return None

    return first_run.wizard_status(session.database())


def _setup_notice(pages: list, wizard, home, t) -> None:
    """A short notice with a link to the wizard above every other page of the run."""
    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    if manager is None:
        return
    hashes = {p._script_hash for p in pages}
    target = manager.intended_page_script_hash
    if not target and manager.intended_page_name:
        target = next((p._script_hash for p in pages if p._url_path == manager.intended_page_name), None)
    if target not in hashes:  # the front page (also right after logging in)
        target = home._script_hash
    if target == wizard._script_hash:
        return
    with st.container(key="setup_notice"):
        st.info(t(SETUP_WAITING), icon=":material/rocket_launch:")
        # a link to a page is only valid once st.navigation registered it (not in the first run
        # after logging in, which registered the login screens): the link then follows a run later
        registered = manager.get_pages().get(wizard._script_hash) or {}
        if registered.get("script_path") == str(wizard._page):
            st.page_link(wizard, label=t("Get started"), icon=":material/arrow_forward:")


def _resolve_unknown(pages: list, wanted: str | None, home, t, logged_in: bool) -> None:
    """Give an address that no page answers a screen of ours (Streamlit would show its English
    box); the front page's own address (its url_path, e.g. /leader-home or /login) shows the
    front page."""
    if wanted is None:
        wanted = st.session_state.get("_unknown_address")  # a rerun there (e.g. a language change)
        if wanted is None:
            return
    if wanted in (home._url_path, LOGIN_PATH):
        _ask_for("")
        return
    if wanted in {p.url_path for p in pages}:
        return
    if _ADDRESS.match(wanted):
        not_found_path = wanted  # keep the address the person typed or followed
    else:
        not_found_path = NOT_FOUND_PATH
        _ask_for(NOT_FOUND_PATH)
    st.session_state["_unknown_address"] = not_found_path
    pages.append(st.Page(_not_found_screen(t, home, logged_in), title=t(NOT_FOUND),
                         icon=":material/explore_off:", url_path=not_found_path, visibility="hidden"))
