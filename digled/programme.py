"""The programme: its activities (data/programme.yaml) and their dates.

Activities carry day offsets from the kick-off; the real dates are the kick-off date (a
setting the administrator changes) plus the offsets, unless the administrator moved a single
activity (per-activity overrides stored in the settings table as JSON).

An activity may also say when and where it takes place (for calendar files): `start` and
`end` as "HH:MM" (quoted in the YAML), `day` (a day offset from the kick-off within
opens..due; default: opens) and `place`. Without `start` it is a whole-day event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache
from pathlib import Path

import sqlite_utils

from .config import DATA_DIR
from .content import ContentError, Text, _Checker, read_yaml
from .db import get_setting

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


@dataclass(frozen=True)
class Programme:
    name: Text
    kickoff_date: date
    why: Text
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
        reflections = tuple(
            Reflection(
                id=str(r.get("id") or f"{aid}-r{k + 1}"),
                text=c.text(r.get("text"), f"{entry}: reflections[{k}]"),
                at_minute=r.get("at_minute"),
            )
            for k, r in enumerate(a.get("reflections") or [])
        )
        start, end, day = _when(c, a, entry, opens, due)
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
                duration_minutes=int(a.get("duration_minutes") or 0),
                round=a.get("round"),
                speaker=str(a.get("speaker") or ""),
                video_url=_url(c, a.get("video_url"), f"{entry}: video_url"),
                place=c.text(a["place"], f"{entry}: place") if a.get("place") else None,
                reflections=reflections,
                materials=materials,
                start=start,
                end=end,
                day=day,
            )
        )
    return Programme(
        name=c.text(p.get("name"), "programme: name"),
        kickoff_date=kickoff,
        why=c.text(p.get("why"), "programme: why"),
        what=c.text(p.get("what"), "programme: what"),
        flipped_learning=c.text(p.get("flipped_learning"), "programme: flipped_learning"),
        purposes_intro=c.text(p.get("purposes_intro"), "programme: purposes_intro"),
        activities=tuple(activities),
    )


@lru_cache(maxsize=1)
def programme() -> Programme:
    return load_programme()


@dataclass(frozen=True)
class Dates:
    opens: date
    due: date


def kickoff_date(db: sqlite_utils.Database, prog: Programme) -> date:
    value = get_setting(db, "kickoff_date")
    return date.fromisoformat(value) if value else prog.kickoff_date


def schedule(db: sqlite_utils.Database, prog: Programme) -> dict[str, Dates]:
    """The real open/due dates of every activity (kick-off + offsets, or an override)."""
    kickoff = kickoff_date(db, prog)
    overrides = json.loads(get_setting(db, "schedule_overrides", "{}") or "{}")
    out = {}
    for a in prog.activities:
        o = overrides.get(a.id)
        if o:
            out[a.id] = Dates(date.fromisoformat(o["opens"]), date.fromisoformat(o["due"]))
        else:
            out[a.id] = Dates(kickoff + timedelta(days=a.opens), kickoff + timedelta(days=a.due))
    return out


def event_day(activity: Activity, dates: Dates) -> date:
    """The day an activity takes place: its `day` (moved with its opening day), else it opens."""
    if activity.day is None:
        return dates.opens
    return dates.opens + timedelta(days=activity.day - activity.opens)


def end_round_open(db: sqlite_utils.Database, prog: Programme, today: date | None = None) -> bool:
    """True from the day the end assessment opens."""
    today = today or date.today()
    dates = schedule(db, prog)
    ends = [dates[a.id] for a in prog.activities if a.kind == "assessment" and a.round == "end"]
    return bool(ends) and today >= ends[0].opens


__all__ = ["ContentError", "Programme", "Activity", "load_programme", "programme", "schedule"]
