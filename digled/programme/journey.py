"""A leader's journey through the programme: the one door for "what is open, due or done for a
leader". Pages, the leader's home and reminders (reminder_due) all read `journey` / `journeys`.

The programme (data/programme.yaml, dates from content.programme.schedule) is the same for
everyone; this module answers the per-leader questions: which activities are open, booked, done,
missed or passed before the leader joined, how far along am I, what is my single next step. It
writes table progress (the leader's own marks, `mark_done`; the marks attendance registers,
`record_marks`); the service check's registration is service.register_done.

Rules (the leader's home page and the tests read the same functions):

- **Joined**: the day the leader was invited (`users.invited_at`, else `activated_at`). A leader
  is a *late joiner* when some activity's window closed before that day.
- **Status** of an activity for a leader on a day is one of `not_open`, `open`, `booked`,
  `done`, `missed`, `passed`:
  - `done`: a progress row `done` or `attended` (for the service check: the administrator
    registered it as held, service.register_done); for an assessment, a participation row for its
    round; for the service check, a help request, or a booked slot whose time has passed;
    always wins.
  - `booked`: the service check is booked for a slot that has not ended yet (booking is not
    attending).
  - `missed`: attendance registered as `absent` (for the service check: a no-show,
    service.register_no_show), or the due date has passed without `done`.
  - `passed`: the window closed before the leader joined: shown neutrally, never as missed.
    An untaken start assessment is the exception: it stays `open` for a late joiner.
  - `not_open` before the open date, otherwise `open`.
  - Kick-off and handbook are *informational*: they are never `missed`, and the handbook is
    `not_open` until it is unlocked.
- **Who marks what**: a leader marks films, the kick-off material and the handbook as done
  themselves (`mark_done`); meetings and workshops count through the attendance the
  administrator registers (attendance.register), the service check through its slot
  having passed or `service.register_done`; assessments through their submission.
- **Progress %** = done / all activities except the informational kick-off and handbook
  (the kick-off is the starting event, the handbook the reward of completion), rounded.
- **Next step** (`next_step`, the one function every page reads): an untaken start assessment
  once it has opened; else the open, not-done activity due first (the kick-off only on its own
  day); else the activity that opens next; else a missed (or passed-before-joining) film or
  assessment to catch up on; else none.
- **Handbook** is unlocked when the leader has taken the end assessment, or from the day the
  handbook opens in the schedule, whichever comes first.

Reflections (reflections.py), the administrator's schedule (schedule.py) and attendance
(attendance.py) live beside it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlite_utils

from digled.assessment import answering
from digled.content.activities import Activity, Programme
from digled.content.programme import Dates, programme, schedule
from digled.platform import dates
from digled.platform.db import write
from digled.platform.i18n import N_, translator
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
class FollowupDue:
    """A follow-up round open today that the leader has not taken (answering.FOLLOWUP_ROUNDS):
    due after the programme, beside its timeline. The home page and the reminder e-mail both
    read it from the journey (`Journey.followup`), so they always agree."""

    round: str
    opens: date
    closes: date  # the last day it is open
    page: str = "pages/assessment.py"  # the assessment page opens the round that is due

    @property
    def link(self) -> dict[str, str]:
        return {}

    def when(self, lang: str, length: str = "medium") -> str:
        return dates.day_range(self.opens, self.closes, lang, length)


def followup_due(window: answering.FollowupWindow | None, taken: Iterable[str]) -> FollowupDue | None:
    """The follow-up due for a leader who has taken `taken` rounds, while `window` is open (None:
    none open today, or the follow-up rounds are off)."""
    if window is None or window.round in set(taken):
        return None
    return FollowupDue(window.round, window.opens, window.closes)


def open_followup_window(db: sqlite_utils.Database, prog: Programme, today: date) -> answering.FollowupWindow | None:
    """The follow-up round's window open on `today` (None while none is, or the rounds are off)."""
    return next((w for w in answering.followup_windows(db, prog) if w.opens <= today <= w.closes), None)


@dataclass(frozen=True)
class Journey:
    """A leader's whole timeline on one day, with progress and the next step."""

    steps: tuple[Step, ...]
    done: int
    total: int
    next_step: Step | None
    joined: date | None = None
    followup: FollowupDue | None = None  # an open follow-up round not taken yet: due now

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


