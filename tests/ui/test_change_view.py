"""digled/ui/change_view.py: the published start -> end change with its 95 % interval (hand
computed), older publications without an interval, the 2k rule, and an attacker's test of what
the published mean and standard deviation reveal."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from digled.accounts import organisation, programme_runs
from digled.content import loader, programme
from digled.insight import assessment_figures, audiences, publications
from digled.ui import change_view
from tests.apptest import page_text
from tests.conftest import without_follow_ups

K = 5


# --- the interval and the rows ----------------------------------------------------------------


def test_the_interval_is_the_t_interval_rounded_to_one_decimal():
    # n = 10, mean 4.0, sd 3.0: t(0.975, 9) = 2.2622; half = 2.2622 * 3 / sqrt(10) = 2.1461
    assert change_view.interval(4.0, 3.0, 10, K) == (1.9, 6.1)
    # n = 13 (the demo cohort), mean -1.25, sd 6.5: t(0.975, 12) = 2.1788; half = 3.9279
    assert change_view.interval(-1.25, 6.5, 13, K) == (-5.2, 2.7)


@pytest.mark.parametrize("mean, sd, n", [(None, 3.0, 20), (4.0, None, 20), (4.0, 3.0, 9), (4.0, float("nan"), 20)])
def test_no_interval_without_a_mean_an_sd_or_2k_leaders(mean, sd, n):
    assert change_view.interval(mean, sd, n, K) is None


def test_the_2k_rule():
    assert not change_view.interval_allowed(9, 5) and change_view.interval_allowed(10, 5)
    assert not change_view.interval_allowed(None, 5) and not change_view.interval_allowed(1, 0) and change_view.interval_allowed(2, 1)


def test_rows_say_why_an_interval_is_missing(framework):
    first, second = framework.competences[0].id, framework.competences[1].id
    # a publication as stored now: each released mean with its interval, computed where n is known
    figures = {"n": 12, "hidden": False, "total": 3.0, "competences": {c.id: 2.04 for c in framework.competences},
               "intervals": {c.id: [-0.5, 4.6] for c in framework.competences}, "interval_total": [1.7, 4.3]}
    figures["competences"][second] = None
    figures["intervals"][second] = None
    ch, intervals, total_ci, has_intervals = change_view.parse(json.dumps(figures), K)
    assert (ch.n, total_ci, has_intervals) == (12, (1.7, 4.3), True)
    rows = {r["competence"]: r for r in change_view.rows(ch, framework, K, intervals, has_intervals)}
    assert rows[first] == {"competence": first, "mean": 2.0, "interval": (-0.5, 4.6), "why": ""}
    assert rows[second]["mean"] is None and rows[second]["interval"] is None and rows[second]["why"] == ""
    assert "n" not in rows[first]  # how many leaders have a value per competence is not shown: a count is an answer

    # an older publication stored the standard deviation: its interval is computed as it was then
    old = {"n": 12, "hidden": False, "total": 3.0, "competences": {c.id: 2.04 for c in framework.competences},
           "sd": {c.id: 4.0 for c in framework.competences}, "sd_total": 2.0}
    ch, intervals, total_ci, has_intervals = change_view.parse(json.dumps(old), K)
    # t(0.975, 11) = 2.2010; half = 2.2010 * 4 / sqrt(12) = 2.5415 -> (-0.5, 4.6)
    assert intervals[first] == (-0.5, 4.6) and has_intervals
    older = {key: v for key, v in old.items() if key not in ("sd", "sd_total")}  # before intervals at all
    ch, intervals, total_ci, has_intervals = change_view.parse(json.dumps(older), K)
    assert total_ci is None and not has_intervals
    assert {r["why"] for r in change_view.rows(ch, framework, K, intervals, has_intervals) if r["mean"] is not None} == {change_view.NO_SD}

    small = dict(figures, n=7, intervals={c.id: None for c in framework.competences})  # under 2k: no interval stored
    ch, intervals, _, has_intervals = change_view.parse(json.dumps(small), K)
    r = change_view.rows(ch, framework, K, intervals, has_intervals)[0]
    assert r["mean"] == 2.0 and r["interval"] is None and r["why"] == change_view.TOO_FEW


def test_numbers_in_danish_have_a_decimal_comma():
    assert change_view.number(2.5, "da") == "+2,5" and change_view.number(-0.44, "da") == "-0,4"
    assert change_view.number(-0.04, "en") == "0.0"  # rounds to no change: no sign (digled.platform.numbers)


# --- the attacker --------------------------------------------------------------------------------


def _published(changes: np.ndarray) -> tuple[float, float]:
    """What a group publishes about its paired changes: the mean and the sample sd."""
    return float(changes.mean()), float(changes.std(ddof=1))


def test_management_knowing_all_but_one_learns_nothing_more_from_the_sd():
    """Management never sees a leader's change; suppose it learned n - 1 of them anyway (leaders
    showed their reports). Then the published *mean* alone gives away the last one (n·mean minus
    the known sum): that is the limit of any mean and why a group needs k leaders. The sd adds
    nothing to that attack: it is a function of the n changes, so once the mean has given the
    last change the sd is fully determined by what the attacker already knows, and without the
    mean it cannot single the last change out (two values fit the sd, the mean picks one)."""
    rng = np.random.default_rng(11)
    for n in (5, 10, 13):
        changes = np.round(rng.normal(4.0, 6.0, n), 4)
        mean, sd = _published(changes)
        known, target = changes[:-1], changes[-1]
        from_mean = n * mean - known.sum()
        assert from_mean == pytest.approx(target, abs=1e-9)  # the mean alone
        rebuilt = np.append(known, from_mean)
        assert float(rebuilt.std(ddof=1)) == pytest.approx(sd, abs=1e-9)  # the sd: nothing new
        # from the sd alone (no mean): the last value solves a quadratic with two roots
        ss = (n - 1) * sd ** 2
        a, s1, s2 = (n - 1) / n, known.sum(), (known ** 2).sum()
        # ss = s2 + x^2 - (s1 + x)^2 / n  ->  a x^2 - (2 s1 / n) x + (s2 - s1^2 / n - ss) = 0
        b, c = -2 * s1 / n, s2 - s1 ** 2 / n - ss
        disc = b * b - 4 * a * c
        roots = sorted(((-b - math.sqrt(disc)) / (2 * a), (-b + math.sqrt(disc)) / (2 * a)))
        assert any(r == pytest.approx(target, abs=1e-6) for r in roots)
        assert roots[1] - roots[0] > 1.0  # two candidates far apart: the sd alone does not single it out


def test_with_two_unknown_the_sd_reveals_the_pair_so_intervals_need_2k():
    """With n - 2 changes known, the mean gives only the sum of the last two; mean and sd
    together give the two values (not who has which). The sd does add something, so the view
    never shows the sd, shows intervals only from n >= 2k (the attacker must then know at least
    2k - 2 other leaders' changes) and rounds them to one decimal."""
    rng = np.random.default_rng(7)
    n = 12
    changes = np.round(rng.normal(3.0, 5.0, n), 4)
    mean, sd = _published(changes)
    known = changes[:-2]
    pair_sum = n * mean - known.sum()
    pair_squares = (n - 1) * sd ** 2 + n * mean ** 2 - (known ** 2).sum()
    spread = math.sqrt(max(0.0, 2 * pair_squares - pair_sum ** 2))
    recovered = sorted(((pair_sum - spread) / 2, (pair_sum + spread) / 2))
    assert recovered == [pytest.approx(v, abs=1e-6) for v in sorted(changes[-2:])]
    assert not change_view.interval_allowed(2 * K - 1, K) and change_view.interval_allowed(2 * K, K)


# --- the view, as management sees it -----------------------------------------------------------


def _view(pub_id: int, key: list, lang: str) -> None:
    import streamlit as st  # noqa: F401

    from digled.content import loader
    from digled.insight import audiences, publications
    from digled.platform import db, i18n
    from digled.ui import change_view
    from tests.apptest import db_path

    d = db.connect(db_path())
    change_view.show(d, audiences.EVERYONE, publications.get(d, pub_id), tuple(key), loader.framework(), i18n.translator(lang), lang)


def _run(pub_id: int, key: tuple, lang: str = "en") -> AppTest:
    at = AppTest.from_function(_view, args=(pub_id, list(key), lang), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def _without_follow_ups(db, pairs: int | None = None) -> None:
    """The demo's run as it was before its follow-up round: the start->end view's own groups (a
    follow-up round in the same audit may withhold a small start->end group these tests need);
    `pairs`: only that many leaders keep their end attempt (a whole cohort between k and 2k)."""
    without_follow_ups(db)
    if pairs is not None:
        db.conn.execute("DELETE FROM assessments WHERE round = 'end' AND id NOT IN "
                        "(SELECT id FROM assessments WHERE round = 'end' AND status = 'submitted' ORDER BY id LIMIT ?)",
                        [pairs])
    db.conn.commit()


def _publish(db):
    return publications.make(db, loader.framework(), organisation.current(db), programme.programme(), "first")


def _hand_interval(db, framework, competence: str) -> tuple[float, float]:
    """The 95 % t interval of the demo cohort's mean change of one competence, from the frame."""
    from digled.platform import stats

    df = assessment_figures.frame(db, framework)
    pairs = assessment_figures.paired(df)
    col = f"c:{competence}"
    diff = pairs[col].to_numpy() - df.loc[pairs["start_member"].to_numpy(), col].to_numpy()
    diff = diff[~np.isnan(diff)]
    low, high = stats.paired_interval(float(diff.mean()), float(diff.std(ddof=1)), len(diff), 0.95)
    return round(low, 1), round(high, 1)


def test_the_view_shows_the_demo_cohorts_change_with_intervals(demo_db, framework):
    pub = _publish(demo_db)
    shown = publications.shown(demo_db, pub.id, "paired", (None, None, None))
    k = publications.k_of(pub.summary, "paired")
    ch, intervals, _, _ = change_view.parse(shown.figures, k)
    assert ch.n >= 2 * k  # the demo's whole cohort is large enough for intervals
    at = _run(pub.id, (None, None, None))
    text = page_text(at)
    assert "The round filter above does not apply to this view." in text and "95 times out of 100" in text
    assert len(at.get("plotly_chart")) == 1
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    points = {y: x for tr in fig["data"] if tr["mode"] == "markers" for x, y in zip(tr["x"], tr["y"])}
    assert len(points) == len(framework.competences)
    # each interval a line between its published bounds
    bounds = {y: x for tr in fig["data"] if tr["mode"] == "lines" for x, y in zip(tr["x"], tr["y"]) if y is not None}
    assert len(bounds) == len(framework.competences)
    table = at.dataframe[0].value
    first = framework.competences[0]
    low, high = intervals[first.id]
    assert (low, high) == _hand_interval(demo_db, framework, first.id)
    row = table.iloc[0]
    assert "Leaders (n)" not in table.columns  # a count per competence would tell who answered "don't know"
    assert row["Mean change (percentage points)"] == f"{ch.competences[first.id]:+.1f}"
    assert row["95 % interval"] == f"{low:+.1f} to {high:+.1f}"
    assert low < ch.competences[first.id] < high


def test_a_group_under_2k_shows_the_mean_without_an_interval_in_danish(demo_db):
    _without_follow_ups(demo_db, pairs=7)
    pub = _publish(demo_db)
    k = publications.k_of(pub.summary, "paired")
    small = next(s for s in publications.shown_all(demo_db, pub.id, "paired")
                 if s.status != "hidden" and s.n is not None and s.n < 2 * k)
    # the export holds what the view shows: no interval under 2k either
    assert not any("95%" in r["figure"] for r in change_view.export_rows(demo_db, audiences.EVERYONE, pub, small.key,
                                                                         loader.framework()))
    at = _run(pub.id, small.key, "da")
    table = at.dataframe[0].value
    assert set(table["95 %-interval"]) == {f"intet interval under {2 * k} ledere"}
    assert all("," in v for v in table["Gennemsnitlig ændring (procentpoint)"] if v != "–")
    assert any(f"mindst {2 * k} ledere" in i.value for i in at.info)


def test_an_older_publication_without_sd_says_so(demo_db):
    pub = _publish(demo_db)
    with demo_db.conn:
        for grp, figs in demo_db.execute("SELECT grp, figures FROM released_groups WHERE publication_id = ? AND kind = 'paired' "
                                         "AND figures IS NOT NULL", [pub.id]).fetchall():
            old = {key: v for key, v in json.loads(figs).items() if key not in ("intervals", "interval_total")}
            demo_db.execute("UPDATE released_groups SET figures = ? WHERE publication_id = ? AND kind = 'paired' AND grp = ?",
                            [json.dumps(old), pub.id, grp])
    at = _run(pub.id, (None, None, None))
    assert "This publication has no intervals: it was made before they were published. The next publication has them." in [
        i.value for i in at.info]
    assert set(at.dataframe[0].value["95 % interval"]) == {"no interval in this publication"}


def test_a_hidden_group_shows_the_reason_only(demo_db):
    pub = _publish(demo_db)
    hidden = next(s for s in publications.shown_all(demo_db, pub.id, "paired") if s.status == "hidden")
    at = _run(pub.id, hidden.key)
    assert any(i.value.startswith("Hidden:") for i in at.info)
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric


def test_the_export_rows_are_what_the_view_shows(demo_db, framework):
    _without_follow_ups(demo_db)
    pub = _publish(demo_db)
    k = publications.k_of(pub.summary, "paired")
    shown = publications.shown(demo_db, pub.id, "paired", (None, None, None))
    ch, intervals, total_ci, _ = change_view.parse(shown.figures, k)
    rows = [r for r in change_view.export_rows(demo_db, audiences.EVERYONE, pub, (None, None, None), framework) if r["round"] == "start-end"]
    assert {r["n"] for r in rows} == {ch.n} and set(rows[0]) == set(assessment_figures.EXPORT_COLUMNS)
    by_figure = {r["figure"]: r["value"] for r in rows}
    first = framework.competences[0].id
    low, high = _hand_interval(demo_db, framework, first)
    assert by_figure[f"change competence {first} 95% low"] == low and by_figure[f"change competence {first} 95% high"] == high
    assert by_figure["change total"] == ch.total
    assert by_figure["change total 95% low"] == total_ci[0]
    hidden = next(s for s in publications.shown_all(demo_db, pub.id, "paired") if s.status == "hidden")
    assert [r for r in change_view.export_rows(demo_db, audiences.EVERYONE, pub, hidden.key, framework) if r["round"] == "start-end"] == [
        {"publication": pub.id, "round": "start-end", "municipality": hidden.key[0] or "", "area": hidden.key[1] or "",
         "level": hidden.key[2] or "", "status": "hidden", "n": "", "figure": "hidden", "value": ""}]


def test_the_export_rows_hold_the_follow_up_change_the_view_shows(full_demo_db, framework):
    """Issue 23: after start->end, each follow-up change of the group as the publication holds it
    (the demo's earlier run, with both follow-ups); none in a run without follow-ups."""
    demo_db = full_demo_db
    pub = publications.latest(demo_db, programme_runs.listing(demo_db)[1].id)
    rows = change_view.export_rows(demo_db, audiences.EVERYONE, pub, (None, None, None), framework)
    assert [r["round"] for r in rows][0] == "start-end"
    k = publications.k_of(pub.summary, "followup")
    for pair in assessment_figures.FOLLOWUP_PAIRS:
        held = publications.shown(demo_db, pub.id, "followup", (pair, None, None, None))
        mine = {r["figure"]: r for r in rows if r["round"] == pair.replace(">", "-")}
        if held.status == "hidden":
            assert list(mine) == ["hidden"] and mine["hidden"]["n"] == ""
        else:
            ch = change_view.parse(held.figures, k)[0]
            assert mine["change total"]["value"] == ch.total and mine["change total"]["n"] == ch.n == held.n
    assert any(r["round"] == "end-followup_3" and r["figure"] == "change total" for r in rows)  # one is shown


def test_a_run_without_follow_ups_exports_only_start_end(demo_db, framework):
    without_follow_ups(demo_db)
    pub = _publish(demo_db)
    assert {r["round"] for r in change_view.export_rows(demo_db, audiences.EVERYONE, pub, (None, None, None), framework)} == {"start-end"}
