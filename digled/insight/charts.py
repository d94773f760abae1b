"""Management charts beyond the wheel: the importance-performance matrix of the focus list.

One numbered point per competence (the wheel's numbers, white on the area colour; the page
lists number -> name beside, so no name label can overlap), x = the group's mean level relative
to its target (0 = at target), y = the share marking it important. The split lines are the
target (x = 0) and the median importance share shown; each quadrant carries its name. Points
that would cover each other (on a phone-sized plot) are drawn apart, each within its own
quadrant; the hover text and the table keep the exact values. Texts come in translated (no
Streamlit here).
"""

from __future__ import annotations

import plotly.graph_objects as go

from digled.content.loader import Framework
from digled.insight.focus import Focus, importance_split
from digled.platform import numbers
from digled.platform.i18n import text

INK, LINE = "#1a1a1a", "#5f6b7a"
MARKER = 24  # px
PLOT_PX = 300  # the plot area's smaller side on a phone, about (px)


def spread(points: list[tuple[float, float]], dx: float, dy: float, split: tuple[float, float],
           rounds: int = 80) -> list[tuple[float, float]]:
    """Positions for `points` (x, y) so that no two are closer than one marker (dx by dy in
    data units, an ellipse), moving each as little as it takes and never across the split
    lines (x, y): a point stays in its quadrant. Deterministic."""
    u = [[x / dx, y / dy] for x, y in points]
    lo_hi = []
    for x, y in points:  # the quadrant a point must stay in, in marker units (a hair inside)
        sx, sy = split[0] / dx, split[1] / dy
        lo_hi.append(((sx if x >= split[0] else -1e9, sx - 1e-6 if x < split[0] else 1e9),
                      (sy if y >= split[1] else -1e9, sy - 1e-6 if y < split[1] else 1e9)))
    for _ in range(rounds):
        moved = False
        for i in range(len(u)):
            for j in range(i + 1, len(u)):
                ax, ay = u[j][0] - u[i][0], u[j][1] - u[i][1]
                d = (ax * ax + ay * ay) ** 0.5
                if d >= 1.0:
                    continue
                if d < 1e-9:  # on top of each other: apart along a fixed slant
                    ax, ay, d = 0.6, 0.8, 1.0
                    push = 0.5
                else:
                    push = (1.0 - d) / 2 + 0.01
                ax, ay = ax / d * push, ay / d * push
                u[i][0] -= ax
                u[i][1] -= ay
                u[j][0] += ax
                u[j][1] += ay
                moved = True
        for k, ((xlo, xhi), (ylo, yhi)) in enumerate(lo_hi):
            u[k][0] = min(xhi, max(xlo, u[k][0]))
            u[k][1] = min(yhi, max(ylo, u[k][1]))
        if not moved:
            break
    return [(a * dx, b * dy) for a, b in u]


def matrix(framework: Framework, rows: list[Focus], lang: str, labels: dict[str, str]) -> go.Figure:
    """The matrix of the rows with both figures. `labels`: x, y, target, median (with {m}),
    hover (with {name}, {imp}, {lvl}, {target}; the numbers come written by digled.platform.numbers) and the QUADRANTS keys, all translated."""
    shown = [r for r in rows if r.importance is not None and r.gap is not None]
    split = importance_split(rows)
    names = {c.id: text(c.name, lang) for c in framework.competences}
    fig = go.Figure()
    reach = max([abs(r.gap) for r in shown] + [1.0]) + 0.6
    y_range = (-4.0, 104.0)
    step = (MARKER + 2) / PLOT_PX
    shown = sorted(shown, key=lambda r: r.number)
    # from the values as the table shows them (gap to one decimal, share whole): unless drawn
    # apart, a point sits at a published figure, rounded as shown
    placed = dict(zip((r.competence for r in shown),
                      spread([(-round(r.gap, 1), float(round(r.importance))) for r in shown], step * 2 * reach,
                             step * (y_range[1] - y_range[0]), (0.0, split if split is not None else 50.0))))
    for area in framework.areas:
        pts = [r for r in shown if r.area == area.id]
        if not pts:
            continue
        fig.add_trace(go.Scatter(
            x=[round(placed[r.competence][0], 2) for r in pts], y=[round(placed[r.competence][1], 1) for r in pts],
            mode="markers+text", name=text(area.name, lang),
            text=[str(r.number) for r in pts], textposition="middle center",
            textfont=dict(color="#ffffff", size=12),
            marker=dict(size=MARKER, color=area.colour, line=dict(color="#ffffff", width=1)),
            hovertext=[labels["hover"].format(name=names[r.competence], imp=numbers.decimal(r.importance, lang, 0),
                                              lvl=numbers.decimal(r.mean_level, lang, 1), target=r.target)
                       for r in pts],
            hoverinfo="text",
        ))
    fig.add_vline(x=0, line=dict(color=LINE, dash="dash", width=1.5))
    if split is not None:
        fig.add_hline(y=split, line=dict(color=LINE, dash="dot", width=1.5))
    corners = (("strengthen", 0.01, 0.99, "left", "top"), ("maintain", 0.99, 0.99, "right", "top"),
               ("low", 0.01, 0.01, "left", "bottom"), ("consider", 0.99, 0.01, "right", "bottom"))
    for key, x, y, xa, ya in corners:
        fig.add_annotation(text="<b>" + labels[key] + "</b>", x=x, y=y, xref="x domain", yref="y domain",
                           xanchor=xa, yanchor=ya, showarrow=False, font=dict(color=INK, size=13))
    note = labels["target"] + ("" if split is None else "<br>" + labels["median"].format(m=split))
    fig.update_layout(
        xaxis=dict(title=labels["x"], range=[-reach, reach], zeroline=False),
        yaxis=dict(title=labels["y"], range=list(y_range), ticksuffix=" %"),
        height=500, margin=dict(t=56, l=10, r=10, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0),
        title=dict(text=note, font=dict(size=12, color=INK), x=0, xanchor="left"),
        plot_bgcolor="#ffffff",
    )
    fig.update_xaxes(gridcolor="#e3e6ea")
    fig.update_yaxes(gridcolor="#e3e6ea")
    return fig
