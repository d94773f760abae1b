"""Accept an invitation (public): a leader opens their personal link and chooses a password.
The same page takes a password-reset link (sent by e-mail only) and then tells the holder by
e-mail that the password was changed.

Reachable logged out (app.py registers it in the logged-out menu); the token in the link is
the only credential, so there is no session.page() check here.
"""

import streamlit as st

from digled.accounts import impersonation, invitations
from digled.ui import login, session
from digled.ui.widgets import md

db = session.database()
t = session.translator()

st.title(t("Accept invitation"))
token = st.query_params.get("token", "")
done = st.session_state.get("_invitations_accepted", {}).get(token)

if done:
    st.success(t("Your password is saved, {name}. You can now log in.").format(name=md(done)))
    st.page_link(
        st.Page(login.page, title=t("Log in"), icon=":material/login:", url_path="login"),
        label=t("Go to log in"),
        icon=":material/login:",
    )
    st.stop()

if not token:
    st.info(t("Open the personal link from your invitation e-mail to choose your password."))
    st.stop()

verdict = invitations.verify(db, token)
if not verdict.ok:
    st.error(t(verdict.message))
    st.stop()

reset = verdict.purpose == "reset"
if reset:
    st.write(t("Choose a new password for your account, {name} (username: {username}).").format(
        name=md(verdict.user.name), username=md(verdict.user.username)))
else:
    st.write(t("Welcome to the programme in digital leadership, {name}.").format(name=md(verdict.user.name)))
    st.write(t("Choose a password to finish setting up your account (username: {username}).").format(
        username=md(verdict.user.username)))
st.caption(t("At least 8 characters. The link works once."))
with st.form("accept_invitation"):
    password = st.text_input(t("New password"), type="password", key="invite_password",
                             autocomplete="new-password")
    repeat = st.text_input(t("Repeat the new password"), type="password", key="invite_repeat",
                           autocomplete="new-password")
    submitted = st.form_submit_button(t("Save password"), type="primary")
if submitted:
    problem = invitations.accept(db, token, password, repeat)
    if problem:
        st.error(t(problem))
    else:
        if reset:
            impersonation.tell_password_changed(db, session.context().settings, verdict.user.id)
        st.session_state.setdefault("_invitations_accepted", {})[token] = verdict.user.name
        st.session_state["login_username"] = verdict.user.username
        st.rerun()
