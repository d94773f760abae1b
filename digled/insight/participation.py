"""Programme participation as management sees it: counts per step, never a person.

`counts` gives, per group of active leaders, the count per step (invited, activated, kick-off,
start assessment, each film, meetings and workshops attended, end assessment, handbook) and the
funnel (`STAGES`: kick-off -> start assessment -> films -> meetings -> workshops -> end
assessment), where a stage counts a leader only when they also passed every earlier stage, so
it never widens. Counts are per municipality and area. Management reads these counts only from publications (publications.py),
released under the same rules as every other figure (anonymity.py): a member is a leader in
one state, so counts move only when at least k leaders of a group changed, joined or left.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlite_utils

from digled.accounts import auth, programme_runs
from digled.assessment import answering
from digled.content.activities import Programme
from digled.insight import anonymity
from digled.platform.i18n import N_


@dataclass(frozen=True)
class Step:
    id: str
    label: str  # message id, or a content title dict for activities
    activity: str | None = None


def steps(prog: Programme) -> list[Step]:
    """The funnel's steps in programme order."""
    out = [Step("invited", N_("Invited")), Step("activated", N_("Activated"))]
    out += [Step(a.id, a.title, a.id) for a in prog.activities if a.kind == "kickoff"]
    out.append(Step("start", N_("Start assessment taken")))
    for a in prog.activities:
        if a.kind in ("elearning", "kl_film", "meeting", "workshop", "service_check"):
            out.append(Step(a.id, a.title, a.id))
    out += [Step("end", N_("End assessment taken")), Step("handbook", N_("Handbook reached"), "handbook")]
    return out


def person_steps(db: sqlite_utils.Database) -> pd.DataFrame:
    """One row per active leader of the running run whose account counts in figures
    (identities.py: activated from the municipalities' mail domains or by single sign-on):
    municipality, area and a 0/1 column per reached step. Used only to compute counts; never
    shown."""
    users = pd.DataFrame(
        db.execute(
            "SELECT id, municipality, area, activated_at IS NOT NULL FROM users "
            f"WHERE active = 1 AND counted_at IS NOT NULL AND {auth.LEADER_SQL} AND "
            + programme_runs.IN_RUNNING
        ).fetchall(),
        columns=["id", "municipality", "area", "activated"],
    )
    users["invited"] = 1
    for rnd in ("start", "end", *(answering.FOLLOWUP_ROUNDS if followup_in_use(db) else ())):
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


def followup_in_use(db: sqlite_utils.Database) -> bool:
    """True while the run's follow-up rounds are switched on, or a leader of the run took one:
    then the funnel has its follow-up stage."""
    return answering.followup_enabled(db) or db.execute(
        "SELECT 1 FROM participation WHERE round IN (SELECT value FROM json_each(?)) AND user_id IN "
        f"(SELECT id FROM users WHERE {programme_runs.IN_RUNNING}) LIMIT 1",
        [json.dumps(list(answering.FOLLOWUP_ROUNDS))]).fetchone() is not None


def state_columns(prog: Programme) -> list[str]:
    """The steps a member's state is made of, in a fixed bit order: the kick-off came later, so
    it takes the next bit and every earlier state keeps its member id; the follow-up rounds came
    later still (a leader who takes one is a new member, as with any other step)."""
    kickoff = [a.id for a in prog.activities if a.kind == "kickoff"]
    return [s.id for s in steps(prog) if s.id not in kickoff] + kickoff + list(answering.FOLLOWUP_ROUNDS)


def member_ids(people: pd.DataFrame, prog: Programme) -> np.ndarray:
    """One member id per leader *and* state: the user id in the high 32 bits and the steps
    reached as bits in the low 32 (folded when there are more), so a step taken makes a new
    member (anonymity.py)."""
    cols = [c for c in state_columns(prog) if c in people]
    flags = people[cols].to_numpy(dtype=np.int64) if cols else np.zeros((len(people), 0), dtype=np.int64)
    state = np.zeros(len(people), dtype=np.int64)
    for i in range(flags.shape[1]):
        state ^= flags[:, i] << (i % 32)
    return (people["id"].to_numpy(dtype=np.int64) << 32) | state


def person_of(member: int) -> int:
    """The user a participation member belongs to."""
    return int(member) >> 32


GROUP_STEPS = ("invited", "activated")  # every leader who counts has taken these: the group itself


def shown_steps(prog: Programme) -> list[Step]:
    """The steps management sees counted (the group's size stands for the others)."""
    return [s for s in steps(prog) if s.id not in GROUP_STEPS]


def families(people: pd.DataFrame, prog: Programme) -> list[anonymity.Family]:
    """The gate's families of the participation counts: per step and per funnel stage, the
    members (leaders in a state, see member_ids) counted."""
    ids = people["member"].to_numpy(dtype=np.int64)
    nobody = np.zeros(len(people), dtype=bool)
    out = [anonymity.Family(f"step:{s.id}", anonymity.COUNT,
                            ids[people[s.id].to_numpy(dtype=bool) if s.id in people else nobody])
           for s in shown_steps(prog)]
    passed = stage_passed(people, prog)
    out += [anonymity.Family(f"stage:{sid}", anonymity.COUNT, ids[through]) for sid, through in passed.items()]
    return out


