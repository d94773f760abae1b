"""The login gate: our own translated form, server-side sessions, an HttpOnly session cookie.

digled owns the whole login (streamlit-authenticator is no longer used: its cookie is a JWT
holding the username, set from JavaScript so never HttpOnly, with no server-side state):

- `auth.attempt_login` decides a login with one answer and one timing for every failure, a
  per-name lockout (known and unknown names alike) and a per-client limit.
- `digled.accounts.sessions` keeps the session on the server; the cookie holds only its random id.
  The browser receives the cookie from digled's HTTP route (`digled/ui/web.py`) in exchange for
  a one-time ticket, so the cookie is HttpOnly. The script run waits until the browser has sent
  the cookie back (the confirm route) before it shows the user as logged in: a reload at any
  moment after that keeps the login.
- Every full run checks the session (ended, idle, too old, account deactivated), and so does a
  fragment's run that changes the screen (`fragment_may_go_on`: the assessment's Next and Back,
  management's filters); an answer's own rerun (its radio and the progress line) does not. Logout ends every session of the user and deletes the cookie from the browser through the logout route.
"""

from __future__ import annotations

import time

import streamlit as st

from digled.accounts import auth, navigation, sessions, sso
from digled.platform import config
from digled.platform.i18n import N_
from digled.ui import scripts, session, sso_settings, web

AUTH_KEYS = ("name", "username", "authentication_status", "email", "roles", "login_at", "login_session")
HANDOVER_WAIT_SECONDS = 10.0
LOGOUT_WAIT_SECONDS = 3.0
IDLE_LOGOUT = N_("You were logged out after a time without activity. Please log in again.")
NO_COOKIE = N_("The login could not be completed. Allow cookies and JavaScript for this site and try again.")


def _key() -> str:
    return session.context().settings.cookie_key


def _policy() -> config.SessionPolicy:
    return session.context().settings.policy


def _browser() -> bool:
    """True when a real browser is connected (AppTest runs have no headers, no cookies)."""
    try:
        return bool(st.context.headers.get("Host"))
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode) raises Streamlit's own errors
        return False


