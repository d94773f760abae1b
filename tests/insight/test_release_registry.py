"""Every number anyone but the leader sees was registered at the gate (issue 18).

The gate's record is what publications store (`released_groups.figures`, management's kinds
and the leaders' own "overlay"). Every page state management can reach (each view, round and
filter of the competence page, the participation page, the runs' comparison), every download,
and the leader's overlay is rendered, and every number in a figure (a metric, a table cell, a
chart's data, an exported value) must be one of the registered figures, in the forms the pages
show them: rounded, as a level (focus.level_of), as a share of its group, a band's bounds, or
the focus list and the runs' comparison computed from registered figures by the pages' own
functions. Dates, competence numbers and target levels are named where they may appear.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pandas as pd
import pytest

from digled.accounts import organisation
from digled.assessment import scoring
from digled.content import programme
from digled.insight import assessment_figures, compare, focus, profiles, publications
from tests.apptest import Downloads, app_as

COMPETENCES = "pages/management_competences.py"
PARTICIPATION = "pages/management_participation.py"
RUNS = "pages/management_cohorts.py"
VIEWS = ("wheel", "dims", "bands", "purposes", "change", "breakdown", "focus")
NUMBER = re.compile(r"[-+−]?\d+(?:[.,]\d+)?")
# columns that hold what is no figure: a competence's number, a rank, a target level
STRUCTURAL = {"No.", "Nr.", "Priority rank", "Prioritetsrang", "Target level", "Målniveau", "Rank"}


def _numbers(value) -> list[float]:
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    return [float(m.replace("−", "-").replace(",", ".")) for m in NUMBER.findall(str(value))]


def _leaves(value, out: list) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _leaves(v, out)
    elif isinstance(value, list):
        for v in value:
            _leaves(v, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out.append(float(value))


def _key(v: float) -> float:
    return round(v, 2)


def registered(db, fw) -> set[float]:
    """Every registered number in every form a page shows it."""
    forms: set[float] = set()
    profiles_ = [profiles.profile_for(db, fw, lv) for lv in [None, *organisation.current(db).levels]]

    def add(v: float) -> None:
        for x in (v, round(v), round(v, 1), round(v, 2), round(focus.level_of(v), 1), round(focus.level_of(v), 2)):
            forms.add(_key(x))

    for kind, figs in db.execute("SELECT kind, figures FROM released_groups WHERE figures IS NOT NULL"):
        raw = json.loads(figs)
        leaves: list[float] = []
        _leaves(raw, leaves)
        for v in leaves:
            add(v)
            if v == int(v):  # a band's "fewer than hi + 1"
                forms.add(_key(v + 1))
        n = raw.get("n")
        if kind == "participation" and n:
            for v in [*_counts(raw.get("counts")), *_counts(raw.get("funnel"))]:
                forms.add(_key(round(v / n * 100)))
        if kind == "assessment" and not raw.get("hidden", True):
            f = assessment_figures.Figures.from_json(figs)
            for p in profiles_:
                for r in focus.focus_list(fw, f, p.levels):
                    for v in (r.importance, r.mean_level, r.gap, r.priority):
                        if v is not None:
                            add(v)
    return forms


def _counts(values) -> list[float]:
    return [float(v) for v in (values or {}).values() if isinstance(v, (int, float)) and not isinstance(v, bool)]


def structural(fw) -> set[float]:
    """Numbers of the framework, not of anyone's answers: target levels and their percent on the
    wheel, the wheel's full and empty wedge."""
    out = {0.0, 100.0}
    for level in range(1, 9):
        out |= {float(level), _key(scoring.target_percent(level))}
    return out


def _frame_numbers(frame: pd.DataFrame) -> list[tuple[str, float]]:
    out = []
    for col in frame.columns:
        if str(col) in STRUCTURAL or str(col).startswith(("Competence", "Kompetence", "Group", "Gruppe", "Stage", "Trin",
                                                           "Step", "Level band", "Niveaugruppe", "Area", "Fagområde",
                                                           "Programme purpose", "Formål", "Status", "Quadrant", "Kvadrant",
                                                           "Run", "Forløb", "What", "Hvad")):
            continue
        for v in frame[col].tolist():
            out += [(str(col), x) for x in _numbers(v)]
    return out


