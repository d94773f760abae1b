"""A leader's journey through the programme, and the administrator's schedule and attendance.

The programme (data/programme.yaml, dates from programme.schedule) is the same for everyone;
this module answers the per-leader questions: which activities are open, booked, done, missed
or passed before the leader joined, how far along am I, what is my single next step, and it
stores the leader's private reflections.

Rules (the leader's home page and the tests read the same functions):

- **Joined**: the day the leader was invited (`users.invited_at`, else `activated_at`). A leader
  is a *late joiner* when some activity's window closed before that day.
- **Status** of an activity for a leader on a day is one of `not_open`, `open`, `booked`,
  `done`, `missed`, `passed`:
  - `done`: a progress row `done` or `attended` (for the service check: the administrator
    registered it, service.register_done); for an assessment, a participation row for its round; for the service
    check, a help request, or a booked slot whose time has passed; always wins.
  - `booked`: the service check is booked for a slot that has not ended yet (booking is not
    attending).
  - `missed`: attendance registered as `absent`, or the due date has passed without `done`.
  - `passed`: the window closed before the leader joined: shown neutrally, never as missed.
    An untaken start assessment is the exception: it stays `open` for a late joiner.
  - `not_open` before the open date, otherwise `open`.
  - Kick-off and handbook are *informational*: they are never `missed`, and the handbook is
    `not_open` until it is unlocked.
- **Who marks what**: a leader marks films, the kick-off material and the handbook as done
  themselves (`mark_done`); meetings and workshops count through the attendance the
  administrator registers (`register_attendance`), the service check through its slot having
  passed or `service.register_done`; assessments through their submission.
- **Progress %** = done / all activities except the informational kick-off and handbook
  (the kick-off is the starting event, the handbook the reward of completion), rounded.
- **Next step** (`next_step`, the one function every page reads): an untaken start assessment
  once it has opened; else the open, not-done activity due first (the kick-off only on its own
  day); else the activity that opens next; else a missed (or passed-before-joining) film or
  assessment to catch up on; else none.
- **Handbook** is unlocked when the leader has taken the end assessment, or from the day the
  handbook opens in the schedule, whichever comes first.
- **Reflections** are private notes, one row per question; saving empty text deletes the row.
  Only the leader's own user id ever reads them; the leader can export them as Markdown.

Every administrator change (kick-off, per-activity dates, attendance) writes the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pandas as pd
import sqlite_utils

from digled.accounts import programme_runs
from digled.content.activities import Activity, Programme
from digled.content.programme import Dates, generated_dates, hand_set_dates, kickoff_date, planned, programme, schedule
from digled.platform import audit, dates, workdays
from digled.platform.db import write
from digled.platform.i18n import N_, text, translator
from digled.programme import service
from digled.programme.errors import ProgrammeError

STATUSES = ("not_open", "open", "booked", "done", "missed", "passed")
ATTENDANCE_KINDS = ("meeting", "workshop")
OPEN_SINCE = N_("open to you since {day}")
SELF_MARKED_KINDS = ("kickoff", "elearning", "kl_film", "handbook")
INFORMATIONAL_KINDS = ("kickoff", "handbook")
CATCH_UP_KINDS = ("elearning", "kl_film", "assessment")
PAGE_FOR_KIND = {
    "kickoff": "pages/materials.py",
    "assessment": "pages/assessment.py",
    "elearning": "pages/films.py",
    "kl_film": "pages/films.py",
    "meeting": "pages/meetings.py",
    "workshop": "pages/meetings.py",
    "service_check": "pages/service_check.py",
    "handbook": "pages/materials.py",
}
MAX_REFLECTION_CHARS = 10_000
KIND_NAMES = {
    "kickoff": N_("Kick-off"),
    "assessment": N_("Competence assessment"),
    "elearning": N_("E-learning film"),
    "kl_film": N_("KL film"),
    "meeting": N_("Leader meeting"),
    "workshop": N_("Joint workshop"),
    "service_check": N_("Service check"),
    "handbook": N_("Handbook"),
}
STATUS_NAMES = {
    "not_open": N_("Not yet open"),
    "open": N_("Open"),
    "done": N_("Done"),
    "missed": N_("Missed"),
    "booked": N_("Booked"),
    "passed": N_("Before you joined"),
}
STATUS_COLOURS = {
    "not_open": "gray", "open": "blue", "booked": "violet", "done": "green", "missed": "red", "passed": "gray",
}


class JourneyError(ProgrammeError):
    """A leader's action was refused (unknown activity or question, not open yet, not theirs
    to mark). Nothing was written."""


class ScheduleError(ProgrammeError):
    """An administrator's schedule or attendance change was refused; the message names the
    activity. Nothing was written."""


# --- the leader's journey -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One activity on one leader's timeline."""

    activity: Activity
    opens: date
    due: date
    status: str
    done_on: str | None = None
    booked_for: datetime | None = None  # the service check slot's start, when booked
    # the late joiner's untaken start assessment: theirs to take from the day they joined (its
    # window closed before that day and is never shown as current)
    yours_from: date | None = None

    @property
    def page(self) -> str:
        return PAGE_FOR_KIND[self.activity.kind]

    @property
    def link(self) -> dict[str, str]:
        """The query parameters that make the activity's page show exactly this item."""
        return {"item": self.activity.id}

    @property
    def counted(self) -> bool:
        return self.activity.kind not in INFORMATIONAL_KINDS

    def when(self, lang: str, length: str = "medium") -> str:
        """The activity's day or window in the user's language ('13. aug. 2026 – 3. sep. 2026');
        for a late joiner's start assessment the day it became theirs ('open to you since ...')."""
        if self.yours_from is not None:
            return translator(lang)(OPEN_SINCE).format(day=dates.day(self.yours_from, lang, length))
        return dates.day_range(self.opens, self.due, lang, length)

    def done_day(self, lang: str) -> str:
        """The day it was done, in the user's language ('' when not done)."""
        return dates.day(date.fromisoformat(self.done_on[:10]), lang, "medium") if self.done_on else ""


