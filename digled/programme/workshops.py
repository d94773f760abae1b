"""Tables for the joint workshops: Glostrup and Albertslund leaders from similar areas together.

`plan_tables` is the pure seating rule (property-tested); the rest stores the plan in
`workshop_tables`, lets the administrator move a leader afterwards, and prints the list.

The rule, for n leaders and a size range [min, max] (default 5-7):

1. The number of tables is the fewest that fit, k = ceil(n / max); sizes differ by at most
   one (n // k or n // k + 1), which always lies in the range when any k fits
   (k * min <= n). When none fits, or n < min, generation stops with a clear message.
2. **Mixing**: every table seats at least one leader of every municipality of the
   organisation (data/organisation.yaml). This is possible exactly when every municipality
   has *enough* leaders, defined as at least k (one per table), and min >= the number of
   municipalities; otherwise generation stops and says which municipality is short.
3. **Similar areas together**: leaders are ordered by related-area group, then area (groups
   and areas in an order drawn from the seed, municipalities alternating within an area) and
   cut into tables in that order; tables that miss a municipality swap a leader with a table
   that has two or more of it, choosing the swap that keeps areas together best; finally
   leaders of the same municipality swap between tables while that seats more leaders with
   someone of the same area (2 points per pair) or the same group (1 point per pair).
4. Deterministic: the same leaders, range and seed give the same tables, whatever the order
   the leaders come in.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import sqlite_utils

from digled.accounts import auth, organisation, programme_runs
from digled.content.activities import Activity, Programme
from digled.content.programme import programme
from digled.platform import audit, exports
from digled.platform.db import get_setting, set_setting, write
from digled.platform.i18n import N_, text
from digled.programme.attendance import active_leaders
from digled.programme.errors import ProgrammeError

DEFAULT_MIN, DEFAULT_MAX = 5, 7
MAX_IMPROVEMENT_PASSES = 30


class WorkshopError(ProgrammeError):
    """Tables cannot be generated or a move was refused; the message says why (which
    municipality is short, which sizes do not fit). Nothing was written."""


@dataclass(frozen=True)
class Leader:
    """A leader as the seating sees them."""

    id: int
    name: str
    municipality: str
    area: str
    group: str


def similarity(a: Leader, b: Leader) -> int:
    """2 for the same area, 1 for related areas (same group), else 0."""
    if a.area == b.area:
        return 2
    return 1 if a.group == b.group else 0


def table_count(n: int, min_size: int, max_size: int) -> int | None:
    """The fewest tables that seat n leaders within the range, or None when none fits."""
    if n < min_size or n == 0:
        return None
    k = math.ceil(n / max_size)
    return k if k * min_size <= n else None


def _check(leaders: Sequence[Leader], municipalities: Sequence[str], min_size: int, max_size: int) -> int:
    low = max(2, len(municipalities))
    if min_size < low or max_size < min_size:
        raise WorkshopError(
            N_("Table sizes need a minimum of at least {low} and a maximum not below the minimum (got {min} to {max})."),
            low=low, min=min_size, max=max_size,
        )
    n = len(leaders)
    if n < min_size:
        raise WorkshopError(N_("There are {n} leaders: too few for one table of at least {min}."), n=n, min=min_size)
    k = table_count(n, min_size, max_size)
    if k is None:
        raise WorkshopError(
            N_("{n} leaders cannot be split into tables of {min} to {max}. Change the size range."),
            n=n, min=min_size, max=max_size,
        )
    counts = Counter(leader.municipality for leader in leaders)
    for m in municipalities:
        if counts[m] == 0:
            raise WorkshopError(N_("Mixing is impossible: there are no leaders from {municipality}."), municipality=m)
    for m in municipalities:
        if counts[m] < k:
            raise WorkshopError(
                N_("Mixing is impossible: {municipality} has {count} leaders for {tables} tables. "
                   "Allow larger tables, or seat the leaders by hand."),
                municipality=m, count=counts[m], tables=k,
            )
    return k


def _gain(a: Leader, from_t: list[Leader], b: Leader, to_t: list[Leader]) -> int:
    """Change in cohesion when a (at from_t) and b (at to_t) swap seats."""
    before = sum(similarity(a, x) for x in from_t if x is not a) + sum(similarity(b, x) for x in to_t if x is not b)
    after = sum(similarity(a, x) for x in to_t if x is not b) + sum(similarity(b, x) for x in from_t if x is not a)
    return after - before


def _swap(t1: list[Leader], a: Leader, t2: list[Leader], b: Leader) -> None:
    t1[t1.index(a)] = b
    t2[t2.index(b)] = a


def _initial_order(leaders: list[Leader], municipalities: Sequence[str], rng: random.Random) -> list[Leader]:
    groups = sorted({leader.group for leader in leaders})
    rng.shuffle(groups)
    order = []
    for g in groups:
        areas = sorted({leader.area for leader in leaders if leader.group == g})
        rng.shuffle(areas)
        for area in areas:
            here = [leader for leader in leaders if leader.area == area and leader.group == g]
            by_muni: dict[str, list[Leader]] = {}
            for leader in here:
                by_muni.setdefault(leader.municipality, []).append(leader)
            queues = [by_muni[m] for m in sorted(by_muni)]
            for q in queues:
                rng.shuffle(q)
            while any(queues):  # alternate municipalities within the area
                for q in queues:
                    if q:
                        order.append(q.pop())
    return order


def _repair_mixing(tables: list[list[Leader]], municipalities: Sequence[str]) -> None:
    mix = set(municipalities)
    while True:
        lacking = next(
            ((t, m) for t in tables for m in municipalities if not any(x.municipality == m for x in t)), None
        )
        if lacking is None:
            return
        table, m = lacking
        counts = Counter(x.municipality for x in table)
        givers = [b for b in table if b.municipality not in mix or counts[b.municipality] >= 2]
        best = None
        for donor in tables:
            if donor is table or sum(1 for x in donor if x.municipality == m) < 2:
                continue
            for a in donor:
                if a.municipality != m:
                    continue
                for b in givers:
                    g = _gain(a, donor, b, table)
                    if best is None or g > best[0]:
                        best = (g, donor, a, b)
        # best always exists: m has >= k leaders, none here, so another table holds two;
        # this table is larger than the municipalities it holds, so one of them holds two.
        _, donor, a, b = best
        _swap(donor, a, table, b)


def _improve(tables: list[list[Leader]]) -> None:
    """Swap same-municipality leaders between tables while cohesion grows (keeps mixing)."""
    for _ in range(MAX_IMPROVEMENT_PASSES):
        improved = False
        for i in range(len(tables)):
            for j in range(i + 1, len(tables)):
                for a in list(tables[i]):
                    for b in list(tables[j]):
                        if a.municipality != b.municipality or a.area == b.area:
                            continue
                        if a in tables[i] and b in tables[j] and _gain(a, tables[i], b, tables[j]) > 0:
                            _swap(tables[i], a, tables[j], b)
                            improved = True
        if not improved:
            return


def plan_tables(
    leaders: Sequence[Leader],
    municipalities: Sequence[str],
    min_size: int = DEFAULT_MIN,
    max_size: int = DEFAULT_MAX,
    seed: int = 0,
) -> list[list[Leader]]:
    """Seat every leader once at tables of min..max that each mix all `municipalities`,
    with similar areas together; deterministic for `seed`. Raises WorkshopError."""
    leaders = sorted(leaders, key=lambda x: x.id)
    k = _check(leaders, municipalities, min_size, max_size)
    rng = random.Random(seed)
    order = _initial_order(leaders, municipalities, rng)
    n = len(order)
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    tables, start = [], 0
    for size in sizes:
        tables.append(order[start : start + size])
        start += size
    _repair_mixing(tables, municipalities)
    _improve(tables)
    return [sorted(t, key=lambda x: (x.group, x.area, x.municipality, x.name, x.id)) for t in tables]


# --- the programme's workshops and stored tables ----------------------------------------------


def workshops(prog: Programme | None = None) -> list[Activity]:
    """The programme's workshops in order (workshop 1 is the first)."""
    return [a for a in (prog or programme()).activities if a.kind == "workshop"]


