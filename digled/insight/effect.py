"""Effect by part of the programme: the start->end change of leaders grouped by what they took
part in, for management, only through the release gate (publications.py, kind "effect").

The leaders are those who took both the start and the end assessment (the pairs of
assessment_figures.paired). Each is placed, by the programme's own records (the `progress` rows
journey.py, attendance.py and service.py write: one of the four films (e-learning) done, a meeting or workshop attended, the
service check held), in one group of every dimension:

- films: all the programme's KL films seen, or fewer;
- leader meetings: both attended, or fewer;
- workshops: both, one, or none attended;
- service check: used, or not;
- dose: how many of those four parts were completed in full (0 to 4).

A pair whose leader has no account any more counts as having taken part in nothing recorded,
so every dimension's groups together are exactly the pairs of the whole cohort (the group
"all"): each group and its complement are member sets like any other, audited together with
every other released set (a group minus the total isolates nobody).

What this shows is an association in this cohort, never proof that a part caused a change:
leaders who attend more may differ in other ways. The figures are stored self-describing
(dimension, value, label, n, the mean change of the total, per area and per purpose, and each
mean's 95 % interval where 2k pairs have a value), so a report can read them as they stand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlite_utils

from digled.accounts import auth
from digled.content.activities import Programme
from digled.content.loader import Framework
from digled.insight import anonymity, assessment_figures
from digled.platform import pseudonyms
from digled.platform.i18n import N_

KIND = "effect"
PREFIX = "ev"  # the figure families' ids: "ev:<column>"
PARTS = {"films": "elearning", "meetings": "meeting", "workshops": "workshop", "service": "service_check"}
ALL = ("all", None)


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str  # message id
    values: tuple[tuple[object, str], ...]  # (value, message id of its label)


DIMENSIONS = (
    Dimension("films", N_("Films seen"), (("all", N_("All four films")), ("fewer", N_("Fewer than four films")))),
    Dimension("meetings", N_("Leader meetings attended"), (("both", N_("Both leader meetings")),
                                                           ("fewer", N_("Fewer than both leader meetings")))),
    Dimension("workshops", N_("Workshops attended"), (("both", N_("Both workshops")), ("one", N_("One workshop")),
                                                      ("none", N_("No workshop")))),
    Dimension("service", N_("Service check"), (("yes", N_("Used the service check")),
                                               ("no", N_("Did not use the service check")))),
    Dimension("dose", N_("Parts completed in full"), tuple((d, N_("{d} of 4 parts")) for d in range(5))),
)
BY_ID = {d.id: d for d in DIMENSIONS}
ALL_LABEL = N_("All leaders who took both rounds")


def groups() -> list[tuple]:
    """Every group key: the whole cohort's pairs first, then each dimension's values."""
    return [ALL, *((d.id, v) for d in DIMENSIONS for v, _ in d.values)]


def label(key: tuple) -> str:
    """A group's label (a message id; "{d}" filled with the dose by the caller's format)."""
    if tuple(key) == ALL:
        return ALL_LABEL
    return dict(BY_ID[key[0]].values)[key[1]]


def breakdowns() -> list[tuple[tuple, list[tuple]]]:
    """(the whole cohort, the groups of one dimension) per dimension: the audit's breakdowns."""
    return [(ALL, [(d.id, v) for v, _ in d.values]) for d in DIMENSIONS]


def columns(framework: Framework) -> list[str]:
    """The columns whose start->end change each group shows: the total, each area, each purpose."""
    return ["total"] + [f"a:{a.id}" for a in framework.areas] + [f"p:{p.id}" for p in framework.purposes]


# --- who took part in what --------------------------------------------------------------------


