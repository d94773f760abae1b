"""Plotly figures: the competence wheel, the comparison of two attempts, development over time.

The wheel is a polar bar chart of 16 wedges (22.5 degrees each), one trace per area in the
area's colour, each wedge filled to the competence's score; a light grey background trace
shows the unfilled part, the target profile and the previous attempt are outlines
(Scatterpolar lines), and the total sits in the centre. Hover shows competence, score, level.
What it draws besides the scores is one `WheelOptions`. Numbered (`numbered=True`), the wedges
carry their numbers 1-16 instead of names (labels that never overlap on a phone); the page
shows the numbered list beside the wheel.

`svg` draws the same wheel as a small static SVG (for the downloadable report).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import plotly.graph_objects as go

from digled.assessment import scoring
from digled.content.loader import Framework
from digled.platform.i18n import text

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


@dataclass(frozen=True)
class WheelOptions:
    """What a wheel draws besides the attempt's own scores (every field optional).

    `previous`: an earlier attempt's scores, a solid outline named labels["previous"].
    `show_target`: draw the target profile as the dashed outline; `targets`: its levels (1-8,
    default the framework's profile), named `target_label` (default labels["target"]).
    `numbered`: the angular labels are the competences' numbers 1-16 (see `numbers`) and the
    figure is compact and fits a phone; otherwise they are the wrapped names.
    `overlay`: a cohort mean in the scores' shape, a dotted outline named `overlay_label`.
    `centre`: the text in the middle instead of the total (escaped by the caller).
    `earlier`: the leader's own way to this attempt, (name, scores) oldest first: at a follow-up
    the start and the end attempt, each its own outline (start -> end -> follow-up).
    """

    previous: dict | None = None
    show_target: bool = True
    numbered: bool = False
    targets: dict[str, int] | None = None
    target_label: str | None = None
    overlay: dict | None = None
    overlay_label: str = ""
    centre: str | None = None
    earlier: tuple[tuple[str, dict], ...] = ()


EARLIER_STYLES = (("#6b4f00", "dashdot"), ("#b5006a", "solid"), ("#00607a", "longdash"))  # start, end, a follow-up
PLAIN = WheelOptions()


def wheel(framework: Framework, scores: dict, lang: str, labels: dict[str, str],
          options: WheelOptions = PLAIN) -> go.Figure:
    """The competence wheel of one attempt (or a cohort mean in the same shape), drawn as
    `options` says. `labels` holds the translated words: "score", "level", "target",
    "previous", "total"."""
    theta = _theta(framework)
    names = {c.id: text(c.name, lang) for c in framework.competences}
    ordered = [c.id for c in framework.competences]
    fig = go.Figure()
    fig.add_trace(_background(theta))
    for area in framework.areas:
        fig.add_trace(_area_wedges(area, scores, theta, names, labels, lang))
    if options.show_target:
        fig.add_trace(_target_outline(framework, ordered, theta, labels, options))
    if options.overlay is not None:
        fig.add_trace(_overlay_outline(options.overlay, ordered, theta, options.overlay_label))
    if options.previous is not None:
        fig.add_trace(_previous_outline(options.previous, ordered, theta, labels["previous"]))
    for i, (name, earlier) in enumerate(options.earlier):
        fig.add_trace(_previous_outline(earlier, ordered, theta, name, EARLIER_STYLES[i % len(EARLIER_STYLES)]))
    fig.update_layout(**_layout(scores, ordered, theta, names, labels, options))
    return fig


def _background(theta: dict[str, float]) -> go.Barpolar:
    """The unfilled part of every wedge, light grey."""
    return go.Barpolar(
        r=[100] * len(theta),
        theta=list(theta.values()),
        width=[WEDGE] * len(theta),
        marker_color="#eef1f5",
        marker_line_color="#ffffff",
        marker_line_width=1,
        hoverinfo="skip",
        showlegend=False,
    )


def _area_wedges(area, scores: dict, theta: dict[str, float], names: dict[str, str], labels: dict[str, str],
                 lang: str) -> go.Barpolar:
    """One area's wedges in its colour, each filled to its competence's score."""
    comps = list(area.competences)
    of = scores["competences"]
    custom = [[names[c], "–" if of[c]["score"] is None else f"{of[c]['score']:.0f} %", of[c]["level"] or "–"]
              for c in comps]
    return go.Barpolar(
        r=[of[c]["score"] or 0 for c in comps],
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


def _target_outline(framework: Framework, ordered: list[str], theta: dict[str, float], labels: dict[str, str],
                    options: WheelOptions) -> go.Scatterpolar:
    """The target profile, dashed."""
    levels = options.targets if options.targets is not None else framework.target_levels
    name = options.target_label or labels["target"]
    r, t = _closed([scoring.target_percent(levels[c]) for c in ordered], [theta[c] for c in ordered])
    return go.Scatterpolar(
        r=r,
        theta=t,
        mode="lines",
        name=name,
        line=dict(color="#1a1a1a", width=2, dash="dash"),
        customdata=[[levels[c]] for c in ordered] + [[levels[ordered[0]]]],
        hovertemplate=name + ": %{r:.0f} % (" + labels["level"] + " %{customdata[0]})<extra></extra>",
    )


def _overlay_outline(overlay: dict, ordered: list[str], theta: dict[str, float], name: str) -> go.Scatterpolar:
    """A cohort mean, dotted, with a gap where a competence has no figure."""
    r, t = _closed([overlay["competences"][c]["score"] for c in ordered], [theta[c] for c in ordered])
    return go.Scatterpolar(
        r=r,
        theta=t,
        mode="lines+markers",
        name=name,
        connectgaps=False,
        line=dict(color=COHORT, width=2.5, dash="dot"),
        marker=dict(size=6, symbol="diamond"),
        hovertemplate=name + ": %{r:.0f} %<extra></extra>",
    )


def _previous_outline(previous: dict, ordered: list[str], theta: dict[str, float], name: str,
                      style: tuple[str, str] = ("#b5006a", "solid")) -> go.Scatterpolar:
    """An earlier attempt, a line (solid unless `style` = (colour, dash) says otherwise)."""
    r, t = _closed([previous["competences"][c]["score"] or 0 for c in ordered], [theta[c] for c in ordered])
    return go.Scatterpolar(
        r=r,
        theta=t,
        mode="lines+markers",
        name=name,
        line=dict(color=style[0], width=2, dash=style[1]),
        marker=dict(size=5),
        hovertemplate=name + ": %{r:.0f} %<extra></extra>",
    )


def _layout(scores: dict, ordered: list[str], theta: dict[str, float], names: dict[str, str],
            labels: dict[str, str], options: WheelOptions) -> dict:
    """The polar axes, the centre text, the legend and the size (compact when numbered)."""
    numbered, total = options.numbered, scores.get("total")
    centre = options.centre
    if centre is None:
        centre = f"<b>{'–' if total is None else f'{total:.0f} %'}</b><br>{labels['total']}"
    return dict(
        polar=dict(
            barmode="overlay",
            bargap=0,
            hole=0.24 if numbered else 0.18,
            radialaxis=dict(range=[0, 100], showticklabels=False, ticks="", gridcolor="#d0d5dd"),
            angularaxis=dict(
                direction="clockwise",
                rotation=90,
                tickmode="array",
                tickvals=list(theta.values()),
                ticktext=[str(n) for n in range(1, len(ordered) + 1)] if numbered else [wrap(names[c]) for c in ordered],
                tickfont=dict(size=14 if numbered else 11, color="#1a1a1a"),
            ),
        ),
        annotations=[
            dict(
                text=centre,
                x=0.5,
                y=0.5,
                xref="paper",
                yref="paper",
                showarrow=False,
                font=dict(size=14, color="#1a1a1a"),
            )
        ],
        legend=dict(orientation="h", yanchor="top", y=-0.08, x=0.5, xanchor="center"),
        margin=dict(l=30, r=30, t=30, b=30) if numbered else dict(l=90, r=90, t=40, b=40),
        height=520 if numbered else 620,
    )


def numbers(framework: Framework) -> dict[str, int]:
    """The number (1-16) each competence carries on a numbered wheel, in the wheel's order."""
    return {c.id: n for n, c in enumerate(framework.competences, start=1)}


BACKGROUND, GRID, INK, PREVIOUS = "#eef1f5", "#c8ccd2", "#1a1a1a", "#b5006a"
COHORT = "#0b6e75"  # the cohort mean overlay (contrast >= 4.5 on white)


def _point(angle: float, r: float) -> tuple[float, float]:
    """Degrees clockwise from the top, radius: SVG coordinates around (0, 0)."""
    a = math.radians(angle)
    return r * math.sin(a), -r * math.cos(a)


def _sector(a0: float, a1: float, r0: float, r1: float) -> str:
    """An SVG path for the ring sector between angles a0..a1 and radii r0..r1."""
    (x0, y0), (x1, y1) = _point(a0, r1), _point(a1, r1)
    (x2, y2), (x3, y3) = _point(a1, r0), _point(a0, r0)
    return (f"M{x0:.1f} {y0:.1f}A{r1:.1f} {r1:.1f} 0 0 1 {x1:.1f} {y1:.1f}"
            f"L{x2:.1f} {y2:.1f}A{r0:.1f} {r0:.1f} 0 0 0 {x3:.1f} {y3:.1f}Z")


def _outline(values: list[float], hole: float, outer: float) -> str:
    pts = [_point(i * WEDGE + WEDGE / 2, hole + (outer - hole) * v / 100) for i, v in enumerate(values)]
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def svg(
    framework: Framework,
    scores: dict,
    lang: str,
    labels: dict[str, str],
    previous: dict | None = None,
    title: str = "",
    targets: dict[str, int] | None = None,
) -> str:
    """The numbered wheel as a self-contained SVG (no script, no fonts to fetch): 16 wedges in
    the area colours filled to the score, the target profile dashed, the previous attempt as a
    solid line, each wedge's number and score outside the ring, the total in the centre.
    Every text is escaped. `title` is the image's accessible name."""
    esc = html.escape
    hole, outer = 48.0, 230.0
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='-310 -310 620 620' role='img' "
        f"aria-label='{esc(title)}' font-family='system-ui,Arial,sans-serif' style='max-width:560px;width:100%;height:auto'>",
        f"<title>{esc(title)}</title>",
    ]
    colour = {c: a.colour for a in framework.areas for c in a.competences}
    for i, c in enumerate(framework.competences):
        a0, a1 = i * WEDGE, (i + 1) * WEDGE
        out.append(f"<path d='{_sector(a0, a1, hole, outer)}' fill='{BACKGROUND}' stroke='#fff' stroke-width='1'/>")
        value = scores["competences"][c.id]["score"]
        if value:
            r = hole + (outer - hole) * value / 100
            out.append(f"<path d='{_sector(a0, a1, hole, r)}' fill='{esc(colour[c.id])}' stroke='#fff' stroke-width='1.5'/>")
    for share in (0.25, 0.5, 0.75, 1.0):
        out.append(f"<circle r='{hole + (outer - hole) * share:.1f}' fill='none' stroke='{GRID}' stroke-width='0.8'/>")
    levels = targets if targets is not None else framework.target_levels
    outline = [scoring.target_percent(levels[c.id]) for c in framework.competences]
    out.append(f"<polygon points='{_outline(outline, hole, outer)}' fill='none' stroke='{INK}' "
               "stroke-width='2.5' stroke-dasharray='7 5'/>")
    if previous is not None:
        before = [previous["competences"][c.id]["score"] or 0 for c in framework.competences]
        out.append(f"<polygon points='{_outline(before, hole, outer)}' fill='none' stroke='{PREVIOUS}' stroke-width='2.5'/>")
    for i, c in enumerate(framework.competences, start=1):
        x, y = _point((i - 1) * WEDGE + WEDGE / 2, outer + 40)
        value = scores["competences"][c.id]["score"]
        score_text = "–" if value is None else f"{value:.0f} %"
        out.append(
            f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='middle' fill='{INK}'>"
            f"<tspan font-size='20' font-weight='700'>{i}</tspan>"
            f"<tspan x='{x:.1f}' dy='20' font-size='15'>{esc(score_text)}</tspan></text>"
        )
    total = scores.get("total")
    out.append(f"<text x='0' y='2' text-anchor='middle' font-size='22' font-weight='700' fill='{INK}'>"
               f"{esc('–' if total is None else f'{total:.0f} %')}</text>")
    out.append(f"<text x='0' y='24' text-anchor='middle' font-size='13' fill='{INK}'>{esc(labels['total'])}</text>")
    out.append("</svg>")
    return "".join(out)


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
