"""Programme participation as management sees it: counts per step, never a person.

The funnel counts active leaders who reached each step (invited, activated, start assessment,
each film, meetings and workshops attended, end assessment, handbook). Broken down by
municipality and area, a group with fewer than k leaders is hidden, with complementary
suppression over the breakdown (anonymity.suppress), like every other management figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlite_utils

from . import anonymity
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


def funnel(
    db: sqlite_utils.Database, prog: Programme, municipalities: list[str], areas: list[str], k: int,
    municipality: str | None = None, area: str | None = None,
) -> tuple[int | None, dict[str, int]]:
    """Counts per step for all leaders or one municipality/area group: (group size, counts),
    or (None, {}) when the group is hidden."""
    people = person_steps(db)
    hidden = hidden_groups(people, municipalities, areas, k)
    if (municipality, area) in hidden:
        return None, {}
    group = people
    if municipality is not None:
        group = group[group["municipality"] == municipality]
    if area is not None:
        group = group[group["area"] == area]
    counts = {s.id: int(group[s.id].sum()) if s.id in group else 0 for s in steps(prog)}
    return len(group), counts


def hidden_groups(people: pd.DataFrame, municipalities: list[str], areas: list[str], k: int) -> set[tuple]:
    counts: dict[tuple, int] = {}
    for (m, a), n in people.groupby(["municipality", "area"]).size().items():
        for key in anonymity.lattice([[m], [a]]):
            counts[key] = counts.get(key, 0) + int(n)
    return anonymity.suppress(counts, [municipalities, areas], k)


def breakdown(
    db: sqlite_utils.Database, prog: Programme, by: str, values: list[str], municipalities: list[str],
    areas: list[str], k: int,
) -> list[tuple[str, int | None, dict[str, int]]]:
    """Counts per municipality or per area: (value, group size or None if hidden, counts)."""
    out = []
    for v in values:
        kw = {"municipality": v} if by == "municipality" else {"area": v}
        n, counts = funnel(db, prog, municipalities, areas, k, **kw)
        out.append((v, n, counts))
    return out
