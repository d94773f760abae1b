"""Importance: the leader's own marks of how much each competence matters in their area, and
the "three competences to develop" ranked by gap to the target weighted by those marks.

After the wheel (and in each later attempt) the leader marks each of the 16 competences
*important*, *less important* or *not relevant*. The marks belong to the attempt (its random
assessment id, like its answers; table `importance`), so they follow the same pseudonym and
anonymity rules; retention deletes them with the raw answers (retention.py).

The ranking (`recommend`): for each competence with a level, gap = target level - level; a
positive gap is weighted by importance (important 1.0, less important 0.5, no mark yet 0.75)
into a priority; "not relevant" is never recommended. Highest priority first; ties: larger gap,
then framework order. If fewer than n competences have a positive gap, the list is filled with
the important competences closest above (or at) their target, flagged `above_target`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlite_utils

from digled.content.loader import Framework
from digled.content.loader import framework as current
from digled.platform.db import write
from digled.platform.i18n import N_, MessageError

VALUES = ("important", "less", "not_relevant")
LABELS = {"important": N_("Important"), "less": N_("Less important"), "not_relevant": N_("Not relevant")}
WEIGHTS = {"important": 1.0, "less": 0.5}
UNMARKED_WEIGHT = 0.75
_CHUNK = 500  # ids per IN (...) list


class ImportanceError(MessageError):
    """Marks were refused (unknown competence or value, unknown attempt); nothing was written."""


# --- storage ----------------------------------------------------------------------------------


def marks(db: sqlite_utils.Database, assessment_id: int) -> dict[str, str]:
    """The marks stored for one attempt: competence id -> value (unmarked ones are absent)."""
    return {
        r["competence"]: r["value"]
        for r in db.query("SELECT competence, value FROM importance WHERE assessment_id = ?", [assessment_id])
    }


def validate(framework: Framework, given: dict) -> dict[str, str]:
    """Marks from a form: known competences, known values (None or '' means unmarked and is
    dropped). Raises ImportanceError naming the first bad key or value."""
    clean = {}
    for cid, value in (given or {}).items():
        if cid not in framework.competence_index:
            raise ImportanceError(N_("Unknown competence: {competence}."), competence=str(cid))
        if value is None or value == "":
            continue
        if value not in VALUES:
            raise ImportanceError(
                N_("“{value}” is not a valid importance for {competence}: use important, less or not_relevant."),
                value=str(value), competence=str(cid),
            )
        clean[cid] = value
    return clean


def save(db: sqlite_utils.Database, assessment_id: int, given: dict, framework: Framework | None = None) -> dict[str, str]:
    """Set the attempt's marks to exactly `given` (validated; a competence left out or None is
    unmarked) in one transaction; returns what is stored. Only a submitted attempt takes marks."""
    if framework is None:

        framework = current()
    clean = validate(framework, given)
    with write(db):
        row = db.execute("SELECT status FROM assessments WHERE id = ?", [assessment_id]).fetchone()
        if row is None or row[0] != "submitted":
            raise ImportanceError(N_("Importance can only be marked for a submitted assessment."))
        db.execute("DELETE FROM importance WHERE assessment_id = ?", [assessment_id])
        db.conn.executemany(
            "INSERT INTO importance (assessment_id, competence, value) VALUES (?, ?, ?)",
            [(assessment_id, cid, v) for cid, v in clean.items()],
        )
    return clean


def delete_marks(db: sqlite_utils.Database, attempts: Sequence[int] = ()) -> None:
    """Retention: delete the marks of every submitted attempt and of the attempts `attempts`
    (what publications took stays in `published_importance`). Inside the caller's transaction."""
    with write(db):
        db.execute("DELETE FROM importance WHERE assessment_id IN (SELECT id FROM assessments WHERE status = 'submitted')")
        for i in range(0, len(attempts), _CHUNK):
            part = list(attempts[i : i + _CHUNK])
            db.execute(f"DELETE FROM importance WHERE assessment_id IN ({', '.join('?' * len(part))})", part)


def prefill(db: sqlite_utils.Database, attempts: Iterable) -> dict[str, str]:
    """What the form starts from: per competence the latest mark among `attempts` (oldest
    first, this attempt last; objects with an `id`, or plain ids)."""
    out: dict[str, str] = {}
    for a in attempts:
        out.update(marks(db, getattr(a, "id", a)))
    return out


def effective(db: sqlite_utils.Database, attempts: list, current) -> tuple[dict[str, str], str]:
    """The marks the recommendations use for `current`, and where they come from: 'this' (saved
    for this attempt), 'earlier' (the latest from earlier attempts) or 'none'."""
    cid = getattr(current, "id", current)
    own = marks(db, cid)
    if own:
        return own, "this"
    ids = [getattr(a, "id", a) for a in attempts]
    earlier = ids[: ids.index(cid)] if cid in ids else ids
    before = prefill(db, earlier)
    return (before, "earlier") if before else ({}, "none")


# --- the ranking --------------------------------------------------------------------------------


