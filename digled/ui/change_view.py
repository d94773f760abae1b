"""Development start -> end for management: the published paired change per competence with its
95 % t interval, as a forest plot, a table and a plain sentence. Read from a stored publication
only (the `paired` kind: leaders who took both rounds); the round filter does not apply.

Anonymity: the interval is computed from the published mean, the standard deviation of the
paired differences and n of the same released member set (cohort.Change). A mean and a standard
deviation together pin down two unknown changes once all the others are known
(tests/test_change_view.py), so the interval is shown only where n >= 2k, rounded to one
decimal, and the standard deviation itself is never shown.
"""

from __future__ import annotations

import dataclasses
import json
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from digled import cohort, publications, stats
from digled.i18n import N_, text
from digled.ui import publication

LEVEL = 0.95
NO_SD = N_("no interval in this publication")
TOO_FEW = N_("no interval below {m} leaders")


def interval_allowed(n: int | None, k: int) -> bool:
    """An interval (which reveals the standard deviation) only for groups of at least 2k."""
    return n is not None and n >= 2 * k and n >= 2


def interval(mean: float | None, sd: float | None, n: int | None, k: int) -> tuple[float, float] | None:
    """The rounded 95 % interval of a published mean change, or None where it is not shown
    (no mean, no sd in the publication, or fewer than 2k leaders)."""
    if mean is None or sd is None or not interval_allowed(n, k) or not math.isfinite(sd):
        return None
    low, high = stats.paired_interval(mean, sd, n, LEVEL)
    return round(low, 1), round(high, 1)


def parse(figures: str | None) -> tuple[cohort.Change, dict, float | None, dict]:
    """A published change, its standard deviations per competence and of the total, and its n
    per competence where published (absent in older publications: empty, None)."""
    raw = json.loads(figures) if figures else {}
    known = {f.name for f in dataclasses.fields(cohort.Change)}
    ch = cohort.Change(**{key: v for key, v in raw.items() if key in known})
    return ch, raw.get("sd") or {}, raw.get("sd_total"), raw.get("counts") or {}


def rows(ch: cohort.Change, fw, k: int, sds: dict | None = None, per_n: dict | None = None) -> list[dict]:
    """One row per competence: id, n, mean change (1 decimal) and interval (or None) with the
    reason it is missing (a message id, or '')."""
    sds, per_n = sds or {}, per_n or {}
    out = []
    for c in fw.competences:
        mean = ch.competences.get(c.id)
        n = per_n.get(c.id, ch.n)
        ci = interval(mean, sds.get(c.id), n, k)
        why = "" if ci is not None or mean is None else (NO_SD if sds.get(c.id) is None else TOO_FEW)
        out.append({"competence": c.id, "n": n, "mean": None if mean is None else round(mean, 1), "interval": ci, "why": why})
    return out


def number(v: float, lang: str, sign: bool = True) -> str:
    """One decimal, with a decimal comma in Danish: '+2,5' / '+2.5'."""
    s = f"{v:+.1f}" if sign else f"{v:.1f}"
    return s.replace(".", ",") if lang == "da" else s


