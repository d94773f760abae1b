"""The programme's content as the administrator edits it in the app (table content_overrides).

A value set in the app replaces the default from data/programme.yaml; `reset` removes it so the
default shows again. Keys (this module owns every key except those starting "kickoff:"):

- ``activity:<id>:title``        {"da": ..., "en": ...}
- ``activity:<id>:reflections``  [{"id", "da", "en", "at_minute" (int|null), "removed" (bool)}]
  the whole list of questions; a question's id never changes and a removed question stays in
  the list as removed, so leaders' notes to it are never orphaned (they show in the export).
- ``activity:<id>:place``        {"da": ..., "en": ...} (both empty: no place)
- ``activity:<id>:time``         {"start": "HH:MM" | null, "end": "HH:MM" | null}

Everything is checked (texts in Danish and English, minute marks within the film, times HH:MM,
end after start) and every change is audited. `programme.programme(db)` applies the overrides.
No streamlit here.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from datetime import UTC, datetime, time

import sqlite_utils

from digled.content.activities import Activity, Programme, Reflection, as_written
from digled.platform import audit
from digled.platform.db import write
from digled.platform.i18n import N_, MessageError

FIELDS = ("title", "reflections", "place", "time")
REFLECTION_KINDS = ("elearning", "kl_film", "meeting", "workshop")
WHERE_KINDS = ("kickoff", "meeting", "workshop")
MAX_TEXT = 1000
# The field names shown in errors (message ids).
FIELD_LABELS = {
    "title": N_("title"),
    "reflections": N_("reflection questions"),
    "place": N_("place"),
    "time": N_("time"),
}


class OverrideError(MessageError):
    """A value refused (nothing saved). `activity` is the activity id, `field` the field; the
    message (an id) names both through its parameters {activity} and {field}."""


def key(activity_id: str, field: str) -> str:
    return f"activity:{activity_id}:{field}"


def _split(k: str) -> tuple[str, str] | None:
    parts = k.split(":")
    if len(parts) != 3 or parts[0] != "activity" or parts[2] not in FIELDS:
        return None
    return parts[1], parts[2]


def editable_fields(a: Activity) -> tuple[str, ...]:
    """The fields of `a` an administrator may set in the app."""
    out = ["title"]
    if a.kind in REFLECTION_KINDS:
        out.append("reflections")
    if a.kind in WHERE_KINDS:
        out += ["place", "time"]
    return tuple(out)


# --- checking -----------------------------------------------------------------------------


def _fail(a: Activity, field: str, msg: str, **params) -> None:
    raise OverrideError(msg, activity=a.id, field=field, **params)


def _text(a: Activity, field: str, value, allow_empty: bool = False) -> dict:
    if not isinstance(value, dict):
        _fail(a, field, N_("{activity}: {field}: write the text in Danish and English."))
    da, en = (str(value.get("da") or "").strip(), str(value.get("en") or "").strip())
    if allow_empty and not da and not en:
        return {"da": "", "en": ""}
    if not da or not en:
        _fail(a, field, N_("{activity}: {field}: write the text in Danish and English."))
    if len(da) > MAX_TEXT or len(en) > MAX_TEXT:
        _fail(a, field, N_("{activity}: {field}: at most {n} characters."), n=MAX_TEXT)
    return {"da": da, "en": en}


def parse_clock(value) -> time | None:
    """'HH:MM' (or '' / None: no time) as a time; ValueError when not a time of day."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        hours, sep, minutes = value.strip().partition(":")
        if sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2:
            return time(int(hours), int(minutes))  # ValueError when out of range
    raise ValueError(value)


