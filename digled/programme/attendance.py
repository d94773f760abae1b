"""Attendance: the administrator registers who attended a leader meeting or a joint workshop
(attended, absent, or not registered), from the day it takes place; a member nobody has
registered yet is 'not registered', never 'absent'. The marks are rows of table progress,
written through journey.record_marks; every change writes the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import sqlite_utils

from digled.accounts import auth, programme_runs
from digled.content.activities import Activity, Programme
from digled.content.programme import programme, schedule
from digled.platform import audit
from digled.platform.db import write
from digled.platform.i18n import N_
from digled.programme import journey
from digled.programme.journey import ATTENDANCE_KINDS
from digled.programme.schedule import ScheduleError


def active_leaders(db: sqlite_utils.Database) -> list[dict]:
    """Active users with the leader role, by name: id, name, municipality, area."""
    return list(
        db.query(
            "SELECT id, name, municipality, area FROM users "
            f"WHERE active = 1 AND {auth.LEADER_SQL} AND " + programme_runs.IN_RUNNING
            + " ORDER BY name, id"
        )
    )


def activities(prog: Programme | None = None) -> list[Activity]:
    """The activities with registered attendance (meetings and workshops), in order."""
    return [a for a in (prog or programme()).activities if a.kind in ATTENDANCE_KINDS]


def table(db: sqlite_utils.Database, activity_id: str) -> pd.DataFrame:
    """One row per active leader: user_id, name, municipality, area, status
    ('attended', 'absent', or missing (NA) when not registered)."""
    rows = [dict(r, status=None) for r in active_leaders(db)]
    marks = journey.registered_marks(db, activity_id)
    for r in rows:
        r["status"] = marks.get(r["id"])
    df = pd.DataFrame(rows, columns=["id", "name", "municipality", "area", "status"])
    return df.rename(columns={"id": "user_id"})


def opens(db: sqlite_utils.Database, activity_id: str, prog: Programme | None = None) -> date:
    """The first day attendance may be registered for a meeting or workshop: the day it takes
    place (the first day of its window). Before it nothing is registered: a member nobody has
    registered yet is 'not registered', never 'absent'."""
    return schedule(db, prog or programme(db))[activity_id].opens


def is_open(db: sqlite_utils.Database, activity_id: str, prog: Programme | None = None,
                    today: date | None = None) -> bool:
    """True from the day attendance may be registered (`opens`)."""
    return (today or date.today()) >= opens(db, activity_id, prog)


def register(
    db: sqlite_utils.Database,
    actor: str,
    activity_id: str,
    marks: Mapping[int, bool | None],
    prog: Programme | None = None,
    today: date | None = None,
) -> int:
    """Register attended (True), absent (False) or not registered (None) per leader for a
    meeting or workshop; returns how many leaders changed. Refused (ScheduleError, nothing
    written) before the activity's day (`opens`)."""
    prog = prog or programme(db)
    today = today or date.today()
    try:
        a = prog.activity(activity_id)
    except KeyError:
        raise ScheduleError(N_("Unknown activity: {activity}."), activity=activity_id) from None
    if a.kind not in ATTENDANCE_KINDS:
        raise ScheduleError(N_("{activity}: attendance is only registered for meetings and workshops."), activity=a.id)
    first_day = opens(db, a.id, prog)
    if today < first_day:
        raise ScheduleError(N_("{activity} has not taken place yet: attendance can be registered from {day}."),
                            activity=a.id, day=first_day)
    statuses = {user_id: None if mark is None else ("attended" if mark else "absent") for user_id, mark in marks.items()}
    with write(db):
        changed = journey.record_marks(db, a.id, statuses, today)
        if changed:
            attended = sum(1 for m in marks.values() if m)
            audit.log(db, actor, "register attendance", f"{a.id}: {changed} changed, {attended} attended")
    return changed
