"""The organisation the programme runs in, as the administrator has configured it.

Municipalities, areas (fagområder, each with a related-area group) and leader levels start
from data/organisation.yaml; an administrator can edit each list in the app. An edited list is
stored whole in the settings table as JSON (`org_municipalities`, `org_areas`, `org_levels`)
and replaces the default list; a list never edited keeps following the YAML file. Users store
ids, so an id still used by a participant cannot be removed.

The minimum group size k of the anonymity rules (DESIGN.md) is an administrator setting too:
`min_group_size(db)` is the setting; `round_k(db, round)` is what an assessment round uses: the
setting, frozen for the round once it has answers (DESIGN.md, anonymity rule 2).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlite_utils

from digled.accounts import programme_runs
from digled.content import loader
from digled.platform import audit
from digled.platform.db import delete_setting, get_setting, set_setting, set_setting_once, write
from digled.platform.i18n import N_, MessageError, ProblemsError, text
from digled.platform.validation import clean, text_problem

KINDS = ("municipalities", "areas", "levels")
USER_COLUMN = {"municipalities": "municipality", "areas": "area", "levels": "level"}
MAX_ID_LENGTH = 40
MAX_NAME_LENGTH = 100

MIN_GROUP_SIZE_SETTING = "min_group_size"
DEFAULT_MIN_GROUP_SIZE = 5
MIN_GROUP_SIZE_FLOOR = 3
MIN_GROUP_SIZE_CEILING = 100
ROUND_K_PREFIX = "round_k:"
ASSESSMENT_ROUNDS = ("start", "end", "followup_3", "followup_6")  # a run's rounds (answering.RUN_ROUNDS), each with its k


@dataclass(frozen=True)
class Problem:
    """One validation problem: the 1-based row of the edited list (0: the whole list), the
    field, a message id and its format params."""

    row: int
    field: str
    message: str
    params: dict = field(default_factory=dict)


class InvalidList(ProblemsError):
    """Raised by `save_entries` when an edited list is not acceptable; nothing is saved."""

    problems: list[Problem]

    def _each(self, t) -> list[str]:
        row = t(N_("row {row}"))
        return [f"{row.format(row=p.row)}, {p.field}: {t(p.message).format(**p.params)}" for p in self.problems]


class InvalidMinGroupSize(MessageError):
    """Raised by `set_min_group_size` for a value that is not a whole number from 3 to 100."""


def _setting_key(kind: str) -> str:
    if kind not in KINDS:
        raise KeyError(kind)
    return f"org_{kind}"


def _default_entries(kind: str) -> list[dict]:
    org = loader.organisation()
    names = getattr(org, kind)
    return [
        {"id": i, "da": n["da"], "en": n["en"], **({"group": org.area_groups[i]} if kind == "areas" else {})}
        for i, n in names.items()
    ]


def entries(db: sqlite_utils.Database, kind: str) -> list[dict]:
    """The effective list as flat rows {id, da, en} (areas also `group`), in display order."""
    stored = get_setting(db, _setting_key(kind))
    if stored:
        try:
            rows = json.loads(stored)
        except ValueError:
            rows = None
        if isinstance(rows, list) and rows:
            return rows
    return _default_entries(kind)


def current(db: sqlite_utils.Database) -> loader.Organisation:
    """The effective organisation lists: the stored edits, or the defaults from data/."""
    lists = {kind: entries(db, kind) for kind in KINDS}
    return loader.Organisation(
        municipalities={e["id"]: {"da": e["da"], "en": e["en"]} for e in lists["municipalities"]},
        areas={e["id"]: {"da": e["da"], "en": e["en"]} for e in lists["areas"]},
        area_groups={e["id"]: e.get("group") or e["id"] for e in lists["areas"]},
        levels={e["id"]: {"da": e["da"], "en": e["en"]} for e in lists["levels"]},
    )


def validate_entries(db: sqlite_utils.Database, kind: str, rows: list[dict]) -> tuple[list[dict], list[Problem]]:
    """Clean edited rows (blank rows dropped) and list every problem with them."""
    fields = ("id", "da", "en", "group") if kind == "areas" else ("id", "da", "en")
    cleaned: list[tuple[int, dict]] = []
    for number, row in enumerate(rows, start=1):
        entry = {f: clean(row.get(f)) for f in fields}
        if any(entry.values()):
            cleaned.append((number, entry))
    problems: list[Problem] = []
    if not cleaned:
        problems.append(Problem(0, "id", N_("the list must have at least one entry")))
    seen: dict[str, int] = {}
    for number, entry in cleaned:
        for f in fields:
            limit = MAX_ID_LENGTH if f in ("id", "group") else MAX_NAME_LENGTH
            problem = text_problem(entry[f], limit, required=f != "group")
            if problem:
                problems.append(Problem(number, f, *problem))
        key = entry["id"].lower()
        if key and key in seen:
            problems.append(Problem(number, "id", N_("the id {id} is already used in row {row}"),
                                    {"id": entry["id"], "row": seen[key]}))
        seen.setdefault(key, number)
        if kind == "areas" and not entry["group"]:
            entry["group"] = entry["id"]
    kept = {e["id"] for _, e in cleaned}
    listed = {e["id"] for e in entries(db, kind)}
    column = USER_COLUMN[kind]
    for used, count in db.execute(f"SELECT {column}, COUNT(*) FROM users WHERE {column} != '' GROUP BY {column}"):
        if used not in kept and used in listed:
            problems.append(Problem(0, "id", N_("the id {id} is used by {n} participants and cannot be removed"),
                                    {"id": used, "n": count}))
    return [e for _, e in cleaned], problems


def save_entries(db: sqlite_utils.Database, kind: str, rows: list[dict], actor: str) -> list[dict]:
    """Validate and store an edited list (whole); raise InvalidList, saving nothing, on problems."""
    with write(db):
        cleaned, problems = validate_entries(db, kind, rows)
        if problems:
            raise InvalidList(problems)
        set_setting(db, _setting_key(kind), json.dumps(cleaned, ensure_ascii=False))
        audit.log(db, actor, f"edit {kind}", ", ".join(e["id"] for e in cleaned))
    return cleaned


def reset_entries(db: sqlite_utils.Database, kind: str, actor: str) -> None:
    """Go back to the default list from data/ (refused like an edit when it drops a used id)."""
    defaults = _default_entries(kind)
    with write(db):
        _, problems = validate_entries(db, kind, defaults)
        if problems:
            raise InvalidList(problems)
        delete_setting(db, _setting_key(kind))
        audit.log(db, actor, f"reset {kind}", "")


def label(org: loader.Organisation, kind: str, entry_id: str, lang: str) -> str:
    """The display name of an id in `lang`, or the id itself when it is not (or no longer) listed."""
    names = getattr(org, kind)
    return text(names[entry_id], lang) if entry_id in names else entry_id


def match(org: loader.Organisation, kind: str, value: str) -> str | None:
    """The id whose id or Danish or English name equals `value` (case- and space-insensitive)."""
    wanted = " ".join(value.split()).casefold()
    for entry_id, names in getattr(org, kind).items():
        candidates = (entry_id, names.get("da", ""), names.get("en", ""))
        if any(" ".join(c.split()).casefold() == wanted for c in candidates):
            return entry_id
    return None


# --- minimum group size k ---------------------------------------------------------------------


def min_group_size(db: sqlite_utils.Database) -> int:
    """The minimum group size k for every anonymised figure: the setting, never below 3."""
    raw = get_setting(db, MIN_GROUP_SIZE_SETTING)
    try:
        k = int(json.loads(raw)) if raw is not None else DEFAULT_MIN_GROUP_SIZE
    except (ValueError, TypeError):
        k = DEFAULT_MIN_GROUP_SIZE
    return max(MIN_GROUP_SIZE_FLOOR, k)


def _round_has_answers(db: sqlite_utils.Database, round_: str) -> bool:
    return db.execute(
        f"SELECT 1 FROM assessments WHERE round = ? AND status = 'submitted' AND cohort_id = {programme_runs.RUNNING_ID} LIMIT 1",
        [round_]
    ).fetchone() is not None


def round_k(db: sqlite_utils.Database, round_: str) -> int:
    """The k of an assessment round: frozen (stored) once the round has a submitted answer,
    else the current setting. Changing k later never changes a round that has answers."""
    raw = get_setting(db, f"{ROUND_K_PREFIX}{round_}")
    if raw is not None:
        return max(MIN_GROUP_SIZE_FLOOR, int(json.loads(raw)))
    k = min_group_size(db)
    if _round_has_answers(db, round_):
        set_setting_once(db, f"{ROUND_K_PREFIX}{round_}", json.dumps(k))
        return round_k(db, round_)
    return k


def frozen_round_k(db: sqlite_utils.Database) -> dict[str, int]:
    """The rounds whose k is frozen, with that k (for the settings page)."""
    return {r: round_k(db, r) for r in ASSESSMENT_ROUNDS if _round_has_answers(db, r)}


def set_min_group_size(db: sqlite_utils.Database, k: int, actor: str) -> None:
    """Store k after checking it is a whole number from 3 to 100; audited. Rounds that
    already have answers keep the k they had (frozen first)."""
    if isinstance(k, bool) or not isinstance(k, int) or not MIN_GROUP_SIZE_FLOOR <= k <= MIN_GROUP_SIZE_CEILING:
        raise InvalidMinGroupSize(N_("The minimum group size must be a whole number from 3 to 100."))
    frozen_round_k(db)
    with write(db):
        set_setting(db, MIN_GROUP_SIZE_SETTING, json.dumps(k))
        audit.log(db, actor, "set min_group_size", str(k))