def workshop_id(number: int, prog: Programme | None = None) -> str:
    """The activity id of workshop `number` (1-based)."""
    found = workshops(prog)
    if not 1 <= number <= len(found):
        raise WorkshopError(N_("There is no workshop {number}: the programme has {count}."), number=number, count=len(found))
    return found[number - 1].id


def leaders_for_seating(db: sqlite_utils.Database) -> list[Leader]:
    """The active leaders with their area groups."""
    groups = organisation.current(db).area_groups
    return [
        Leader(r["id"], r["name"], r["municipality"], r["area"], groups.get(r["area"], r["area"]))
        for r in active_leaders(db)
    ]


def _meta(db: sqlite_utils.Database) -> dict:
    return json.loads(get_setting(db, "workshop_tables", "{}") or "{}")


def plan_info(db: sqlite_utils.Database, workshop: str) -> dict | None:
    """How the stored tables were made: seed, min, max, generated_at (None when never)."""
    return _meta(db).get(workshop)


def generate(
    db: sqlite_utils.Database,
    actor: str,
    workshop: str,
    seed: int = 0,
    min_size: int = DEFAULT_MIN,
    max_size: int = DEFAULT_MAX,
) -> list[list[Leader]]:
    """Plan tables for the workshop from today's active leaders and store them (replacing any)."""
    plan = plan_tables(
        leaders_for_seating(db), list(organisation.current(db).municipalities), min_size, max_size, seed
    )
    with write(db):
        db.execute("DELETE FROM workshop_tables WHERE workshop = ?", [workshop])
        db.conn.executemany(
            "INSERT INTO workshop_tables (workshop, user_id, table_no) VALUES (?, ?, ?)",
            [(workshop, leader.id, no) for no, table in enumerate(plan, 1) for leader in table],
        )
        meta = _meta(db)
        meta[workshop] = {
            "seed": seed, "min": min_size, "max": max_size,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        set_setting(db, "workshop_tables", json.dumps(meta, sort_keys=True))
        audit.log(db, actor, "generate workshop tables",
                  f"{workshop}: {len(plan)} tables, seed {seed}, sizes {min_size}-{max_size}")
    return plan


def saved_tables(db: sqlite_utils.Database, workshop: str) -> dict[int, list[Leader]]:
    """The stored tables of a workshop {table number: leaders}, empty when none."""
    groups = organisation.current(db).area_groups
    out: dict[int, list[Leader]] = {}
    for r in db.query(
        "SELECT w.table_no, u.id, u.name, u.municipality, u.area FROM workshop_tables w "
        "JOIN users u ON u.id = w.user_id WHERE w.workshop = ? ORDER BY w.table_no, u.name, u.id",
        [workshop],
    ):
        out.setdefault(r["table_no"], []).append(
            Leader(r["id"], r["name"], r["municipality"], r["area"], groups.get(r["area"], r["area"]))
        )
    return out


def my_table(db: sqlite_utils.Database, workshop: str, user_id: int) -> tuple[int, list[Leader]] | None:
    """The leader's table number and everyone seated there, or None when not seated."""
    row = db.execute(
        "SELECT table_no FROM workshop_tables WHERE workshop = ? AND user_id = ?", [workshop, user_id]
    ).fetchone()
    if row is None:
        return None
    return row[0], saved_tables(db, workshop).get(row[0], [])


def move(db: sqlite_utils.Database, actor: str, workshop: str, user_id: int, table_no: int) -> None:
    """Seat a leader at another table (an existing one, or the next new number)."""
    with write(db):
        user = db.execute(
            f"SELECT name FROM users WHERE id = ? AND active = 1 AND {auth.LEADER_SQL} AND "
            + programme_runs.IN_RUNNING,
            [user_id],
        ).fetchone()
        if user is None:
            raise WorkshopError(N_("Only active leaders can be seated."))
        highest = db.execute(
            "SELECT COALESCE(MAX(table_no), 0) FROM workshop_tables WHERE workshop = ?", [workshop]
        ).fetchone()[0]
        if not 1 <= table_no <= highest + 1:
            raise WorkshopError(N_("Choose a table from 1 to {highest}."), highest=highest + 1)
        db.execute(
            "INSERT INTO workshop_tables (workshop, user_id, table_no) VALUES (?, ?, ?) "
            "ON CONFLICT(workshop, user_id) DO UPDATE SET table_no = excluded.table_no",
            [workshop, user_id, table_no],
        )
        audit.log(db, actor, "move workshop seat", f"{workshop}: {user[0]} to table {table_no}")


def problems(
    db: sqlite_utils.Database, workshop: str, min_size: int = DEFAULT_MIN, max_size: int = DEFAULT_MAX
) -> list[WorkshopError]:
    """What is off in the stored tables after manual moves or new participants (warnings)."""
    tables = saved_tables(db, workshop)
    if not tables:
        return []
    out = []
    municipalities = list(organisation.current(db).municipalities)
    for no, seated in tables.items():
        if not min_size <= len(seated) <= max_size:
            out.append(WorkshopError(N_("Table {table} seats {n} leaders, outside {min} to {max}."),
                                     table=no, n=len(seated), min=min_size, max=max_size))
        present = {x.municipality for x in seated}
        for m in municipalities:
            if m not in present:
                out.append(WorkshopError(N_("Table {table} has no leader from {municipality}."), table=no, municipality=m))
    seated_ids = {x.id for t in tables.values() for x in t}
    unseated = [leader.name for leader in leaders_for_seating(db) if leader.id not in seated_ids]
    if unseated:
        out.append(WorkshopError(N_("Not seated yet: {names}."), names=", ".join(unseated)))
    return out


CSV_COLUMNS = ["table", "name", "municipality", "area"]


def table_frame(db: sqlite_utils.Database, workshop: str, lang: str = "da") -> pd.DataFrame:
    """The printable list: one row per seat with columns table, name, municipality, area."""
    areas = organisation.current(db).areas
    rows = [
        {"table": no, "name": x.name, "municipality": x.municipality, "area": text(areas.get(x.area), lang) or x.area}
        for no, seated in saved_tables(db, workshop).items()
        for x in seated
    ]
    return pd.DataFrame(rows, columns=CSV_COLUMNS)


def to_csv(df: pd.DataFrame) -> bytes:
    """The list as a CSV file for Danish Excel (header row first, `;`, quoted, formulas
    neutralised, UTF-8 with BOM): see digled.platform.exports."""

    return exports.csv_bytes(df)
