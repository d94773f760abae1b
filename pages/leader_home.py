"""Mit forløb: where the leader is in the programme and what to do next."""

import streamlit as st

from digled import anonymity, assessment, programme
from digled.i18n import text
from digled.ui import session

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme()
respondent = anonymity.pseudonym(session.context().settings.pseudonym_secret, user.id)

st.title(t("Welcome, {name}").format(name=user.name.split(" ")[0]))
st.markdown(text(prog.what, lang))

draft = assessment.draft(db, respondent)
attempts = assessment.history(db, respondent)
with st.container(border=True):
    st.subheader(t("Your digital competence assessment"))
    if draft:
        st.write(t("You have an unfinished assessment. Continue where you left off."))
        st.page_link("pages/assessment.py", label=t("Continue the assessment"), icon=":material/play_arrow:")
    elif not attempts:
        st.write(t("Start with the assessment: about 30 minutes, anonymous, and you can pause."))
        st.page_link("pages/assessment.py", label=t("Start the assessment"), icon=":material/play_arrow:")
    else:
        st.write(t("You have taken the assessment {n} times.").format(n=len(attempts)))
        st.page_link("pages/my_results.py", label=t("See my wheel"), icon=":material/donut_large:")

with st.expander(t("Why digital leadership?")):
    st.markdown(text(prog.why, lang))
with st.expander(t("Flipped learning")):
    st.markdown(text(prog.flipped_learning, lang))
