"""digled.insight.assessment_figures: what one released member set shows. Means, level-band
shares, quartiles and importance shares, never a row, a minimum or a maximum; a withheld mean is
None, a share the gate shows only as a band is its bounds; a start->end change carries the 95 %
interval only over at least 2k pairs; the export writes bands as "<k" / ">=n" with the DigComp
number beside each competence's figure. (The gate's rules are in test_anonymity.py.)"""

import math

import numpy as np
import pandas as pd
import pytest

from digled.content import loader
from digled.insight import anonymity
from digled.insight import assessment_figures as af

# --- moved from tests/insight/test_anonymity.py --------------------------------------------------


def _frame(framework, totals, levels):
    cols = af.value_columns(framework)
    df = pd.DataFrame({c: np.full(len(totals), 50.0) for c in cols})
    df["total"] = totals
    df["total_level"] = levels
    for col, v in (("round", "start"), ("municipality", "A"), ("area", "x"), ("level", "top")):
        df[col] = v
    return df


def test_figures_hide_quartiles_and_lopsided_bands(framework):
    df = _frame(framework, [40.0] * 6, [4] * 6)
    f = af.figures(df, np.ones(6, dtype=bool), framework, 5)
    assert f.n == 6 and f.total == 40.0 and f.quartiles is None
    # all six in one band: every band's count is only a band (fewer than 5, or all but fewer than 5)
    assert f.bands == {"foundation": {"lo": 0, "hi": 4}, "intermediate": {"lo": 2, "hi": 6},
                       "advanced": {"lo": 0, "hi": 4}, "highly_specialised": {"lo": 0, "hi": 4}}
    df = _frame(framework, list(np.linspace(10, 90, 20)), [1, 2, 3, 4, 5] * 4)
    f = af.figures(df, np.ones(20, dtype=bool), framework, 5)
    assert f.quartiles is not None and set(f.bands) == set(loader.BANDS)
    # levels 1-2: 8 leaders, 3-4: 8, 5: 4 (fewer than 5: a band), 7-8: none (a band)
    assert f.bands == {"foundation": 40.0, "intermediate": 40.0, "advanced": {"lo": 0, "hi": 4},
                       "highly_specialised": {"lo": 0, "hi": 4}}


def test_a_mean_with_a_few_blanks_is_not_shown(framework):
    df = _frame(framework, [40.0] * 8, [4] * 8)
    cid = framework.competences[0].id
    df.loc[0, f"c:{cid}"] = np.nan
    f = af.figures(df, np.ones(8, dtype=bool), framework, 5)
    assert f.competences[cid] is None and f.competences[framework.competences[1].id] == 50.0


# --- changes -------------------------------------------------------------------------------------


def _pairs_frame(framework, start, end):
    cols = af.change_columns(framework)
    rows = []
    for i, (s, e) in enumerate(zip(start, end)):
        for rnd, v in (("start", s), ("end", e)):
            rows.append({"respondent": f"r{i}", "round": rnd, **{c: v for c in cols}})
    df = pd.DataFrame(rows)
    df["member"] = df.index
    return df


def test_paired_keeps_the_leaders_who_took_both_rounds(framework):
    df = _pairs_frame(framework, [10.0, 20.0], [30.0, 40.0])
    df = df[~((df["respondent"] == "r1") & (df["round"] == "start"))]  # r1 took the end round only
    pairs = af.paired(df)
    assert list(pairs["respondent"]) == ["r0"] and list(pairs["start_member"]) == [0]


def test_the_change_is_the_mean_of_the_pairs_and_its_interval_needs_2k_pairs(framework):
    k = 3
    df = _pairs_frame(framework, [10.0, 20.0, 30.0, 40.0, 50.0, 60.0], [15.0, 30.0, 35.0, 50.0, 55.0, 70.0])
    pairs = af.paired(df)
    c = af.change(df, pairs, np.ones(6, dtype=bool), framework, k)
    assert c.n == 6 and c.total == pytest.approx(7.5) and not c.hidden
    low, high = c.interval_total
    assert low < 7.5 < high and round(low, 1) == low
    few = af.change(df, pairs, np.array([True] * 5 + [False]), framework, k)
    assert few.n == 5 and few.interval_total is None and few.total == pytest.approx(7.0)
    withheld = af.change(df, pairs, np.ones(6, dtype=bool), framework, k,
                         released={"pv:total": anonymity.Figure(anonymity.WITHHELD, "difference")})
    assert withheld.total is None and withheld.interval_total is None


