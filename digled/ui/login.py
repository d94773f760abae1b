"""The login gate: cookie re-login through streamlit-authenticator, our own translated form.

streamlit-authenticator owns the login cookie (set, read, delete). digled owns the password
check (bcrypt against the users table), the lockout and the revocation of old cookies: a
session is valid only while it began after the user's last logout or password change.
"""

from __future__ import annotations

import time

import streamlit as st
import streamlit_authenticator as stauth

from digled import auth
from digled.i18n import N_
from digled.ui import session

AUTH_KEYS = ("name", "username", "authentication_status", "email", "roles", "login_at")


def _authenticator(users: list[auth.User]) -> stauth.Authenticate:
    s = session.context().settings
    return stauth.Authenticate(
        auth.credentials_for_login(users),
        s.cookie_name,
        s.cookie_key,
        s.cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=0,
    )


def _cookie_payload() -> dict | None:
    s = session.context().settings
    try:
        token = st.context.cookies.get(s.cookie_name)
    except Exception:  # no browser context (AppTest, bare mode)
        token = None
    return auth.decode_cookie(token, s.cookie_key)


def _forget_session() -> None:
    for key in AUTH_KEYS:
        st.session_state[key] = None


def _restore_from_cookie(authenticator: stauth.Authenticate, db) -> None:
    """Let the library log in from its cookie, unless we revoked that cookie."""
    if st.session_state.get("authentication_status"):
        return
    payload = _cookie_payload()
    if payload is None:
        return
    s = session.context().settings
    user = auth.get_user(db, str(payload.get("username", "")))
    if not auth.cookie_is_valid(payload, user, s.cookie_expiry_days):
        st.session_state["logout"] = True  # the library ignores the cookie from now on
        return
    try:
        authenticator.login(location="unrendered")
    except stauth.LoginError:
        _forget_session()
        return
    if st.session_state.get("authentication_status"):
        st.session_state["login_at"] = float(payload["exp_date"]) - s.cookie_expiry_days * 86400
        st.session_state["lang"] = user.language


def _still_valid(db) -> auth.User | None:
    """The session's user while the session is valid; else log the session out."""
    user = session.current_user()
    if user is None:
        return None
    login_at = st.session_state.get("login_at")
    if login_at is None:  # a session set up without the form or cookie (tests)
        login_at = st.session_state["login_at"] = time.time()
    if not user.active or login_at < user.sessions_valid_after:
        _forget_session()
        return None
    return user


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


LOCKED = N_("This account is locked for 15 minutes after 5 failed logins.")


def _attempt() -> None:
    """Form callback: check the password, count failures, start the session."""
    db = session.database()
    username = st.session_state.get("login_username", "")
    password = st.session_state.get("login_password", "")
    if not username.strip() or not password:
        st.session_state["_login_error"] = N_("Enter both username and password.")
        return
    user = auth.get_user(db, username)
    if user is not None and user.locked():
        auth.record_failed_login(db, username)
        st.session_state["_login_error"] = LOCKED
        return
    usable = user is not None and user.active
    if not usable or not auth.check_password(password, user.password_hash):
        locked = user is not None and auth.record_failed_login(db, username)
        st.session_state["_login_error"] = LOCKED if locked else N_("Wrong username or password.")
        return
    auth.record_successful_login(db, user.username)
    st.session_state.update(
        name=user.name,
        username=user.username,
        email=user.email,
        roles=list(user.roles),
        authentication_status=True,
        login_at=time.time(),
        lang=user.language,
        logout=None,
        login_password="",
        _set_cookie=True,
    )


def current() -> auth.User | None:
    """The logged-in user (from this session or a valid cookie), or None. Renders nothing
    visible; sets the login cookie right after a successful login."""
    db = session.database()
    payload = _cookie_payload()
    cookie_user = auth.get_user(db, str(payload.get("username", ""))) if payload else None
    authenticator = _authenticator([cookie_user] if cookie_user else [])
    st.session_state["_authenticator"] = authenticator
    _restore_from_cookie(authenticator, db)
    user = _still_valid(db)
    if user is not None and st.session_state.pop("_set_cookie", False):
        authenticator.cookie_controller.set_cookie()
    return user


def logout(user: auth.User) -> None:
    """End this and every other session of the user, delete the cookie."""
    auth.end_sessions(session.database(), user.username)
    authenticator = st.session_state.get("_authenticator")
    if authenticator is not None and st.session_state.get("authentication_status"):
        authenticator.logout(location="unrendered")
    _forget_session()
