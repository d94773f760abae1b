"""digled.insight.charts: the importance-performance matrix of the focus list. One numbered point
per competence with both figures, coloured by area; the split lines at the target (x = 0) and the
median importance share; each quadrant named; points that would cover each other drawn apart,
never across a split line, while the hover keeps the exact values."""

import pytest

from digled.insight import charts, focus
from digled.insight.assessment_figures import Figures

LABELS = {"x": "x", "y": "y", "target": "T", "median": "M {m:.0f}", "hover": "{name} {imp} {lvl} {target}",
          "strengthen": "S", "maintain": "K", "consider": "C", "low": "L"}


def _shares(important: float) -> dict:
    return {"important": important, "less": 100 - important, "not_relevant": 0.0, "unanswered": 0.0}


@pytest.fixture
def ids(framework):
    return [c.id for c in framework.competences]


# --- moved from tests/insight/test_focus.py -----------------------------------------------------


def test_spread_parts_close_points_within_their_quadrants():
    pts = [(-1.0, 60.0), (-1.0, 60.0), (-0.98, 61.0), (0.02, 59.0), (3.0, 10.0)]
    out = charts.spread(pts, 0.5, 10.0, (0.0, 59.5))
    for i in range(len(out)):
        for j in range(i + 1, len(out)):
            d = ((out[i][0] - out[j][0]) / 0.5) ** 2 + ((out[i][1] - out[j][1]) / 10.0) ** 2
            assert d >= 0.98, (i, j, out)
    for (x0, y0), (x1, y1) in zip(pts, out):  # never across a split line
        assert (x0 >= 0) == (x1 >= 0) and (y0 >= 59.5) == (y1 >= 59.5)
    assert out[4] == (3.0, 10.0)  # a point with room keeps its place


def test_the_matrix_draws_one_numbered_point_per_competence_with_both_figures(framework, ids):
    a, b = ids[:2]
    f = Figures(n=20, hidden=False, competences={**{i: None for i in ids}, a: 37.5, b: 50.0},
                importance={**{i: None for i in ids}, a: _shares(80), b: _shares(40)})
    rows = focus.focus_list(framework, f, {**framework.target_levels, a: 5, b: 4})
    labels = {"x": "x", "y": "y", "target": "T", "median": "M {m:.0f}", "hover": "{name} {imp} {lvl} {target}",
              "strengthen": "S", "maintain": "K", "consider": "C", "low": "L"}
    fig = charts.matrix(framework, rows, "en", labels)
    texts = [t for tr in fig.data for t in tr.text]
    assert sorted(texts) == ["1", "2"]
    hover = [h for tr in fig.data for h in tr.hovertext]
    assert any(h.endswith("80 3.5 5") for h in hover)  # the exact values, wherever the point is drawn
    assert "M 60" in fig.layout.title.text  # median of 80 and 40
    assert {an.text for an in fig.layout.annotations} >= {"<b>S</b>", "<b>K</b>", "<b>C</b>", "<b>L</b>"}


def test_spread_is_deterministic_and_leaves_points_with_room_alone():
    pts = [(0.0, 0.0), (0.0, 0.0)]
    assert charts.spread(pts, 1.0, 1.0, (5.0, 5.0)) == charts.spread(pts, 1.0, 1.0, (5.0, 5.0))
    apart = [(-3.0, 10.0), (3.0, 90.0)]
    assert charts.spread(apart, 0.5, 10.0, (0.0, 50.0)) == apart
    assert charts.spread([], 1.0, 1.0, (0.0, 0.0)) == []


def test_without_importance_figures_the_matrix_has_no_points_and_no_median_line(framework, ids):
    f = Figures(n=20, hidden=False, competences={i: 50.0 for i in ids})
    fig = charts.matrix(framework, focus.focus_list(framework, f, framework.target_levels), "da", LABELS)
    assert [t for t in fig.data] == [] and fig.layout.title.text == "T"
    assert len(fig.layout.shapes) == 1  # the target line only
    assert list(fig.layout.yaxis.range) == [-4.0, 104.0] and fig.layout.yaxis.ticksuffix == " %"


def test_each_area_is_one_trace_in_its_colour(framework, ids):
    f = Figures(n=20, hidden=False, competences={i: 50.0 for i in ids}, importance={i: _shares(60) for i in ids})
    fig = charts.matrix(framework, focus.focus_list(framework, f, framework.target_levels), "en", LABELS)
    assert [tr.name for tr in fig.data] == [a.name["en"] for a in framework.areas]
    assert [tr.marker.color for tr in fig.data] == [a.colour for a in framework.areas]
    assert sorted(int(t) for tr in fig.data for t in tr.text) == list(range(1, len(ids) + 1))
