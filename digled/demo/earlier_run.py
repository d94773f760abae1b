"""The demo's earlier run, closed before the running one began.

Its own wave of leaders (invented, like all the demo's people) went through the whole programme:
start and end assessment, films, leader meetings, both workshops, the service check, and the
follow-up rounds 3 and 6 months after the programme, with what they got done of their plans. Its
figures were published once, the day after the last follow-up window closed, through the same
gate as every publication; then the run was closed and the running one opened. Management reads
it under Run: effect by part of the programme, whether the change held, the evaluation report,
and the comparison of two runs. Deterministic for the seed in data/demo.yaml.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import sqlite_utils

from digled.accounts import auth, identities, programme_runs
from digled.assessment import answering, importance, plan
from digled.content import loader, programme
from digled.demo import invented
from digled.insight import effect, publications
from digled.platform import pseudonyms
from digled.platform.config import Settings
from digled.platform.db import set_setting
from digled.programme import journey, workshops

FULL_SHARE = 0.55  # of the earlier run's leaders, those who took (nearly) every part
SEED_OFFSET = 31  # this run's random numbers are its own: the running run's data does not move with it
OUTCOME_WEIGHTS = {"done": 0.45, "started": 0.3, "not_yet": 0.15, "dropped": 0.1}
_OUTCOME_NOTES = (
    "Vi tog det op på personalemødet i marts.",
    "Kom i gang, men det gik i stå i sommerferien.",
    "Blev overhalet af en omorganisering.",
)


def kickoff(spec: dict, running_kickoff: date) -> date:
    """The earlier run's kick-off: `days_before` the running run's."""
    return running_kickoff - timedelta(days=int(spec["earlier_run"]["days_before"]))


def build(db: sqlite_utils.Database, settings: Settings, spec: dict, framework: loader.Framework, org,
          running_kickoff: date, password_hash: str, used: set[tuple[str, str]]) -> None:
    """Write the earlier run into the empty database's first run, publish and close it, and open
    the running run (kick-off `running_kickoff`, named after its year, no participants yet).
    `used`: the (first, last) names the running run's leaders have (this run's leaders get others).
    Call inside the demo's write transaction."""
    part = spec["earlier_run"]
    rng = random.Random(int(spec["seed"]) + SEED_OFFSET)
    start = kickoff(spec, running_kickoff)
    programme_runs.record_opening(db, datetime.combine(start - timedelta(days=28), time(9), UTC))
    programme_runs.rename(db, programme_runs.running_id(db), f"Digital ledelse {start.year}", "demo", log=False)
    set_setting(db, "kickoff_date", start.isoformat())
    set_setting(db, answering.FOLLOWUP_SETTING, "on")  # the administrator's setting, on in the demo
    prog = programme.programme(db)
    dates = programme.schedule(db, prog)
    leaders = _leaders(db, spec, org, rng, password_hash, used, start)
    _programme(db, prog, dates, leaders, rng)
    _assessments(db, settings, framework, prog, dates, leaders, part, rng)
    importance.demo_marks(db, random.Random(int(spec["seed"]) + SEED_OFFSET + 1), framework)
    plan.demo_plans(db, settings.pseudonym_secret, random.Random(int(spec["seed"]) + SEED_OFFSET + 2),
                    today=dates["meeting2"].opens if "meeting2" in dates else start + timedelta(days=140),
                    framework=framework, leaders=[u["id"] for u in leaders])
    _outcomes(db, settings.pseudonym_secret, leaders, rng)
    for w in workshops.workshops(prog):
        try:
            workshops.generate(db, "demo", w.id, seed=int(spec["seed"]))
        except workshops.WorkshopError:
            pass  # an organisation where mixing is impossible: the demo goes without tables
    last = max(w.closes for w in answering.followup_windows(db, prog))
    published = datetime.combine(last + timedelta(days=1), time(5), UTC)  # the daily job, early morning
    publications.make(db, framework, org, prog, "window_closed", now=published, settings=settings)
    programme_runs.close_and_open(db, f"Digital ledelse {running_kickoff.year}", running_kickoff, [], "demo",
                                  when=published + timedelta(hours=4))


