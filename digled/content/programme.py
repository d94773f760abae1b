"""The programme: its activities (data/programme.yaml) and their dates.

Activities carry day offsets from the kick-off; the real dates are the kick-off date (a
setting the administrator changes) plus the offsets, moved forward to the next Danish working
day (digled/workdays.py), unless the administrator set a single activity's dates by hand
(per-activity overrides stored in the settings table as JSON, kept exactly as set).

An activity may also say when and where it takes place (for calendar files): `start` and
`end` as "HH:MM" (quoted in the YAML), `day` (a day offset from the kick-off within
opens..due; default: opens) and `place`. Without `start` it is a whole-day event.

Values the seed does not give (venues, times of day, minute marks) are listed in an activity's
`examples: [place, start, end, day, at_minute]`: they show (labelled) only in the demo; in a real
installation they are empty until an administrator sets them. `programme(db)` applies the
administrator's overrides (table content_overrides, see digled/content_overrides.py).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from digled.platform import workdays
from digled.platform.config import DATA_DIR
from digled.content.loader import ContentError, Text, _Checker, read_yaml
from digled.platform.db import get_setting

EXAMPLE_FIELDS = ("place", "start", "end", "day", "at_minute")
KINDS = ("kickoff", "assessment", "elearning", "kl_film", "meeting", "workshop", "service_check", "handbook")


@dataclass(frozen=True)
class Reflection:
    id: str
    text: Text
    at_minute: int | None


@dataclass(frozen=True)
class Material:
    title: Text
    url: str


@dataclass(frozen=True)
class Activity:
    id: str
    kind: str
    title: Text
    description: Text
    opens: int
    due: int
    duration_minutes: int
    round: str | None = None
    speaker: str = ""
    video_url: str = ""
    place: Text | None = None
    reflections: tuple[Reflection, ...] = ()
    materials: tuple[Material, ...] = ()
    start: time | None = None  # time of day in Europe/Copenhagen; None: a whole-day event
    end: time | None = None
    day: int | None = None  # the day it takes place (offset like opens); None: the opening day
    examples: frozenset[str] = frozenset()  # fields (EXAMPLE_FIELDS) whose value is an example
    removed_reflections: tuple[Reflection, ...] = ()  # removed in the app; leaders' notes kept

    def is_example(self, field: str) -> bool:
        """True when `field` shows an illustrative value (only ever in the demo)."""
        return field in self.examples


@dataclass(frozen=True)
class Programme:
    name: Text
    kickoff_date: date
    why: Text
    background: Text  # how the programme was decided, and that the two municipalities share it
    what: Text
    flipped_learning: Text
    purposes_intro: Text
    activities: tuple[Activity, ...]

    def activity(self, activity_id: str) -> Activity:
        for a in self.activities:
            if a.id == activity_id:
                return a
        raise KeyError(activity_id)


def _url(c: _Checker, value, entry: str) -> str:
    value = value or ""
    if not isinstance(value, str) or (value and not value.startswith(("https://", "http://"))):
        c.fail(entry, "must be empty or a web address")
    return value


def _clock(c: _Checker, value, entry: str) -> time | None:
    """An optional "HH:MM" time of day."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            hours, minutes = value.strip().split(":")
            if len(minutes) == 2 and hours.isdigit() and minutes.isdigit():
                return time(int(hours), int(minutes))
        except ValueError:
            pass
    c.fail(entry, f'must be a time of day like "09:30" in quotes, not {value!r}')


def _when(c: _Checker, a: dict, entry: str, opens: int, due: int) -> tuple[time | None, time | None, int | None]:
    """Check the optional start, end and day of an activity."""
    start = _clock(c, a.get("start"), f"{entry}: start")
    end = _clock(c, a.get("end"), f"{entry}: end")
    if end is not None and start is None:
        c.fail(entry, "end needs a start")
    if start is not None and end is not None and end <= start:
        c.fail(entry, f"end ({end:%H:%M}) must be after start ({start:%H:%M})")
    day = a.get("day")
    if day is not None and (not isinstance(day, int) or isinstance(day, bool) or not opens <= day <= due):
        c.fail(entry, f"day must be a whole number of days between opens ({opens}) and due ({due})")
    return start, end, day


