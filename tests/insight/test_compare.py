"""Unit tests of digled/insight/compare.py: two runs' published figures side by side (hand-computed)."""

from __future__ import annotations

import pytest

from digled.insight import compare
from digled.insight.assessment_figures import Figures


def _figures(framework, n, total, areas=None, competences=None) -> Figures:
    comp = {c.id: None for c in framework.competences}
    comp.update(competences or {})
    ar = {a.id: None for a in framework.areas}
    ar.update(areas or {})
    return Figures(n=n, hidden=False, competences=comp, areas=ar, total=total)


def test_level_is_the_continuous_digcomp_level_rounded():
    assert compare.level(50.0) == 4.5  # 50 / 12.5 + 0.5
    assert compare.level(37.5) == 3.5
    assert compare.level(44.0) == 4.0  # 3.52 + 0.5 = 4.02
    assert compare.level(60.0) == 5.3
    assert compare.level(0.0) == 0.5
    assert compare.level(None) is None


def test_lines_hold_n_total_areas_and_competences_with_first_minus_second(framework):
    c1, c2 = framework.competences[0].id, framework.competences[1].id
    a1 = framework.areas[0].id
    first = _figures(framework, 12, 60.0, {a1: 50.0}, {c1: 60.0, c2: 25.0})
    second = _figures(framework, 7, 44.0, {a1: 37.5}, {c1: 44.0})
    rows = compare.lines(framework, first, second)
    assert [r.kind for r in rows[:2]] == ["n", "total"]
    assert len(rows) == 2 + len(framework.areas) + len(framework.competences)
    by = {(r.kind, r.id): r for r in rows}
    assert (by["n", ""].first, by["n", ""].second, by["n", ""].difference) == (12, 7, 5)
    assert (by["total", ""].first, by["total", ""].second, by["total", ""].difference) == (5.3, 4.0, 1.3)
    assert (by["area", a1].first, by["area", a1].second, by["area", a1].difference) == (4.5, 3.5, 1.0)
    assert (by["competence", c1].first, by["competence", c1].second, by["competence", c1].difference) == (5.3, 4.0, 1.3)
    # a mean withheld in one run: that run's value and the difference are blank
    assert (by["competence", c2].first, by["competence", c2].second, by["competence", c2].difference) == (2.5, None, None)
    assert [r.number for r in rows if r.kind == "competence"] == list(range(1, len(framework.competences) + 1))


def test_a_negative_difference_and_rounding_of_the_rounded_levels(framework):
    c1 = framework.competences[0].id
    # 31.0 -> 2.98 -> 3.0; 33.0 -> 3.14 -> 3.1: shown 3.0 and 3.1, difference -0.1 (as read)
    rows = compare.lines(framework, _figures(framework, 5, None, competences={c1: 31.0}),
                         _figures(framework, 6, None, competences={c1: 33.0}))
    row = next(r for r in rows if r.id == c1)
    assert (row.first, row.second, row.difference) == (3.0, 3.1, -0.1)
    total = rows[1]
    assert (total.first, total.second, total.difference) == (None, None, None)


@pytest.mark.parametrize("hidden_side", ["first", "second"])
def test_a_hidden_group_gives_no_number_in_that_run(framework, hidden_side):
    c1 = framework.competences[0].id
    shown = _figures(framework, 9, 50.0, competences={c1: 50.0})
    hidden = Figures()  # what Figures.from_json(None) gives for a hidden group
    args = (hidden, shown) if hidden_side == "first" else (shown, hidden)
    for r in compare.lines(framework, *args):
        if hidden_side == "first":
            assert r.first is None
        else:
            assert r.second is None
        assert r.difference is None
    rows = compare.lines(framework, None, shown)  # no publication at all in the first run
    assert rows[0].first is None and rows[0].second == 9


def test_table_names_rows_and_columns(framework):
    c1 = framework.competences[0]
    rows = compare.lines(framework, _figures(framework, 10, 50.0, competences={c1.id: 50.0}),
                         _figures(framework, 8, 37.5, competences={c1.id: 37.5}))
    labels = {"what": "What", "first": "Run A", "second": "Run B", "difference": "Difference",
              "n": "Answers", "total": "Total"}
    table = compare.table(framework, rows, "en", labels)
    assert table[0] == {"What": "Answers", "Run A": 10, "Run B": 8, "Difference": 2}
    assert table[1] == {"What": "Total", "Run A": 4.5, "Run B": 3.5, "Difference": 1.0}
    assert table[2]["What"] == framework.areas[0].name["en"]
    comp = table[2 + len(framework.areas)]
    assert comp == {"What": f"1. {c1.name['en']}", "Run A": 4.5, "Run B": 3.5, "Difference": 1.0}
    assert compare.table(framework, rows, "da", labels)[2 + len(framework.areas)]["What"] == f"1. {c1.name['da']}"


def test_bars_have_one_series_per_run_and_leave_out_hidden_values(framework):
    c1 = framework.competences[0].id
    rows = compare.lines(framework, _figures(framework, 10, 50.0, competences={c1: 50.0}), Figures())
    fig = compare.bars(framework, rows, "competence", "en", ("2027", "2026"), "Level")
    assert [tr.name for tr in fig.data] == ["2027", "2026"]
    assert list(fig.data[0].x) == [str(i) for i in range(1, len(framework.competences) + 1)]
    assert fig.data[0].y[0] == 4.5 and all(v is None for v in fig.data[1].y)
    assert fig.layout.barmode == "group"
    areas = compare.bars(framework, rows, "area", "da", ("2027", "2026"), "Niveau")
    assert list(areas.data[0].x) == [a.name["da"] for a in framework.areas]