def counts(people: pd.DataFrame, mask: np.ndarray, prog: Programme, released: dict | None = None) -> dict:
    """The released figures of one set of leaders: its size, and per step and funnel stage the
    count as the gate released it (`released`: family id -> anonymity.Figure): a number, a band
    {"lo", "hi"} (fewer than k, or all but fewer than k) or None (withheld). Without
    `released`, the direct rule alone decides (each count and its rest at least k)."""
    group = people[mask]
    n = len(group)

    def shown(fid: str, counted: int):
        fig = (released or {}).get(fid)
        if fig is None:
            return counted  # decided by the caller's rules (tests of the arithmetic)
        if fig.status == anonymity.EXACT:
            return counted
        return {"lo": int(fig.bounds[0]), "hi": int(fig.bounds[1])} if fig.status == anonymity.BAND else None

    step_counts = {s.id: shown(f"step:{s.id}", int(group[s.id].sum()) if s.id in group else 0) for s in shown_steps(prog)}
    through = funnel(group, prog)
    return {"n": n, "counts": step_counts, "funnel": {sid: shown(f"stage:{sid}", c) for sid, c in through.items()}}


def stage_passed(people: pd.DataFrame, prog: Programme) -> dict[str, np.ndarray]:
    """Per stage, which leaders passed it *and every earlier stage* (a boolean per row)."""
    through = np.ones(len(people), dtype=bool)
    out = {}
    for stage in stages(followup=answering.FOLLOWUP_ROUNDS[0] in people):
        cols = [c for c in stage_columns(stage, prog) if c in people]
        passed = people[cols].to_numpy(dtype=np.int64).any(axis=1) if cols else np.zeros(len(people), dtype=bool)
        through = through & passed
        out[stage.id] = through.copy()
    return out


def in_group(people: pd.DataFrame, key: tuple) -> np.ndarray:
    """A boolean mask of the leaders in one (municipality, area) group."""
    mask = np.ones(len(people), dtype=bool)
    for col, value in zip(("municipality", "area"), key):
        if value is not None:
            mask = mask & (people[col] == value).to_numpy()
    return mask


# --- the funnel ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    id: str
    label: str  # message id
    kinds: tuple[str, ...] = ()  # activity kinds of which one attended/done passes the stage
    round: str | None = None  # or: the assessment round taken
    rounds: tuple[str, ...] = ()  # or: one of these rounds taken (the follow-ups)


STAGES = (
    Stage("kickoff", N_("Took part in the kick-off"), kinds=("kickoff",)),
    Stage("start", N_("Took the start assessment"), round="start"),
    Stage("films", N_("Saw at least one film"), kinds=("elearning", "kl_film")),
    Stage("meetings", N_("Attended at least one leader meeting"), kinds=("meeting",)),
    Stage("workshops", N_("Attended at least one workshop"), kinds=("workshop",)),
    Stage("end", N_("Took the end assessment"), round="end"),
)
# after the programme, while the run's follow-up rounds are in use (followup_in_use)
FOLLOWUP_STAGE = Stage("followup", N_("Took a follow-up assessment"), rounds=answering.FOLLOWUP_ROUNDS)


def stages(followup: bool) -> tuple[Stage, ...]:
    """The funnel's stages: STAGES, and the follow-up stage while the follow-ups are in use."""
    return (*STAGES, FOLLOWUP_STAGE) if followup else STAGES


def stages_of(funnel: dict) -> tuple[Stage, ...]:
    """The stages a released funnel holds (the follow-up stage only when it was released with it)."""
    return stages(FOLLOWUP_STAGE.id in (funnel or {}))


def stage_columns(stage: Stage, prog: Programme) -> list[str]:
    """The step columns (person_steps) of which one passes a stage."""
    if stage.rounds:
        return list(stage.rounds)
    if stage.round:
        return [stage.round]
    return [a.id for a in prog.activities if a.kind in stage.kinds]


def funnel(people: pd.DataFrame, prog: Programme) -> dict[str, int]:
    """Per stage, the leaders who passed it *and every earlier stage* (so never widening): a
    film stage is passed by one film seen, a meeting or workshop stage by one attended."""
    return {sid: int(passed.sum()) for sid, passed in stage_passed(people, prog).items()}


def stage_opens(prog: Programme, schedule: dict, followup_opens: date | None = None) -> dict[str, date | None]:
    """The day each stage opens: the earliest opening of its activities (`schedule`:
    programme.schedule); None when the programme has no such activity. With `followup_opens`
    (the first follow-up round's day), the follow-up stage too."""
    out: dict[str, date | None] = {}
    if followup_opens is not None:
        out[FOLLOWUP_STAGE.id] = followup_opens
    for stage in STAGES:
        ids = [a.id for a in prog.activities
               if (a.kind in stage.kinds) or (stage.round and a.kind == "assessment" and a.round == stage.round)]
        days = [schedule[i].opens for i in ids if i in schedule]
        out[stage.id] = min(days) if days else None
    if followup_opens is not None:
        out[FOLLOWUP_STAGE.id] = out.pop(FOLLOWUP_STAGE.id)  # last, as in the funnel
    return out


def open_stages(prog: Programme, schedule: dict, today: date, followup_opens: date | None = None) -> dict[str, bool]:
    """Per stage: has it opened by `today`? (A later stage is shown as not yet open.)"""
    return {sid: day is not None and day <= today
            for sid, day in stage_opens(prog, schedule, followup_opens).items()}


def run_open_stages(db: sqlite_utils.Database, prog: Programme, cohort_id: int | None = None) -> dict[str, bool]:
    """Per stage of a run's funnel (the running run's by default): had it opened by the run's last
    day (today, or a closed run's closing day), by that run's own schedule? The follow-up stage
    by its first round's day (False while the follow-up rounds are off)."""
    schedule = programme_runs.schedule(db, prog, cohort_id)
    windows = answering.followup_windows(db, prog, schedule)
    out = open_stages(prog, schedule, programme_runs.last_day(db, cohort_id), windows[0].opens if windows else None)
    out.setdefault(FOLLOWUP_STAGE.id, False)
    return out