def load_programme(path: Path | None = None) -> Programme:
    """Read and validate data/programme.yaml; raise ContentError naming file and entry."""
    path = path or DATA_DIR / "programme.yaml"
    c = _Checker(path)
    data = read_yaml(path)
    p = c.mapping(data.get("programme"), "programme")
    kickoff = p.get("kickoff_date")
    if not isinstance(kickoff, date):
        c.fail("programme: kickoff_date", "must be a date like 2015-11-16")
    activities, seen = [], set()
    for i, a in enumerate(c.listing(data.get("activities"), "activities")):
        a = c.mapping(a, f"activities[{i}]")
        aid = a.get("id")
        entry = f"activity {aid}" if aid else f"activities[{i}]"
        if not isinstance(aid, str) or not aid or aid in seen:
            c.fail(entry, "id is missing or used twice")
        seen.add(aid)
        if a.get("kind") not in KINDS:
            c.fail(entry, f"kind must be one of {', '.join(KINDS)}")
        opens, due = a.get("opens"), a.get("due")
        if not isinstance(opens, int) or not isinstance(due, int) or due < opens:
            c.fail(entry, "opens and due must be whole numbers of days with due >= opens")
        if a["kind"] == "assessment" and a.get("round") not in ("start", "end"):
            c.fail(entry, "an assessment needs round: start or end")
        duration = a.get("duration_minutes") or 0
        if not isinstance(duration, int) or isinstance(duration, bool) or duration < 0:
            c.fail(entry, "duration_minutes must be a whole number of minutes")
        reflections = []
        for k, r in enumerate(a.get("reflections") or []):
            r = c.mapping(r, f"{entry}: reflections[{k}]")
            at = r.get("at_minute")
            if at is not None and (not isinstance(at, int) or isinstance(at, bool) or not 0 <= at <= duration):
                c.fail(f"{entry}: reflections[{k}]", f"at_minute must be a whole minute between 0 and {duration}")
            reflections.append(Reflection(
                id=str(r.get("id") or f"{aid}-r{k + 1}"),
                text=c.text(r.get("text"), f"{entry}: reflections[{k}]"),
                at_minute=at,
            ))
        start, end, day = _when(c, a, entry, opens, due)
        examples = a.get("examples") or []
        if not isinstance(examples, list) or any(f not in EXAMPLE_FIELDS for f in examples):
            c.fail(entry, f"examples must be a list of fields among {', '.join(EXAMPLE_FIELDS)}")
        present = {"place": a.get("place"), "start": start, "end": end, "day": day,
                   "at_minute": any(r.at_minute is not None for r in reflections) or None}
        for f in examples:
            if present[f] is None:
                c.fail(entry, f"examples names {f}, but the activity has no {f}")
        materials = tuple(
            Material(
                title=c.text(m.get("title"), f"{entry}: materials[{k}]: title"),
                url=_url(c, m.get("url"), f"{entry}: materials[{k}]: url"),
            )
            for k, m in enumerate(a.get("materials") or [])
        )
        activities.append(
            Activity(
                id=aid,
                kind=a["kind"],
                title=c.text(a.get("title"), f"{entry}: title"),
                description=c.text(a.get("description"), f"{entry}: description"),
                opens=opens,
                due=due,
                duration_minutes=duration,
                round=a.get("round"),
                speaker=str(a.get("speaker") or ""),
                video_url=_url(c, a.get("video_url"), f"{entry}: video_url"),
                place=c.text(a["place"], f"{entry}: place") if a.get("place") else None,
                reflections=tuple(reflections),
                materials=materials,
                start=start,
                end=end,
                day=day,
                examples=frozenset(examples),
            )
        )
    return Programme(
        name=c.text(p.get("name"), "programme: name"),
        kickoff_date=kickoff,
        why=c.text(p.get("why"), "programme: why"),
        background=c.text(p.get("background"), "programme: background"),
        what=c.text(p.get("what"), "programme: what"),
        flipped_learning=c.text(p.get("flipped_learning"), "programme: flipped_learning"),
        purposes_intro=c.text(p.get("purposes_intro"), "programme: purposes_intro"),
        activities=tuple(activities),
    )


@lru_cache(maxsize=1)
def _default() -> Programme:
    return load_programme()


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
        return _default()
    return _applied(content_rows(db))


@lru_cache(maxsize=16)
def _applied(rows: tuple[tuple[str, str], ...]) -> Programme:
    from digled.content import admin_edits  # noqa: PLC0415 (content_overrides imports this module)

    base = _default()
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


def planned(db: sqlite_utils.Database, prog: Programme, kickoff: date | None = None) -> dict[str, Planned]:
    """Every activity's dates with their source (set by hand, or following the kick-off). With
    `kickoff`, as they would be with that kick-off date instead of the stored one."""
    kickoff = kickoff or kickoff_date(db, prog)
    overrides = hand_set_dates(db)
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


def schedule(db: sqlite_utils.Database, prog: Programme) -> dict[str, Dates]:
    """The real open/due dates of every activity: set by hand, or kick-off + offsets moved
    forward to working days."""
    return {activity_id: p.dates for activity_id, p in planned(db, prog).items()}


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


__all__ = ["ContentError", "Programme", "Activity", "Reflection", "load_programme", "programme", "content_rows",
           "schedule", "planned", "Planned", "EXAMPLE_FIELDS"]