def weight(value: str | None) -> float | None:
    """The weight of a mark; None for "not relevant" (never recommended)."""
    if value == "not_relevant":
        return None
    return WEIGHTS.get(value, UNMARKED_WEIGHT) if value else UNMARKED_WEIGHT


@dataclass(frozen=True)
class Recommendation:
    """One competence to develop, with the numbers behind its place."""

    competence: str
    level: int
    target: int
    gap: int  # target - level (<= 0 when above_target)
    importance: str | None  # the mark, None when unmarked
    weight: float
    priority: float  # gap x weight (0 when above_target)
    above_target: bool = False  # filled in: no positive gap left, an important one near its target


def recommend(framework: Framework, scores: dict, target_levels: dict[str, int], given_marks: dict[str, str],
              n: int = 3) -> list[Recommendation]:
    """The n competences to develop, best first (see the module docstring for the rule)."""
    order = {c.id: i for i, c in enumerate(framework.competences)}
    gaps, margins = [], []
    for c in framework.competences:
        level = scores["competences"].get(c.id, {}).get("level")
        if level is None:
            continue
        mark = given_marks.get(c.id)
        w = weight(mark)
        if w is None:
            continue
        target = int(target_levels[c.id])
        gap = target - int(level)
        if gap > 0:
            gaps.append(Recommendation(c.id, int(level), target, gap, mark, w, gap * w))
        elif mark == "important":
            margins.append(Recommendation(c.id, int(level), target, gap, mark, w, 0.0, above_target=True))
    gaps.sort(key=lambda r: (-r.priority, -r.gap, order[r.competence]))
    margins.sort(key=lambda r: (-r.gap, order[r.competence]))
    return (gaps + margins)[:n] if len(gaps) < n else gaps[:n]


# --- demo data ----------------------------------------------------------------------------------

# Competences a leader of each area plausibly marks important (the demo cohort only).
AREA_IMPORTANT = {
    "dagtilbud": ("comm_share", "comm_collaborate", "comm_citizens", "safe_data", "safe_health", "prod_content"),
    "skole": ("info_evaluate", "comm_share", "comm_collaborate", "prod_content", "prod_rights", "safe_data", "safe_health"),
    "aeldre": ("info_needs", "comm_citizens", "prod_innovate", "safe_data", "safe_devices", "safe_health"),
    "social": ("info_manage", "comm_citizens", "prod_innovate", "safe_data", "safe_health"),
    "beskaeftigelse": ("info_manage", "info_needs", "comm_citizens", "comm_interact", "prod_innovate", "safe_data"),
    "teknik": ("info_manage", "info_needs", "prod_innovate", "safe_devices", "safe_environment", "comm_citizens"),
    "kultur": ("comm_citizens", "comm_share", "prod_content", "prod_integrate", "prod_rights"),
    "administration": ("info_evaluate", "info_manage", "info_needs", "prod_innovate", "safe_devices", "safe_data"),
}
# Rarely relevant outside a few areas.
AREA_MINOR = {"prod_rights", "safe_environment", "prod_integrate"}


def _demo_set(rng: random.Random, framework: Framework, area: str) -> dict[str, str]:
    important = set(AREA_IMPORTANT.get(area, ()))
    out = {}
    for c in framework.competences:
        x = rng.random()
        if c.id in important:
            out[c.id] = "important" if x < 0.85 else "less"
        elif c.id in AREA_MINOR:
            out[c.id] = "less" if x < 0.55 else ("not_relevant" if x < 0.9 else "important")
        else:
            out[c.id] = "important" if x < 0.25 else ("less" if x < 0.9 else "not_relevant")
    return out


def demo_marks(db: sqlite_utils.Database, rng: random.Random, framework: Framework | None = None) -> int:
    """Give every submitted demo attempt without marks plausible marks, correlated with its area
    (a later attempt keeps most of the respondent's earlier marks); returns how many attempts."""
    if framework is None:

        framework = current()
    # a run's rounds in their order (answering.RUN_ROUNDS), then retakes: the ids are random, so
    # a tie between two rounds would order them differently from build to build
    rank = {"start": 0, "end": 1, "followup_3": 2, "followup_6": 3, "extra": 4}
    rows = sorted(
        db.query("SELECT id, respondent, round, area FROM assessments WHERE status = 'submitted' "
                 "AND id NOT IN (SELECT assessment_id FROM importance) ORDER BY respondent, id"),
        key=lambda r: (r["respondent"], rank.get(r["round"], 3), r["id"]),
    )
    last: dict[str, dict[str, str]] = {}
    done = 0
    with write(db):
        for r in rows:
            before = last.get(r["respondent"])
            if before is None:
                chosen = _demo_set(rng, framework, r["area"])
            else:
                chosen = dict(before)
                for cid in rng.sample(sorted(chosen), 2):
                    chosen[cid] = rng.choice(VALUES[:2])
            db.conn.executemany(
                "INSERT INTO importance (assessment_id, competence, value) VALUES (?, ?, ?)",
                [(r["id"], cid, v) for cid, v in chosen.items()],
            )
            last[r["respondent"]] = chosen
            done += 1
    return done