def _leaders(db, spec: dict, org, rng: random.Random, password_hash: str, used: set, start: date) -> list[dict]:
    """The earlier run's leaders, spread over the municipalities, areas and levels like the running run's."""
    out = []
    taken = set(used)
    for n in range(int(spec["earlier_run"]["leaders"])):
        first, last = invented.name(rng, spec, taken)
        u = {"username": invented.username(first, last), "name": f"{first} {last}", **invented.place(org, n)}
        u["id"] = auth.create_user(
            db, username=u["username"], name=u["name"], email=f"{u['username']}@demo.digled.dk",
            municipality=u["municipality"], area=u["area"], level=u["level"], roles=["leader"],
            password_hash=password_hash, invited_at=(start - timedelta(days=21)).isoformat(),
            activated_at=(activated := start - timedelta(days=rng.randint(1, 20))).isoformat())
        # invited by e-mail: they count (identities.py) from the day they activated their account
        identities.count(db, u["id"], "invitation", when=datetime.combine(activated, time(10), UTC))
        # most leaders took (nearly) every part, the others about half: two kinds of leader, as a
        # programme sees them (and fewer small combinations for the gate to hold back)
        u["diligence"] = 1.0 if rng.random() < FULL_SHARE else rng.uniform(0.35, 0.65)
        out.append(u)
    return out


def _programme(db, prog, dates: dict, leaders: list[dict], rng: random.Random) -> None:
    """Everyone's steps through the whole programme, more of them the more diligent the leader."""
    rows = []
    for u in leaders:
        d = u["diligence"]
        for a in prog.activities:
            when = dates[a.id]
            if a.kind == "kickoff" and rng.random() < 0.85:
                rows.append((u["id"], a.id, "done", when.opens.isoformat()))
            elif a.kind in ("elearning", "kl_film") and rng.random() < 0.99 * d:
                rows.append((u["id"], a.id, "done", _day_in(rng, when.opens, when.due).isoformat()))
            elif a.kind in ("meeting", "workshop"):
                status = "attended" if rng.random() < 0.98 * d else "absent"
                rows.append((u["id"], a.id, status, when.due.isoformat()))
            elif a.kind == "service_check" and rng.random() < 0.95 * d - 0.1:
                rows.append((u["id"], a.id, "attended", (when.opens + timedelta(days=rng.randint(3, 30))).isoformat()))
    journey.record_history(db, rows)


def _day_in(rng: random.Random, first: date, last: date) -> date:
    """A day from `first` to `last`, drawn with one number whatever the window's length: the
    demo's leaders and answers are the same on every day it is built (only their days move)."""
    return first + timedelta(days=int(rng.random() * ((last - first).days + 1)))


def _assessments(db, settings: Settings, framework, prog, dates: dict, leaders: list[dict], part: dict,
                 rng: random.Random) -> None:
    """Start for most; end for most of them, grown a little more the more parts a leader completed;
    the follow-ups for most who took the end, mostly holding what they reached."""
    secret = settings.pseudonym_secret
    first_window, end_window = dates["assessment_start"], dates["assessment_end"]
    windows = {w.round: w for w in answering.followup_windows(db, prog)}
    # how many of the four parts each leader completed, as the effect view counts them (effect.py)
    counts = effect.parts(db, prog, secret)
    dose = dict(zip(counts.index, sum(done.astype(int) for done in effect.completed(counts, prog).values())))
    for u in leaders:
        if rng.random() >= float(part["start_assessment_share"]):
            continue
        respondent = pseudonyms.of_user(secret, u["id"])
        ability = invented.ability(rng, framework)
        day = _day_in(rng, first_window.opens, first_window.due)
        invented.insert(db, framework, secret, respondent, "start", day, u, invented.answers(rng, framework, ability))
        answering.record_participation(db, u["id"], "start", day)
        if rng.random() >= float(part["end_assessment_share"]):
            continue
        growth = 0.02 + 0.035 * dose[respondent]
        grown = {k: min(1.0, v + growth + rng.uniform(-0.03, 0.06)) for k, v in ability.items()}
        day = _day_in(rng, end_window.opens, end_window.due)
        given = invented.answers(rng, framework, grown)
        invented.insert(db, framework, secret, respondent, "end", day, u, given)
        answering.record_participation(db, u["id"], "end", day)
        for round_ in answering.FOLLOWUP_ROUNDS:
            if rng.random() >= float(part[f"{round_}_share"]):
                break  # who skips the 3-month round is not asked again in the demo
            w = windows[round_]
            day = _day_in(rng, w.opens, min(w.closes, w.opens + timedelta(days=30)))
            given = invented.held(rng, given)
            invented.insert(db, framework, secret, respondent, round_, day, u, given)
            answering.record_participation(db, u["id"], round_, day)
            u["followed_up"] = True


def _outcomes(db, secret: str, leaders: list[dict], rng: random.Random) -> None:
    """At the follow-up, what those with a plan got done of it ("Hvad fik du gjort?")."""
    for u in leaders:
        if not u.get("followed_up"):
            continue
        respondent = pseudonyms.of_user(secret, u["id"])
        for a in plan.load(db, respondent).actions:
            outcome = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
            note = rng.choice(_OUTCOME_NOTES) if outcome != "done" and rng.random() < 0.4 else ""
            plan.set_outcome(db, respondent, a.id, outcome, note)