def check(a: Activity, field: str, value):  # noqa: C901 - one branch per kind of field an administrator edits, read top to bottom
    """The value to store for `field` of activity `a`, cleaned; OverrideError naming the
    activity and field when it is refused."""
    if field not in editable_fields(a):
        _fail(a, field, N_("{activity}: {field} cannot be set for this activity."))
    if field == "title":
        return _text(a, field, value)
    if field == "place":
        return _text(a, field, value, allow_empty=True)
    if field == "time":
        value = value if isinstance(value, dict) else {}
        try:
            start, end = parse_clock(value.get("start")), parse_clock(value.get("end"))
        except ValueError:
            _fail(a, field, N_('{activity}: {field}: write a time of day like 09:30 (hours:minutes).'))
        if end is not None and start is None:
            _fail(a, field, N_("{activity}: {field}: an end time needs a start time."))
        if start is not None and end is not None and end <= start:
            _fail(a, field, N_("{activity}: {field}: the end must be after the start."))
        return {"start": start.strftime("%H:%M") if start else None, "end": end.strftime("%H:%M") if end else None}
    # reflections
    if not isinstance(value, list):
        _fail(a, field, N_("{activity}: {field}: a list of questions is expected."))
    out, seen = [], set()
    for n, q in enumerate(value, start=1):
        q = q if isinstance(q, dict) else {}
        qid = str(q.get("id") or "").strip()
        if not qid or qid in seen:
            qid = new_question_id(a)
        seen.add(qid)
        removed = bool(q.get("removed"))
        try:
            text = _text(a, field, q)
        except OverrideError:
            if removed:  # a removed question keeps whatever text it had
                text = {"da": str(q.get("da") or ""), "en": str(q.get("en") or "")}
            else:
                _fail(a, field, N_("{activity}: {field}: question {n}: write it in Danish and English."), n=n)
        at = q.get("at_minute")
        if isinstance(at, str):
            at = at.strip()
            at = int(at) if at.isdigit() else (None if not at else at)
        if isinstance(at, float) and at.is_integer():
            at = int(at)
        if at is not None and not removed:
            if a.kind not in ("elearning", "kl_film"):
                at = None
            elif not isinstance(at, int) or isinstance(at, bool) or not 0 <= at <= a.duration_minutes:
                _fail(a, field, N_("{activity}: {field}: question {n}: the minute must be a whole number "
                                   "from 0 to {max} (the film's length)."), n=n, max=a.duration_minutes)
        out.append({"id": qid, "da": text["da"], "en": text["en"],
                    "at_minute": at if isinstance(at, int) else None, "removed": removed})
    return out


def new_question_id(a: Activity) -> str:
    """A fresh question id for activity `a`, never used before (notes are keyed on it)."""
    return f"{a.id}-q{secrets.token_hex(4)}"


# --- applying (used by programme.programme(db)) -------------------------------------------


def parse_rows(prog: Programme, rows) -> dict[str, dict[str, object]]:
    """{activity id: {field: value}} from stored rows; a row that no longer fits the programme
    (an activity gone from the YAML, a value that no longer checks) is skipped, never fatal."""
    index = {a.id: a for a in prog.activities}
    out: dict[str, dict[str, object]] = {}
    for k, raw in rows:
        parts = _split(k)
        if parts is None or parts[0] not in index:
            continue
        try:
            value = check(index[parts[0]], parts[1], json.loads(raw))
        except (ValueError, TypeError):
            continue
        out.setdefault(parts[0], {})[parts[1]] = value
    return out


def _reflections(a: Activity, stored: list[dict]) -> tuple[tuple[Reflection, ...], tuple[Reflection, ...]]:
    active, removed, ids = [], [], set()
    for q in stored:
        r = Reflection(q["id"], {"da": q["da"], "en": q["en"]}, q["at_minute"])
        (removed if q["removed"] else active).append(r)
        ids.add(q["id"])
    active += [r for r in a.reflections if r.id not in ids]  # added to the YAML since
    return tuple(active), tuple(removed)


def apply(a: Activity, overrides: dict[str, object], demo: bool) -> Activity:
    """Activity `a` as shown: its example values empty outside the demo, then the values set
    in the app. `examples` keeps the fields still showing an example (only in the demo)."""
    examples = set(a.examples)
    if "place" in overrides:
        examples.discard("place")
    if "time" in overrides:
        examples -= {"start", "end"}
    if "reflections" in overrides:
        examples.discard("at_minute")
    changes: dict[str, object] = {}
    if not demo:
        if "place" in examples:
            changes["place"] = None
        if "start" in examples:
            changes["start"] = None
        if "end" in examples:
            changes["end"] = None
        if "day" in examples:
            changes["day"] = None
        if "at_minute" in examples:
            changes["reflections"] = tuple(replace(r, at_minute=None) for r in a.reflections)
        examples = set()
    if "title" in overrides:
        changes["title"] = overrides["title"]
    if "place" in overrides:
        place = overrides["place"]
        changes["place"] = place if place["da"] else None
    if "time" in overrides:
        clock = overrides["time"]
        changes["start"] = parse_clock(clock["start"])
        changes["end"] = parse_clock(clock["end"])
    if "reflections" in overrides:
        changes["reflections"], changes["removed_reflections"] = _reflections(a, overrides["reflections"])
    changes["examples"] = frozenset(examples)
    return replace(a, **changes)