def _chart_numbers(at) -> list[tuple[str, float]]:
    out = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec.get("data", []):
            name = trace.get("name") or trace.get("type")
            if "target" in str(name).lower() or "mål" in str(name).lower():
                continue  # the target profile: the framework's, not anyone's answers
            if trace.get("mode") == "markers+text" and trace.get("hovertext"):
                # the focus matrix: numbered points drawn apart where they would cover each other
                # (positions are layout); the figures are in each point's hover text
                out += [(f"{name}.hover", x) for h in trace["hovertext"] for x in _numbers(h)]
                continue
            for axis in ("x", "y", "r"):
                values = trace.get(axis)
                if isinstance(values, list):
                    out += [(f"{name}.{axis}", float(v)) for v in values
                            if isinstance(v, (int, float)) and not isinstance(v, bool)]
            for bound in ("array", "arrayminus"):
                err = (trace.get("error_x") or {}).get(bound)
                if isinstance(err, list):
                    out += [(f"{name}.error", float(v)) for v in err if isinstance(v, (int, float))]
    return out


def _state_numbers(at) -> list[tuple[str, float]]:
    out = [(f"metric {m.label}", x) for m in at.metric for x in _numbers(m.value)]
    for df in at.dataframe:
        out += _frame_numbers(df.value)
    return out + _chart_numbers(at)


def _check(found, allowed, where: str) -> int:
    """Every number found must be registered; returns how many were checked."""
    wrong = [(what, v) for what, v in found if _key(v) not in allowed]
    assert wrong == [], f"{where}: numbers not registered at the gate: {wrong[:10]}"
    return len(found)


@pytest.fixture
def published(demo_db, framework):
    """The demo with two publications: the first, then more answers (held and new groups)."""
    fw, org, prog = framework, organisation.current(demo_db), programme.programme()
    t0 = publications.now_utc() - timedelta(minutes=30)
    publications.make(demo_db, fw, org, prog, "first", now=t0)
    publications.make(demo_db, fw, org, prog, "admin", now=t0 + timedelta(minutes=10))
    return demo_db


def _open(page: str, lang: str, username: str = "ledelse"):
    at = app_as(username, lang=lang).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "da"])
def test_every_number_on_the_competence_pages_was_registered(published, framework, monkeypatch, lang):
    downloads = Downloads(monkeypatch)
    allowed = registered(published, framework) | structural(framework)
    org = organisation.current(published)
    at = _open(COMPETENCES, lang)
    states = checked = 0
    for rnd in ("start", "end"):
        for mun, area, level in [(None, None, None), (list(org.municipalities)[0], None, None),
                                 (None, list(org.areas)[0], None), (None, None, list(org.levels)[-1])]:
            at.selectbox(key="filter_round").set_value(rnd)
            at.selectbox(key="filter_municipality").set_value(mun or "__all__")
            at.selectbox(key="filter_area").set_value(area or "__all__")
            at.selectbox(key="filter_level").set_value(level or "__all__").run()
            if not at.radio:
                continue  # a hidden group: no figures, only the reason
            for view in VIEWS:
                at.radio(key="cohort_view").set_value(view).run()
                assert not at.exception, at.exception
                where = f"{lang} {rnd} {mun}/{area}/{level} {view}"
                checked += _check(_state_numbers(at), allowed, where)
                exported = pd.read_csv(io.StringIO(downloads.get(at, "export_csv").decode("utf-8-sig")), sep=";", dtype=str)
                _check([(f"csv {r['figure']}", x) for _, r in exported.iterrows() for x in _numbers(r["value"])]
                       + [("csv n", x) for x in exported["n"].dropna().map(_numbers).sum()], allowed, where + " csv")
                states += 1
    whole = pd.read_csv(io.StringIO(downloads.get(at, "export_publication").decode("utf-8-sig")), sep=";", dtype=str)
    _check([(f"publication {r['figure']}", x) for _, r in whole.iterrows() for x in _numbers(r["value"])], allowed,
           "whole publication")
    assert states >= 20 and checked >= 1000  # the check saw the figures, not an empty page


