"""The embedded demo: a living programme generated into an empty database at first start.

Deterministic for the seed in data/demo.yaml. The running run: about 60 leaders from Albertslund
and Glostrup across the organisation's areas and levels, most with a start assessment, some with
an end assessment, the programme's kick-off placed so that today falls mid-programme. Before it, a
closed earlier run with its own leaders, the whole programme and both follow-up rounds, published
(earlier_run.py). The three
documented accounts `leder`, `ledelse` and `admin` (password `demo`), and `ledelse_albertslund` and
`ledelse_glostrup`: management accounts that each read one municipality (and all together).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlite_utils

from digled.accounts import auth, identities, programme_runs
from digled.assessment import answering, importance, plan
from digled.content import loader, programme
from digled.demo import earlier_run, invented
from digled.platform import pseudonyms
from digled.platform.config import DATA_DIR, Settings
from digled.platform.db import set_setting, write
from digled.platform.i18n import text
from digled.programme import journey, leader_groups, reflections, service, workshops

DEMO_PASSWORD = "demo"


def is_empty(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0


def load_if_empty(db: sqlite_utils.Database, settings: Settings, today: date | None = None) -> bool:
    """Load the demo when the database has no users; True when it did."""
    if not is_empty(db):
        return False
    load(db, settings, today=today)
    return True


def load(db: sqlite_utils.Database, settings: Settings, today: date | None = None, earlier: bool = True) -> None:
    """Generate the demo into `db` (all or nothing): first the earlier run, closed, then the
    running one. `earlier=False`: the running run alone, as an installation in its first run."""
    today = today or date.today()
    spec = loader.read_yaml(DATA_DIR / "demo.yaml")
    framework = loader.framework()
    org = loader.organisation()
    rng = random.Random(spec["seed"])
    password_hash = auth.hash_password(DEMO_PASSWORD)
    kickoff = today - timedelta(days=int(spec["kickoff_days_ago"]))
    users = []
    for acc in spec["accounts"]:
        if "scope" not in acc:
            users.append(dict(acc, password_hash=password_hash))
    used = set()
    for n in range(int(spec["leaders"])):
        first, last = invented.name(rng, spec, used)
        username = invented.username(first, last)
        users.append({"username": username, "name": f"{first} {last}", "email": f"{username}@demo.digled.dk",
                      **invented.place(org, n), "roles": ["leader"], "password_hash": password_hash,
                      "takes_assessment": True})
    # the scoped management accounts come after the leaders
    users += [dict(acc, password_hash=password_hash) for acc in spec["accounts"] if "scope" in acc]
    with write(db):
        # the run before this one, with its own leaders, closed before this run's kick-off: this
        # run is opened by closing it, and this run's accounts join it as they are made
        if earlier:
            earlier_run.build(db, settings, spec, framework, org, kickoff, password_hash, used)
        else:  # named after its kick-off's year, like any run without a chosen name
            programme_runs.rename(db, programme_runs.running_id(db), f"Digital ledelse {kickoff.year}", "demo", log=False)
            set_setting(db, "kickoff_date", kickoff.isoformat())
        set_setting(db, answering.FOLLOWUP_SETTING, "on")  # the administrator's setting, on in the demo
        for u in users:
            activated = u["takes_assessment"] is False or rng.random() < 0.92
            u["id"] = auth.create_user(
                db,
                username=u["username"],
                name=u["name"],
                email=u["email"],
                municipality=u["municipality"],
                area=u["area"],
                level=u["level"],
                roles=u["roles"],
                password_hash=u["password_hash"] if activated else None,
                invited_at=(kickoff - timedelta(days=14)).isoformat(),
                activated_at=(kickoff - timedelta(days=rng.randint(1, 13))).isoformat() if activated else None,
            )
            u["activated"] = activated
            if u.get("scope"):  # the operator's word (python -m digled scope-management), as the demo gives it
                auth.set_scope(db, u["id"], u["scope"])
            if activated:  # the demo's accounts were invited by e-mail (identities.py): they count
                identities.count(db, u["id"], "invitation")
        for u in users:
            if not u.get("takes_assessment") or not u["activated"]:
                continue
            if rng.random() > float(spec["start_assessment_share"]):
                continue
            respondent = pseudonyms.of_user(settings.pseudonym_secret, u["id"])
            ability = invented.ability(rng, framework)
            day = kickoff + timedelta(days=rng.randint(0, 14))
            invented.insert(db, framework, settings.pseudonym_secret, respondent, "start", day, u,
                            invented.answers(rng, framework, ability))
            answering.record_participation(db, u["id"], "start", day)
            if rng.random() < float(spec["end_assessment_share"]):
                grown = {k: min(1.0, v + rng.uniform(0.05, 0.2)) for k, v in ability.items()}
                day = today - timedelta(days=rng.randint(1, 20))
                invented.insert(db, framework, settings.pseudonym_secret, respondent, "end", day, u,
                                invented.answers(rng, framework, grown))
                answering.record_participation(db, u["id"], "end", day)
        set_setting(db, "demo", "1")
        _programme_progress(db, spec, today)
        _leader_groups(db, org)
        _group_summaries(db)
        # the development loop (issue 11): importance marks, then plans that follow them
        importance.demo_marks(db, random.Random(int(spec["seed"]) + 11), framework)
        plan.demo_plans(db, settings.pseudonym_secret, random.Random(int(spec["seed"]) + 12), today=today,
                        framework=framework, leaders=[u["id"] for u in users if "leader" in u["roles"]])



# --- leader groups ----------------------------------------------------------------------------


def _leader_groups(db: sqlite_utils.Database, org) -> None:
    """Local leader groups (issue 12): one per municipality and pair of areas (about 7-8 leaders
    each), each chaired by its first activated member; `leder` chairs her own group."""

    areas = list(org.areas)
    pairs = [areas[i:i + 2] for i in range(0, len(areas), 2)]
    leaders = list(db.query(
        "SELECT id, username, municipality, area, password_hash IS NOT NULL AS activated FROM users "
        f"WHERE active = 1 AND {auth.LEADER_SQL} ORDER BY id"
    ))
    for municipality in org.municipalities:
        for pair in pairs:
            members = [u for u in leaders if u["municipality"] == municipality and u["area"] in pair]
            if not members:
                continue
            name = f"{municipality} · " + " / ".join(text(org.areas[a], "da") for a in pair)
            group_id = leader_groups.create(db, "demo", name)
            leader_groups.set_members(db, "demo", group_id, [u["id"] for u in members])
            chair = (next((u for u in members if u["username"] == "leder"), None)
                     or next((u for u in members if u["activated"]), members[0]))
            leader_groups.set_chair(db, "demo", group_id, chair["id"])


_DEMO_SUMMARIES = (
    "Vi drøftede, hvor digitaliseringen fylder i hverdagen. Flere oplever, at medarbejderne er klar, men at "
    "ledelsen mangler et fælles billede af, hvad vi vil med teknologien. Vi vil gerne bruge workshoppen på at "
    "arbejde med prioritering og gevinstansvar.",
    "Gruppen talte mest om kompetencer i personalegruppen: hvem går forrest, og hvordan giver vi dem mandat. "
    "Vi er usikre på, hvordan vi måler, om noget virker. Ønske til workshoppen: konkrete eksempler fra andre områder.",
    "Vi delte erfaringer med selvbetjening og borgernes forventninger. Det var svært at blive enige om, hvad der "
    "er ledelsens opgave, og hvad der er IT's. Vi tager gerne spørgsmålet om ansvar med til den fælles workshop.",
)


def _group_summaries(db: sqlite_utils.Database) -> None:
    """The chairs' summaries of the first leader meeting (issue 23) for a few groups, shared for
    preparing the first workshop."""
    meeting = leader_groups.meetings()[0].id
    for group, body in zip((g for g in leader_groups.groups(db) if g.chair_id), _DEMO_SUMMARIES):
        leader_groups.save_summary(db, auth.get_user_by_id(db, group.chair_id), meeting, body)


# --- programme progress -----------------------------------------------------------------------

_DEMO_REFLECTIONS = (
    "Vi har mange gode initiativer, men ingen har rigtig ansvaret for at følge op på dem.",
    "Jeg vil tage det op på næste personalemøde og høre, hvad medarbejderne oplever.",
    "Det minder om det, vi gjorde med den digitale vagtplan: teknikken var let, vanerne var svære.",
    "Jeg er usikker på, hvor vi står. Måske skal vi starte med at kortlægge vores arbejdsgange.",
    "Borgerne forventer mere selvbetjening, end vi tilbyder i dag.",
    "Jeg har en medarbejder, der allerede går forrest. Hun skal have mere plads og et mandat.",
    "Vi effektiviserer mest; udviklingen af selve kerneopgaven halter bagefter.",
    "Godt input. Jeg vil drøfte gevinstansvaret med min chef.",
)
_DEMO_HELP = (
    "Jeg vil gerne have hjælp til at dele dokumenter i Teams med mine medarbejdere.",
    "Hvordan sætter jeg min kalender op, så mødeindkaldelser kommer med lokale?",
)


def _programme_progress(db: sqlite_utils.Database, spec: dict, today: date) -> None:  # noqa: C901 - one story in programme order
    """Plausible progress on `today` (mid-programme): films seen and reflected on, attendance
    at past meetings and workshops, service check slots ahead with some bookings, workshop 1
    tables. `leder` gets a little progress and no assessment. Deterministic for the seed."""

    rng = random.Random(int(spec["seed"]) + 4)
    prog = programme.programme()
    dates = programme.schedule(db, prog)
    leaders = list(
        db.query(
            "SELECT id, username FROM users WHERE password_hash IS NOT NULL "
            f"AND {auth.LEADER_SQL} ORDER BY id"
        )
    )
    progress, notes = [], []
    stamp = today.isoformat() + "T12:00:00+00:00"
    for u in leaders:
        if u["username"] == "leder":
            continue
        diligence = rng.uniform(0.5, 1.0)
        for a in prog.activities:
            d = dates[a.id]
            if d.opens > today:
                continue
            last = min(d.due, today)
            if a.kind == "kickoff" and rng.random() < 0.8:
                progress.append((u["id"], a.id, "done", d.opens.isoformat()))
            elif a.kind in ("elearning", "kl_film") and rng.random() < diligence * (0.95 if d.due < today else 0.5):
                day = d.opens + timedelta(days=rng.randint(0, (last - d.opens).days))
                progress.append((u["id"], a.id, "done", day.isoformat()))
                for r in a.reflections:
                    if rng.random() < 0.35 * diligence:
                        notes.append((u["id"], r.id, a.id, rng.choice(_DEMO_REFLECTIONS), stamp))
            elif a.kind in ("meeting", "workshop") and d.due < today:
                status = "attended" if rng.random() < 0.6 + 0.35 * diligence else "absent"
                progress.append((u["id"], a.id, status, d.due.isoformat()))
    leder = next((u["id"] for u in leaders if u["username"] == "leder"), None)
    if leder is not None:
        little = (("kickoff", "done"), ("film1", "done"), ("kl1", "done"),
                  ("meeting1", "attended"), ("workshop1", "attended"))
        for activity_id, status in little:
            d = dates.get(activity_id)
            if d is not None and d.due < today:
                progress.append((leder, activity_id, status, min(d.opens + timedelta(days=3), d.due).isoformat()))
        if "film1" in dates and dates["film1"].due < today:
            notes.append((leder, "film1-r1", "film1", _DEMO_REFLECTIONS[5], stamp))
    journey.record_history(db, progress)
    reflections.record_history(db, notes)
    # service check: slots on weekdays in the weeks ahead, from the day it opens
    opens = dates["service_check"].opens if "service_check" in dates else today
    day = max(opens, today + timedelta(days=2))
    slots = []
    while len(slots) < 9:
        if day.weekday() < 5:
            for hour in (9, 13) if len(slots) % 3 else (10,):
                place = "Albertslund Rådhus, mødelokale 2" if day.toordinal() % 2 else "Glostrup Rådhus, lokale 1.12"
                slots.append((f"{day.isoformat()}T{hour:02d}:00", 45, 1 + len(slots) % 2, place))
        day += timedelta(days=1)
    others = [u["id"] for u in leaders if u["username"] != "leder"]
    booked = rng.sample(others, min(5, len(others)))
    helped = [(uid, msg, stamp) for uid, msg in zip(rng.sample(others, len(_DEMO_HELP)), _DEMO_HELP)]
    service.record_history(db, slots, [(2 * i, uid, stamp) for i, uid in enumerate(booked) if 2 * i < len(slots)], helped)
    ws = workshops.workshops(prog)
    if ws and dates[ws[0].id].opens <= today + timedelta(days=14):
        try:
            workshops.generate(db, "demo", ws[0].id, seed=int(spec["seed"]))
        except workshops.WorkshopError:
            pass  # an organisation where mixing is impossible: the demo goes without tables
