"""Overblik for ledelsen: cohort-wide participation (counts only, never a person)."""

import streamlit as st

from digled import participants
from digled.ui import session

user, t = session.page(__file__)
db = session.database()

st.title(t("Programme overview"))
st.caption(t("Counts for the whole cohort. No figure here is about one person."))
totals = participants.participation_totals(db)
cols = st.columns(4)
cols[0].metric(t("Invited leaders"), totals["invited"])
cols[1].metric(t("Activated"), totals["activated"])
cols[2].metric(t("Start assessment taken"), totals["start"])
cols[3].metric(t("End assessment taken"), totals["end"])
