"""Forløb: the runs of the programme (digled.accounts.programme_runs). One run at a time: see every run, rename the
running one, add leaders of earlier runs to it, and close it to open the next (its schedule,
attendance and publications are kept; leaders keep their accounts and wheel history)."""

from datetime import date

import streamlit as st

from digled.accounts import organisation, programme_runs
from digled.insight import publications
from digled.platform import dates, workdays
from digled.ui import session
from digled.ui.widgets import md, message_md

user, t = session.page(__file__)
db = session.database()
lang = session.language()
org = organisation.current(db)
LIMITS = {"min_value": date(2000, 1, 1), "max_value": date(2100, 12, 31), "format": dates.picker_format(lang)}
NAME_KEY, ADD_KEY, SECTION_KEY = "co_name", "co_add", "co_close_section"
NEXT_NAME_KEY, NEXT_KICKOFF_KEY, CONTINUING_KEY, CONFIRM_KEY = (
    "co_next_name", "co_next_kickoff", "co_continuing", "co_confirm")


def refused(e: programme_runs.CohortError) -> str:
    return message_md(e.msg, e.params, t)  # names stay text


def day_of(value: str | None) -> str:
    """An ISO day or timestamp as the user reads it; '–' when there is none."""
    try:
        return dates.day(date.fromisoformat((value or "")[:10]), lang)
    except ValueError:
        return "–"


def who(person: tuple[int, str, str, str]) -> str:
    _, name, municipality, area = person
    return " · ".join(x for x in (name, organisation.label(org, "municipalities", municipality, lang),
                                  organisation.label(org, "areas", area, lang)) if x)


# --- the changes (callbacks: they run before the page is drawn) ----------------------------------


def rename_run() -> None:
    try:
        name = programme_runs.rename(db, programme_runs.running_id(db), st.session_state.get(NAME_KEY, ""), user.username)
    except programme_runs.CohortError as e:
        st.session_state["_co_error"] = refused(e)  # the typed name stays in the field
        return
    st.session_state[NAME_KEY] = name
    st.session_state["_co_ok"] = t("The running run is now called {name}.").format(name=md(name))


def add_leaders() -> None:
    added = programme_runs.add_leaders(db, st.session_state.get(ADD_KEY, []), user.username)
    if not added:
        st.session_state["_co_error"] = t("Choose the leaders to add first.")
        return
    st.session_state.pop(ADD_KEY, None)
    st.session_state["_co_ok"] = t("Leaders added to {run}: {n}.").format(run=md(programme_runs.running(db).name), n=added)


def close_run() -> None:
    errors = []
    if not st.session_state.get(CONFIRM_KEY):
        errors.append(t("Tick “I understand that the running run is closed” first."))
    name = st.session_state.get(NEXT_NAME_KEY, "")
    problem = programme_runs.name_problem(name, db)
    if problem:
        errors.append(refused(problem))
    kickoff = st.session_state.get(NEXT_KICKOFF_KEY)
    if not isinstance(kickoff, date):
        errors.append(t("Choose the kick-off date of the next run."))
    if errors:
        st.session_state["_co_close_errors"] = errors  # nothing typed is lost
        return
    old = programme_runs.running(db)
    try:
        new = programme_runs.close_and_open(db, name, kickoff, st.session_state.get(CONTINUING_KEY, []), user.username)
    except programme_runs.CohortError as e:
        st.session_state["_co_close_errors"] = [refused(e)]
        return
    for key in (NAME_KEY, ADD_KEY, NEXT_NAME_KEY, NEXT_KICKOFF_KEY, CONTINUING_KEY, CONFIRM_KEY, SECTION_KEY):
        st.session_state.pop(key, None)
    st.session_state["_co_ok"] = t("{old} was closed and kept. The new run {new} is running, with the kick-off on "
                                   "{day}. Leaders who continue: {n}.").format(
        old=md(old.name), new=md(new.name), day=dates.day(kickoff, lang), n=new.members)
    st.session_state["_co_opened"] = True


# --- the page ------------------------------------------------------------------------------------

st.title(t("Runs"))
st.markdown(t("The programme runs for one group of leaders at a time: one run is running, earlier runs are "
              "closed. Closing a run keeps its schedule, attendance and publications; the leaders keep their "
              "accounts and the history of their wheel."))
if error := st.session_state.pop("_co_error", None):
    st.error(error)
if ok := st.session_state.pop("_co_ok", None):
    st.success(ok)