def show(db, pub: publications.Publication, key: tuple, fw, t, lang: str) -> None:
    """The start -> end view of group `key` = (municipality, area, level), None for all."""
    st.caption(t("Start and end of the same leaders: only leaders who took both the start and the end assessment, in the chosen municipality, area and leader level. The round filter above does not apply to this view."))
    k = publications.k_of(pub.summary, "paired")
    shown = publications.shown(db, pub.id, "paired", key)
    if not publication.explain(shown, k, t, lang, db):
        return
    ch, sds, sd_total, per_n = parse(shown.figures)
    total_ci = interval(ch.total, sd_total, ch.n, k)
    m = st.columns(2)
    m[0].metric(t("Leaders who took both rounds"), ch.n)
    m[1].metric(t("Mean change of the total"), "–" if ch.total is None else number(ch.total, lang),
                help=t("Percentage points, {n} leaders who took both rounds").format(n=ch.n))
    if total_ci is not None:
        st.caption(t("95 % interval of the total's change: {low} to {high} percentage points.").format(
            low=number(total_ci[0], lang), high=number(total_ci[1], lang)))

    data = rows(ch, fw, k, sds, per_n)
    names = {c.id: text(c.name, lang) for c in fw.competences}
    area_of = {c.id: fw.area_index[c.area] for c in fw.competences}

    def label(cid: str) -> str:
        return "<br>".join(textwrap.wrap(names[cid], 30))

    fig = go.Figure()
    for a in fw.areas:
        mine = [r for r in data if area_of[r["competence"]].id == a.id and r["mean"] is not None]
        if not mine:
            continue
        fig.add_trace(go.Scatter(
            name=text(a.name, lang), x=[r["mean"] for r in mine], y=[label(r["competence"]) for r in mine], mode="markers",
            marker=dict(size=12, color=a.colour, line=dict(width=1, color="#1f2328")),
            error_x=dict(type="data", symmetric=False, thickness=2.5, width=6, color=a.colour,
                         array=[(r["interval"][1] - r["mean"]) if r["interval"] else 0 for r in mine],
                         arrayminus=[(r["mean"] - r["interval"][0]) if r["interval"] else 0 for r in mine]),
            hovertemplate="%{y}: %{x:+.1f}<extra></extra>",
        ))
    fig.add_vline(x=0, line=dict(color="#1f2328", width=1.5, dash="dash"))
    fig.update_layout(
        height=150 + 44 * len(fw.competences), margin=dict(t=10, l=10, r=10, b=40), font=dict(size=14),
        xaxis=dict(title=t("Change from start to end (percentage points)"), zeroline=False, tickfont=dict(size=13)),
        yaxis=dict(autorange="reversed", automargin=True, tickfont=dict(size=13),
                   categoryorder="array", categoryarray=[label(c.id) for c in fw.competences]),
        legend=dict(orientation="h", yanchor="top", y=-0.08, x=0, title=None),
    )
    table = pd.DataFrame({
        t("Competence"): [names[r["competence"]] for r in data],
        t("Leaders (n)"): [r["n"] for r in data],
        t("Mean change (percentage points)"): ["–" if r["mean"] is None else number(r["mean"], lang) for r in data],
        t("95 % interval"): [t("{low} to {high}").format(low=number(r["interval"][0], lang), high=number(r["interval"][1], lang))
                             if r["interval"] else (t(r["why"]).format(m=2 * k) if r["why"] else "–") for r in data],
    })
    st.plotly_chart(fig, width="stretch", key="change", config={"displayModeBar": False})
    st.markdown(t("**How to read it.** Each point is the mean change from the start to the end assessment, in percentage points; the line around it is the 95 % interval. If the same programme ran again with other leaders like these, intervals made this way would contain the true mean change 95 times out of 100. A line that does not cross the dashed zero line suggests a real change; a long line means few leaders or very different changes."))
    if any(r["why"] == NO_SD for r in data):
        st.info(t("This publication has no intervals: it was made before they were published. The next publication has them."))
    elif any(r["why"] == TOO_FEW for r in data):
        st.info(t("Intervals are shown only for groups of at least {m} leaders (twice the smallest group size), so they reveal nothing about one leader.").format(m=2 * k))
    st.dataframe(table, hide_index=True, width="stretch")


def export_rows(db, pub: publications.Publication, key: tuple, fw) -> list[dict]:
    """What the view shows as export rows (cohort.EXPORT_COLUMNS, round "start-end"): n, the
    mean change of the total and per competence, and the 95 % interval bounds where shown; a
    hidden group is one row with blank n and value."""
    k = publications.k_of(pub.summary, "paired")
    shown = publications.shown(db, pub.id, "paired", key)
    mun, area, level = key
    base = {"publication": pub.id, "round": "start-end", "municipality": mun or "", "area": area or "",
            "level": level or "", "status": shown.status if shown else "hidden"}
    if shown is None or shown.status == "hidden" or not shown.figures:
        return [{**base, "n": "", "figure": "hidden", "value": ""}]
    ch, sds, sd_total, per_n = parse(shown.figures)
    out = [{**base, "n": ch.n, "figure": "change total", "value": ch.total}]
    total_ci = interval(ch.total, sd_total, ch.n, k)
    if total_ci:
        out += [{**base, "n": ch.n, "figure": "change total 95% low", "value": total_ci[0]},
                {**base, "n": ch.n, "figure": "change total 95% high", "value": total_ci[1]}]
    for r in rows(ch, fw, k, sds, per_n):
        out.append({**base, "n": r["n"], "figure": f"change competence {r['competence']}", "value": r["mean"]})
        if r["interval"]:
            out += [{**base, "n": r["n"], "figure": f"change competence {r['competence']} 95% low", "value": r["interval"][0]},
                    {**base, "n": r["n"], "figure": f"change competence {r['competence']} 95% high", "value": r["interval"][1]}]
    return out
