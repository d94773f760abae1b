"""Plotly figures: the competence wheel, the comparison of two attempts, development over time.

The wheel is a polar bar chart of 16 wedges (22.5 degrees each), one trace per area in the
area's colour, each wedge filled to the competence's score; a light grey background trace
shows the unfilled part, the target profile and the previous attempt are outlines
(Scatterpolar lines), and the total sits in the centre. Hover shows competence, score, level.
"""

from __future__ import annotations

import plotly.graph_objects as go

from . import scoring
from .content import Framework
from .i18n import text

WEDGE = 360 / 16


def _theta(framework: Framework) -> dict[str, float]:
    return {c.id: i * WEDGE + WEDGE / 2 for i, c in enumerate(framework.competences)}


def wrap(label: str, width: int = 16) -> str:
    """Break a long competence name over lines (plotly wraps nothing by itself)."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join(lines + [line])


def _closed(values: list, thetas: list[float]) -> tuple[list, list]:
    return values + values[:1], thetas + thetas[:1]


def wheel(
    framework: Framework,
    scores: dict,
    lang: str,
    labels: dict[str, str],
    previous: dict | None = None,
    show_target: bool = True,
) -> go.Figure:
    """The competence wheel of one attempt (or a cohort mean in the same shape).

    `labels` holds the translated words: "score", "level", "target", "previous", "total".
    """
    theta = _theta(framework)
    names = {c.id: text(c.name, lang) for c in framework.competences}
    fig = go.Figure()
    fig.add_trace(
        go.Barpolar(
            r=[100] * len(theta),
            theta=list(theta.values()),
            width=[WEDGE] * len(theta),
            marker_color="#eef1f5",
            marker_line_color="#ffffff",
            marker_line_width=1,
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for area in framework.areas:
        comps = [c for c in area.competences]
        r = [scores["competences"][c]["score"] or 0 for c in comps]
        custom = [
            [
                names[c],
                "–" if scores["competences"][c]["score"] is None else f"{scores['competences'][c]['score']:.0f} %",
                scores["competences"][c]["level"] or "–",
            ]
            for c in comps
        ]
        fig.add_trace(
            go.Barpolar(
                r=r,
                theta=[theta[c] for c in comps],
                width=[WEDGE] * len(comps),
                name=text(area.name, lang),
                marker_color=area.colour,
                marker_line_color="#ffffff",
                marker_line_width=1.5,
                customdata=custom,
                hovertemplate="<b>%{customdata[0]}</b><br>"
                + labels["score"]
                + ": %{customdata[1]}<br>"
                + labels["level"]
                + ": %{customdata[2]}<extra></extra>",
            )
        )
    ordered = [c.id for c in framework.competences]
    if show_target:
        values = [scoring.target_percent(framework.target_levels[c]) for c in ordered]
        r, t = _closed(values, [theta[c] for c in ordered])
        fig.add_trace(
            go.Scatterpolar(
                r=r,
                theta=t,
                mode="lines",
                name=labels["target"],
                line=dict(color="#1a1a1a", width=2, dash="dash"),
                hovertemplate=labels["target"] + ": %{r:.0f} %<extra></extra>",
            )
        )
    if previous is not None:
        values = [previous["competences"][c]["score"] or 0 for c in ordered]
        r, t = _closed(values, [theta[c] for c in ordered])
        fig.add_trace(
            go.Scatterpolar(
                r=r,
                theta=t,
                mode="lines+markers",
                name=labels["previous"],
                line=dict(color="#b5006a", width=2),
                marker=dict(size=5),
                hovertemplate=labels["previous"] + ": %{r:.0f} %<extra></extra>",
            )
        )
    total = scores.get("total")
    fig.update_layout(
        polar=dict(
            barmode="overlay",
            bargap=0,
            hole=0.18,
            radialaxis=dict(range=[0, 100], showticklabels=False, ticks="", gridcolor="#d0d5dd"),
            angularaxis=dict(
                direction="clockwise",
                rotation=90,
                tickmode="array",
                tickvals=list(theta.values()),
                ticktext=[wrap(names[c]) for c in ordered],
                tickfont=dict(size=11),
            ),
        ),
        annotations=[
            dict(
                text=f"<b>{'–' if total is None else f'{total:.0f} %'}</b><br>{labels['total']}",
                x=0.5,
                y=0.5,
                xref="paper",
                yref="paper",
                showarrow=False,
                font=dict(size=14, color="#1a1a1a"),
            )
        ],
        legend=dict(orientation="h", yanchor="top", y=-0.08, x=0.5, xanchor="center"),
        margin=dict(l=90, r=90, t=40, b=40),
        height=620,
    )
    return fig


def comparison(
    framework: Framework, before: dict, after: dict, lang: str, labels: dict[str, str]
) -> go.Figure:
    """Change per competence between two attempts (horizontal bars, percentage points)."""
    ordered = framework.competences
    names = [text(c.name, lang) for c in ordered]
    deltas = []
    for c in ordered:
        a, b = before["competences"][c.id]["score"], after["competences"][c.id]["score"]
        deltas.append(None if a is None or b is None else b - a)
    colours = [framework.area_index[c.area].colour for c in ordered]
    fig = go.Figure(
        go.Bar(
            x=[d or 0 for d in deltas],
            y=names,
            orientation="h",
            marker_color=colours,
            hovertemplate="%{y}: %{x:+.0f} " + labels["points"] + "<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title=labels["change"],
        yaxis=dict(autorange="reversed"),
        height=520,
        margin=dict(l=10, r=10, t=20, b=40),
    )
    return fig


def development(framework: Framework, attempts: list[tuple[str, dict]], lang: str, labels: dict[str, str]) -> go.Figure:
    """Total and area scores over the attempts (x = attempt label, y = score %)."""
    fig = go.Figure()
    xs = [label for label, _ in attempts]
    fig.add_trace(
        go.Scatter(x=xs, y=[s["total"] for _, s in attempts], name=labels["total"], mode="lines+markers",
                   line=dict(color="#1a1a1a", width=3))
    )
    for area in framework.areas:
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[s["areas"][area.id] for _, s in attempts],
                name=text(area.name, lang),
                mode="lines+markers",
                line=dict(color=area.colour),
            )
        )
    fig.update_layout(yaxis=dict(range=[0, 100], title="%"), height=380, margin=dict(l=10, r=10, t=20, b=40))
    return fig