run = programme_runs.running(db)
if st.session_state.pop("_co_opened", False) or run.members == 0:
    st.info(t("Add the participants of {run}: import a list or add them one by one. Leaders from earlier runs "
              "can be added below.").format(run=md(run.name)))
    with st.container(horizontal=True, key="co_next_steps"):
        st.page_link("pages/admin_import.py", label=t("Import participants"), icon=":material/upload_file:")
        st.page_link("pages/admin_participants.py", label=t("Participants"), icon=":material/group:")

st.dataframe(
    [
        {
            t("Run"): c.name,
            t("Kick-off"): day_of(c.kickoff),
            t("Opened"): day_of(c.opened_at),
            t("Closed"): day_of(c.closed_at) if c.closed_at else t("Running"),
            t("Participants"): c.members,
            t("Publications"): publications.count(db, c.id),
        }
        for c in programme_runs.listing(db)
    ],
    hide_index=True, width="stretch", key="co_overview",
)

st.subheader(t("The running run"))
if NAME_KEY not in st.session_state:
    st.session_state[NAME_KEY] = run.name
with st.form("co_rename_form", border=True):
    st.text_input(t("Name of the running run"), key=NAME_KEY, max_chars=programme_runs.MAX_NAME)
    st.form_submit_button(t("Save the name"), key="co_rename", on_click=rename_run)

st.subheader(t("Add leaders from earlier runs to this run"))
others = programme_runs.not_in_running(db)
if others:
    by_id = {p[0]: p for p in others}
    if any(uid not in by_id for uid in st.session_state.get(ADD_KEY, [])):  # added elsewhere meanwhile
        st.session_state[ADD_KEY] = [uid for uid in st.session_state[ADD_KEY] if uid in by_id]
    with st.form("co_add_form", border=True):
        st.multiselect(t("Leaders who are not in this run"), list(by_id), format_func=lambda i: who(by_id[i]),
                       key=ADD_KEY, placeholder=t("Choose leaders"))
        st.caption(t("They take part in {run} from now on; their wheel history from earlier runs stays theirs.").format(
            run=md(run.name)))
        st.form_submit_button(t("Add to this run"), key="co_add_button", type="primary", on_click=add_leaders)
else:
    st.caption(t("Every active leader takes part in this run."))

close_errors = st.session_state.pop("_co_close_errors", [])
if close_errors:
    st.session_state[SECTION_KEY] = True  # keep the section open where the errors are
with st.expander(t("Close this run and start the next"), key=SECTION_KEY, on_change="rerun",
                 icon=":material/event_repeat:"):
    st.markdown(t("Closing {run} keeps its schedule, attendance and publications in the archive and clears them for "
                  "the next run. Leaders keep their accounts, their wheel history, plans and reflections. Only the "
                  "leaders you choose below continue; add the others later if needed.").format(run=md(run.name)))
    if NEXT_NAME_KEY not in st.session_state:
        st.session_state[NEXT_NAME_KEY] = programme_runs.suggested_name(db)
    st.text_input(t("Name of the next run"), key=NEXT_NAME_KEY, max_chars=programme_runs.MAX_NAME)
    st.date_input(t("Kick-off date of the next run"), value=None, key=NEXT_KICKOFF_KEY, **LIMITS)
    picked = st.session_state.get(NEXT_KICKOFF_KEY)
    if isinstance(picked, date):
        if picked < date.today():
            st.warning(t("The kick-off date {day} is in the past.").format(day=dates.day(picked, lang)))
        reason = workdays.why_not_working(picked, lang)
        if reason:
            st.warning(t("The kick-off date {day} is {reason}, not a working day.").format(
                day=dates.day(picked, lang), reason=reason))
    members = {p[0]: p for p in programme_runs.running_leaders(db)}
    if any(u not in members for u in st.session_state.get(CONTINUING_KEY, [])):
        st.session_state[CONTINUING_KEY] = [u for u in st.session_state[CONTINUING_KEY] if u in members]
    st.multiselect(t("Leaders who continue in the next run"), list(members), format_func=lambda i: who(members[i]),
                   key=CONTINUING_KEY, placeholder=t("Choose leaders"))
    st.checkbox(t("I understand that the running run is closed"), key=CONFIRM_KEY)
    for message in close_errors:
        st.error(message)
    st.button(t("Close this run and start the next"), key="co_close", type="primary", on_click=close_run,
              icon=":material/event_repeat:")
