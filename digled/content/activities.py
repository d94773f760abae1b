"""The programme's activities as data/programme.yaml writes them: the types (Programme,
Activity, Reflection, Material) and the checked loading of the file. What an installation shows
(the administrator's edits applied, examples emptied outside the demo) and the activities' dates
are in digled/content/programme.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from pathlib import Path

from digled.content.loader import Text, _Checker, read_yaml
from digled.platform.config import DATA_DIR

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
    id: str = ""  # its own (data/programme.yaml); else its place in the list, "0", "1", ...


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


_MATERIAL_ID = re.compile(r"^[a-z][a-z0-9_-]{0,59}$")


def _materials(c: _Checker, listed: list, entry: str) -> tuple[Material, ...]:
    """An activity's materials, each with its id: the one written (a letter first, unique in the
    activity), else its place in the list ("0", "1", ...: the slots of files uploaded before
    materials had ids, see uploaded_files.adopt_material_ids)."""
    if not isinstance(listed, list):
        c.fail(f"{entry}: materials", "must be a list")
    out, seen = [], set()
    for k, m in enumerate(listed):
        m = c.mapping(m, f"{entry}: materials[{k}]")
        mid = m.get("id")
        if mid is not None and (not isinstance(mid, str) or not _MATERIAL_ID.match(mid) or mid in seen):
            c.fail(f"{entry}: materials[{k}]", "id must start with a letter (a-z, digits, - or _) and be used "
                                               "once in the activity")
        mid = mid or str(k)
        seen.add(mid)
        out.append(Material(title=c.text(m.get("title"), f"{entry}: materials[{k}]: title"),
                            url=_url(c, m.get("url"), f"{entry}: materials[{k}]: url"), id=mid))
    return tuple(out)


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
        materials = _materials(c, a.get("materials") or [], entry)
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
def as_written() -> Programme:
    """data/programme.yaml as written (examples included), read once per process."""
    return load_programme()