# --- reading and saving -------------------------------------------------------------------


def stored(db: sqlite_utils.Database) -> dict[str, dict]:
    """Every override this module owns: key -> {"value", "updated_at", "updated_by"}."""
    return {
        r[0]: {"value": json.loads(r[1]), "updated_at": r[2], "updated_by": r[3]}
        for r in db.execute(
            "SELECT key, value, updated_at, updated_by FROM content_overrides "
            "WHERE key >= 'activity:' AND key < 'activity;'"
        )
    }


def is_set(db: sqlite_utils.Database, activity_id: str, field: str) -> bool:
    """True when the administrator set `field` of the activity in the app."""
    return db.execute("SELECT 1 FROM content_overrides WHERE key = ?", [key(activity_id, field)]).fetchone() is not None


def default_reflections(a: Activity) -> list[dict]:
    """The activity's questions as the editor's rows (id, da, en, at_minute, removed)."""
    return [{"id": r.id, "da": r.text.get("da", ""), "en": r.text.get("en", ""), "at_minute": r.at_minute,
             "removed": False} for r in a.reflections] + [
        {"id": r.id, "da": r.text.get("da", ""), "en": r.text.get("en", ""), "at_minute": r.at_minute,
         "removed": True} for r in a.removed_reflections]


def save(db: sqlite_utils.Database, base: Programme, activity_id: str, field: str, value, actor: str,
         now: datetime | None = None) -> bool:
    """Check and store one value (`base`: the YAML programme, programme.programme()); audited.
    For reflections, a question left out of `value` that was there before is kept as removed
    (its id and text stay, so leaders' notes to it keep their question). True when changed."""
    a = base.activity(activity_id)
    cleaned = check(a, field, value)
    k = key(activity_id, field)
    row = db.execute("SELECT value FROM content_overrides WHERE key = ?", [k]).fetchone()
    if field == "reflections":
        before = json.loads(row[0]) if row else default_reflections(a)
        ids = {q["id"] for q in cleaned}
        cleaned += [dict(q, removed=True) for q in before if q["id"] not in ids]
    encoded = json.dumps(cleaned, ensure_ascii=False, sort_keys=True)
    if row and row[0] == encoded:
        return False
    with write(db):
        store(db, k, encoded, actor, now)
        audit.log(db, actor, "content_set", f"{k} = {encoded[:300]}")
    return True


def store(db: sqlite_utils.Database, k: str, encoded: str, actor: str, now: datetime | None = None) -> None:
    """Store the JSON text `encoded` under key `k`, stamped with who and when; the caller has
    checked the value and writes the audit entry. Inside the caller's transaction."""
    now = now or datetime.now(UTC)
    with write(db):
        db.execute(
            "INSERT INTO content_overrides (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
            "updated_by = excluded.updated_by",
            [k, encoded, now.isoformat(timespec="seconds"), actor],
        )


def reset(db: sqlite_utils.Database, k: str, actor: str) -> bool:
    """Remove the value set in the app under key `k` (the default shows again); audited.

    Reflections: questions added in the app that leaders wrote notes to are kept as removed
    (the override then holds only those) so the notes keep their question. True when changed."""
    if _split(k) is None:
        raise KeyError(k)
    row = db.execute("SELECT value FROM content_overrides WHERE key = ?", [k]).fetchone()
    if row is None:
        return False
    activity_id, field = _split(k)
    keep: list[dict] = []
    if field == "reflections":
        written = {r[0] for r in db.execute("SELECT DISTINCT question FROM reflections WHERE activity = ?",
                                            [activity_id])}
        defaults = {r.id for r in as_written().activity(activity_id).reflections} \
            if any(a.id == activity_id for a in as_written().activities) else set()
        keep = [dict(q, removed=True) for q in json.loads(row[0]) if q["id"] in written and q["id"] not in defaults]
        if keep:
            keep = [q for q in default_reflections(as_written().activity(activity_id))] + keep
    with write(db):
        if keep:
            db.execute("UPDATE content_overrides SET value = ? WHERE key = ?",
                       [json.dumps(keep, ensure_ascii=False, sort_keys=True), k])
        else:
            db.execute("DELETE FROM content_overrides WHERE key = ?", [k])
        audit.log(db, actor, "content_reset", k)
    return True


__all__ = ["OverrideError", "check", "apply", "parse_rows", "save", "store", "reset", "stored", "is_set", "key",
           "editable_fields", "default_reflections", "new_question_id", "FIELDS", "FIELD_LABELS"]
