"""Kom i gang: the first-run wizard of an empty installation (outside demo). Four steps, each
saved at once (digled.programme.first_run keeps the state in the database): name the run, set the
kick-off date (warned, never refused), review the generated dates, add the first participants."""

from datetime import date

import pandas as pd
import streamlit as st

from digled.accounts import importer, organisation, participants
from digled.content import programme
from digled.platform import dates
from digled.programme import first_run
from digled.ui import session
from digled.ui.widgets import md, message_md, scroll_to_top

user, t = session.page(__file__)
db = session.database()
lang = session.language()
prog = programme.programme(db)
LIMITS = {"min_value": date(2000, 1, 1), "max_value": date(2100, 12, 31), "format": dates.picker_format(lang)}
NAME_KEY, KICKOFF_KEY = "setup_cohort_name", "setup_kickoff"
PERSON_FIELDS = ("name", "email", "municipality", "area", "level")

st.title(t("Get started"))
if session.context().settings.demo or first_run.is_demo(db):
    st.info(t("This is a demo installation: it is set up already and needs no first-run steps."))
    st.stop()

state = first_run.state(db)


def error(message: str) -> None:
    st.session_state.setdefault("_setup_errors", []).append(message)


def go(step: int) -> None:
    first_run.go_to(db, step)
    st.session_state["_setup_moved"] = True  # show the new step from its top


# --- the steps' saving (callbacks: they run before the page is drawn) ----------------------------


def name_changed() -> None:
    value = st.session_state.get(NAME_KEY, "")
    try:
        first_run.set_cohort_name(db, user.username, value)
    except first_run.SetupError as e:
        first_run.save_draft(db, "cohort_name", value)  # kept: nothing typed is lost
        error(e.text(t))


def kickoff_picked() -> None:
    value = st.session_state.get(KICKOFF_KEY)
    first_run.save_draft(db, "kickoff", value.isoformat() if isinstance(value, date) else None)


def save_kickoff() -> bool:
    value = st.session_state.get(KICKOFF_KEY)
    if not isinstance(value, date):
        error(t("Choose the kick-off date."))
        return False
    first_run.save_kickoff(db, user.username, value)
    return True


def person_changed(name: str) -> None:
    value = st.session_state.get(f"setup_person_{name}")
    first_run.save_draft(db, f"person_{name}", value)


def add_person() -> None:
    raw = {name: st.session_state.get(f"setup_person_{name}") or "" for name in PERSON_FIELDS}
    raw["roles"] = ["leader"]
    try:
        participants.add(db, raw, user.username)
    except participants.InvalidParticipant as e:
        for p in e.problems:
            error(t("{field}: {problem}").format(field=t(participants.FIELD_LABELS[p.field]),
                                                 problem=message_md(p.message, p.params, t)))
        return
    for name in PERSON_FIELDS:
        st.session_state.pop(f"setup_person_{name}", None)
        first_run.save_draft(db, f"person_{name}", None)
    st.session_state["_setup_ok"] = t("{name} was added.").format(name=md(" ".join(raw["name"].split())))


def next_step() -> None:
    step = first_run.state(db).step
    if step == 1:
        name_changed()
        if st.session_state.get("_setup_errors"):
            return
    elif step == 2:
        stored = first_run.stored_kickoff(db, prog)
        if stored is None or st.session_state.get(KICKOFF_KEY) != stored:
            if not save_kickoff():
                return
    elif step == 3:
        first_run.mark_reviewed(db)
    go(min(step + 1, 4))


def previous_step() -> None:
    go(max(first_run.state(db).step - 1, 1))


def finish() -> None:
    try:
        first_run.finish(db, user.username)
    except first_run.SetupError as e:
        error(e.text(t))
        return
    st.session_state["_setup_finished_now"] = True


# --- the page ------------------------------------------------------------------------------------

name = first_run.cohort_name(db)
if name:
    st.markdown("**" + t("Run: {name}").format(name=md(name)) + "**")
if st.session_state.pop("_setup_finished_now", False):
    st.rerun()  # the menu no longer offers the wizard
if state.finished:
    st.success(t("Setup is finished. Change the dates on the schedule page and the participants on the "
                 "participants page at any time."))
    st.page_link("pages/admin_participants.py", label=t("Participants"), icon=":material/group:")
    st.page_link("pages/admin_schedule.py", label=t("Schedule and attendance"), icon=":material/calendar_month:")
else:
    st.markdown(t("Four steps set up this installation for a new run of the programme. Each step is saved at once: "
                  "you can log out and continue later."))

steps = []
for number, title in first_run.STEP_TITLES.items():
    label = t(title)
    if number == state.step and not state.finished:
        label = "**" + label + "** (" + t("current step") + ")"
    elif number in state.done or state.finished:
        label += " (" + t("done") + ")"
    steps.append(f"{number}. {label}")
st.markdown("\n".join(steps))

st.subheader(t("Step {n} of {total}: {title}").format(n=state.step, total=len(first_run.STEPS),
                                                        title=t(first_run.STEP_TITLES[state.step])))
for message in dict.fromkeys(st.session_state.pop("_setup_errors", [])):  # a change and a click: said once
    st.error(message)
if ok := st.session_state.pop("_setup_ok", None):
    st.success(ok)