def parts(db: sqlite_utils.Database, prog: Programme, secret: str) -> pd.DataFrame:
    """Per leader account (any run, active or not), indexed by respondent pseudonym: how many of
    the programme's films, leader meetings and workshops they completed and whether the service
    check was held (columns films, meetings, workshops, service), from the `progress` rows."""
    part_of = {a.id: part for part, kind in PARTS.items() for a in prog.activities if a.kind == kind}
    ids = [r[0] for r in db.execute(f"SELECT id FROM users WHERE {auth.LEADER_SQL}")]
    done = pd.DataFrame(
        db.execute("SELECT DISTINCT user_id, activity FROM progress WHERE status IN ('done', 'attended')").fetchall(),
        columns=["user", "activity"])
    done["part"] = done["activity"].map(part_of)
    done = done.dropna(subset=["part"])
    counts = (done.groupby(["user", "part"]).size().unstack(fill_value=0)
              .reindex(index=ids, columns=list(PARTS), fill_value=0).fillna(0).astype(np.int64))
    counts.index = pd.Index([pseudonyms.of_user(secret, i) for i in ids], name="respondent")
    return counts


def totals(prog: Programme) -> dict[str, int]:
    """How many activities of each part the programme holds (films 4, meetings 2, workshops 2,
    service check 1 in the seed programme)."""
    return {part: sum(a.kind == kind for a in prog.activities) for part, kind in PARTS.items()}


def completed(counts: pd.DataFrame, prog: Programme) -> dict[str, np.ndarray]:
    """Per part, which rows of `counts` (as `parts` gives them) completed it: every activity of
    the part (a part the programme lacks is never completed)."""
    full = totals(prog)
    return {p: counts[p].to_numpy() >= max(full[p], 1) for p in PARTS}


def placed(pairs: pd.DataFrame, counts: pd.DataFrame, prog: Programme) -> pd.DataFrame:
    """Each pair's group in every dimension (rows aligned with `pairs`); a respondent without a
    leader account took part in nothing recorded."""
    mine = counts.reindex(pairs["respondent"].to_numpy()).fillna(0).astype(np.int64)
    done = completed(mine, prog)
    workshops = mine["workshops"].to_numpy()
    out = pd.DataFrame(index=pairs.index)
    out["films"] = np.where(done["films"], "all", "fewer")
    out["meetings"] = np.where(done["meetings"], "both", "fewer")
    out["workshops"] = np.where(done["workshops"], "both", np.where(workshops > 0, "one", "none"))
    out["service"] = np.where(done["service"], "yes", "no")
    out["dose"] = sum(d.astype(np.int64) for d in done.values())
    return out


def in_group(places: pd.DataFrame, key: tuple) -> np.ndarray:
    """A boolean mask (aligned with the pairs) of the pairs in one group."""
    if tuple(key) == ALL:
        return np.ones(len(places), dtype=bool)
    return (places[key[0]] == key[1]).to_numpy()


# --- the figures --------------------------------------------------------------------------------


def families(df: pd.DataFrame, pairs: pd.DataFrame, framework: Framework) -> list[anonymity.Family]:
    """The gate's figure families: a mean change per column over the pairs with a value at both ends."""
    return assessment_figures.paired_families(df, pairs, framework, columns(framework), PREFIX)


def figures(df: pd.DataFrame, pairs: pd.DataFrame, mask: np.ndarray, framework: Framework, k: int, key: tuple,
            released: dict | None = None) -> dict:
    """One group's stored figures, self-describing: its dimension, value and label (a message id,
    formatted with `label_args`), n, and the
    mean change (percentage points) of the total, per area and per purpose as the gate released
    each (None: withheld), with its 95 % interval [low, high] (None: under 2k pairs with a value)."""
    n, mean, ci = assessment_figures.mean_changes(df, pairs, mask, columns(framework), k, released, PREFIX)
    return {
        "kind": KIND, "dimension": key[0], "value": key[1], "label": label(key), "label_args": {"d": key[1]},
        "dimension_label": BY_ID[key[0]].label if key[0] in BY_ID else "", "n": n,
        "total": mean["total"], "interval_total": ci["total"],
        "areas": {a.id: mean[f"a:{a.id}"] for a in framework.areas},
        "area_intervals": {a.id: ci[f"a:{a.id}"] for a in framework.areas},
        "purposes": {p.id: mean[f"p:{p.id}"] for p in framework.purposes},
        "purpose_intervals": {p.id: ci[f"p:{p.id}"] for p in framework.purposes},
    }


def parse(raw: str | None) -> dict | None:
    """Stored figures as a dict (None when there are none)."""
    return json.loads(raw) if raw else None
