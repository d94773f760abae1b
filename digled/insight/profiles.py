"""Target profiles per leader level (top leader, middle leader, first-line leader).

A profile is the expected DigComp level (1-8) of each of the 16 competences for leaders of
one level id (`organisation.current(db).levels`). An administrator edits and approves them in
the app (table `target_profiles`); a level with no stored row follows the framework's default
(data/assessment/profile.yaml), which is never approved: its numbers are a proposal that
Albertslund and Glostrup have still to confirm. Saving changed numbers withdraws the approval.
Every save and approval is audited. Pure: no Streamlit.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from digled.accounts import organisation
from digled.content import loader
from digled.content.loader import Framework
from digled.insight import assessment_figures, publications
from digled.platform import audit
from digled.platform.db import write
from digled.platform.i18n import N_, ProblemsError, text

MIN_LEVEL, MAX_LEVEL = 1, 8
STORED, DEFAULT = "stored", "default"


@dataclass(frozen=True)
class Profile:
    """The target profile of one leader level. `source`: "stored" (edited by an administrator)
    or "default" (the framework's profile, not approved)."""

    level: str
    levels: dict[str, int]
    approved: bool
    source: str
    changed_by: str = ""
    changed_at: str = ""


@dataclass(frozen=True)
class Problem:
    """One refused value: the competence id ('' for the whole profile), a message id, params."""

    competence: str
    message: str
    params: dict = field(default_factory=dict)


class InvalidProfile(ProblemsError):
    """Raised by `save`/`approve` when the profile is not acceptable; nothing is saved."""

    problems: list[Problem]

    def _each(self, t) -> list[str]:
        return [f"{p.competence}: {t(p.message).format(**p.params)}" for p in self.problems]


def default(framework: Framework, level: str = "") -> Profile:
    """The framework's profile (data/assessment/profile.yaml), marked not approved."""
    return Profile(level, dict(framework.target_levels), False, DEFAULT)


def _row(db: sqlite_utils.Database, level: str):
    return db.execute(
        "SELECT levels, approved, changed_by, changed_at FROM target_profiles WHERE level = ?", [level]
    ).fetchone()


def profile_for(db: sqlite_utils.Database, framework: Framework, level_id: str | None) -> Profile:
    """The stored profile of a level, else the default (not approved). A stored row that lacks
    a competence (the framework grew) takes that competence's default level."""
    level = level_id or ""
    row = _row(db, level) if level else None
    if row is None:
        return default(framework, level)
    try:
        stored = json.loads(row[0])
    except ValueError:
        stored = {}
    levels = {c.id: stored.get(c.id, framework.target_levels[c.id]) for c in framework.competences}
    return Profile(level, levels, bool(row[1]), STORED, row[2], row[3])


def with_targets(framework: Framework, profile: Profile) -> Framework:
    """The framework with this profile's levels as its targets (for scoring.recommended and
    the tables that read `framework.target_levels`)."""
    return dataclasses.replace(framework, target_levels=dict(profile.levels))


def _whole(value) -> int | None:
    """A whole number from an int, a whole float or a digit string; None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def validate(framework: Framework, levels: dict) -> tuple[dict[str, int], list[Problem]]:
    """Check a whole number 1..8 for each of the framework's competences (no others)."""
    known = {c.id for c in framework.competences}
    problems: list[Problem] = []
    cleaned: dict[str, int] = {}
    for c in framework.competences:
        raw = levels.get(c.id)
        if raw is None or (isinstance(raw, float) and raw != raw) or (isinstance(raw, str) and not raw.strip()):
            problems.append(Problem(c.id, N_("a level is missing")))
            continue
        value = _whole(raw)
        if value is None:
            problems.append(Problem(c.id, N_("{value} is not a whole number"), {"value": raw}))
        elif not MIN_LEVEL <= value <= MAX_LEVEL:
            problems.append(Problem(c.id, N_("{value} is outside the levels 1 to 8"), {"value": value}))
        else:
            cleaned[c.id] = value
    for extra in sorted(set(levels) - known):
        problems.append(Problem(str(extra), N_("not a competence of the framework")))
    return cleaned, problems


def _check_level(db: sqlite_utils.Database, level: str) -> None:
    if level not in organisation.current(db).levels:
        raise InvalidProfile([Problem("", N_("{level} is not a leader level"), {"level": level})])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save(db: sqlite_utils.Database, level: str, levels: dict, actor: str,
         framework: Framework | None = None) -> bool:
    """Store a level's profile (validated; raise InvalidProfile, saving nothing). Changed numbers
    withdraw the approval; unchanged numbers change nothing. Returns True when it changed."""
    fw = framework or loader.framework()
    _check_level(db, level)
    cleaned, problems = validate(fw, levels)
    if problems:
        raise InvalidProfile(problems)
    before = profile_for(db, fw, level)
    if before.source == STORED and before.levels == cleaned:
        return False
    with write(db):
        db.execute(
            "INSERT INTO target_profiles (level, levels, approved, changed_by, changed_at) VALUES (?, ?, 0, ?, ?) "
            "ON CONFLICT(level) DO UPDATE SET levels = excluded.levels, approved = 0, "
            "changed_by = excluded.changed_by, changed_at = excluded.changed_at",
            [level, json.dumps(cleaned), actor, _now()],
        )
        changed = [f"{c}={cleaned[c]}" for c in cleaned if before.levels.get(c) != cleaned[c]]
        audit.log(db, actor, "edit target profile", f"{level}: " + (", ".join(changed) or "stored as shown"))
    return True


def approve(db: sqlite_utils.Database, level: str, actor: str, framework: Framework | None = None) -> Profile:
    """Approve a level's profile as it stands (a default is stored with its numbers first)."""
    fw = framework or loader.framework()
    _check_level(db, level)
    current = profile_for(db, fw, level)
    with write(db):
        db.execute(
            "INSERT INTO target_profiles (level, levels, approved, changed_by, changed_at) VALUES (?, ?, 1, ?, ?) "
            "ON CONFLICT(level) DO UPDATE SET approved = 1, changed_by = excluded.changed_by, "
            "changed_at = excluded.changed_at",
            [level, json.dumps(current.levels), actor, _now()],
        )
        audit.log(db, actor, "approve target profile", level)
    return profile_for(db, fw, level)


def attempt_group(db: sqlite_utils.Database, attempt, fallback_area: str = "", fallback_level: str = "") -> tuple[str, str]:
    """The area and leader level an attempt was taken at (copied onto the attempt at its
    start); the fallbacks (the leader's current ones) where the attempt recorded none."""
    row = db.execute("SELECT area, level FROM assessments WHERE id = ?", [attempt.id]).fetchone()
    area, level = (row[0] or "", row[1] or "") if row else ("", "")
    level = getattr(attempt, "level", None) or level
    return area or fallback_area, level or fallback_level


def attempt_level(db: sqlite_utils.Database, attempt, fallback: str = "") -> str:
    """The leader level an attempt was taken at (the fallback where it recorded none)."""
    return attempt_group(db, attempt, fallback_level=fallback)[1]


# --- the cohort a leader may compare with (published figures only) -----------------------------

OVERLAYS = ("none", "all", "area", "level")
OVERLAY_NAMES = {
    "none": N_("None"),
    "all": N_("All leaders"),
    "area": N_("My area"),
    "level": N_("My level"),
}


@dataclass(frozen=True)
class Overlay:
    """What one overlay choice can draw: the group key (round, municipality, area, level), the
    shown row of the leaders' own release ("overlay") of the latest publication (None: no row,
    or no publication), and its figures (None unless released: status new, or held with the
    figures published earlier)."""

    choice: str
    key: tuple
    publication: object | None
    shown: object | None
    figures: object | None

    @property
    def available(self) -> bool:
        return self.figures is not None


def overlay_round(round_: str) -> str:
    """The published round an attempt compares with (extra retakes: the start round)."""
    return round_ if round_ in assessment_figures.ROUNDS else "start"


def overlay_key(choice: str, round_: str, area: str, level: str) -> tuple | None:
    """The publication key of a choice; None for "none" or when the leader has no area/level."""
    rnd = overlay_round(round_)
    if choice == "all":
        return (rnd, None, None, None)
    if choice == "area" and area:
        return (rnd, None, area, None)
    if choice == "level" and level:
        return (rnd, None, None, level)
    return None


def cohort_overlays(db: sqlite_utils.Database, round_: str, area: str, level: str) -> dict[str, Overlay]:
    """Every overlay choice (but "none") as the latest publication shows it to leaders: read
    from its "overlay" release only (decided at k + c, rounded as shown: publications.py),
    never from live rows or management's figures."""
    pub = publications.latest(db)
    out: dict[str, Overlay] = {}
    for choice in OVERLAYS[1:]:
        key = overlay_key(choice, round_, area, level)
        shown = publications.shown(db, pub.id, "overlay", key) if pub is not None and key else None
        figures = None
        if shown is not None and shown.status in ("new", "held") and shown.figures:
            f = assessment_figures.Figures.from_json(shown.figures)
            figures = None if f.hidden else f
        out[choice] = Overlay(choice, key or (), pub, shown, figures)
    return out


def label(db: sqlite_utils.Database, framework: Framework, profile: Profile, t, lang: str) -> str:
    """'Target profile: Middle manager (provisional)' in the reader's language (`t` translates);
    a profile of no known level is named after the framework's profile."""
    levels = organisation.current(db).levels
    name = text(levels[profile.level], lang) if profile.level in levels else text(framework.target_name, lang)
    message = t("Target profile: {name}") if profile.approved else t("Target profile: {name} (provisional)")
    return message.format(name=name)
