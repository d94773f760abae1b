"""Mit forløb: where the leader is in the programme, the single next step (journey.next_step),
a personal plan for a leader who joined late, and the timeline with a link to every item."""

import streamlit as st

from digled.accounts import programme_runs
from digled.assessment import answering
from digled.content import programme
from digled.platform import dates, pseudonyms
from digled.platform.i18n import text
from digled.programme import journey
from digled.ui import session
from digled.ui.widgets import content, md

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme(db)
respondent = pseudonyms.of_user(session.context().settings.pseudonym_secret, user.id)
mine = journey.journey(db, user.id, prog)


def status_note(step) -> str:
    """One line under an item saying what its status means for the leader ('' for none)."""
    if step.status == "not_open":
        return t("Opens on {date}.").format(date=dates.day(step.opens, lang))
    if step.status == "booked" and step.booked_for is not None:
        return t("Booked for {date} {time}.").format(
            date=dates.day(step.booked_for, lang), time=dates.clock(step.booked_for, lang))
    if step.status == "passed":
        return t("This took place before you joined.")
    if step.status == "missed" and step.activity.kind in journey.CATCH_UP_KINDS:
        return t("The date has passed, but you can still catch up.")
    return ""


st.title(t("Welcome, {name}").format(name=md(user.name.split(" ")[0])))
if not programme_runs.is_member(db, user.id):
    run = programme_runs.running(db)
    st.info(t("You are not a participant of the running run, {run}. Your wheel and your history from earlier "
              "runs are kept: you can see them and take the assessment again any time.").format(run=md(run.name)),
            icon=":material/info:")
    st.page_link("pages/my_results.py", label=t("My wheel and history"), icon=":material/history:")
    st.stop()
st.progress(
    mine.percent / 100,
    text=t("{percent} % of the programme done ({done} of {total} activities)").format(
        percent=mine.percent, done=mine.done, total=mine.total
    ),
)

nxt = mine.next_step
FOLLOWUP_TITLES = {"followup_3": t("Follow-up assessment, 3 months after the programme"),
                   "followup_6": t("Follow-up assessment, 6 months after the programme")}
with st.container(border=True, key="next_step_card"):
    st.header(t("Your next step"))
    if mine.followup is not None:  # an open follow-up round: due now (the reminder e-mail says the same)
        due = mine.followup
        st.markdown("**" + FOLLOWUP_TITLES[due.round] + "** · " + t(journey.KIND_NAMES["assessment"]) + " · "
                    + due.when(lang))
        st.write(t("Take the assessment again and look at your plan: what did you get done? About 30 minutes, "
                   "and no one else in the app sees your answers."))
        if st.button(t("Go to: {activity}").format(activity=FOLLOWUP_TITLES[due.round]), type="primary",
                     key="next_step", icon=":material/arrow_forward:", width="stretch"):
            st.switch_page(due.page, query_params=due.link)
    elif nxt is None:
        st.success(t("You have been through the whole programme. Well done!"))
    else:
        title = content(nxt.activity.title, lang)
        st.markdown("**" + title + "** · " + t(journey.KIND_NAMES[nxt.activity.kind]) + " · " + nxt.when(lang))
        if nxt.activity.kind == "assessment" and nxt.activity.round == "start":
            st.write(t("Start with the assessment: about 30 minutes, no one else in the app sees your answers, and you can pause."))
        note = status_note(nxt)
        if note:
            st.caption(note)
        if st.button(t("Go to: {activity}").format(activity=title), type="primary", key="next_step",
                     icon=":material/arrow_forward:", width="stretch"):
            st.switch_page(nxt.page, query_params=nxt.link)

if mine.late:
    with st.container(border=True, key="personal_plan"):
        st.header(t("Your personal plan"))
        st.write(t("You joined the programme on {date}, after it had begun. Here is what is still ahead of you; "
                   "what took place before you joined is not held against you.").format(
            date=dates.day(mine.joined, lang)))
        for step in mine.still_ahead:
            st.markdown("- **" + content(step.activity.title, lang) + "** · " + md(step.when(lang)))
        if mine.before_joining:
            with st.expander(t("Before you joined ({n})").format(n=len(mine.before_joining))):
                st.caption(t("You may still watch the films and read the material from these activities whenever it suits you."))
                for step in mine.before_joining:
                    st.markdown("- " + content(step.activity.title, lang) + " · " + md(step.when(lang)))

draft = answering.draft(db, respondent)
attempts = answering.history(db, respondent, session.context().settings.pseudonym_secret)
if draft or attempts:
    with st.container(border=True):
        st.header(t("Your digital competence assessment"))
        if draft:
            st.write(t("You have an unfinished assessment. Continue where you left off."))
            st.page_link("pages/assessment.py", label=t("Continue the assessment"), icon=":material/play_arrow:")
        else:
            st.write(t("You have taken the assessment once.") if len(attempts) == 1
                     else t("You have taken the assessment {n} times.").format(n=len(attempts)))
            st.page_link("pages/my_results.py", label=t("See my wheel"), icon=":material/donut_large:")

st.header(t("Timeline"))
for step in mine.steps:
    with st.container(key=f"timeline_{step.activity.id}"):
        when, what, badge = st.columns([2, 5, 2], vertical_alignment="center")
        when.markdown(md(step.when(lang)))  # escaped: "13. aug." would start a Markdown list
        with what:
            title = content(step.activity.title, lang)
            if step.status == "not_open":
                st.markdown("**" + title + "**")
            else:  # the title links to the item itself on its page
                st.page_link(step.page, label=title, query_params=step.link)
            note = status_note(step)
            st.caption(t(journey.KIND_NAMES[step.activity.kind]) + (" · " + note if note else ""))
        with badge:
            st.badge(t(journey.STATUS_NAMES[step.status]), color=journey.STATUS_COLOURS[step.status])

with st.expander(t("What is digital leadership?")):
    st.markdown(text(prog.what, lang))
with st.expander(t("Why digital leadership?")):
    st.markdown(text(prog.why, lang))
with st.expander(t("Background")):
    st.markdown(text(prog.background, lang))
with st.expander(t("Flipped learning")):
    st.markdown(text(prog.flipped_learning, lang))
