"""Kick off og håndbog: the kick-off and its materials, what the programme is and why, the seven
purposes, and the closing handbook once it is unlocked. A "Go to" link (`?item=<activity id>`)
scrolls to the kick-off or the handbook."""

from datetime import date

import streamlit as st

from digled import content, dates, journey, programme
from digled.i18n import text
from digled.ui import calendar, session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme()
fw = content.framework()
mine = journey.journey(db, user.id, prog)
target, arrived = widgets.target_item("materials")


def set_done(activity_id: str) -> None:
    try:
        journey.mark_done(db, user.id, activity_id, prog)
        st.toast(t("Marked as done: {activity}.").format(activity=text(prog.activity(activity_id).title, lang)),
                 icon=":material/check_circle:")
    except journey.JourneyError as e:
        st.session_state["_materials_error"] = e.text(t)


st.title(t("Kick-off and handbook"))
error = st.session_state.pop("_materials_error", None)
if error:
    st.error(error)

for step in mine.steps:
    a = step.activity
    if a.kind != "kickoff":
        continue
    with st.container(border=True, key=f"kickoff_{a.id}"):
        st.subheader(text(a.title, lang))
        st.caption(widgets.md(step.when(lang, "long")))  # escaped: "13. august" would start a list
        st.markdown(text(a.description, lang))
        widgets.material_links(a, lang, t)
        if step.status in ("open", "not_open") and step.due >= date.today():
            calendar.ics_download(a, step, t, lang, key=f"ics_{a.id}")
        if step.status == "done":
            st.success(t("Seen on {date}.").format(date=step.done_day(lang)), icon=":material/check_circle:")
        elif step.status != "not_open":
            st.button(t("I have attended or seen the kick-off"), key=f"seen_{a.id}", on_click=set_done, args=(a.id,))

st.header(t("About the programme"))
st.subheader(t("Why digital leadership?"))
st.markdown(text(prog.why, lang))
st.subheader(t("What is digital leadership?"))
st.markdown(text(prog.what, lang))
st.subheader(t("Flipped learning"))
st.markdown(text(prog.flipped_learning, lang))
st.subheader(t("The seven purposes"))
st.markdown(text(prog.purposes_intro, lang))
st.markdown("\n".join(f"{i}. " + text(p.text, lang) for i, p in enumerate(fw.purposes, 1)))

unlocked = journey.handbook_unlocked(db, user.id, prog)
for step in mine.steps:
    a = step.activity
    if a.kind != "handbook":
        continue
    with st.container(border=True, key=f"handbook_{a.id}"):
        st.subheader(text(a.title, lang))
        st.markdown(text(a.description, lang))
        if not unlocked:
            st.info(
                t("The handbook is unlocked when you have taken the end assessment, and for everyone from {date}.")
                .format(date=dates.day(step.opens, lang)),
                icon=":material/lock:",
            )
            continue
        widgets.material_links(a, lang, t)
        for m in a.materials:
            if m.url:
                st.link_button(t("Open the handbook"), m.url, icon=":material/menu_book:", type="primary")
                break
        if step.status == "done":
            st.success(t("Read on {date}.").format(date=step.done_day(lang)), icon=":material/check_circle:")
        else:
            st.button(t("I have read the handbook"), key=f"seen_{a.id}", on_click=set_done, args=(a.id,))
if arrived and target in {s.activity.id for s in mine.steps if s.activity.kind in ("kickoff", "handbook")}:
    widgets.scroll_to_item(f"{prog.activity(target).kind}_{target}")
