"""Møder og workshops: the two leader meetings and the two joint workshops: date, place,
questions to prepare with private notes (saved while typing), and for a workshop my table and
who sits there. A "Go to" link (`?item=<activity id>`) scrolls to the meeting or workshop."""

import streamlit as st

from digled import journey, organisation, programme, workshops
from digled.i18n import text
from digled.ui import calendar, session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme()
org = organisation.current(db)
mine = journey.journey(db, user.id, prog)
notes = journey.reflections(db, user.id)
saved_at = journey.reflections_saved_at(db, user.id)
target, arrived = widgets.target_item("meetings")


def my_table(activity_id: str) -> None:
    seat = workshops.my_table(db, activity_id, user.id)
    if seat is None:
        st.info(t("Your table is shown here when the tables for the workshop are ready."))
        return
    number, seated = seat
    st.markdown("**" + t("Your table: table {number}").format(number=number) + "**")
    st.dataframe(
        [
            {
                t("Name"): x.name,
                t("Municipality"): text(org.municipalities.get(x.municipality), lang) or x.municipality,
                t("Area"): text(org.areas.get(x.area), lang) or x.area,
            }
            for x in seated
        ],
        hide_index=True, width="stretch", key=f"table_{activity_id}",
    )


def attendance_note(step) -> None:
    if step.status == "done":
        st.success(t("Your attendance is registered."))
    elif step.status == "missed":
        st.caption(t("Registered as not attended, or the date has passed."))
    elif step.status == "passed":
        st.caption(t("This took place before you joined."))


def meeting(step) -> None:
    a = step.activity
    with st.container(border=True, key=f"meeting_{a.id}"):
        st.subheader(text(a.title, lang))
        facts = [t(journey.KIND_NAMES[a.kind]), step.when(lang, "long")]
        if a.place:
            facts.append(text(a.place, lang))
        st.caption(" · ".join(facts))
        st.badge(t(journey.STATUS_NAMES[step.status]), color=journey.STATUS_COLOURS[step.status])
        if step.status in ("open", "not_open"):
            calendar.ics_download(a, step, t, lang, key=f"ics_{a.id}")
        st.markdown(text(a.description, lang))
        attendance_note(step)
        if a.kind == "workshop":
            my_table(a.id)
        if a.materials:
            st.markdown("**" + t("Materials") + "**")
            widgets.material_links(a, lang, t)
        if a.reflections:
            with st.expander(t("Reflection questions to prepare, with your own notes"),
                             expanded=a.id == target or step.status in ("open", "not_open")):
                for r in a.reflections:
                    widgets.reflection_field(db, user.id, prog, r, notes.get(r.id, ""), text(r.text, lang), t,
                                             "_meetings_error", saved_at=saved_at.get(r.id))


st.title(t("Meetings and workshops"))
st.markdown(
    t("Before each joint workshop your leader group meets locally to discuss the reflection "
      "questions. At the workshops, leaders from Glostrup and Albertslund with similar areas sit "
      "together. Your notes are private and are saved while you type.")
)
error = st.session_state.pop("_meetings_error", None)
if error:
    st.error(error)
for s in mine.steps:
    if s.activity.kind in journey.ATTENDANCE_KINDS:
        meeting(s)
if arrived and target in {s.activity.id for s in mine.steps if s.activity.kind in journey.ATTENDANCE_KINDS}:
    widgets.scroll_to_item(f"meeting_{target}")
