"""The focus list: importance share x gap to target, against hand-computed values."""

from __future__ import annotations

import pytest

from digled.insight import focus
from digled.insight.assessment_figures import Figures


def _shares(important: float) -> dict:
    return {"important": important, "less": 100 - important, "not_relevant": 0.0, "unanswered": 0.0}


@pytest.fixture
def ids(framework):
    return [c.id for c in framework.competences]


def test_level_of_inverts_the_target_percent():
    assert focus.level_of(37.5) == 3.5
    assert focus.level_of(0.0) == 0.5 and focus.level_of(100.0) == 8.5


def test_the_focus_list_ranks_by_importance_times_gap(framework, ids):
    a, b, c, d, e = ids[:5]
    f = Figures(n=20, hidden=False,
                competences={**{i: None for i in ids}, a: 37.5, b: 50.0, c: 62.5, d: 75.0, e: 25.0},
                importance={**{i: None for i in ids}, a: _shares(80), b: _shares(90), c: _shares(40), d: _shares(20)})
    targets = {**framework.target_levels, a: 5, b: 4, c: 6, d: 6, e: 7}
    rows = focus.focus_list(framework, f, targets)
    by = {r.competence: r for r in rows}
    # a: level 3.5, gap 5 - 3.5 = 1.5, priority 0.8 x 1.5 = 1.2
    assert (by[a].mean_level, by[a].gap, by[a].priority) == (3.5, 1.5, pytest.approx(1.2))
    # b: level 4.5, gap -0.5, priority 0.9 x -0.5 = -0.45; c: level 5.5, gap 0.5, 0.4 x 0.5 = 0.2
    assert (by[b].gap, by[b].priority) == (-0.5, pytest.approx(-0.45))
    assert (by[c].gap, by[c].priority) == (0.5, pytest.approx(0.2))
    # d: level 6.5, gap -0.5, 0.2 x -0.5 = -0.1; e: importance withheld -> no priority
    assert by[d].priority == pytest.approx(-0.1)
    assert by[e].priority is None and by[e].gap == 7 - 2.5 and by[e].quadrant is None
    assert [r.competence for r in rows[:4]] == [a, c, d, b]
    # the rest (no priority) follow in wheel order
    assert [r.number for r in rows[4:]] == sorted(r.number for r in rows[4:])
    # split: median of 80, 90, 40, 20 = 60
    assert focus.importance_split(rows) == 60
    assert (by[a].quadrant, by[b].quadrant, by[c].quadrant, by[d].quadrant) == ("strengthen", "maintain", "low", "consider")
    assert by[a].number == 1 and by[a].target == 5 and by[a].importance == 80


def test_quadrants_at_the_borders():
    assert focus.quadrant(60.0, 0.0, 60.0) == "maintain"  # at the split: important; at target: not below
    assert focus.quadrant(59.9, 0.01, 60.0) == "low"


def test_a_publication_without_importance_has_no_priorities(framework, ids):
    f = Figures(n=20, hidden=False, competences={i: 50.0 for i in ids})
    assert not focus.has_importance(f)
    assert not focus.has_importance(Figures(n=20, hidden=False, importance={i: None for i in ids}))  # all withheld
    rows = focus.focus_list(framework, f, framework.target_levels)
    assert all(r.priority is None and r.importance is None for r in rows)
    assert [r.number for r in rows] == list(range(1, len(ids) + 1))
    assert focus.importance_split(rows) is None