def client_address() -> str | None:
    """The client's address for the per-client limit (None for a local connection). Behind a
    reverse proxy this is the proxy's unless the server trusts its X-Forwarded-For: only from
    the proxies FORWARDED_ALLOW_IPS names, from nobody when it is unset
    (web.trust_forwarded_for_only_when_named; see the README)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return None
    return address if isinstance(address, str) else None  # AppTest hands out a mock


def _cookie_token() -> str | None:
    """The session id the websocket handshake carried: on https (DIGLED_BASE_URL) only the
    `__Host-` cookie (sessions.cookie_value)."""
    try:
        cookies = st.context.cookies
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return None
    return sessions.cookie_value(cookies, sessions.secure(session.context().settings.base_url))


def _post(path: str, ticket: str | None, then: str | None = None) -> None:
    """Make the browser POST a ticket to one of digled's routes (the response sets or deletes
    the HttpOnly cookie, which no script can), and once that answer arrived, POST to `then`
    (digled/ui/js/handover.js)."""
    scripts.run("handover", path=path, ticket=ticket or "", then=then or "", header=web.HEADER)


def _wait(done, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.03)
    return done()


def _start_session(db, user: auth.User) -> int | None:
    """Begin a server-side session for `user` and hand its cookie to the browser. Returns the
    session id once the browser has the cookie, None when it never arrived."""
    session_id, ticket = sessions.begin(db, user.id, _key(), limit=_policy().max_sessions)
    sessions.purge(db, _policy())  # housekeeping, once per login: old sessions, old failure counts
    auth.forget_old_failures(db)
    if not _browser():  # AppTest: nobody to hand a cookie to; the session lives in this state
        sessions.confirm(db, sessions.redeem(db, ticket, _key()), _key())
        return session_id
    _post(web.SESSION_PATH, ticket, then=web.CONFIRM_PATH)
    if _wait(lambda: getattr(sessions.get(db, session_id), "handed_over", False), HANDOVER_WAIT_SECONDS):
        return session_id
    sessions.discard(db, session_id)
    return None


def _clear_cookie(db, session_id: int | None) -> None:
    """Delete the session cookie from the browser (after the session ended on the server)."""
    st.session_state["_cookie_cleared"] = True
    if not _browser():
        return
    ticket = sessions.logout_ticket(db, session_id, _key()) if session_id is not None else None
    _post(web.LOGOUT_PATH, ticket)
    if session_id is not None:
        _wait(lambda: getattr(sessions.get(db, session_id), "cleared_at", None) is not None, LOGOUT_WAIT_SECONDS)


def _remember(user: auth.User, session_id: int, login_at: float) -> None:
    st.session_state.update(
        name=user.name,
        username=user.username,
        email=user.email,
        roles=list(user.roles),
        authentication_status=True,
        login_at=login_at,
        login_session=session_id,
        lang=user.language,
        _cookie_cleared=False,
    )


def _forget_session() -> None:
    for key in AUTH_KEYS:
        st.session_state[key] = None


def _restore_from_cookie(db) -> None:
    """Log this browser session in from its session cookie, when that session is still valid;
    a cookie of an ended or expired session is deleted from the browser."""
    if st.session_state.get("authentication_status") or st.session_state.get("_cookie_cleared"):
        return
    token = _cookie_token()
    if not token:
        return
    found, user, problem = sessions.login_of(db, token, _key(), _policy())
    if problem:
        if found is not None and found.ended_at is None:
            sessions.end(db, found.id)
        if problem == "idle":
            st.session_state["_login_error"] = IDLE_LOGOUT
        _clear_cookie(db, None)
        return
    sessions.touch(db, found)
    _remember(user, found.id, found.created_at)


def _still_valid(db) -> auth.User | None:
    """The session's user while the session is valid; else log the session out."""
    user = session.current_user()
    if user is None:
        return None
    login_at = st.session_state.get("login_at")
    if login_at is None:  # a session set up without the form or cookie (tests)
        login_at = st.session_state["login_at"] = time.time()
    session_id = st.session_state.get("login_session")
    if not user.active or login_at < user.sessions_valid_after:
        _forget_session()
        _clear_cookie(db, session_id)
        return None
    if session_id is None:  # AppTest sessions seeded without a login
        return user
    found = sessions.get(db, session_id)
    problem = found.problem(user, _policy()) if found else "unknown"
    if problem:
        if found is not None and found.ended_at is None:
            sessions.end(db, session_id)
        _forget_session()
        if problem == "idle":
            st.session_state["_login_error"] = IDLE_LOGOUT
        _clear_cookie(db, session_id)
        return None
    sessions.touch(db, found)
    return user


def still_valid(user: auth.User | None) -> bool:
    """Whether this session's login (of `user`, as session.current_user read it) still holds
    (not ended elsewhere, not idle or too old, the account active and not reset), for a run
    without the router's check (`fragment_may_go_on`). Only reads: the full run that follows a
    False logs the session out and deletes the cookie (`current`)."""
    if user is None or not user.active:
        return False
    login_at = st.session_state.get("login_at")
    if login_at is not None and login_at < user.sessions_valid_after:
        return False
    session_id = st.session_state.get("login_session")
    if session_id is None:  # AppTest sessions seeded without a login
        return True
    found = sessions.get(session.database(), session_id)
    return found is not None and not found.problem(user, _policy())


def fragment_may_go_on(file: str) -> None:
    """Top of a page's fragment, whose own reruns (a filter changed) skip the router: the login
    still holds (`still_valid`) and the account may still open the page `file`; otherwise the
    full run, which logs the session out or shows that the page is closed to it."""
    user = session.current_user()
    if not still_valid(user) or not navigation.allowed(navigation.spec_for(file), user.roles):
        st.rerun(scope="app")


