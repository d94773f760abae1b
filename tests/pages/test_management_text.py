"""AppTest: what a director reads on the management pages, in every state the pages offer (each
competence view in each round, each breakdown, the participation breakdowns, the run
comparison): no variable letters ("mindst k ledere", "det n, ..."), only the numbers, and in
Danish no decimal point in any number (a decimal comma, as the start -> end view's "+11,7"):
markdown, captions, help texts, metrics, every table and dataframe cell as shown, and the
numbers, hover texts and labels of every chart."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from digled.insight import assessment_figures
from digled.ui import publication as pub_ui
from tests.apptest import app_as, page_text, publish_first_figures, shown

COMPETENCES = "pages/management_competences.py"
PARTICIPATION = "pages/management_participation.py"
COHORTS = "pages/management_cohorts.py"
VIEWS = ("wheel", "dims", "bands", "purposes", "change", "breakdown", "focus")

# a lone k, c, n or s in running text is a formula's letter ("at least k leaders", "the n ...")
VARIABLE = re.compile(r"(?<![\w\-'’/.])[kcns](?![\w\-'’/])")
# a digit, a point, a digit: a number written the English way ("3.9"); a Danish time "kl. 10.42"
# is a time, not a number, and "7. dec." has a space after its point
DECIMAL_POINT = re.compile(r"(?<!kl\. )(?<!kl\. \d)\d\.\d")


def _open(page: str, lang: str):
    at = app_as("ledelse", lang=lang).run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return publish_first_figures(at)  # the first publication, by the management user's explicit step


def _cell(value) -> str:
    """A table cell as Streamlit's grid shows it: a float with a point, a text as it is, a
    true/false as a tick box (no word)."""
    if isinstance(value, (bool, np.bool_)):
        return "☑" if value else "☐"
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def _frame_text(frame) -> list[str]:
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(frame)
    out = [str(c) for c in frame.columns]
    for row in frame.itertuples(index=False, name=None):
        out += [_cell(v) for v in row]
    return out


def _chart_text(spec: dict) -> list[str]:
    """What a chart shows as text: its labels, bar and hover texts, titles and annotations, and
    each number its hover shows, as plotly draws it (with the figure's decimal separator,
    `layout.separators`, "." unless set)."""
    out: list[str] = []
    point = (spec.get("layout", {}).get("separators") or ".,")[0]
    for trace in spec.get("data", []):
        template = trace.get("hovertemplate")
        template = " ".join(template) if isinstance(template, list) else template
        info = trace.get("hoverinfo") or "all"  # "text", "x+y", "skip", ...: the parts the hover shows
        for field in ("text", "hovertext", "texttemplate", "name", "customdata", "theta", "x", "y", "r"):
            value = trace.get(field)
            for v in value if isinstance(value, list) else [value]:
                for item in v if isinstance(v, list) else [v]:
                    if isinstance(item, str):
                        out.append(item)
                    elif (isinstance(item, float) and not item.is_integer() and field in ("x", "y", "r", "theta")
                          and (info == "all" or field in info.split("+"))
                          and (template is None or "%{" + field in template)):
                        number = f"{item:.1f}" if not template or re.search(r"%\{" + field + r":[^}]*\.[1-9]f", template) else ""
                        if number and not number.endswith(".0"):
                            out.append(number.replace(".", point))
        if isinstance(template, str):
            out.append(template)
    layout = spec.get("layout", {})
    for annotation in layout.get("annotations", []) or []:
        out.append(str(annotation.get("text", "")))
    for axis in ("xaxis", "yaxis"):
        title = (layout.get(axis) or {}).get("title")
        if isinstance(title, dict):
            out.append(str(title.get("text", "")))
    return out


def _help_texts(at) -> list[str]:
    out = []
    for kind in ("metric", "button", "radio", "selectbox", "text_input", "checkbox", "toggle"):
        for e in getattr(at, kind):
            h = getattr(e, "help", None)
            if h:
                out.append(shown(h))
    return out


def everything(at) -> list[str]:
    """Every piece of text of a run that a director reads (see the module text)."""
    out = page_text(at).split("\n") + _help_texts(at)
    out += [str(m.value) for m in at.metric]
    for df in at.dataframe:
        out += _frame_text(df.value)
    for table in at.table:
        out += _frame_text(table.value)
    for chart in at.get("plotly_chart"):
        out += _chart_text(json.loads(chart.proto.spec))
    return out


def states(lang: str):
    """Every state of the management pages: (label, AppTest after its run)."""
    at = _open(COMPETENCES, lang)
    for rnd_value in assessment_figures.ROUNDS:
        at.selectbox(key=pub_ui.ROUND_FILTER).set_value(rnd_value).run()
        assert not at.exception, at.exception
        if not [r for r in at.radio if r.key == "cohort_view"]:  # a round with nothing shown (no follow-up 6 yet)
            yield f"competences {rnd_value}, nothing shown", at
            continue
        for view in VIEWS:
            at.radio(key="cohort_view").set_value(view).run()
            assert not at.exception, (view, at.exception)
            yield f"competences {rnd_value} {view}", at
            if view == "breakdown":
                for by in ("municipalities", "areas", "levels"):
                    at.radio(key="breakdown_by").set_value(by).run()
                    assert not at.exception, (by, at.exception)
                    yield f"competences {rnd_value} breakdown by {by}", at
    at.switch_page(PARTICIPATION).run()
    assert not at.exception, at.exception
    yield "participation", at
    for by in ("municipality", "area"):
        at.radio(key="part_by").set_value(by).run()
        assert not at.exception, at.exception
        yield f"participation by {by}", at
    at.switch_page(COHORTS).run()
    assert not at.exception, at.exception
    yield "cohorts", at


@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_variable_letters_on_the_management_pages(demo_db, lang):
    found = {}
    for label, at in states(lang):
        for line in everything(at):
            if VARIABLE.search(line):
                found.setdefault(line, label)
    assert not found, found


@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_variable_letters_in_the_privacy_statement(demo_db, lang):
    at = app_as(None, page="pages/privacy.py", lang=lang).run()
    assert not at.exception, at.exception
    found = [line for line in everything(at) if VARIABLE.search(line)]
    assert not found and "5" in page_text(at), found


def test_no_decimal_point_in_a_number_on_the_danish_management_pages(demo_db):
    found = {}
    for label, at in states("da"):
        for line in everything(at):
            if DECIMAL_POINT.search(line):
                found.setdefault(line, label)
    assert not found, found


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_run_comparison_has_neither_letters_nor_decimal_points(demo_db, lang):
    """Two runs side by side (tests.pages.test_management_cohorts makes the second): its caption, table
    and bars."""
    from tests.pages.test_management_cohorts import _second_run

    _second_run(demo_db)
    at = _open(COHORTS, lang)
    assert at.get("plotly_chart") and at.dataframe
    lines = everything(at)
    assert not [line for line in lines if VARIABLE.search(line)]
    if lang == "da":
        assert not [line for line in lines if DECIMAL_POINT.search(line)]
    else:
        assert [line for line in lines if DECIMAL_POINT.search(line)]  # English keeps its point


def test_the_checks_catch_what_they_look_for():
    """The two patterns find what they are for and leave Danish dates and times alone."""
    assert VARIABLE.search("Ledelsen ser kun grupper på mindst k ledere.")
    assert VARIABLE.search("Det n, kompetencesiderne viser")
    assert VARIABLE.search("(en gennemsnitlig score s er niveau s / 12,5 + 0,5)")
    assert not VARIABLE.search("mindst 5 ledere, kl. 10.42, k-værdi")
    assert DECIMAL_POINT.search("Prioritet 1.26") and DECIMAL_POINT.search("3.9")
    assert not DECIMAL_POINT.search("7. dec. 2026 kl. 10.42, +11,7, 3,9")
    assert any(DECIMAL_POINT.search(s) for s in _chart_text({"data": [{"x": [1.5], "hovertemplate": "%{x:+.1f}"}]}))
    assert any(DECIMAL_POINT.search(s) for s in _chart_text({"data": [{"y": [2.25]}]}))  # plotly's own hover
    assert not any(DECIMAL_POINT.search(s) for s in _chart_text(
        {"data": [{"x": [1.5], "hovertemplate": "%{x:.1f}"}], "layout": {"separators": ",."}}))
    assert not any(DECIMAL_POINT.search(s) for s in _chart_text({"data": [{"r": [43.75], "hovertemplate": "%{r:.0f} %"}]}))
    assert not any(DECIMAL_POINT.search(s) for s in _chart_text({"data": [{"x": [0.25], "hoverinfo": "text", "hovertext": ["a"]}]}))


# a header that says what its numbers are (issue 20, point 5): a unit or what is counted
UNITS = {"en": ("%", "level", "leaders", "answers", "number", "percentage points", "no.", "rank", "interval"),
         "da": ("%", "niveau", "ledere", "besvarelser", "antal", "procentpoint", "nr.", "placering", "interval")}
BARE_NUMBER = re.compile(r"[+\-−]?\d+(?:[.,]\d+)?")


def bare_number_columns(frame, lang: str) -> list[str]:
    """The columns of `frame` whose cells are numbers without a unit (no "%" in the cell) under a
    header that names no unit; a table whose first column names one (a count or a level per row:
    "Antal ledere") says it for every row."""
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(frame)

    def says(header) -> bool:
        return any(u in str(header).lower() for u in UNITS[lang])

    if len(frame.columns) and says(frame.columns[0]):
        return []
    out = []
    for column in frame.columns:
        cells = [_cell(v).strip() for v in frame[column]]
        if any(BARE_NUMBER.fullmatch(c) for c in cells) and not says(column):
            out.append(str(column))
    return out


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_number_column_on_the_management_pages_says_its_unit(demo_db, lang):
    """ "Opdeling": 42, 41, 43 (percent? level?): every table column of numbers says what they are
    in its header ("Gennemsnitlig samlet score (%)", "Afstand til mål (niveauer)"), or each cell
    does ("42 %")."""
    found = {}
    for label, at in states(lang):
        for df in at.dataframe:
            for column in bare_number_columns(df.value, lang):
                found.setdefault(column, label)
    assert not found, found


def test_the_unit_check_finds_a_bare_number_column():
    frame = pd.DataFrame({"Gruppe": ["A", "B"], "Dagtilbud": [42, 41], "Andel": ["42 %", "–"],
                          "Afstand til mål (niveauer)": [1.5, 2.0]})
    assert bare_number_columns(frame, "da") == ["Dagtilbud"]
    assert bare_number_columns(frame.rename(columns={"Gruppe": "Antal ledere"}), "da") == []
