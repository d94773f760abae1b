"""How a score is computed: pure functions from answers to percentages and DigComp levels.

Answers are stored as integers: 1..N is a step on the item's anchored scale (N = 4), and 0 is
"don't know / not relevant". An unanswered item has no answer at all.

- An item's score is (step - 1) / (N - 1) * 100 %: the lowest step is 0 %, the highest 100 %.
- "Don't know" and unanswered items are left out; they never count as zero.
- competence x dimension score: the mean of its items' scores (None when none answered).
- competence score: the mean of its dimension scores that exist (knowledge, skills and
  attitude weigh the same).
- area score: the mean of its competence scores; total: the mean of the 16 competence scores.
- level 1..8: DigComp 2.2's eight proficiency levels in equal bands of 12.5 %:
  0-12.5 % -> 1, 12.5-25 % -> 2, ..., 87.5-100 % -> 8 (the lower bound belongs to the upper
  level; 100 % is level 8). Bands: foundation 1-2, intermediate 3-4, advanced 5-6, highly
  specialised 7-8.
- purposes: each purpose's answer as a percentage the same way.
"""

from __future__ import annotations

import math
from statistics import fmean

from digled.content.loader import BANDS, DIMENSIONS, Framework

DONT_KNOW = 0
SCALE_STEPS = 4


def item_score(value: int, steps: int = SCALE_STEPS) -> float | None:
    """0..100 for a step 1..steps; None for "don't know" (0)."""
    if value == DONT_KNOW:
        return None
    if not 1 <= value <= steps:
        raise ValueError(f"answer {value} is outside the scale 0..{steps}")
    return (value - 1) / (steps - 1) * 100


def level(percent: float) -> int:
    """DigComp proficiency level 1..8 for a score of 0..100 %."""
    if not 0 <= percent <= 100 or math.isnan(percent):
        raise ValueError(f"score {percent} is outside 0..100")
    return min(8, 1 + int(percent // 12.5))


def band(level_: int) -> str:
    """foundation (1-2), intermediate (3-4), advanced (5-6), highly_specialised (7-8)."""
    if not 1 <= level_ <= 8:
        raise ValueError(f"level {level_} is outside 1..8")
    return BANDS[band_indices(level_)]


def band_indices(levels):
    """The position in BANDS of each level (1..8), for a number or a numpy array of them."""
    return (levels - 1) // 2


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def score(framework: Framework, answers: dict[str, int]) -> dict:
    """All scores of one assessment, as stored at submit (JSON-ready).

    Returns {"competences": {cid: {"knowledge", "skills", "attitude", "score", "level"}},
    "areas": {aid: percent}, "total": percent, "total_level": level,
    "purposes": {pid: percent}, "answered": n, "dont_know": n}; any score may be None
    where nothing was answered.
    """
    per_dim: dict[tuple[str, str], list[float]] = {}
    answered = dont_know = 0
    for item in framework.items:
        if item.id not in answers:
            continue
        s = item_score(answers[item.id])
        if s is None:
            dont_know += 1
            continue
        answered += 1
        per_dim.setdefault((item.competence, item.dimension), []).append(s)
    competences = {}
    for comp in framework.competences:
        dims = {d: _mean(per_dim.get((comp.id, d), [])) for d in DIMENSIONS}
        total = _mean([v for v in dims.values() if v is not None])
        competences[comp.id] = {
            **dims,
            "score": total,
            "level": level(total) if total is not None else None,
        }
    areas = {
        a.id: _mean([competences[c]["score"] for c in a.competences if competences[c]["score"] is not None])
        for a in framework.areas
    }
    total = _mean([c["score"] for c in competences.values() if c["score"] is not None])
    purposes = {}
    for p in framework.purposes:
        v = answers.get(p.id)
        purposes[p.id] = item_score(v) if v is not None else None
    return {
        "competences": competences,
        "areas": areas,
        "total": total,
        "total_level": level(total) if total is not None else None,
        "purposes": purposes,
        "answered": answered,
        "dont_know": dont_know,
    }


def target_percent(target_level: int) -> float:
    """The score at the middle of a level's band (for drawing the target profile)."""
    return (target_level - 0.5) * 12.5


def strongest(scores: dict, n: int = 3) -> list[str]:
    """The n competences with the highest score (ties: framework order)."""
    comps = [(cid, c["score"]) for cid, c in scores["competences"].items() if c["score"] is not None]
    order = {cid: i for i, cid in enumerate(scores["competences"])}
    return [cid for cid, _ in sorted(comps, key=lambda x: (-x[1], order[x[0]]))[:n]]


def recommended(scores: dict, target_levels: dict[str, int], n: int = 3) -> list[str]:
    """The n competences with the largest gap below the target profile (only real gaps first;
    then the lowest scores), excluding competences without a score."""
    order = {cid: i for i, cid in enumerate(scores["competences"])}
    gaps = []
    for cid, c in scores["competences"].items():
        if c["score"] is None:
            continue
        gaps.append((target_percent(target_levels[cid]) - c["score"], cid))
    gaps.sort(key=lambda g: (-g[0], order[g[1]]))
    return [cid for _, cid in gaps[:n]]
