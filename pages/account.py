"""Min konto: who I am, my language, change my password (ends my other sessions; I get an
e-mail), change my e-mail address (only I can, once my account is activated)."""

import streamlit as st

from digled.accounts import auth, impersonation, participants
from digled.ui import login, session
from digled.ui.widgets import md

user, t = session.page(__file__)
db = session.database()

st.title(t("My account"))
st.markdown(f"**{md(user.name)}** · {md(user.username)} · {md(user.email)}")  # user text escaped
st.caption(t("Roles: {roles}").format(roles=", ".join(t(participants.ROLE_LABELS[r]) for r in user.roles)))

st.subheader(t("Change password"))
with st.form("change_password", clear_on_submit=False):
    old = st.text_input(t("Current password"), type="password", key="pw_old")
    new = st.text_input(t("New password"), type="password", key="pw_new", help=t("At least 8 characters."))
    repeat = st.text_input(t("Repeat the new password"), type="password", key="pw_repeat")
    submitted = st.form_submit_button(t("Change password"), type="primary")
if submitted:
    problem = auth.change_password(db, user.username, old, new, repeat)
    if problem:
        st.error(t(problem))
    else:
        login.keep_this_session()  # this browser stays logged in: a new session and cookie
        impersonation.tell_password_changed(db, session.context().settings, user.id)
        st.success(t("Your password is changed. You are logged out everywhere else."))

st.subheader(t("Change e-mail address"))
st.caption(t("Reminders and password resets go to this address. Only you can change it."))
with st.form("change_email", clear_on_submit=False):
    new_email = st.text_input(t("New e-mail address"), key="email_new", autocomplete="email")
    confirm = st.text_input(t("Current password"), type="password", key="email_password")
    email_submitted = st.form_submit_button(t("Change e-mail address"))
if email_submitted:
    try:
        impersonation.change_email(db, session.context().settings, user.username, confirm, new_email)
    except impersonation.AccountError as e:
        st.error(e.text(t))
    else:
        st.success(t("Your e-mail address is changed to {email}. Your old address was told.").format(
            email=md(new_email.strip())))
