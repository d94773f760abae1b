"""The programme: its activities (data/programme.yaml) and their dates.

Activities carry day offsets from the kick-off; the real dates are the kick-off date (a
setting the administrator changes) plus the offsets, moved forward to the next Danish working
day (digled/platform/workdays.py), unless the administrator set a single activity's dates by hand
(per-activity overrides stored in the settings table as JSON, kept exactly as set).

An activity may also say when and where it takes place (for calendar files): `start` and
`end` as "HH:MM" (quoted in the YAML), `day` (a day offset from the kick-off within
opens..due; default: opens) and `place`. Without `start` it is a whole-day event.

Values the seed does not give (venues, times of day, minute marks) are listed in an activity's
`examples: [place, start, end, day, at_minute]`: they show (labelled) only in the demo; in a real
installation they are empty until an administrator sets them. `programme(db)` applies the
administrator's overrides (table content_overrides, see digled/content/admin_edits.py) to the
activities as data/programme.yaml writes them (digled/content/activities.py).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

import sqlite_utils

from digled.content import admin_edits
from digled.content.activities import Activity, Programme, as_written
from digled.platform import workdays
from digled.platform.db import get_setting

# The rows that decide the programme a database shows: the administrator's overrides (keys
# "activity:...", a range scan on the primary key) and the demo flag. One small query per call.
_CONTENT_SQL = (
    "SELECT key, value FROM content_overrides WHERE key >= 'activity:' AND key < 'activity;' "
    "UNION ALL SELECT 'setting:demo', value FROM settings WHERE key = 'demo'"
)


def content_rows(db: sqlite_utils.Database) -> tuple[tuple[str, str], ...]:
    """The override rows and demo flag of `db`, sorted (the cache key of `programme(db)`)."""
    try:
        return tuple(sorted(tuple(r) for r in db.execute(_CONTENT_SQL).fetchall()))
    except sqlite3.OperationalError:  # a database not yet migrated to content overrides
        return ()


def programme(db: sqlite_utils.Database | None = None) -> Programme:
    """The programme: without `db` the YAML as written (examples included); with `db` as that
    installation shows it: the administrator's overrides applied and, outside the demo, the
    example values empty. Cached per content version (the rows themselves), so a change made
    by another connection or process shows at the next call."""
    if db is None:
        return as_written()
    return _applied(content_rows(db))


@lru_cache(maxsize=16)
def _applied(rows: tuple[tuple[str, str], ...]) -> Programme:
    base = as_written()
    demo = dict(rows).get("setting:demo") == "1"
    overrides = admin_edits.parse_rows(base, [r for r in rows if r[0].startswith("activity:")])
    activities = tuple(admin_edits.apply(a, overrides.get(a.id, {}), demo) for a in base.activities)
    return replace(base, activities=activities)


@dataclass(frozen=True)
class Dates:
    opens: date
    due: date


@dataclass(frozen=True)
class Planned:
    """An activity's dates and where they come from.

    `by_hand`: the administrator set them (kept exactly as set). Otherwise they follow the
    kick-off: `offset_opens`/`offset_due` are kick-off + the programme's offsets, and `dates`
    are those moved forward to the next working day (the kick-off date itself is never moved:
    the administrator chose it)."""

    dates: Dates
    by_hand: bool
    offset_opens: date
    offset_due: date

    @property
    def opens_moved(self) -> bool:
        """A generated opening day moved off a weekend or holiday."""
        return not self.by_hand and self.dates.opens != self.offset_opens

    @property
    def due_moved(self) -> bool:
        """A generated due day moved off a weekend or holiday."""
        return not self.by_hand and self.dates.due != self.offset_due


def kickoff_date(db: sqlite_utils.Database, prog: Programme) -> date:
    value = get_setting(db, "kickoff_date")
    return date.fromisoformat(value) if value else prog.kickoff_date


def following_kickoff(kickoff: date, offset: int) -> date:
    """The generated date `offset` days after the kick-off, on a working day (the kick-off
    itself, offset 0, stays where the administrator put it)."""
    day = kickoff + timedelta(days=offset)
    return day if offset == 0 else workdays.next_working_day(day)


def generated_dates(kickoff: date, activity: Activity) -> Dates:
    """An activity's dates when it follows the kick-off: on working days, due never before opens."""
    opens = following_kickoff(kickoff, activity.opens)
    return Dates(opens, max(opens, following_kickoff(kickoff, activity.due)))


def hand_set_dates(db: sqlite_utils.Database) -> dict[str, dict[str, str]]:
    """The dates the administrator set by hand: {activity id: {"opens": ISO, "due": ISO}}."""
    return json.loads(get_setting(db, "schedule_overrides", "{}") or "{}")


def planned(db: sqlite_utils.Database, prog: Programme, kickoff: date | None = None,
            overrides: dict | None = None) -> dict[str, Planned]:
    """Every activity's dates with their source (set by hand, or following the kick-off). With
    `kickoff` (and `overrides`, dates set by hand), as they would be with those instead of the
    stored ones (a closed run's: programme_runs.schedule)."""
    kickoff = kickoff or kickoff_date(db, prog)
    overrides = hand_set_dates(db) if overrides is None else overrides
    out = {}
    for a in prog.activities:
        offset_opens, offset_due = kickoff + timedelta(days=a.opens), kickoff + timedelta(days=a.due)
        o = overrides.get(a.id)
        if o:
            dates = Dates(date.fromisoformat(o["opens"]), date.fromisoformat(o["due"]))
            out[a.id] = Planned(dates, True, offset_opens, offset_due)
        else:
            out[a.id] = Planned(generated_dates(kickoff, a), False, offset_opens, offset_due)
    return out


def schedule(db: sqlite_utils.Database, prog: Programme, kickoff: date | None = None,
             overrides: dict | None = None) -> dict[str, Dates]:
    """The real open/due dates of every activity: set by hand, or kick-off + offsets moved
    forward to working days (the running run's, unless `kickoff` and `overrides` are given)."""
    return {activity_id: p.dates for activity_id, p in planned(db, prog, kickoff, overrides).items()}


def event_day(activity: Activity, dates: Dates) -> date:
    """The day an activity takes place: its `day` (moved with its opening day), else it opens.

    A `day` between the opening and the due day is moved forward to a working day (never past
    the due day); a day that is the opening or due day is kept, as those are already working
    days when they follow the kick-off and are kept as set when set by hand."""
    if activity.day is None:
        return dates.opens
    day = dates.opens + timedelta(days=activity.day - activity.opens)
    if day in (dates.opens, dates.due):
        return day
    return min(workdays.next_working_day(day), dates.due)


def end_round_open(db: sqlite_utils.Database, prog: Programme, today: date | None = None) -> bool:
    """True from the day the end assessment opens."""
    today = today or date.today()
    dates = schedule(db, prog)
    ends = [dates[a.id] for a in prog.activities if a.kind == "assessment" and a.round == "end"]
    return bool(ends) and today >= ends[0].opens