@dataclass(frozen=True)
class Journey:
    """A leader's whole timeline on one day, with progress and the next step."""

    steps: tuple[Step, ...]
    done: int
    total: int
    next_step: Step | None
    joined: date | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def late(self) -> bool:
        """True when some activity's window closed before the leader joined."""
        return self.joined is not None and any(s.due < self.joined for s in self.steps)

    @property
    def still_ahead(self) -> tuple[Step, ...]:
        """The leader's personal plan: what is open, booked or still to come."""
        return tuple(s for s in self.steps if s.status in ("open", "booked", "not_open"))

    @property
    def before_joining(self) -> tuple[Step, ...]:
        """What took place before the leader joined (shown neutrally)."""
        return tuple(s for s in self.steps if s.status == "passed")

    def step(self, activity_id: str) -> Step:
        for s in self.steps:
            if s.activity.id == activity_id:
                return s
        raise KeyError(activity_id)


def _progress_rows(db: sqlite_utils.Database, user_id: int) -> dict[str, tuple[str, str]]:
    return {
        r[0]: (r[1], r[2])
        for r in db.execute("SELECT activity, status, on_day FROM progress WHERE user_id = ?", [user_id])
    }


def handbook_opens(db: sqlite_utils.Database, prog: Programme | None = None) -> date | None:
    """The day the handbook opens for everyone (None when the programme has no handbook)."""
    prog = prog or programme(db)
    dates = schedule(db, prog)
    books = [dates[a.id].opens for a in prog.activities if a.kind == "handbook"]
    return min(books) if books else None


def handbook_unlocked(
    db: sqlite_utils.Database, user_id: int, prog: Programme | None = None, today: date | None = None
) -> bool:
    """True once the leader has taken the end assessment, or from the handbook's open date."""
    today = today or date.today()
    taken = db.execute(
        "SELECT 1 FROM participation WHERE user_id = ? AND round = 'end'", [user_id]
    ).fetchone()
    opens = handbook_opens(db, prog)
    return bool(taken) or (opens is not None and today >= opens)


def joined_on(db: sqlite_utils.Database, user_id: int) -> date | None:
    """The day the leader joined the programme: invited, else activated (None when unknown)."""
    row = db.execute("SELECT invited_at, activated_at FROM users WHERE id = ?", [user_id]).fetchone()
    for value in row or ():
        if value:
            try:
                return date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