def page() -> None:
    """The login page (public): a translated form, and the demo accounts in demo mode."""
    t = session.translator()
    st.title(t("Digital leadership"))
    st.write(t("Log in to follow your programme and your digital competence wheel."))
    with st.form("login", clear_on_submit=False):
        st.text_input(t("Username"), key="login_username", autocomplete="username")
        st.text_input(
            t("Password"), type="password", key="login_password", autocomplete="current-password"
        )
        st.form_submit_button(t("Log in"), type="primary", on_click=_attempt)
    if sso_settings.configured():
        if st.button(t(sso.BUTTON), key="sso_login", icon=":material/account_balance:"):
            st.login()  # to the identity provider; back at /oauth2callback, then `_take_sso_identity`
    error = st.session_state.pop("_login_error", None)
    if error:
        st.error(t(error))
    st.page_link("pages/privacy.py", label=t("How your personal data is processed (privacy statement)"),
                 icon=":material/policy:")
    if session.database().execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0:
        st.info(t("There are no accounts yet. Create the first administrator on the server: `python -m digled add-admin USERNAME --name \"Full name\"`."))
    if session.context().settings.demo:
        with st.container(border=True):
            st.markdown("**" + t("Demo accounts") + "**")
            st.markdown(
                t(
                    "Password `demo` for all three: `leder` (a leader who has not yet taken "
                    "the assessment), `ledelse` (management), `admin` (programme administrator)."
                )
            )
            st.markdown(t("Management reading one municipality (and all together): `ledelse_glostrup`, "
                         "`ledelse_albertslund`, password `demo`."))


def _attempt() -> None:
    """Form callback: decide the login (one answer and one timing for every failure); the
    session starts in this run's `current()`, which hands the cookie to the browser."""
    db = session.database()
    username = st.session_state.get("login_username", "")
    password = st.session_state.get("login_password", "")
    outcome = auth.attempt_login(db, username, password, client_address(), _policy().client_max_failures)
    st.session_state["login_password"] = ""
    if outcome.error:
        st.session_state["_login_error"] = outcome.error
        return
    st.session_state["_login_user"] = outcome.user.id


def _sso_claims() -> dict | None:
    """The identity Streamlit's OpenID Connect login left in this session (`st.user`), or None."""
    try:
        claims = dict(st.user)
    except Exception:  # noqa: BLE001 - no script context (AppTest without a runtime)
        return None
    return claims if claims.get("is_logged_in") is True else None


def _take_sso_identity(db) -> None:
    """Single sign-on (digled/accounts/sso.py): once per Streamlit session, map the identity from
    `st.login` to an active account; on success the login continues as a password login does
    (the `_login_user` handover below), on refusal the page says why and the browser's
    identity cookie is deleted (so a reload does not try again)."""
    if st.session_state.get("authentication_status") or st.session_state.get("_sso_seen"):
        return
    if not sso_settings.configured():
        return
    claims = _sso_claims()
    if claims is None:
        return
    st.session_state["_sso_seen"] = True
    outcome = sso.map_identity(db, claims, exclude_admins=session.context().settings.sso_exclude_admins)
    if outcome.error:
        st.session_state["_login_error"] = outcome.error
        if _browser():
            _post(web.LOGOUT_PATH, None)  # deletes Streamlit's identity cookie (web.py)
        return
    st.session_state["_login_user"] = outcome.user.id


def current() -> auth.User | None:
    """The logged-in user (from this session or a valid session cookie), or None. Starts the
    session of a login that just succeeded, and deletes the cookie after a logout."""
    db = session.database()
    for key in AUTH_KEYS:
        st.session_state.setdefault(key, None)
    if "_logged_out" in st.session_state:
        _clear_cookie(db, st.session_state.pop("_logged_out"))
    _take_sso_identity(db)
    user_id = st.session_state.pop("_login_user", None)
    if user_id is not None:
        user = auth.get_user_by_id(db, user_id)
        session_id = _start_session(db, user) if user is not None else None
        if session_id is None:
            st.session_state["_login_error"] = NO_COOKIE
        else:
            _remember(user, session_id, time.time())
    _restore_from_cookie(db)
    return _still_valid(db)


def keep_this_session() -> None:
    """After the user changed their own password (which ended every session, this one too):
    this browser stays logged in, with a new session and a new cookie."""
    db = session.database()
    user = session.current_user()
    if user is None:
        return
    st.session_state["login_at"] = time.time() + 0.001
    session_id = _start_session(db, user)
    if session_id is not None:
        st.session_state["login_session"] = session_id


def logout(user: auth.User) -> None:
    """End this and every other session of the user; the next run deletes the cookie."""
    session_id = st.session_state.get("login_session")
    auth.end_sessions(session.database(), user.username)
    _forget_session()
    st.session_state["_logged_out"] = session_id
