"""The first-run wizard of an empty installation (outside demo): name the run, set the kick-off,
review the generated dates, add the first participants.

Pure domain code (no streamlit): pages/admin_setup.py draws it. The wizard's state lives in the
settings table (`setup_state`, JSON: the current step, the steps done, what was typed but not
yet saved), so it resumes after a logout, a refresh or a restart. The run's name is the setting
`cohort_name` (the cohort migration later makes it the first cohort's name). Every change is
written to the audit log.

A kick-off date is never refused: a day in the past, a non-working day, or a date that leaves
activities in the past is saved with a warning that says so (before and after saving).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlite_utils

from digled.accounts import auth, programme_runs
from digled.content.activities import Programme
from digled.content.programme import Dates, kickoff_date, planned, programme
from digled.platform import audit, dates, workdays
from digled.platform.db import get_setting, set_setting, write
from digled.platform.i18n import N_, MessageError, text
from digled.platform.validation import clean
from digled.programme import schedule
from digled.programme.errors import ProgrammeError

STATE_KEY = "setup_state"
COHORT_KEY = "cohort_name"
MAX_COHORT_NAME = programme_runs.MAX_NAME
STEPS = (1, 2, 3, 4)
MISSING = {
    1: N_("Step 1 is not done yet: name the run."),
    2: N_("Step 2 is not done yet: save the kick-off date."),
}
STEP_TITLES = {
    1: N_("Name the run"),
    2: N_("Set the kick-off date"),
    3: N_("Review the dates"),
    4: N_("Add the first participants"),
}


class SetupError(ProgrammeError):
    """A wizard step refused (a message id naming what is wrong; nothing saved)."""


@dataclass(frozen=True)
class State:
    """Where the administrator is in the wizard. `drafts`: what was typed but not yet saved
    (field name -> text), kept so that nothing typed is lost. `finished`: ISO time or None."""

    step: int = 1
    done: frozenset[int] = frozenset()
    drafts: dict = field(default_factory=dict)
    finished: str | None = None


def state(db: sqlite_utils.Database) -> State:
    """The stored wizard state (a fresh State when there is none or it cannot be read)."""
    try:
        raw = json.loads(get_setting(db, STATE_KEY, "{}") or "{}")
        step = int(raw.get("step", 1))
        return State(
            step=step if step in STEPS else 1,
            done=frozenset(int(s) for s in raw.get("done", ()) if int(s) in STEPS),
            drafts={str(k): str(v) for k, v in (raw.get("drafts") or {}).items()},
            finished=raw.get("finished") or None,
        )
    except (ValueError, TypeError, AttributeError):
        return State()


def _store(db: sqlite_utils.Database, s: State) -> None:
    value = json.dumps({"step": s.step, "done": sorted(s.done), "drafts": s.drafts, "finished": s.finished},
                       sort_keys=True, ensure_ascii=False)
    set_setting(db, STATE_KEY, value)


def _update(db: sqlite_utils.Database, **changes) -> State:
    with write(db):
        s = state(db)
        s = State(**{**s.__dict__, **changes})
        _store(db, s)
    return s


def go_to(db: sqlite_utils.Database, step: int) -> State:
    """Remember the step the administrator is on."""
    if step not in STEPS:
        raise ValueError(f"no wizard step {step}")
    return _update(db, step=step)


def save_draft(db: sqlite_utils.Database, name: str, value: str | None) -> None:
    """Keep what was typed into a wizard field (None or '' forgets it)."""
    with write(db):
        s = state(db)
        drafts = dict(s.drafts)
        if value in (None, ""):
            drafts.pop(name, None)
        else:
            drafts[name] = str(value)
        _store(db, State(s.step, s.done, drafts, s.finished))


def _mark_done(db: sqlite_utils.Database, step: int, *forget: str) -> None:
    with write(db):
        s = state(db)
        drafts = {k: v for k, v in s.drafts.items() if k not in forget}
        _store(db, State(s.step, s.done | {step}, drafts, s.finished))


# --- who needs the wizard ------------------------------------------------------------------------


def is_demo(db: sqlite_utils.Database) -> bool:
    """True for a demo installation (the demo loader sets the setting `demo` to "1")."""
    return get_setting(db, "demo") == "1"


def participant_count(db: sqlite_utils.Database) -> int:
    """How many participants (accounts with the leader role, active or not) there are."""
    return len(auth.leader_ids(db))


def needs_setup(db: sqlite_utils.Database) -> bool:
    """True for an installation that is not a demo, where the administrator has not finished the
    wizard and there are no participants yet: the administrator lands on the wizard."""
    return not is_demo(db) and state(db).finished is None and participant_count(db) == 0


def wizard_open(db: sqlite_utils.Database) -> bool:
    """True while the wizard is offered in the menu: not a demo and not finished."""
    return not is_demo(db) and state(db).finished is None


def wizard_status(db: sqlite_utils.Database) -> str | None:
    """"needed" (needs_setup: the administrator lands on the wizard), "open" (wizard_open: offered
    in the menu until finished), or None; the settings are read once."""
    if is_demo(db) or state(db).finished is not None:
        return None
    return "needed" if participant_count(db) == 0 else "open"


# --- step 1: the run's name ----------------------------------------------------------------------


def cohort_name(db: sqlite_utils.Database) -> str | None:
    """The running run's name once an administrator named a run (here or on *Forløb*), or None
    (the setting only says that step 1 was done: the name lives with the run, cohorts.py)."""
    return programme_runs.running(db).name if get_setting(db, COHORT_KEY) else None


def cohort_name_problem(value) -> MessageError | None:
    """What is wrong with a run's name (cohorts.name_problem: missing, longer than 80
    characters, a formula, control characters), or None."""
    problem = programme_runs.name_problem(value)
    return SetupError(problem.msg, **problem.params) if problem else None


def set_cohort_name(db: sqlite_utils.Database, actor: str, value: str) -> str:
    """Store the run's name (step 1 done), which is also the running cohort's name (cohorts.py);
    raise SetupError when it is not acceptable."""
    problem = cohort_name_problem(value)
    if problem:
        raise problem
    name = clean(value)
    with write(db):
        before = cohort_name(db)
        try:
            programme_runs.rename(db, programme_runs.running_id(db), name, actor, log=False)
        except programme_runs.CohortError as e:
            raise SetupError(e.msg, **e.params) from None
        if before != name:
            set_setting(db, COHORT_KEY, name)
            audit.log(db, actor, "set cohort_name", name)
        _mark_done(db, 1, "cohort_name")
    return name


# --- step 2: the kick-off ------------------------------------------------------------------------


def kickoff_is_set(db: sqlite_utils.Database) -> bool:
    """True once a kick-off date was saved in this installation (not the YAML's default)."""
    return bool(get_setting(db, "kickoff_date"))


def dates_with_kickoff(db: sqlite_utils.Database, day: date, prog: Programme | None = None) -> dict[str, Dates]:
    """Every activity's dates if the kick-off were `day`: the dates set by hand stay, the others
    follow the kick-off on working days (as programme.planned computes them)."""
    return {activity_id: p.dates for activity_id, p in planned(db, prog or programme(), kickoff=day).items()}


def past_activities(db: sqlite_utils.Database, lang: str, day: date, prog: Programme | None = None,
                    today: date | None = None) -> list[str]:
    """The names of the activities that would open or be due before `today` with the kick-off
    on `day`, in programme order."""
    prog = prog or programme()
    today = today or date.today()
    planned = dates_with_kickoff(db, day, prog)
    return [text(a.title, lang) for a in prog.activities if min(planned[a.id].opens, planned[a.id].due) < today]


def kickoff_warnings(db: sqlite_utils.Database, lang: str, day: date, prog: Programme | None = None,
                     today: date | None = None) -> list[schedule.ScheduleWarning]:
    """What to tell the administrator about a kick-off on `day` (saved or not): the day is in the
    past, is not a working day (weekend, public holiday, Grundlovsdag), and which activities would
    have dates in the past. Nothing is refused."""
    prog = prog or programme()
    today = today or date.today()
    out = []
    if day < today:
        out.append(schedule.ScheduleWarning(N_("The kick-off date {day} is in the past."), day=dates.day(day, lang)))
    reason = workdays.why_not_working(day, lang)
    if reason:
        out.append(schedule.ScheduleWarning(N_("The kick-off date {day} is {reason}, not a working day."),
                                           day=dates.day(day, lang), reason=reason))
    past = past_activities(db, lang, day, prog, today)
    if past:
        out.append(schedule.ScheduleWarning(
            N_("{n} of {total} activities would have dates in the past, and leaders would see them as missed: "
               "{activities}."),
            n=len(past), total=len(prog.activities), activities=", ".join(past),
        ))
    return out


def save_kickoff(db: sqlite_utils.Database, actor: str, day: date) -> None:
    """Save the kick-off date (schedule.set_kickoff: audited; activities not set by hand follow it)
    and mark step 2 done. Never refused: show kickoff_warnings."""
    if not isinstance(day, date):
        raise SetupError(N_("Choose the kick-off date."))
    with write(db):
        schedule.set_kickoff(db, actor, day)
        _mark_done(db, 2, "kickoff")


def stored_kickoff(db: sqlite_utils.Database, prog: Programme | None = None) -> date | None:
    """The saved kick-off date, or None while only the programme's default applies."""
    return kickoff_date(db, prog or programme()) if kickoff_is_set(db) else None


# --- step 3: the review --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    """One activity as the review shows it: its dates and where they come from (notes are
    messages to translate)."""

    title: str
    kind: str
    opens: date
    due: date
    notes: tuple[MessageError, ...]


def review_rows(db: sqlite_utils.Database, lang: str, prog: Programme | None = None) -> list[ReviewRow]:
    """Every activity's stored opening and due dates, with why a date follows the kick-off or was
    moved off a weekend or holiday ("moved from 16. maj 2027 (søndag)"), or was set by hand."""
    prog = prog or programme()
    out = []
    for r in schedule.rows(db, lang, prog):
        if r.by_hand:
            notes = [MessageError(N_("set by hand"))]
            for day in sorted({r.opens, r.due}):
                reason = workdays.why_not_working(day, lang)
                if reason:
                    notes.append(MessageError(N_("not a working day ({reason})"), reason=reason))
        else:
            notes = [MessageError(N_("follows the kick-off"))]
            if r.opens_from is not None and r.opens_from == r.due_from:
                moves = [(N_("moved from {day} ({reason})"), r.opens_from)]
            else:
                moves = [(N_("opens moved from {day} ({reason})"), r.opens_from),
                         (N_("due moved from {day} ({reason})"), r.due_from)]
            for message, day in moves:
                if day is not None:
                    notes.append(MessageError(message, day=dates.day(day, lang, "medium"),
                                              reason=workdays.why_not_working(day, lang)))
        out.append(ReviewRow(r.title, r.kind, r.opens, r.due, tuple(notes)))
    return out


def stored_warnings(db: sqlite_utils.Database, lang: str, prog: Programme | None = None,
                    today: date | None = None) -> list[schedule.ScheduleWarning]:
    """The schedule page's warnings for the stored schedule (schedule.warnings), plus
    which activities lie in the past: what the review step and the saved kick-off show."""
    prog = prog or programme()
    today = today or date.today()
    out = list(schedule.warnings(db, lang, prog, today))
    past = past_activities(db, lang, kickoff_date(db, prog), prog, today)
    if past:
        out.append(schedule.ScheduleWarning(
            N_("{n} of {total} activities have dates in the past, and leaders see them as missed: {activities}."),
            n=len(past), total=len(prog.activities), activities=", ".join(past),
        ))
    return out


def mark_reviewed(db: sqlite_utils.Database) -> None:
    """Step 3 done (the administrator read the generated dates)."""
    _mark_done(db, 3)


# --- finishing -----------------------------------------------------------------------------------


def missing_steps(db: sqlite_utils.Database) -> list[int]:
    """The steps that must be done before finishing: the name and the kick-off."""
    return [step for step, ok in ((1, cohort_name(db) is not None), (2, kickoff_is_set(db))) if not ok]


def finish(db: sqlite_utils.Database, actor: str, now: datetime | None = None) -> None:
    """Finish the wizard (audited); raise SetupError naming the first step still to do."""
    missing = missing_steps(db)
    if missing:
        raise SetupError(MISSING[missing[0]])
    now = now or datetime.now(UTC)
    with write(db):
        s = state(db)
        _store(db, State(s.step, s.done | {4}, {}, now.isoformat(timespec="seconds")))
        audit.log(db, actor, "finish setup", f"{cohort_name(db)}; {participant_count(db)} participants")