def test_an_interval_needs_2k_and_at_least_two():
    assert not af.interval_allowed(None, 3) and not af.interval_allowed(5, 3) and af.interval_allowed(6, 3)
    assert not af.interval_allowed(1, 0) and af.interval_allowed(2, 0)


def test_the_sample_sd_skips_blanks_and_needs_two_values():
    assert af.sample_sd(np.array([1.0, np.nan])) is None
    assert af.sample_sd(np.array([1.0, 3.0, np.nan])) == pytest.approx(math.sqrt(2))


# --- what reaches a leader, and the export --------------------------------------------------------


def test_the_overlay_carries_only_whole_percent_means(framework):
    f = af.Figures(n=12, hidden=False, total=55.4, competences={"a": 40.6, "b": None}, areas={"x": 12.5},
                   quartiles=[1.0, 2.0, 3.0], bands={"foundation": 20.0}, purposes={"p": 3.0})
    o = af.overlay_figures(f)
    assert (o.n, o.total, o.competences, o.areas) == (12, 55.0, {"a": 41.0, "b": None}, {"x": 12.0})
    assert o.quartiles is None and o.bands == {} and o.purposes == {}


def test_figures_drawn_as_an_attempts_scores(framework):
    cid = framework.competences[0].id
    f = af.Figures(n=10, hidden=False, total=50.0, competences={cid: 62.5, "other": None})
    s = af.as_scores(f, framework)
    assert s["competences"][cid]["score"] == 62.5 and s["competences"][cid]["level"] is not None
    assert s["competences"]["other"] == {"score": None, "level": None} and s["total_level"] is not None
    assert af.as_scores(af.Figures(), framework)["total_level"] is None


def test_figures_and_changes_survive_json():
    f = af.Figures(n=5, hidden=False, total=1.5, bands={"x": {"lo": 0, "hi": 4}})
    assert af.Figures.from_json(f.to_json()) == f and af.Figures.from_json(None) == af.Figures()
    c = af.Change(n=6, hidden=False, total=2.0, interval_total=[1.0, 3.0])
    assert af.Change.from_json(c.to_json()) == c and af.Change.from_json("") == af.Change()


def test_a_banded_share_is_exported_as_fewer_than_or_at_least():
    assert af.export_value({"lo": 0, "hi": 4}) == "<5" and af.export_value({"lo": 8, "hi": 12}) == ">=8"
    assert af.export_value(40.0) == 40.0 and af.export_value(None) is None
    assert af.band((np.int64(0), np.int64(4))) == {"lo": 0, "hi": 4}


def test_a_hidden_group_is_one_blank_row_and_a_shown_one_a_row_per_figure(framework):
    base = {"publication": 1, "round": "start", "municipality": "Albertslund", "area": "", "level": "", "status": "shown"}
    assert af.figure_rows(base, af.Figures()) == [{**base, "n": "", "figure": "hidden", "value": ""}]
    cid = framework.competences[0].id
    f = af.Figures(n=9, hidden=False, total=50.0, quartiles=[40.0, 50.0, 60.0], competences={cid: 62.5},
                   bands={"foundation": {"lo": 0, "hi": 4}}, importance={cid: None})
    rows = af.figure_rows(base, f)
    assert af.figure_rows({**base, "area": "=cmd"}, f)[0]["area"] == "'=cmd"  # every cell made formula-safe
    figures = [r["figure"] for r in rows]
    assert figures[:4] == ["total", "total q1", "total median", "total q3"]
    assert {"figure": f"competence {cid}", "value": 62.5}.items() <= next(r for r in rows if r["figure"] == f"competence {cid}").items()
    assert next(r["value"] for r in rows if r["figure"] == "share foundation %") == "<5"
    assert [r["value"] for r in rows if r["figure"].startswith("importance")] == [None] * len(af.IMPORTANCE)
    df = af.dataframe(rows, framework)
    assert list(df.columns) == [*af.EXPORT_COLUMNS[:-1], "digcomp", "value"]
    assert df.loc[df["figure"] == f"competence {cid}", "digcomp"].item() == framework.competences[0].digcomp
    assert df.loc[df["figure"] == "total", "digcomp"].item() == ""


def test_the_digcomp_number_of_a_figure_label(framework):
    c = framework.competences[0]
    for label in (f"competence {c.id}", f"importance {c.id} important %", f"change competence {c.id} 95% low"):
        assert af.digcomp_of(label, framework) == c.digcomp
    assert af.digcomp_of("total", framework) == "" and af.digcomp_of(None) == ""
    assert af.round_value(1.26) == 1.3 and af.round_value("<5") == "<5"
    assert loader.BANDS
