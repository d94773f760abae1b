"""The demo's invented people and answers: names, places in the organisation and usernames as
the demo gives them, plausible answers around a latent ability, written as the app writes a
submitted attempt. The running run and the earlier one draw them the same way."""

from __future__ import annotations

import random
from datetime import date

from digled.assessment import answering, scoring
from digled.content import loader


def name(rng: random.Random, spec: dict, taken: set[tuple[str, str]]) -> tuple[str, str]:
    """A first and a last name from the demo's lists (data/demo.yaml) that no one in `taken` has
    (added to it)."""
    while True:
        first, last = rng.choice(spec["first_names"]), rng.choice(spec["last_names"])
        if (first, last) not in taken:
            taken.add((first, last))
            return first, last


def place(org, n: int) -> dict[str, str]:
    """The n-th invented leader's municipality, area and level: the municipalities in turn, the
    areas in turn across them, one in ten at the first level, one in three of the rest at the second."""
    municipalities, areas, levels = list(org.municipalities), list(org.areas), list(org.levels)
    return {"municipality": municipalities[n % len(municipalities)],
            "area": areas[(n // len(municipalities)) % len(areas)],
            "level": levels[0] if n % 10 == 0 else levels[1] if n % 3 == 0 else levels[2]}


def ability(rng: random.Random, framework: loader.Framework) -> dict[str, float]:
    """A leader's latent ability 0..1 per area around a base drawn for them, and the base for the purposes."""
    base = rng.uniform(0.25, 0.6)
    out = {a.id: min(1.0, max(0.0, base + rng.gauss(0, 0.12))) for a in framework.areas}
    out["_purpose"] = base
    return out


def username(first: str, last: str) -> str:
    """first.last in lower case, with æ, ø and å spelt ae, oe and aa."""
    return f"{first}.{last}".lower().replace("ø", "oe").replace("æ", "ae").replace("å", "aa")


def answers(rng: random.Random, framework: loader.Framework, ability: dict[str, float]) -> dict[str, int]:
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


def held(rng: random.Random, given: dict[str, int], keep: float = 0.7) -> dict[str, int]:
    """A later retake's answers: each answer kept with probability `keep`, else one step up or down."""
    return {q: v if v == scoring.DONT_KNOW or rng.random() < keep
            else max(1, min(scoring.SCALE_STEPS, v + rng.choice((-1, 1)))) for q, v in given.items()}


def insert(db, framework, secret: str, respondent: str, round_: str, day: date, user: dict,
           answers_: dict[str, int]) -> int:
    """A submitted attempt as the app writes one: random id, the days sealed (no linkage)."""
    return answering.insert_submitted(db, secret, respondent, round_, day, user["municipality"], user["area"],
                                      user["level"], scoring.score(framework, answers_), answers_)