def _service_check(db: sqlite_utils.Database, user_id: int, now: datetime) -> tuple[str | None, datetime | None]:
    """(done_on, booked_for) of the service check: done by a help request or by a booked slot
    that has ended (service.status); booked_for is the start of a slot still ahead or under way.
    The administrator's registration is a progress row, read with the other activities."""

    helped = db.execute("SELECT MIN(substr(created_at, 1, 10)) FROM help_requests WHERE user_id = ?",
                        [user_id]).fetchone()[0]
    booking = service.my_booking(db, user_id)
    state = service.status(booking, now) if booking is not None and booking.slot is not None else None
    if state == "done":
        held = booking.slot.starts_at.date().isoformat()
        return (min(held, helped) if helped else held), None
    if state == "booked" and not helped:
        return None, booking.slot.starts_at
    return helped, None


def journey(
    db: sqlite_utils.Database,
    user_id: int,
    prog: Programme | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Journey:
    """The leader's status for every activity on `today` (at the local time `now`, which decides
    whether a booked slot has taken place), progress and the next step."""
    prog = prog or programme(db)
    if now is None:
        now = datetime.now() if today is None or today == date.today() else datetime.combine(today, time.min)
    today = today or now.date()
    dated = schedule(db, prog)
    rows = _progress_rows(db, user_id)
    rounds = {
        r[0]: r[1] for r in db.execute("SELECT round, taken_on FROM participation WHERE user_id = ?", [user_id])
    }
    service_done, booked_for = _service_check(db, user_id, now)
    joined = joined_on(db, user_id)
    unlocked = handbook_unlocked(db, user_id, prog, today)
    steps = []
    for a in prog.activities:
        d = dated[a.id]
        row = rows.get(a.id)
        done_on, booked = None, None
        if row and row[0] in ("done", "attended"):
            done_on = row[1]
        elif a.kind == "assessment" and a.round in rounds:
            done_on = rounds[a.round]
        elif a.kind == "service_check":
            done_on, booked = service_done, booked_for
        before_joining = joined is not None and d.due < joined
        if done_on:
            status = "done"
        elif booked is not None:
            status = "booked"
        elif row and row[0] == "absent":
            status = "missed"
        elif today < d.opens or (a.kind == "handbook" and not unlocked):
            status = "not_open"
        elif before_joining and a.kind == "assessment" and a.round == "start":
            status = "open"  # the late joiner's first step: still theirs to take, from the day they joined
            steps.append(Step(a, d.opens, d.due, status, done_on, booked, yours_from=joined))
            continue
        elif before_joining:
            status = "passed"
        elif a.kind not in INFORMATIONAL_KINDS and today > d.due:
            status = "missed"
        else:
            status = "open"
        steps.append(Step(a, d.opens, d.due, status, done_on, booked))
    counted = [s for s in steps if s.counted]
    return Journey(
        steps=tuple(steps),
        done=sum(1 for s in counted if s.status == "done"),
        total=len(counted),
        next_step=next_step(steps, today),
        joined=joined,
    )


def next_step(steps, today: date) -> Step | None:
    """The single next step (see the module's rules): every page that names a next step (and
    anything else that does, such as reminders) should read this and nothing else."""
    steps = list(steps)
    order = {s.activity.id: i for i, s in enumerate(steps)}
    for s in steps:
        if (s.activity.kind == "assessment" and s.activity.round == "start"
                and s.status in ("open", "missed", "passed")):
            return s
    open_now = [
        s for s in steps
        if s.status == "open" and not (s.activity.kind == "kickoff" and today > s.due)
    ]
    if open_now:
        return min(open_now, key=lambda s: (s.due, s.opens, order[s.activity.id]))
    upcoming = [s for s in steps if s.status == "not_open" and s.opens > today]
    if upcoming:
        return min(upcoming, key=lambda s: (s.opens, order[s.activity.id]))
    catch_up = [s for s in steps if s.status in ("missed", "passed") and s.activity.kind in CATCH_UP_KINDS]
    if catch_up:
        return min(catch_up, key=lambda s: (s.status == "passed", s.due, order[s.activity.id]))
    return None


def _activity(prog: Programme, activity_id: str) -> Activity:
    try:
        return prog.activity(activity_id)
    except KeyError:
        raise JourneyError(N_("Unknown activity: {activity}."), activity=activity_id) from None


def mark_done(
    db: sqlite_utils.Database,
    user_id: int,
    activity_id: str,
    prog: Programme | None = None,
    today: date | None = None,
) -> None:
    """The leader marks a film, the kick-off material or the handbook as seen (idempotent)."""
    prog = prog or programme(db)
    today = today or date.today()
    a = _activity(prog, activity_id)
    if a.kind in ATTENDANCE_KINDS:
        raise JourneyError(N_("Attendance at meetings and workshops is registered by the programme administrator."))
    if a.kind not in SELF_MARKED_KINDS:
        raise JourneyError(N_("This activity counts as done by itself when you complete it."))
    opens = schedule(db, prog)[a.id].opens
    if a.kind == "handbook":
        if not handbook_unlocked(db, user_id, prog, today):
            raise JourneyError(N_("The handbook is available when you have completed the programme."))
    elif today < opens:
        raise JourneyError(N_("This activity is not open yet."))
    with write(db):
        db.execute(
            "INSERT INTO progress (user_id, activity, status, on_day) VALUES (?, ?, 'done', ?) "
            "ON CONFLICT(user_id, activity) DO NOTHING",
            [user_id, a.id, today.isoformat()],
        )


def unmark_done(db: sqlite_utils.Database, user_id: int, activity_id: str, prog: Programme | None = None) -> None:
    """Undo the leader's own 'seen' mark (attendance registered by the administrator stays)."""
    a = _activity(prog or programme(db), activity_id)
    if a.kind not in SELF_MARKED_KINDS:
        raise JourneyError(N_("This activity counts as done by itself when you complete it."))
    with write(db):
        db.execute(
            "DELETE FROM progress WHERE user_id = ? AND activity = ? AND status = 'done'", [user_id, a.id]
        )


# --- reflections (private notes) ------------------------------------------------------------


def _question_index(prog: Programme) -> dict[str, Activity]:
    return {r.id: a for a in prog.activities for r in a.reflections}


def save_reflection(
    db: sqlite_utils.Database,
    user_id: int,
    question_id: str,
    note: str | None,
    prog: Programme | None = None,
    now: datetime | None = None,
) -> None:
    """Store the leader's answer to one reflection question at once; empty text deletes it."""
    prog = prog or programme(db)
    activity = _question_index(prog).get(question_id)
    if activity is None:
        raise JourneyError(N_("Unknown reflection question: {question}."), question=question_id)
    note = note or ""
    if len(note) > MAX_REFLECTION_CHARS:
        raise JourneyError(N_("A reflection can be at most {n} characters."), n=MAX_REFLECTION_CHARS)
    now = now or datetime.now(UTC)
    with write(db):
        if not note.strip():
            db.execute("DELETE FROM reflections WHERE user_id = ? AND question = ?", [user_id, question_id])
        else:
            db.execute(
                "INSERT INTO reflections (user_id, question, activity, text, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(user_id, question) DO UPDATE SET text = excluded.text, "
                "activity = excluded.activity, updated_at = excluded.updated_at",
                [user_id, question_id, activity.id, note, now.isoformat(timespec="seconds")],
            )


def reflections(db: sqlite_utils.Database, user_id: int, activity_id: str | None = None) -> dict[str, str]:
    """The leader's own reflections by question id (optionally for one activity)."""
    sql = "SELECT question, text FROM reflections WHERE user_id = ?"
    args: list = [user_id]
    if activity_id is not None:
        sql += " AND activity = ?"
        args.append(activity_id)
    return {r[0]: r[1] for r in db.execute(sql, args)}


def reflections_saved_at(db: sqlite_utils.Database, user_id: int) -> dict[str, datetime]:
    """When each of the leader's reflections was last saved (aware datetimes), by question id."""
    out = {}
    for question, at in db.execute("SELECT question, updated_at FROM reflections WHERE user_id = ?", [user_id]):
        try:
            value = datetime.fromisoformat(at)
        except (TypeError, ValueError):
            continue
        out[question] = value if value.tzinfo else value.replace(tzinfo=UTC)
    return out


def export_reflections(
    db: sqlite_utils.Database,
    user_id: int,
    lang: str,
    t: Callable[[str], str],
    prog: Programme | None = None,
    today: date | None = None,
) -> str:
    """The leader's reflections as a Markdown document, in programme order ('' when none)."""
    prog = prog or programme(db)
    mine = reflections(db, user_id)
    if not mine:
        return ""
    today = today or date.today()
    lines = ["# " + t("My reflections") + ": " + text(prog.name, lang), "",
             t("Exported on {date}.").format(date=dates.day(today, lang)), ""]
    shown = set()
    for a in prog.activities:
        # questions removed by the administrator keep the leader's notes (marked as removed)
        answered = [(r, False) for r in a.reflections if mine.get(r.id, "").strip()]
        answered += [(r, True) for r in a.removed_reflections if mine.get(r.id, "").strip()]
        if not answered:
            continue
        lines += [f"## {text(a.title, lang)}", ""]
        for r, removed in answered:
            shown.add(r.id)
            note = " (" + t("question no longer in the programme") + ")" if removed else ""
            lines += [f"**{text(r.text, lang)}**{note}", ""]
            lines += [mine[r.id].strip(), ""]
    others = [q for q in mine if q not in shown and mine[q].strip()]
    if others:
        lines += ["## " + t("Other notes"), ""]
        for q in sorted(others):
            lines += [mine[q].strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


# --- the administrator: schedule --------------------------------------------------------------


def active_leaders(db: sqlite_utils.Database) -> list[dict]:
    """Active users with the leader role, by name: id, name, municipality, area."""
    return list(
        db.query(
            "SELECT id, name, municipality, area FROM users "
            "WHERE active = 1 AND (',' || roles || ',') LIKE '%,leader,%' AND " + programme_runs.IN_RUNNING
            + " ORDER BY name, id"
        )
    )


def set_kickoff(db: sqlite_utils.Database, actor: str, day: date) -> None:
    """Move the kick-off; every activity not set by hand follows it (on working days), and the
    dates set by hand stay exactly as they were."""
    with write(db):
        db.execute(
            "INSERT INTO settings (key, value) VALUES ('kickoff_date', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [day.isoformat()],
        )
        audit.log(db, actor, "set kickoff_date", day.isoformat())


@dataclass(frozen=True)
class ScheduleRow:
    """One activity in the schedule editor. `by_hand`: its dates were set by hand rather than
    following the kick-off. `opens_from`/`due_from`: for a date following the kick-off that was
    moved forward off a weekend or holiday, the day it was moved from (else None)."""

    id: str
    kind: str
    title: str
    opens: date
    due: date
    by_hand: bool
    opens_from: date | None = None
    due_from: date | None = None

    @property
    def moved(self) -> bool:
        """Old name of `by_hand`."""
        return self.by_hand


def schedule_rows(db: sqlite_utils.Database, lang: str, prog: Programme | None = None) -> list[ScheduleRow]:
    """The schedule as the administrator edits it, in programme order."""
    prog = prog or programme(db)
    plan = planned(db, prog)
    rows = []
    for a in prog.activities:
        p = plan[a.id]
        rows.append(ScheduleRow(
            a.id, a.kind, text(a.title, lang), p.dates.opens, p.dates.due, p.by_hand,
            p.offset_opens if p.opens_moved else None, p.offset_due if p.due_moved else None,
        ))
    return rows


class ScheduleWarning(ProgrammeError):
    """A schedule the administrator may want to reconsider (a date set by hand on a day off, a
    programme in the past). Saving is still allowed. `level` is "warning" or "info"."""

    def __init__(self, msg: str, level: str = "warning", **params):
        self.level = level
        super().__init__(msg, **params)


def _day_off(activity: str, day: date, lang: str) -> ScheduleWarning | None:
    reason = workdays.why_not_working(day, lang)
    if reason is None:
        return None
    return ScheduleWarning(N_("{activity}: {day} is {reason}, not a working day."),
                           activity=activity, day=dates.day(day, lang), reason=reason)


def schedule_warnings(
    db: sqlite_utils.Database, lang: str, prog: Programme | None = None, today: date | None = None
) -> list[ScheduleWarning]:
    """What the administrator should know about the stored schedule: a programme wholly in the
    past (or a kick-off in the past), and every date set by hand (the kick-off included) that is
    not a working day, each naming the activity, the date and the reason."""
    prog = prog or programme(db)
    today = today or date.today()
    plan = planned(db, prog)
    kickoff = kickoff_date(db, prog)
    out: list[ScheduleWarning] = []
    if max(p.dates.due for p in plan.values()) < today:
        out.append(ScheduleWarning(N_("All activities lie in the past: set the kick-off date of your programme.")))
    elif kickoff < today:
        out.append(ScheduleWarning(
            N_("The kick-off, {day}, is in the past: the activities before today have taken place."),
            level="info", day=dates.day(kickoff, lang),
        ))
    kickoff_name = next((text(a.title, lang) for a in prog.activities if a.kind == "kickoff"), "Kick-off")
    warning = _day_off(kickoff_name, kickoff, lang)
    if warning:
        out.append(warning)
    for a in prog.activities:
        p = plan[a.id]
        if not p.by_hand:
            continue
        for day in sorted({p.dates.opens, p.dates.due}):
            warning = _day_off(text(a.title, lang), day, lang)
            if warning:
                out.append(warning)
    return out


def schedule_problems(
    edits: Mapping[str, tuple[date | None, date | None]], lang: str, prog: Programme | None = None
) -> list[ScheduleError]:
    """Every problem in a set of edited dates {activity id: (opens, due)}, each naming the activity."""
    prog = prog or programme()
    problems = []
    for activity_id, (opens, due) in edits.items():
        try:
            name = text(prog.activity(activity_id).title, lang)
        except KeyError:
            problems.append(ScheduleError(N_("Unknown activity: {activity}."), activity=activity_id))
            continue
        if not isinstance(opens, date) or not isinstance(due, date):
            problems.append(ScheduleError(N_("{activity}: both the open date and the due date are needed."), activity=name))
        elif due < opens:
            problems.append(
                ScheduleError(
                    N_("{activity}: the due date {due} is before the open date {opens}."),
                    activity=name, opens=dates.day(opens, lang), due=dates.day(due, lang),
                )
            )
    return problems


def save_schedule(
    db: sqlite_utils.Database,
    actor: str,
    edits: Mapping[str, tuple[date, date]],
    lang: str = "da",
    prog: Programme | None = None,
) -> list[str]:
    """Store edited dates, kept exactly as given (a day off is allowed: see schedule_warnings);
    an activity whose dates equal the ones generated from the kick-off follows the kick-off
    again. Raises the first ScheduleError (nothing written); returns the ids that changed."""
    prog = prog or programme(db)
    problems = schedule_problems(edits, lang, prog)
    if problems:
        raise problems[0]
    with write(db):
        kickoff = kickoff_date(db, prog)
        current = schedule(db, prog)
        overrides = hand_set_dates(db)
        changed = []
        for activity_id, (opens, due) in edits.items():
            a = prog.activity(activity_id)
            if current[a.id] == Dates(opens, due):
                continue
            changed.append(a.id)
            if generated_dates(kickoff, a) == Dates(opens, due):
                overrides.pop(a.id, None)
            else:
                overrides[a.id] = {"opens": opens.isoformat(), "due": due.isoformat()}
        if changed:
            db.execute(
                "INSERT INTO settings (key, value) VALUES ('schedule_overrides', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [json.dumps(overrides, sort_keys=True)],
            )
            audit.log(db, actor, "set schedule", ", ".join(
                f"{i} {edits[i][0].isoformat()}..{edits[i][1].isoformat()}" for i in changed
            ))
    return changed


def reset_schedule(db: sqlite_utils.Database, actor: str) -> None:
    """Let every activity follow the kick-off again (drop all per-activity dates)."""
    with write(db):
        db.execute("DELETE FROM settings WHERE key = 'schedule_overrides'")
        audit.log(db, actor, "reset schedule", "")


# --- the administrator: attendance ------------------------------------------------------------


def attendance_activities(prog: Programme | None = None) -> list[Activity]:
    """The activities with registered attendance (meetings and workshops), in order."""
    return [a for a in (prog or programme()).activities if a.kind in ATTENDANCE_KINDS]


def attendance(db: sqlite_utils.Database, activity_id: str) -> pd.DataFrame:
    """One row per active leader: user_id, name, municipality, area, status
    ('attended', 'absent', or missing (NA) when not registered)."""
    rows = [dict(r, status=None) for r in active_leaders(db)]
    marks = {
        r[0]: r[1]
        for r in db.execute(
            "SELECT user_id, status FROM progress WHERE activity = ? AND status IN ('attended', 'absent')",
            [activity_id],
        )
    }
    for r in rows:
        r["status"] = marks.get(r["id"])
    df = pd.DataFrame(rows, columns=["id", "name", "municipality", "area", "status"])
    return df.rename(columns={"id": "user_id"})


def attendance_opens(db: sqlite_utils.Database, activity_id: str, prog: Programme | None = None) -> date:
    """The first day attendance may be registered for a meeting or workshop: the day it takes
    place (the first day of its window). Before it nothing is registered: a member nobody has
    registered yet is 'not registered', never 'absent'."""
    return schedule(db, prog or programme(db))[activity_id].opens


def attendance_open(db: sqlite_utils.Database, activity_id: str, prog: Programme | None = None,
                    today: date | None = None) -> bool:
    """True from the day attendance may be registered (`attendance_opens`)."""
    return (today or date.today()) >= attendance_opens(db, activity_id, prog)


def register_attendance(
    db: sqlite_utils.Database,
    actor: str,
    activity_id: str,
    marks: Mapping[int, bool | None],
    prog: Programme | None = None,
    today: date | None = None,
) -> int:
    """Register attended (True), absent (False) or not registered (None) per leader for a
    meeting or workshop; returns how many leaders changed. Refused (ScheduleError, nothing
    written) before the activity's day (`attendance_opens`)."""
    prog = prog or programme(db)
    today = today or date.today()
    try:
        a = prog.activity(activity_id)
    except KeyError:
        raise ScheduleError(N_("Unknown activity: {activity}."), activity=activity_id) from None
    if a.kind not in ATTENDANCE_KINDS:
        raise ScheduleError(N_("{activity}: attendance is only registered for meetings and workshops."), activity=a.id)
    opens = attendance_opens(db, a.id, prog)
    if today < opens:
        raise ScheduleError(N_("{activity} has not taken place yet: attendance can be registered from {day}."),
                            activity=a.id, day=opens)
    with write(db):
        before = {
            r[0]: r[1] for r in db.execute("SELECT user_id, status FROM progress WHERE activity = ?", [a.id])
        }
        changed = 0
        for user_id, mark in marks.items():
            status = None if mark is None else ("attended" if mark else "absent")
            if before.get(user_id) == status:
                continue
            changed += 1
            if status is None:
                db.execute("DELETE FROM progress WHERE user_id = ? AND activity = ?", [user_id, a.id])
            else:
                db.execute(
                    "INSERT INTO progress (user_id, activity, status, on_day) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(user_id, activity) DO UPDATE SET status = excluded.status, on_day = excluded.on_day",
                    [int(user_id), a.id, status, today.isoformat()],
                )
        if changed:
            attended = sum(1 for m in marks.values() if m)
            audit.log(db, actor, "register attendance", f"{a.id}: {changed} changed, {attended} attended")
    return changed


__all__ = [
    "Journey", "JourneyError", "ProgrammeError", "ScheduleError", "ScheduleRow", "Step",
    "active_leaders", "attendance", "attendance_activities", "attendance_open", "attendance_opens", "export_reflections", "handbook_opens",
    "handbook_unlocked", "joined_on", "journey", "mark_done", "next_step", "reflections", "reflections_saved_at", "register_attendance",
    "reset_schedule", "save_reflection", "save_schedule", "schedule_problems", "schedule_rows",
    "set_kickoff", "unmark_done",
]