@pytest.mark.parametrize("lang", ["en", "da"])
def test_every_number_on_the_participation_page_was_registered(published, framework, monkeypatch, lang):
    downloads = Downloads(monkeypatch)
    allowed = registered(published, framework)
    org = organisation.current(published)
    at = _open(PARTICIPATION, lang)
    checked = 0
    for mun in ["__all__", *org.municipalities]:
        for area in ["__all__", *list(org.areas)[:3]]:
            at.selectbox(key="part_municipality").set_value(mun)
            at.selectbox(key="part_area").set_value(area).run()
            for by in ("municipality", "area"):
                at.radio(key="part_by").set_value(by).run()
                assert not at.exception
                checked += _check(_state_numbers(at), allowed, f"{lang} {mun}/{area} by {by}")
                exported = pd.read_csv(io.StringIO(downloads.get(at, "part_csv").decode("utf-8-sig")), sep=";", dtype=str)
                _check([(c, x) for c in exported.columns[1:] for v in exported[c].dropna() for x in _numbers(v)],
                       allowed, f"{lang} {mun}/{area} csv")
    assert checked >= 200


def test_every_number_on_the_runs_comparison_was_registered(demo_db, framework):
    """Two runs side by side: the levels of each, and their difference, from registered figures."""
    from tests.pages.test_management_cohorts import _second_run

    _second_run(demo_db)
    allowed = registered(demo_db, framework)
    pubs = [json.loads(f) for (f,) in demo_db.execute(
        "SELECT figures FROM released_groups WHERE kind = 'assessment' AND figures IS NOT NULL")]
    for a in pubs:  # the comparison's differences: first run's rounded level minus the second's
        for b in pubs:
            for line in compare.lines(framework, assessment_figures.Figures(**a), assessment_figures.Figures(**b)):
                if line.difference is not None:
                    allowed.add(_key(line.difference))
    at = _open(RUNS, "en")
    assert _check(_state_numbers(at), allowed, "runs") >= 20


def test_every_number_a_leader_sees_of_the_cohort_was_registered_for_leaders(published, framework):
    """The leader's overlay reads the leaders' own release only: its numbers are registered as
    "overlay" figures (rounded as shown), not management's."""
    from tests.ui.test_wheel_panel import _leder_attempt, _lines, _run_panel

    _leder_attempt(published, framework)
    overlay = set()
    for (figs,) in published.execute("SELECT figures FROM released_groups WHERE kind = 'overlay' AND figures IS NOT NULL"):
        leaves: list[float] = []
        _leaves(json.loads(figs), leaves)
        overlay |= {_key(v) for v in leaves}
    at = _run_panel("en")
    drawn = 0
    for choice in ("all", "area", "level"):
        try:
            at.segmented_control[0].set_value(choice).run()
        except ValueError:
            continue  # not offered: it cannot be shown
        for name, line in _lines(at).items():
            if "published mean" in name:
                assert {_key(v) for v in line["r"]} <= overlay, name
                drawn += 1
        table = at.dataframe[0].value if at.dataframe else None
        if table is not None and "Published mean" in table.columns:
            shown = {_key(x) for v in table["Published mean"] for x in _numbers(v)}
            assert shown <= overlay
    assert drawn >= 2  # the whole cohort and at least one more group drawn


def test_the_registry_check_can_fail(published, framework):
    """A number the gate did not release is caught: a withheld mean computed live."""
    allowed = registered(published, framework) | structural(framework)
    df = assessment_figures.frame(published, framework)
    live = [float(v) for v in df["total"].dropna()[:20]]  # individual leaders' totals
    assert any(_key(v) not in allowed for v in live)
    with pytest.raises(AssertionError, match="not registered"):
        _check([("a leader's total", v) for v in live], allowed, "planted")
