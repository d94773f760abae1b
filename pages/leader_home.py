"""Mit forløb: where the leader is in the programme, the single next step, and the timeline."""

import streamlit as st

from digled import anonymity, assessment, journey, programme
from digled.i18n import text
from digled.ui import session
from digled.ui.widgets import md

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme()
respondent = anonymity.pseudonym(session.context().settings.pseudonym_secret, user.id)
mine = journey.journey(db, user.id, prog)

st.title(t("Welcome, {name}").format(name=md(user.name.split(" ")[0])))
st.progress(
    mine.percent / 100,
    text=t("{percent} % of the programme done ({done} of {total} activities)").format(
        percent=mine.percent, done=mine.done, total=mine.total
    ),
)

nxt = mine.next_step
with st.container(border=True, key="next_step_card"):
    st.subheader(t("Your next step"))
    if nxt is None:
        st.success(t("You have been through the whole programme. Well done!"))
    else:
        title = text(nxt.activity.title, lang)
        st.markdown("**" + title + "** · " + t(journey.KIND_NAMES[nxt.activity.kind]) + " · " + nxt.when)
        if nxt.status == "not_open":
            st.caption(t("Opens on {date}.").format(date=nxt.opens.isoformat()))
        elif nxt.status == "missed":
            st.caption(t("The date has passed, but you can still catch up."))
        if st.button(t("Go to: {activity}").format(activity=title), type="primary", key="next_step",
                     icon=":material/arrow_forward:", width="stretch"):
            st.switch_page(nxt.page)

draft = assessment.draft(db, respondent)
attempts = assessment.history(db, respondent, session.context().settings.pseudonym_secret)
with st.container(border=True):
    st.subheader(t("Your digital competence assessment"))
    if draft:
        st.write(t("You have an unfinished assessment. Continue where you left off."))
        st.page_link("pages/assessment.py", label=t("Continue the assessment"), icon=":material/play_arrow:")
    elif not attempts:
        st.write(t("Start with the assessment: about 30 minutes, no one else in the app sees your answers, and you can pause."))
        st.page_link("pages/assessment.py", label=t("Start the assessment"), icon=":material/play_arrow:")
    else:
        st.write(t("You have taken the assessment {n} times.").format(n=len(attempts)))
        st.page_link("pages/my_results.py", label=t("See my wheel"), icon=":material/donut_large:")

st.subheader(t("Timeline"))
for step in mine.steps:
    with st.container(key=f"timeline_{step.activity.id}"):
        when, what, badge = st.columns([2, 5, 2], vertical_alignment="center")
        when.markdown(step.when)
        what.markdown("**" + text(step.activity.title, lang) + "**  \n" + t(journey.KIND_NAMES[step.activity.kind]))
        with badge:
            st.badge(t(journey.STATUS_NAMES[step.status]), color=journey.STATUS_COLOURS[step.status])

with st.expander(t("What is digital leadership?")):
    st.markdown(text(prog.what, lang))
with st.expander(t("Why digital leadership?")):
    st.markdown(text(prog.why, lang))
with st.expander(t("Flipped learning")):
    st.markdown(text(prog.flipped_learning, lang))
