"""The administrator's schedule: the kick-off date and the dates set by hand per activity
(settings kickoff_date and schedule_overrides). Every activity not set by hand follows the
kick-off (its offsets, moved forward to working days: content.programme.schedule); a date set by
hand is kept exactly as given, a day off included (`warnings` says so), and an edited
date equal to the one generated from the kick-off follows the kick-off again. Every change
writes the audit log; a refused change (ScheduleError) writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlite_utils

from digled.content.activities import Programme
from digled.content.programme import Dates, generated_dates, hand_set_dates, kickoff_date, planned, programme, schedule
from digled.platform import audit, dates, workdays
from digled.platform.db import delete_setting, set_setting, write
from digled.platform.i18n import N_, text
from digled.programme.errors import ProgrammeError


class ScheduleError(ProgrammeError):
    """An administrator's schedule or attendance change was refused; the message names the
    activity. Nothing was written."""



def set_kickoff(db: sqlite_utils.Database, actor: str, day: date) -> None:
    """Move the kick-off; every activity not set by hand follows it (on working days), and the
    dates set by hand stay exactly as they were."""
    with write(db):
        set_setting(db, "kickoff_date", day.isoformat())
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


def rows(db: sqlite_utils.Database, lang: str, prog: Programme | None = None) -> list[ScheduleRow]:
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


def warnings(
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


def problems(
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


def save(
    db: sqlite_utils.Database,
    actor: str,
    edits: Mapping[str, tuple[date, date]],
    lang: str = "da",
    prog: Programme | None = None,
) -> list[str]:
    """Store edited dates, kept exactly as given (a day off is allowed: see `warnings`);
    an activity whose dates equal the ones generated from the kick-off follows the kick-off
    again. Raises the first ScheduleError (nothing written); returns the ids that changed."""
    prog = prog or programme(db)
    refused = problems(edits, lang, prog)
    if refused:
        raise refused[0]
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
            set_setting(db, "schedule_overrides", json.dumps(overrides, sort_keys=True))
            audit.log(db, actor, "set schedule", ", ".join(
                f"{i} {edits[i][0].isoformat()}..{edits[i][1].isoformat()}" for i in changed
            ))
    return changed


def reset(db: sqlite_utils.Database, actor: str) -> None:
    """Let every activity follow the kick-off again (drop all per-activity dates)."""
    with write(db):
        delete_setting(db, "schedule_overrides")
        audit.log(db, actor, "reset schedule", "")
