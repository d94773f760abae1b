"""Deltagere: the administrator's list of participants with search."""

import streamlit as st

from digled import participants
from digled.ui import session

user, t = session.page(__file__)
db = session.database()

st.title(t("Participants"))
search = st.text_input(t("Search name, e-mail or username"), key="participant_search")
df = participants.participant_table(db, search)
st.caption(t("{n} participants").format(n=len(df)))
st.dataframe(
    df.drop(columns=["id"]).rename(
        columns={
            "name": t("Name"), "username": t("Username"), "email": t("E-mail"),
            "municipality": t("Municipality"), "area": t("Area"), "level": t("Leader level"),
            "roles": t("Roles"), "active": t("Active"), "activated_at": t("Activated"),
            "start_taken": t("Start assessment"), "end_taken": t("End assessment"),
        }
    ),
    hide_index=True,
    width="stretch",
)
