"""Tidsplan og fremmøde: the kick-off date, open/due dates per activity, and attendance at the
leader meetings and joint workshops."""

from datetime import date

import pandas as pd
import streamlit as st

from digled.content import programme
from digled.platform import dates, workdays
from digled.platform.i18n import text
from digled.programme import attendance, journey, schedule
from digled.ui import session
from digled.ui.widgets import md, message_md

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme(db)
rows = schedule.rows(db, lang, prog)
LIMITS = {"min_value": date(2000, 1, 1), "max_value": date(2100, 12, 31), "format": dates.picker_format(lang)}


def forget_date_widgets() -> None:
    """Let the date fields show the stored dates again on the next run."""
    for r in rows:
        st.session_state.pop(f"opens_{r.id}", None)
        st.session_state.pop(f"due_{r.id}", None)


def save_kickoff() -> None:
    schedule.set_kickoff(db, user.username, st.session_state["schedule_kickoff"])
    forget_date_widgets()
    st.session_state["_schedule_ok"] = t(
        "Saved. Activities without dates set by hand follow the kick-off, on working days.")


def save_dates() -> None:
    edits = {r.id: (st.session_state.get(f"opens_{r.id}"), st.session_state.get(f"due_{r.id}")) for r in rows}
    problems = schedule.problems(edits, lang, prog)
    if problems:
        st.session_state["_schedule_errors"] = [message_md(p.msg, p.params, t) for p in problems]
        return
    changed = schedule.save(db, user.username, edits, lang, prog)
    forget_date_widgets()
    st.session_state["_schedule_ok"] = t("Saved: {n} activities changed.").format(n=len(changed))


def reset_dates() -> None:
    schedule.reset(db, user.username)
    forget_date_widgets()
    st.session_state["_schedule_ok"] = t("All activities follow the kick-off again.")


st.title(t("Schedule and attendance"))
for message in st.session_state.pop("_schedule_errors", []):
    st.error(message)
ok = st.session_state.pop("_schedule_ok", None)
if ok:
    st.success(ok)

dates_tab, attendance_tab = st.tabs([t("Dates"), t("Attendance")])
with dates_tab:
    for warning in schedule.warnings(db, lang, prog):
        (st.info if warning.level == "info" else st.warning)(message_md(warning.msg, warning.params, t))
    with st.form("kickoff_form"):
        st.date_input(t("Kick-off date"), value=programme.kickoff_date(db, prog), key="schedule_kickoff", **LIMITS)
        st.form_submit_button(t("Save the kick-off date"), on_click=save_kickoff)
    st.caption(
        t("Each activity follows the kick-off: it opens and is due a fixed number of days after it, moved "
          "forward to the next working day when that is a weekend or a public holiday. Dates you set by hand "
          "here are kept exactly as you set them, also when you move the kick-off, and are marked as set by hand.")
    )

    def source(r: schedule.ScheduleRow) -> str:
        """Where a row's dates come from, and why a generated date was moved."""
        if r.by_hand:
            reasons = [workdays.why_not_working(day, lang) for day in sorted({r.opens, r.due})]
            return " · ".join([t("set by hand")] + [
                t("not a working day ({reason})").format(reason=reason) for reason in reasons if reason
            ])
        notes = [t("follows the kick-off")]
        moves = [(t("moved from {day} ({reason})"), r.opens_from)] if r.opens_from == r.due_from else [
            (t("opens moved from {day} ({reason})"), r.opens_from), (t("due moved from {day} ({reason})"), r.due_from)
        ]
        for message, day in moves:
            if day is not None:
                reason = workdays.why_not_working(day, lang)
                notes.append(message.format(day=dates.day(day, lang, "medium"), reason=reason))
        return " · ".join(notes)

    with st.form("schedule_form"):
        head = st.columns([4, 2, 2])
        head[0].markdown("**" + t("Activity") + "**")
        head[1].markdown("**" + t("Opens") + "**")
        head[2].markdown("**" + t("Due") + "**")
        for r in rows:
            name, opens, due = st.columns([4, 2, 2], vertical_alignment="center")
            name.markdown("**" + md(r.title) + "**  \n" + t(journey.KIND_NAMES[r.kind]) + " · " + source(r))
            opens.date_input(t("Opens: {activity}").format(activity=md(r.title)), value=r.opens,
                             key=f"opens_{r.id}", label_visibility="collapsed", **LIMITS)
            due.date_input(t("Due: {activity}").format(activity=md(r.title)), value=r.due,
                           key=f"due_{r.id}", label_visibility="collapsed", **LIMITS)
        st.form_submit_button(t("Save the dates"), type="primary", on_click=save_dates)
    st.button(t("Let all activities follow the kick-off again"), key="reset_schedule", on_click=reset_dates)

with attendance_tab:
    events = attendance.activities(prog)
    titles = {a.id: text(a.title, lang) for a in events}
    choice = st.selectbox(t("Meeting or workshop"), list(titles), format_func=titles.get, key="attendance_activity")
    df = attendance.table(db, choice)
    attended_col = t("Attended")
    counts = df["status"].value_counts()
    st.caption(
        t("{attended} attended, {absent} absent, {open} not registered.").format(
            attended=int(counts.get("attended", 0)), absent=int(counts.get("absent", 0)),
            open=int(df["status"].isna().sum()),
        )
    )
    view = pd.DataFrame(
        {
            "user_id": df["user_id"],
            t("Name"): df["name"],
            t("Municipality"): df["municipality"],
            t("Area"): df["area"],
            attended_col: (df["status"] == "attended").astype(bool),
        }
    )
    edited = st.data_editor(
        view, key=f"attendance_editor_{choice}", hide_index=True, width="stretch",
        disabled=[c for c in view.columns if c != attended_col],
        column_config={"user_id": None, attended_col: st.column_config.CheckboxColumn(attended_col)},
    )
    if not attendance.is_open(db, choice, prog):
        st.info(t("{activity} has not taken place yet: attendance can be registered from {day}.").format(
            activity=md(titles[choice]), day=dates.day(attendance.opens(db, choice, prog), lang)),
            icon=":material/event_upcoming:")
    else:
        st.caption(t("Saving registers every leader in the list: ticked as attended, the others as absent."))
        if st.button(t("Save attendance"), key="save_attendance", type="primary"):
            marks = {int(u): bool(a) for u, a in zip(edited["user_id"], edited[attended_col])}
            try:
                n = attendance.register(db, user.username, choice, marks, prog)
            except schedule.ScheduleError as e:
                st.error(message_md(e.msg, e.params | {"activity": titles[choice],
                                                       "day": dates.day(e.params.get("day") or date.today(), lang)},
                                    t))
            else:
                st.session_state["_schedule_ok"] = t("Attendance saved: {n} leaders changed.").format(n=n)
                st.rerun()
