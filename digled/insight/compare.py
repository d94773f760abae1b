"""Comparing two runs (cohorts) side by side: management's view of released figures only.

Built from two groups' published figures (cohort.Figures, one from each run's latest
publication), never from assessment rows. Means are shown as continuous DigComp levels
(focus.level_of: a mean score s is level s / 12.5 + 0.5), rounded to one decimal; the
difference is the first run's rounded level minus the second's, so the table adds up as read.
A group hidden in a run (or a mean the publication withholds) gives None: no number, no
difference. Pure: no Streamlit, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from digled.content.loader import Framework
from digled.insight.assessment_figures import Figures
from digled.insight.focus import level_of
from digled.platform import numbers
from digled.platform.i18n import text

DIGITS = 1
FIRST_COLOUR, SECOND_COLOUR = "#1c5a9e", "#8a3b12"  # contrast >= 4.5 on white


@dataclass(frozen=True)
class Line:
    """One row of the comparison: the answers counted (kind "n"), the mean total, an area or a
    competence; levels (n: counts) in the first and the second run and first minus second."""

    kind: str  # "n" | "total" | "area" | "competence"
    id: str  # "" for n and total; else the area's or competence's id
    number: int | None  # a competence's number on the wheel (1-16)
    first: float | int | None
    second: float | int | None
    difference: float | int | None


def level(score: float | None) -> float | None:
    """A mean score (0..100 %) as a DigComp level rounded to one decimal (None stays None)."""
    return None if score is None else round(level_of(score), DIGITS)


def _shown(f: Figures | None) -> Figures | None:
    return None if f is None or f.hidden else f


def _diff(a, b):
    if a is None or b is None:
        return None
    return a - b if isinstance(a, int) and isinstance(b, int) else round(a - b, DIGITS)


def lines(framework: Framework, first: Figures | None, second: Figures | None) -> list[Line]:
    """The comparison of two groups' figures (None or hidden: a group not shown in that run):
    n, the mean total, each area, then each competence in wheel order."""
    a, b = _shown(first), _shown(second)

    def get(f: Figures | None, part: str, key: str):
        if f is None:
            return None
        if part == "n":
            return f.n
        if part == "total":
            return level(f.total)
        return level(getattr(f, part).get(key))

    out = [Line("n", "", None, get(a, "n", ""), get(b, "n", ""), None),
           Line("total", "", None, get(a, "total", ""), get(b, "total", ""), None)]
    out += [Line("area", ar.id, None, get(a, "areas", ar.id), get(b, "areas", ar.id), None) for ar in framework.areas]
    out += [Line("competence", c.id, i, get(a, "competences", c.id), get(b, "competences", c.id), None)
            for i, c in enumerate(framework.competences, start=1)]
    return [Line(x.kind, x.id, x.number, x.first, x.second, _diff(x.first, x.second)) for x in out]


def table(framework: Framework, rows: list[Line], lang: str, labels: dict[str, str]) -> list[dict]:
    """The comparison as table rows (plain values, None where not shown). `labels` (translated):
    what, first, second, difference (column names), n and total (row names)."""
    names = {**{a.id: text(a.name, lang) for a in framework.areas},
             **{c.id: text(c.name, lang) for c in framework.competences}}
    out = []
    for r in rows:
        if r.kind in ("n", "total"):
            what = labels[r.kind]
        elif r.kind == "competence":
            what = f"{r.number}. {names[r.id]}"
        else:
            what = names[r.id]
        out.append({labels["what"]: what, labels["first"]: r.first, labels["second"]: r.second,
                    labels["difference"]: r.difference})
    return out


def bars(framework: Framework, rows: list[Line], kind: str, lang: str, names: tuple[str, str],
         axis: str) -> go.Figure:
    """A grouped bar chart of the mean levels of one kind ("area" or "competence"): one series
    per run (`names`, translated), bars left out where a run shows no number; `axis` the y title."""
    picked = [r for r in rows if r.kind == kind]
    labels = {**{a.id: text(a.name, lang) for a in framework.areas},
              **{c.id: text(c.name, lang) for c in framework.competences}}
    x = [str(r.number) if kind == "competence" else labels[r.id] for r in picked]
    fig = go.Figure()
    for name, attr, colour in ((names[0], "first", FIRST_COLOUR), (names[1], "second", SECOND_COLOUR)):
        fig.add_trace(go.Bar(
            name=name, x=x, y=[getattr(r, attr) for r in picked], marker_color=colour,
            hovertext=[f"{labels[r.id]}: {numbers.cell(getattr(r, attr), lang)}" if getattr(r, attr) is not None
                       else labels[r.id] for r in picked],
            hoverinfo="text+name",
        ))
    fig.update_layout(barmode="group", yaxis=dict(range=[0, 8.5], title=axis), height=380,
                      margin=dict(t=20, l=60, r=10, b=10),
                      legend=dict(orientation="h", yanchor="top", y=-0.15, x=0))
    fig.update_xaxes(type="category")
    return fig
