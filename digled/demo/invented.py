"""The demo's invented people and answers: usernames as the demo spells them, plausible answers
around a latent ability, written as the app writes a submitted attempt."""

from __future__ import annotations

import random
from datetime import date

from digled.assessment import answering, scoring
from digled.content import loader


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
