"""Programme participation as management sees it: counts per step, never a person.

The funnel counts active leaders who reached each step (invited, activated, start assessment,
each film, meetings and workshops attended, end assessment, handbook), for all leaders and per
municipality and area. Management reads these counts only from publications (publications.py),
released under the same rules as every other figure (anonymity.py): a member is a leader in
one state, so counts move only when at least k leaders of a group changed, joined or left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlite_utils

from .i18n import N_
from .programme import Programme


@dataclass(frozen=True)
class Step:
    id: str
    label: str  # message id, or a content title dict for activities
    activity: str | None = None


def steps(prog: Programme) -> list[Step]:
    """The funnel's steps in programme order."""
    out = [Step("invited", N_("Invited")), Step("activated", N_("Activated")),
           Step("start", N_("Start assessment taken"))]
    for a in prog.activities:
        if a.kind in ("elearning", "kl_film", "meeting", "workshop", "service_check"):
            out.append(Step(a.id, a.title, a.id))
    out += [Step("end", N_("End assessment taken")), Step("handbook", N_("Handbook reached"), "handbook")]
    return out


def person_steps(db: sqlite_utils.Database) -> pd.DataFrame:
    """One row per active leader: municipality, area and a 0/1 column per reached step.
    Used only to compute counts; never shown."""
    users = pd.DataFrame(
        db.execute(
            "SELECT id, municipality, area, activated_at IS NOT NULL FROM users "
            "WHERE active = 1 AND (',' || roles || ',') LIKE '%,leader,%'"
        ).fetchall(),
        columns=["id", "municipality", "area", "activated"],
    )
    users["invited"] = 1
    for rnd in ("start", "end"):
        ids = {r[0] for r in db.execute("SELECT user_id FROM participation WHERE round = ?", [rnd])}
        users[rnd] = users["id"].isin(ids).astype(int)
    progress = db.execute(
        "SELECT user_id, activity FROM progress WHERE status IN ('done', 'attended')"
    ).fetchall()
    by_activity: dict[str, set[int]] = {}
    for uid, act in progress:
        by_activity.setdefault(act, set()).add(uid)
    for act, ids in by_activity.items():
        users[act] = users["id"].isin(ids).astype(int)
    return users


def member_ids(people: pd.DataFrame, prog: Programme) -> np.ndarray:
    """One member id per leader *and* state: the user id in the high 32 bits and the steps
    reached as bits in the low 32 (folded when there are more), so a step taken makes a new
    member (anonymity.py)."""
    cols = [s.id for s in steps(prog) if s.id in people]
    flags = people[cols].to_numpy(dtype=np.int64) if cols else np.zeros((len(people), 0), dtype=np.int64)
    state = np.zeros(len(people), dtype=np.int64)
    for i in range(flags.shape[1]):
        state ^= flags[:, i] << (i % 32)
    return (people["id"].to_numpy(dtype=np.int64) << 32) | state


def person_of(member: int) -> int:
    """The user a participation member belongs to."""
    return int(member) >> 32


def counts(people: pd.DataFrame, mask: np.ndarray, prog: Programme) -> dict:
    """The released figures of one set of leaders: its size and the count per step."""
    group = people[mask]
    return {"n": len(group), "counts": {s.id: int(group[s.id].sum()) if s.id in group else 0 for s in steps(prog)}}


def in_group(people: pd.DataFrame, key: tuple) -> np.ndarray:
    """A boolean mask of the leaders in one (municipality, area) group."""
    mask = np.ones(len(people), dtype=bool)
    for col, value in zip(("municipality", "area"), key):
        if value is not None:
            mask = mask & (people[col] == value).to_numpy()
    return mask