def handbook_opens(db: sqlite_utils.Database, prog: Programme | None = None) -> date | None:
    """The day the handbook opens for everyone (None when the programme has no handbook)."""
    prog = prog or programme(db)
    return _handbook_day(prog, schedule(db, prog))


def _handbook_day(prog: Programme, dated: Mapping[str, Dates]) -> date | None:
    books = [dated[a.id].opens for a in prog.activities if a.kind == "handbook"]
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


def _first_day(values: Iterable) -> date | None:
    """The first value that reads as a day (an ISO date or timestamp), else None."""
    for value in values:
        if value:
            try:
                return date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


def joined_on(db: sqlite_utils.Database, user_id: int) -> date | None:
    """The day the leader joined the programme: invited, else activated (None when unknown)."""
    row = db.execute("SELECT invited_at, activated_at FROM users WHERE id = ?", [user_id]).fetchone()
    return _first_day(row or ())


# --- what the database says about leaders ---------------------------------------------------


@dataclass
class _Facts:
    """One leader's rows that decide their journey."""

    progress: dict[str, tuple[str, str]]  # activity -> (status, on_day)
    rounds: dict[str, str]  # assessment round -> the day it was taken
    joined: date | None = None
    service_done: str | None = None  # the day the service check was held or help was asked
    booked_for: datetime | None = None  # the start of a service check slot still ahead


_USERS_IN = "user_id IN (SELECT value FROM json_each(?))"


def _facts(db: sqlite_utils.Database, user_ids: list[int], now: datetime) -> dict[int, _Facts]:
    """The journey's rows for many leaders in a handful of queries."""
    ids = json.dumps(user_ids)
    facts = {uid: _Facts({}, {}) for uid in user_ids}
    for uid, activity, status, on_day in db.execute(
            f"SELECT user_id, activity, status, on_day FROM progress WHERE {_USERS_IN}", [ids]):
        facts[uid].progress[activity] = (status, on_day)
    for uid, round_, taken_on in db.execute(f"SELECT user_id, round, taken_on FROM participation WHERE {_USERS_IN}",
                                            [ids]):
        facts[uid].rounds[round_] = taken_on
    for uid, invited_at, activated_at in db.execute(
            "SELECT id, invited_at, activated_at FROM users WHERE id IN (SELECT value FROM json_each(?))", [ids]):
        facts[uid].joined = _first_day((invited_at, activated_at))
    helped = dict(db.execute(f"SELECT user_id, MIN(substr(created_at, 1, 10)) FROM help_requests WHERE {_USERS_IN} "
                             "GROUP BY user_id", [ids]).fetchall())
    bookings = service.bookings_of(db, user_ids)
    for uid, f in facts.items():
        no_show = f.progress.get(service.ACTIVITY, ("",))[0] == service.NO_SHOW
        f.service_done, f.booked_for = _service_check(helped.get(uid), bookings.get(uid), now, no_show)
    return facts


def _service_check(helped: str | None, booking: service.Booking | None,
                   now: datetime, no_show: bool = False) -> tuple[str | None, datetime | None]:
    """(done_on, booked_for) of the service check: done by a help request or by a booked slot
    that has ended (service.status); booked_for is the start of a slot still ahead or under way.
    A slot the administrator registered as a no-show counts for neither (the progress row
    `absent` then makes the step missed, unless a help request made it done). The
    administrator's registrations are progress rows, read with the other activities."""
    if no_show or booking is None or booking.slot is None:
        return helped, None
    state = service.status(booking, now)
    if state == "done":
        held = booking.slot.starts_at.date().isoformat()
        return (min(held, helped) if helped else held), None
    if state == "booked" and not helped:
        return None, booking.slot.starts_at
    return helped, None


# --- the journey ------------------------------------------------------------------------------


