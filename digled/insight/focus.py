"""Management's focus list: where development matters most for a published group.

Each competence gets the group's published importance share (the share of the group's
members marking it *important*), its mean level, the target level and the gap to it; the
priority is (importance share) x (gap), so an important competence far below target comes
first. Levels are continuous on the DigComp scale: a mean score s is level s / 12.5 + 0.5, the
inverse of scoring.target_percent (a target level L sits at (L - 0.5) x 12.5 %), so the gap in
levels is the gap in percent to the target's middle, over 12.5 (as in scoring.recommended).
The matrix quadrants (importance-performance analysis) split at the target (gap 0) and at the
median importance share of the competences shown. Pure: no Streamlit, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from digled.assessment.wheel import numbers
from digled.content.loader import Framework
from digled.insight.assessment_figures import Figures
from digled.platform.i18n import N_

QUADRANTS = {
    "strengthen": N_("Strengthen"),  # important, below target
    "maintain": N_("Maintain"),  # important, at or above target
    "consider": N_("Consider"),  # less important, at or above target
    "low": N_("Low priority"),  # less important, below target
}


@dataclass(frozen=True)
class Focus:
    """One competence of the focus list (None where the publication withholds a figure)."""

    competence: str
    number: int  # as on the numbered wheel
    area: str
    importance: float | None  # share 0..100 of the members marking it important
    mean_score: float | None  # 0..100
    mean_level: float | None  # 0.5..8.5
    target: int
    gap: float | None  # target - mean level (positive: below target)
    priority: float | None  # importance share (0..1) x gap
    quadrant: str | None = None  # a QUADRANTS key


def level_of(score: float) -> float:
    """The continuous DigComp level of a mean score (0..100 %)."""
    return score / 12.5 + 0.5


def important_share(f: Figures, competence: str) -> float | None:
    """The published share of the group marking a competence important, where the publication
    gives it as a number (None: withheld, or shown only as a band)."""
    shares = f.importance.get(competence)
    share = shares.get("important") if shares else None
    return float(share) if isinstance(share, (int, float)) else None


def has_importance(f: Figures) -> bool:
    """False for a publication made before importance existed, a hidden group, or a group
    whose importance shares are all withheld or banded (e.g. nobody has marked any)."""
    return any(important_share(f, c) is not None for c in f.importance)


def focus_list(framework: Framework, f: Figures, targets: dict[str, int]) -> list[Focus]:
    """The group's competences ranked by priority (highest first; ties and withheld figures
    in wheel order, withheld last), each with its quadrant where both figures are shown."""
    nums = numbers(framework)
    rows = []
    for c in framework.competences:
        share = important_share(f, c.id)
        score = f.competences.get(c.id)
        lvl = None if score is None else level_of(score)
        target = int(targets.get(c.id, framework.target_levels[c.id]))
        gap = None if lvl is None else target - lvl
        priority = None if share is None or gap is None else share / 100 * gap
        rows.append(Focus(c.id, nums[c.id], c.area, share, score, lvl, target, gap, priority))
    split = importance_split(rows)
    rows = [r if r.priority is None else _with_quadrant(r, split) for r in rows]
    return sorted(rows, key=lambda r: (r.priority is None, -(r.priority or 0.0), r.number))


def importance_split(rows: list[Focus]) -> float | None:
    """Where the matrix splits important from less important: the median share shown."""
    shares = [r.importance for r in rows if r.importance is not None and r.gap is not None]
    return median(shares) if shares else None


def quadrant(importance: float, gap: float, split: float) -> str:
    """The matrix quadrant: important means a share at or above the split; below target
    means a positive gap."""
    if importance >= split:
        return "strengthen" if gap > 0 else "maintain"
    return "low" if gap > 0 else "consider"


def _with_quadrant(r: Focus, split: float) -> Focus:
    return Focus(**{**r.__dict__, "quadrant": quadrant(r.importance, r.gap, split)})
