"""The embedded demo: a living programme generated into an empty database at first start.

Deterministic for the seed in data/demo.yaml: about 60 leaders from Albertslund and Glostrup
across the organisation's areas and levels, most with a start assessment, some with an end
assessment, the programme's kick-off placed so that today falls mid-programme, and the three
documented accounts `leder`, `ledelse` and `admin` (password `demo`).
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import sqlite_utils

from . import anonymity, auth, content, scoring
from .config import DATA_DIR, Settings
from .db import set_setting, write

DEMO_PASSWORD = "demo"


def is_empty(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0


def load_if_empty(db: sqlite_utils.Database, settings: Settings, today: date | None = None) -> bool:
    """Load the demo when the database has no users; True when it did."""
    if not is_empty(db):
        return False
    load(db, settings, today=today)
    return True


def _answers(rng: random.Random, framework: content.Framework, ability: dict[str, float]) -> dict[str, int]:
    """Plausible answers: each area has a latent ability 0..1; steps drawn around it."""
    out = {}
    for item in framework.items:
        area = framework.competence_index[item.competence].area
        if rng.random() < 0.04:
            out[item.id] = scoring.DONT_KNOW
            continue
        p = min(1.0, max(0.0, ability[area] + rng.gauss(0, 0.18)))
        out[item.id] = 1 + round(p * (scoring.SCALE_STEPS - 1))
    for purpose in framework.purposes:
        p = min(1.0, max(0.0, ability["_purpose"] + rng.gauss(0, 0.2)))
        out[purpose.id] = 1 + round(p * (scoring.SCALE_STEPS - 1))
    return out


def _insert_assessment(db, framework, respondent, round_, day, user, answers_) -> None:
    scores = scoring.score(framework, answers_)
    cur = db.execute(
        "INSERT INTO assessments (respondent, round, status, started, submitted, municipality, "
        "area, level, scores) VALUES (?, ?, 'submitted', ?, ?, ?, ?, ?, ?)",
        [respondent, round_, day, day, user["municipality"], user["area"], user["level"], json.dumps(scores)],
    )
    db.conn.executemany(
        "INSERT INTO answers (assessment_id, item, value) VALUES (?, ?, ?)",
        [(cur.lastrowid, k, v) for k, v in answers_.items()],
    )


def load(db: sqlite_utils.Database, settings: Settings, today: date | None = None) -> None:
    """Generate the demo cohort into `db` (all or nothing)."""
    today = today or date.today()
    spec = content.read_yaml(DATA_DIR / "demo.yaml")
    framework = content.framework()
    org = content.organisation()
    rng = random.Random(spec["seed"])
    password_hash = auth.hash_password(DEMO_PASSWORD)
    kickoff = today - timedelta(days=int(spec["kickoff_days_ago"]))
    municipalities = list(org.municipalities)
    areas = list(org.areas)
    levels = list(org.levels)
    with write(db):
        users = []
        for acc in spec["accounts"]:
            users.append(dict(acc, password_hash=password_hash))
        used = set()
        for n in range(int(spec["leaders"])):
            while True:
                first, last = rng.choice(spec["first_names"]), rng.choice(spec["last_names"])
                if (first, last) not in used:
                    used.add((first, last))
                    break
            username = f"{first}.{last}".lower().replace("ø", "oe").replace("æ", "ae").replace("å", "aa")
            users.append(
                {
                    "username": username,
                    "name": f"{first} {last}",
                    "email": f"{username}@demo.digled.dk",
                    "municipality": municipalities[n % len(municipalities)],
                    "area": areas[(n // len(municipalities)) % len(areas)],
                    "level": levels[0] if n % 10 == 0 else levels[1] if n % 3 == 0 else levels[2],
                    "roles": ["leader"],
                    "password_hash": password_hash,
                    "takes_assessment": True,
                }
            )
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
        for u in users:
            if not u.get("takes_assessment") or not u["activated"]:
                continue
            if rng.random() > float(spec["start_assessment_share"]):
                continue
            respondent = anonymity.pseudonym(settings.pseudonym_secret, u["id"])
            base = rng.uniform(0.25, 0.6)
            ability = {a.id: min(1.0, max(0.0, base + rng.gauss(0, 0.12))) for a in framework.areas}
            ability["_purpose"] = base
            day = (kickoff + timedelta(days=rng.randint(0, 14))).isoformat()
            _insert_assessment(db, framework, respondent, "start", day, u, _answers(rng, framework, ability))
            db.execute(
                "INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)", [u["id"], day]
            )
            if rng.random() < float(spec["end_assessment_share"]):
                grown = {k: min(1.0, v + rng.uniform(0.05, 0.2)) for k, v in ability.items()}
                day = (today - timedelta(days=rng.randint(1, 20))).isoformat()
                _insert_assessment(db, framework, respondent, "end", day, u, _answers(rng, framework, grown))
                db.execute(
                    "INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'end', ?)", [u["id"], day]
                )
        set_setting(db, "kickoff_date", kickoff.isoformat())
        set_setting(db, "demo", "1")