def journey(
    db: sqlite_utils.Database,
    user_id: int,
    prog: Programme | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Journey:
    """The leader's status for every activity on `today` (at the local time `now`, which decides
    whether a booked slot has taken place), progress and the next step."""
    return journeys(db, [user_id], prog, today, now)[user_id]


def journeys(
    db: sqlite_utils.Database,
    user_ids: Iterable[int],
    prog: Programme | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> dict[int, Journey]:
    """`journey` for many leaders at once (the same rules, read in a handful of queries), by user id."""
    prog = prog or programme(db)
    if now is None:
        now = datetime.now() if today is None or today == date.today() else datetime.combine(today, time.min)
    today = today or now.date()
    dated = schedule(db, prog)
    handbook_day = _handbook_day(prog, dated)
    user_ids = list(user_ids)
    window = open_followup_window(db, prog, today)
    return {uid: _journey(prog, dated, f, today, handbook_day, window) for uid, f in _facts(db, user_ids, now).items()}


def _journey(prog: Programme, dated: Mapping[str, Dates], facts: _Facts, today: date,
             handbook_day: date | None, window: answering.FollowupWindow | None = None) -> Journey:
    unlocked = "end" in facts.rounds or (handbook_day is not None and today >= handbook_day)
    steps = [_step(a, dated[a.id], facts, today, unlocked) for a in prog.activities]
    counted = [s for s in steps if s.counted]
    return Journey(
        steps=tuple(steps),
        done=sum(1 for s in counted if s.status == "done"),
        total=len(counted),
        next_step=next_step(steps, today),
        joined=facts.joined,
        followup=followup_due(window, facts.rounds),
    )


def _step(a: Activity, d: Dates, facts: _Facts, today: date, unlocked: bool) -> Step:
    """One activity's step for one leader on `today` (the status rules of the module)."""
    row = facts.progress.get(a.id)
    done_on, booked = None, None
    if row and row[0] in ("done", "attended"):
        done_on = row[1]
    elif a.kind == "assessment" and a.round in facts.rounds:
        done_on = facts.rounds[a.round]
    elif a.kind == "service_check":
        done_on, booked = facts.service_done, facts.booked_for
    before_joining = facts.joined is not None and d.due < facts.joined
    if done_on:
        status = "done"
    elif booked is not None:
        status = "booked"
    elif row and row[0] == "absent":
        status = "missed"
    elif today < d.opens or (a.kind == "handbook" and not unlocked):
        status = "not_open"
    elif before_joining and a.kind == "assessment" and a.round == "start":
        # the late joiner's first step: still theirs to take, from the day they joined
        return Step(a, d.opens, d.due, "open", done_on, booked, yours_from=facts.joined)
    elif before_joining:
        status = "passed"
    elif a.kind not in INFORMATIONAL_KINDS and today > d.due:
        status = "missed"
    else:
        status = "open"
    return Step(a, d.opens, d.due, status, done_on, booked)


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


def record_marks(db: sqlite_utils.Database, activity_id: str, marks: Mapping[int, str | None], today: date) -> int:
    """Store registered marks for an activity ('attended', 'absent', or None: not registered)
    per leader; returns how many leaders changed. The caller checks who may register what
    (attendance.register)."""
    with write(db):
        before = {
            r[0]: r[1] for r in db.execute("SELECT user_id, status FROM progress WHERE activity = ?", [activity_id])
        }
        changed = 0
        for user_id, status in marks.items():
            if before.get(user_id) == status:
                continue
            changed += 1
            if status is None:
                db.execute("DELETE FROM progress WHERE user_id = ? AND activity = ?", [user_id, activity_id])
            else:
                db.execute(
                    "INSERT INTO progress (user_id, activity, status, on_day) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(user_id, activity) DO UPDATE SET status = excluded.status, on_day = excluded.on_day",
                    [int(user_id), activity_id, status, today.isoformat()],
                )
    return changed


def registered_marks(db: sqlite_utils.Database, activity_id: str) -> dict[int, str]:
    """The registered marks of an activity ('attended' / 'absent') by user id."""
    return dict(db.execute(
        "SELECT user_id, status FROM progress WHERE activity = ? AND status IN ('attended', 'absent')", [activity_id]
    ).fetchall())


def record_history(db: sqlite_utils.Database, rows: Iterable[tuple[int, str, str, str]]) -> None:
    """Store steps taken on past days as they are ((user id, activity, status, ISO day) per row),
    in one write: for the demo's invented history, which no leader's own action could make."""
    with write(db):
        db.conn.executemany("INSERT INTO progress (user_id, activity, status, on_day) VALUES (?, ?, ?, ?)", list(rows))
