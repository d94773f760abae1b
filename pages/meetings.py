"""Møder og workshops: the two leader meetings and the two joint workshops: date, place,
questions to prepare with private notes (saved while typing), and for a workshop my table and
who sits there. At a leader meeting, "Din ledergruppe": a member sees their group and its chair;
the chair also sees the members, the meeting's questions to lead the discussion from (never anyone's
notes) and registers who attended. A "Go to" link (`?item=<activity id>`) scrolls to the meeting or workshop."""

import streamlit as st

from digled.accounts import organisation
from digled.content import programme, uploaded_files
from digled.platform import dates
from digled.platform.i18n import text
from digled.programme import attendance, journey, leader_groups, reflections, schedule, workshops
from digled.ui import calendar, session, widgets
from digled.ui.widgets import content, md

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme(db)
org = organisation.current(db)
mine = journey.journey(db, user.id, prog)
notes = reflections.load(db, user.id)
saved_at = reflections.saved_at(db, user.id)
target, arrived = widgets.target_item("meetings")
my_group = leader_groups.group_of(db, user.id)
chaired = leader_groups.chaired_by(db, user.id)
uploaded = uploaded_files.latest_all(db)  # metadata only: a material's file is read when it is clicked


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


def not_yet(activity_id: str) -> str:
    """Attendance is registered from the meeting's day: say from when."""
    return t("{activity} has not taken place yet: attendance can be registered from {day}.").format(
        activity=content(prog.activity(activity_id).title, lang),
        day=dates.day(attendance.opens(db, activity_id, prog), lang))


def register_group(activity_id: str) -> None:
    """The chair's form: ticked members attended, the others were absent."""
    marks = {m.id: bool(st.session_state.get(f"grp_{activity_id}_{m.id}")) for m in chaired.active_members}
    try:
        n = leader_groups.register_for_group(db, user, activity_id, marks, prog)
    except leader_groups.GroupError as e:
        st.session_state[f"_grp_error_{activity_id}"] = e.text(t, md)
        return
    except schedule.ScheduleError:  # the meeting has not taken place yet: nothing was written
        st.session_state[f"_grp_error_{activity_id}"] = not_yet(activity_id)
        return
    st.session_state[f"_grp_ok_{activity_id}"] = t(
        "Attendance saved for {group}: {attended} of {members} attended, {n} changed.").format(
        group=md(chaired.name), attended=sum(marks.values()), members=len(marks), n=n)


def my_leader_group(a) -> None:
    """'Din ledergruppe' at a leader meeting: the group and its chair; for the chair also the
    members, the questions to lead the discussion from, and the attendance form."""
    if my_group is None:
        return
    with st.container(border=True, key=f"group_{a.id}"):
        st.markdown("**" + t("Your leader group") + ": " + md(my_group.name) + "**")
        if chaired is None or chaired.id != my_group.id:
            chair = my_group.chair
            st.caption(t("Chair: {name}").format(name=md(chair.name)) if chair and chair.active
                       else t("Your leader group has no chair yet."))
            return
        st.caption(t("You chair the group: lead the discussion of the questions and register who attended."))
        if a.reflections:
            st.markdown("**" + t("Questions for the group's discussion") + "**")
            st.markdown("\n".join(f"{i}. {content(r.text, lang)}" for i, r in enumerate(a.reflections, 1)))
        error = st.session_state.pop(f"_grp_error_{a.id}", None)
        if error:
            st.error(error)
        ok = st.session_state.pop(f"_grp_ok_{a.id}", None)
        if ok:
            st.success(ok)
        status = leader_groups.attendance(db, chaired, a.id)
        marked = list(status.values())
        st.caption(t("{attended} attended, {absent} absent, {open} not registered.").format(
            attended=marked.count("attended"), absent=marked.count("absent"), open=marked.count(None)))
        if not attendance.is_open(db, a.id, prog):
            st.info(not_yet(a.id), icon=":material/event_upcoming:")
            return
        with st.form(f"grp_form_{a.id}", border=False):
            st.markdown("**" + t("Who attended?") + "**")
            for m in chaired.active_members:
                st.checkbox(md(m.name), value=status.get(m.id) == "attended", key=f"grp_{a.id}_{m.id}")
            st.caption(t("Saving registers every member: ticked as attended, the others as absent."))
            st.form_submit_button(t("Save attendance"), key=f"grp_save_{a.id}", type="primary",
                                  on_click=register_group, args=(a.id,))
        group_summary(a)


def group_summary(a) -> None:
    """The chair's short summary of the discussion, shared for preparing the next workshop."""
    st.markdown("**" + t("The group's summary") + "**")
    st.info(t("Shared with the programme's administrators, who read it when preparing the next workshop with its "
              "facilitators. Write what the group discussed, without names: a name typed anyway is blanked out. "
              "Your own notes below stay private."), icon=":material/group:")
    error = st.session_state.pop(f"_summary_error_{a.id}", None)
    if error:
        st.error(error)
    widgets.group_summary_field(db, user, prog, a.id, chaired.id, t, f"_summary_error_{a.id}")


def meeting(step) -> None:
    a = step.activity
    with st.container(border=True, key=f"meeting_{a.id}"):
        st.subheader(content(a.title, lang))
        facts = [t(journey.KIND_NAMES[a.kind]), step.when(lang, "long")]
        if a.start is not None:  # no time set: the day alone (a whole-day event)
            clock = dates.clock(a.start, lang) + ("–" + dates.clock(a.end, lang).removeprefix("kl. ") if a.end else "")
            facts.append(clock + (" (" + t("example") + ")" if a.is_example("start") else ""))
        if a.place:
            facts.append(content(a.place, lang))
        st.caption(" · ".join(facts))
        st.badge(t(journey.STATUS_NAMES[step.status]), color=journey.STATUS_COLOURS[step.status])
        if step.status in ("open", "not_open"):
            calendar.ics_download(a, step, t, lang, key=f"ics_{a.id}")
        st.markdown(text(a.description, lang))
        attendance_note(step)
        if a.kind == leader_groups.CHAIR_KIND:
            my_leader_group(a)
        if a.kind == "workshop":
            my_table(a.id)
        if a.materials:
            st.markdown("**" + t("Materials") + "**")
            widgets.material_links(a, lang, t, uploaded, user.username)
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
