"""Synthetic cohort generator for the benchmarks: any size, deterministic for a seed.

Writes leaders (plus the demo accounts `leder`, `ledelse`, `admin`, password `demo`), their
submitted assessments with every answer and the scores stored exactly as `assessment.submit`
stores them (`scoring.score`: random 62-bit ids, the days sealed with the pseudonym secret), and
participation, into a digled database. Fast: one bcrypt
hash for everyone, bulk inserts in one transaction, answers generated in batches.

    python benchmarks/cohort.py PATH [--leaders 10000] [--rounds start,end,extra] [--seed 2015]

The pseudonym secret is the one the app would use for PATH (DIGLED_PSEUDONYM_SECRET, or the
demo secret generated beside the database), so leaders find their own history.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from digled.accounts import auth
from digled.assessment import scoring  # noqa: E402
from digled.content import loader
from digled.platform import config, migrations, pseudonyms, sealing
from digled.platform.db import set_setting, write  # noqa: E402

ROUNDS = ("start", "end", "extra")
DEMO_ACCOUNTS = (
    ("leder", "Lea Dam", "leader", "Albertslund", "dagtilbud", "foersteleder"),
    ("ledelse", "Lars Holm", "management", "Albertslund", "administration", "topleder"),
    ("admin", "Anne Krogh", "admin", "Glostrup", "administration", "mellemleder"),
)
BATCH = 500  # assessments per executemany batch


@dataclass(frozen=True)
class Cohort:
    """What `generate` wrote."""

    path: Path
    leaders: int
    assessments: int
    answers: int
    seconds: float

    def line(self) -> str:
        return (
            f"cohort: {self.leaders:,} leaders, {self.assessments:,} submitted assessments, "
            f"{self.answers:,} answers in {self.seconds:.1f} s ({self.path})"
        )


def _answers(rng: random.Random, framework, ability: dict[str, float], growth: float) -> dict[str, int]:
    out = {}
    steps = scoring.SCALE_STEPS - 1
    for item in framework.items:
        if rng.random() < 0.04:
            out[item.id] = scoring.DONT_KNOW
            continue
        p = ability[framework.competence_index[item.competence].area] + growth + rng.gauss(0, 0.18)
        out[item.id] = 1 + round(min(1.0, max(0.0, p)) * steps)
    for purpose in framework.purposes:
        p = ability["_purpose"] + growth + rng.gauss(0, 0.2)
        out[purpose.id] = 1 + round(min(1.0, max(0.0, p)) * steps)
    return out


def generate(
    path: Path | str,
    leaders: int = 10_000,
    rounds: tuple[str, ...] = ROUNDS,
    seed: int = 2015,
    secret: str | None = None,
    today: date | None = None,
) -> Cohort:
    """Write a cohort of `leaders` leaders with one submitted assessment per round into the
    (new or empty) database at `path`; everything or nothing."""
    started = time.perf_counter()
    path = Path(path)
    today = today or date.today()
    if secret is None:
        secret = config.load_settings({**os.environ, "DIGLED_DB": str(path)}).pseudonym_secret
    framework = loader.framework()
    org = loader.organisation()
    municipalities, areas, levels = list(org.municipalities), list(org.areas), list(org.levels)
    rng = random.Random(seed)
    password_hash = auth.hash_password("demo", rounds=12)  # one hash for everyone
    kickoff = today - timedelta(days=110)
    invited = (kickoff - timedelta(days=14)).isoformat()
    database = migrations.open_and_migrate(path)
    answers_written = assessments_written = 0
    try:
        if database.execute("SELECT COUNT(*) FROM users").fetchone()[0]:
            raise ValueError(f"{path} already has users: generate into a new database")
        with write(database):
            users = []
            for n, (username, name, role, mun, area, level) in enumerate(DEMO_ACCOUNTS, start=1):
                users.append((n, username, name, f"{username}@demo.digled.dk", mun, area, level, role))
            first = len(users) + 1
            people = []
            for n in range(leaders):
                uid = first + n
                mun = municipalities[0] if rng.random() < 0.55 else rng.choice(municipalities[1:] or municipalities)
                r = rng.random()
                level = levels[0] if r < 0.1 else levels[1] if r < 0.4 else levels[-1]
                person = (uid, f"leader{n:05d}", f"Leder {n:05d}", f"leader{n:05d}@bench.digled.dk",
                          mun, rng.choice(areas), level, "leader")
                users.append(person)
                people.append(person)
            database.conn.executemany(
                "INSERT INTO users (id, username, name, email, municipality, area, level, roles, "
                "password_hash, invited_at, activated_at, counted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                # activated from an e-mailed invitation: they count in figures (identities.py)
                [(*u, password_hash, invited, invited, invited) for u in users],
            )
            next_id = 1
            pending_assessments, pending_answers, pending_participation = [], [], []

            def flush() -> None:
                database.conn.executemany(
                    "INSERT INTO assessments (id, respondent, round, status, started, submitted, "
                    "municipality, area, level, step, scores, sealed) VALUES (?,?,?,'submitted','','',?,?,?,0,?,?)",
                    pending_assessments,
                )
                database.conn.executemany(
                    "INSERT INTO answers (assessment_id, item, value) VALUES (?,?,?)", pending_answers
                )
                database.conn.executemany(
                    "INSERT INTO participation (user_id, round, taken_on) VALUES (?,?,?)", pending_participation
                )
                pending_assessments.clear()
                pending_answers.clear()
                pending_participation.clear()

            for uid, _, _, _, mun, area, level, _ in people:
                respondent = pseudonyms.of_user(secret, uid)
                base = rng.uniform(0.2, 0.65)
                ability = {a.id: min(1.0, max(0.0, base + rng.gauss(0, 0.12))) for a in framework.areas}
                ability["_purpose"] = base
                for k, round_ in enumerate(rounds):
                    if round_ == "start":
                        day = kickoff + timedelta(days=rng.randint(0, 14))
                    elif round_ == "end":
                        day = today - timedelta(days=rng.randint(5, 20))
                    else:
                        day = today - timedelta(days=rng.randint(0, 4))
                    given = _answers(rng, framework, ability, growth=0.07 * k)
                    scores = scoring.score(framework, given)
                    row_id = sealing.random_id()
                    sealed = sealing.seal(secret, respondent, {"started": day.isoformat(), "submitted": day.isoformat(),
                                                               "order": float(next_id)})
                    pending_assessments.append(
                        (row_id, respondent, round_, mun, area, level, json.dumps(scores), sealed)
                    )
                    pending_answers.extend((row_id, q, v) for q, v in given.items())
                    pending_participation.append((uid, round_, day.isoformat()))
                    answers_written += len(given)
                    assessments_written += 1
                    next_id += 1
                if len(pending_assessments) >= BATCH:
                    flush()
            flush()
            set_setting(database, "kickoff_date", kickoff.isoformat())
        database.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.close()
    return Cohort(path, leaders, assessments_written, answers_written, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("path", help="the database file to create (must not hold users yet)")
    p.add_argument("--leaders", type=int, default=10_000)
    p.add_argument("--rounds", default=",".join(ROUNDS), help="comma-separated: start,end,extra")
    p.add_argument("--seed", type=int, default=2015)
    args = p.parse_args(argv)
    rounds = tuple(r for r in args.rounds.split(",") if r)
    if not set(rounds) <= set(ROUNDS) or len(set(rounds)) != len(rounds):
        p.error(f"--rounds must be distinct names from {', '.join(ROUNDS)}")
    print(generate(args.path, args.leaders, rounds, args.seed).line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