if st.session_state.pop("_setup_moved", False):
    scroll_to_top()

if state.step == 1:
    if NAME_KEY not in st.session_state:
        st.session_state[NAME_KEY] = state.drafts.get("cohort_name", name or "")
    st.text_input(t("Name of this run of the programme"), key=NAME_KEY, on_change=name_changed,
                  help=t("For example “Digital ledelse 2027”. At most {limit} characters.").format(
                      limit=first_run.MAX_COHORT_NAME))
    st.caption(t("The name tells this run from later runs of the programme in the same installation."))

elif state.step == 2:
    stored = first_run.stored_kickoff(db, prog)
    if KICKOFF_KEY not in st.session_state:
        draft = state.drafts.get("kickoff")
        st.session_state[KICKOFF_KEY] = date.fromisoformat(draft) if draft else stored
    st.date_input(t("Kick-off date"), key=KICKOFF_KEY, on_change=kickoff_picked, **LIMITS)
    picked = st.session_state.get(KICKOFF_KEY)
    st.caption(t("Every other activity follows the kick-off a fixed number of days after it, moved forward to the "
                 "next working day when that is a weekend or a public holiday."))
    if not isinstance(picked, date):
        st.info(t("Choose the day of the kick-off."))
    elif picked != stored:
        warnings = first_run.kickoff_warnings(db, lang, picked, prog)
        st.markdown(t("Not saved yet. With the kick-off on {day}:").format(day=dates.day(picked, lang, "full")))
        for warning in warnings:
            st.warning(message_md(warning.msg, warning.params, t))
        if not warnings:
            st.info(t("No warnings: the kick-off is a working day and no activity lies in the past."))
        if st.button(t("Save the kick-off date"), key="setup_save_kickoff", type="primary"):
            save_kickoff()
            st.rerun()
    else:
        st.success(t("Saved: the kick-off is {day}.").format(day=dates.day(stored, lang, "full")))
        for warning in first_run.stored_warnings(db, lang, prog):
            (st.info if warning.level == "info" else st.warning)(message_md(warning.msg, warning.params, t))

elif state.step == 3:
    for warning in first_run.stored_warnings(db, lang, prog):
        (st.info if warning.level == "info" else st.warning)(message_md(warning.msg, warning.params, t))
    rows = first_run.review_rows(db, lang, prog)
    st.markdown(t("The dates of every activity, on working days. Read them through before you invite anyone."))
    st.table(pd.DataFrame({
        t("Activity"): [r.title for r in rows],
        # escaped: st.table reads its cells as Markdown, where "6. apr." began a numbered list
        t("Opens"): [md(dates.day(r.opens, lang, "medium")) for r in rows],
        t("Due"): [md(dates.day(r.due, lang, "medium")) for r in rows],
        t("Note"): [" · ".join(n.text(t) for n in r.notes) for r in rows],
    }))
    st.page_link("pages/admin_schedule.py", label=t("Change single dates on the schedule page"),
                 icon=":material/calendar_month:")

else:
    count = first_run.participant_count(db)
    st.markdown(t("Participants so far: {n}").format(n=count))
    st.markdown(t("Many participants at once: fill in the list (CSV or Excel) and import it."))
    st.download_button(t("Download an empty list"), importer.template_csv(), file_name="deltagere.csv",
                       mime="text/csv", key="setup_template", icon=":material/download:")
    st.page_link("pages/admin_import.py", label=t("Import participants"), icon=":material/upload_file:")
    org = organisation.current(db)
    with st.container(border=True, key="setup_person"):
        st.markdown("**" + t("Add one participant") + "**")
        for name_ in ("name", "email"):
            key = f"setup_person_{name_}"
            if key not in st.session_state:
                st.session_state[key] = state.drafts.get(f"person_{name_}", "")
        st.text_input(t("Name"), key="setup_person_name", on_change=person_changed, args=("name",))
        st.text_input(t("E-mail"), key="setup_person_email", on_change=person_changed, args=("email",))
        for column, (field, kind, label) in zip(
            st.columns(3),
            (("municipality", "municipalities", t("Municipality")), ("area", "areas", t("Area")),
             ("level", "levels", t("Leader level"))),
        ):
            options = list(getattr(org, kind))
            key = f"setup_person_{field}"
            if key not in st.session_state:
                draft = state.drafts.get(f"person_{field}")
                st.session_state[key] = draft if draft in options else None
            column.selectbox(label, options, key=key, placeholder=t("Choose"), on_change=person_changed, args=(field,),
                             format_func=lambda i, kind=kind: organisation.label(org, kind, i, lang))
        st.caption(t("Added as a leader. The username is made from the e-mail address; invite them from the "
                     "participants page or the reminders page."))
        st.button(t("Add participant"), key="setup_add_person", on_click=add_person, icon=":material/person_add:")

with st.container(horizontal=True, horizontal_alignment="distribute", key="setup_nav"):
    st.button(t("Back"), key="setup_back", on_click=previous_step, disabled=state.step == 1,
              icon=":material/arrow_back:")
    if state.step < 4:
        st.button(t("Next"), key="setup_next", on_click=next_step, type="primary", icon=":material/arrow_forward:")
    else:
        st.button(t("Finish"), key="setup_finish", on_click=finish, type="primary", icon=":material/done_all:")
