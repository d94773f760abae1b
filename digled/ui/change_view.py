"""Development start -> end for management: the published paired change per competence with its
95 % t interval, as a forest plot, a table and a plain sentence. Read from a stored publication
only (the `paired` kind: leaders who took both rounds); the round filter does not apply.

Anonymity: each mean change is released by the gate over its own members (the pairs with a
value at both ends); the publication stores each released mean's 95 % interval, computed where
n is known (cohort.change), rounded to one decimal, only where 2k or more pairs have a value
(a mean and a standard deviation together pin down two unknown changes once all the others are
known: tests/ui/test_change_view.py). How many pairs have a value per competence is not shown: a
count is an answer (issue 18). Publications made before stored the standard deviation and the
counts instead: their intervals are computed here as they were then.
"""

from __future__ import annotations

import dataclasses
import json
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from digled.insight import assessment_figures, audiences, publications
from digled.platform import numbers, stats
from digled.platform.i18n import N_, text
from digled.ui import publication, widgets

LEVEL = 0.95
NO_SD = N_("no interval in this publication")
TOO_FEW = N_("no interval below {m} leaders")


def interval_allowed(n: int | None, k: int) -> bool:
    """An interval (which reveals the standard deviation) only for groups of at least 2k."""
    return assessment_figures.interval_allowed(n, k)


def interval(mean: float | None, sd: float | None, n: int | None, k: int) -> tuple[float, float] | None:
    """The rounded 95 % interval of a mean change in an older publication (which stored the
    standard deviation), or None where it is not shown (no mean, no sd, or fewer than 2k)."""
    if mean is None or sd is None or not interval_allowed(n, k) or not math.isfinite(sd):
        return None
    low, high = stats.paired_interval(mean, sd, n, LEVEL)
    return round(low, 1), round(high, 1)


def parse(figures: str | None, k: int) -> tuple[assessment_figures.Change, dict, tuple | None, bool]:
    """A published change, its interval per competence and of the total (None: not shown),
    and whether the publication had intervals at all (older ones without sd: no)."""
    raw = json.loads(figures) if figures else {}
    known = {f.name for f in dataclasses.fields(assessment_figures.Change)}
    ch = assessment_figures.Change(**{key: v for key, v in raw.items() if key in known})
    if "intervals" in raw:
        return ch, {c: tuple(v) if v else None for c, v in ch.intervals.items()}, \
            tuple(ch.interval_total) if ch.interval_total else None, True
    sds, counts = raw.get("sd") or {}, raw.get("counts") or {}
    intervals = {c: interval(m, sds.get(c), counts.get(c, ch.n), k) for c, m in ch.competences.items()}
    return ch, intervals, interval(ch.total, raw.get("sd_total"), ch.n, k), bool(sds)


def rows(ch: assessment_figures.Change, fw, k: int, intervals: dict, has_intervals: bool = True) -> list[dict]:
    """One row per competence: id, mean change (1 decimal) and interval (or None) with the
    reason it is missing (a message id, or '')."""
    out = []
    for c in fw.competences:
        mean = ch.competences.get(c.id)
        ci = intervals.get(c.id)
        why = "" if ci is not None or mean is None else (TOO_FEW if has_intervals else NO_SD)
        out.append({"competence": c.id, "mean": None if mean is None else round(mean, 1), "interval": ci, "why": why})
    return out


def number(v: float, lang: str, sign: bool = True) -> str:
    """One decimal, with a decimal comma in Danish: '+2,5' / '+2.5' (digled.platform.numbers)."""

    return numbers.decimal(v, lang, 1, sign=sign)


def show(db, audience: audiences.Audience, pub: publications.Publication, key: tuple, fw, t, lang: str) -> None:
    """The start -> end view of group `key` = (municipality, area, level), None for all."""
    st.caption(t("Start and end of the same leaders: only leaders who took both the start and the end assessment, in the chosen municipality, area and leader level. The round filter above does not apply to this view."))
    k = publications.k_of(pub.summary, "paired")
    shown = audiences.shown(db, audience, pub.id, "paired", key)
    if not publication.explain(shown, k, t, lang, db):
        return
    ch, intervals, total_ci, has_intervals = parse(shown.figures, k)
    m = st.columns(2)
    m[0].metric(t("Leaders who took both rounds"), ch.n)
    m[1].metric(t("Mean change of the total"), "–" if ch.total is None else number(ch.total, lang),
                help=t("Percentage points, {n} leaders who took both rounds").format(n=ch.n))
    if total_ci is not None:
        st.caption(t("95 % interval of the total's change: {low} to {high} percentage points.").format(
            low=number(total_ci[0], lang), high=number(total_ci[1], lang)))

    data = rows(ch, fw, k, intervals, has_intervals)
    names = {c.id: text(c.name, lang) for c in fw.competences}
    area_of = {c.id: fw.area_index[c.area] for c in fw.competences}

    def label(cid: str) -> str:
        return "<br>".join(textwrap.wrap(names[cid], 30))

    fig = go.Figure()
    for a in fw.areas:
        mine = [r for r in data if area_of[r["competence"]].id == a.id and r["mean"] is not None]
        if not mine:
            continue
        # each interval as a line from its low to its high end (the published, rounded bounds:
        # nothing computed from them reaches the browser), the mean as a point on it
        segments = [r for r in mine if r["interval"]]
        if segments:
            fig.add_trace(go.Scatter(
                x=[v for r in segments for v in (*r["interval"], None)],
                y=[v for r in segments for v in (label(r["competence"]),) * 2 + (None,)],
                mode="lines", line=dict(color=a.colour, width=2.5), showlegend=False, hoverinfo="skip",
            ))
        fig.add_trace(go.Scatter(
            name=text(a.name, lang), x=[r["mean"] for r in mine], y=[label(r["competence"]) for r in mine], mode="markers",
            marker=dict(size=12, color=a.colour, line=dict(width=1, color="#1f2328")),
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
        t("Mean change (percentage points)"): ["–" if r["mean"] is None else number(r["mean"], lang) for r in data],
        t("95 % interval"): [t("{low} to {high}").format(low=number(r["interval"][0], lang), high=number(r["interval"][1], lang))
                             if r["interval"] else (t(r["why"]).format(m=2 * k) if r["why"] else "–") for r in data],
    })
    widgets.chart(fig, key="change")
    st.markdown(t("**How to read it.** Each point is the mean change from the start to the end assessment, in percentage points; the line around it is the 95 % interval. If the same programme ran again with other leaders like these, intervals made this way would contain the true mean change 95 times out of 100. A line that does not cross the dashed zero line suggests a real change; a long line means few leaders or very different changes."))
    if any(r["why"] == NO_SD for r in data):
        st.info(t("This publication has no intervals: it was made before they were published. The next publication has them."))
    elif any(r["why"] == TOO_FEW for r in data):
        st.info(t("Intervals are shown only for groups of at least {m} leaders (twice the smallest group size), so they reveal nothing about one leader.").format(m=2 * k))
    widgets.table(table)
    st.caption(t("Each mean change is over the leaders who answered the competence at both the start and the end (an answer other than \"don't know\"); a dash: fewer than {k} such leaders, or a few without such an answer, so the mean would tell about individual leaders.").format(k=k))


PAIR_NAMES = {
    "end>followup_3": N_("End to 3 months after"),
    "start>followup_3": N_("Start to 3 months after"),
    "end>followup_6": N_("End to 6 months after"),
    "start>followup_6": N_("Start to 6 months after"),
}


def held_rows(db, audience: audiences.Audience, pub: publications.Publication, key: tuple) -> list[dict]:
    """Did the change hold: per follow-up pair (assessment_figures.FOLLOWUP_PAIRS) of group `key`,
    its published status, n, mean change of the total and interval (None where not shown).
    Empty when no pair of the group is shown (no follow-up round, or too few)."""
    out = []
    for pair in assessment_figures.FOLLOWUP_PAIRS:
        shown = audiences.shown(db, audience, pub.id, "followup", (pair, *key))
        if shown is None or shown.status == "hidden" or not shown.figures:
            out.append({"pair": pair, "n": None, "total": None, "interval": None})
            continue
        ch = assessment_figures.Change.from_json(shown.figures)
        out.append({"pair": pair, "n": ch.n, "total": ch.total,
                    "interval": tuple(ch.interval_total) if ch.interval_total else None})
    return out if any(r["n"] is not None for r in out) else []


def show_held(db, audience: audiences.Audience, pub: publications.Publication, key: tuple, t, lang: str) -> None:
    """The follow-up rounds' view: did the change from the start and the end hold 3 and 6 months
    after the programme (the leaders who took both rounds of each pair)."""
    data = held_rows(db, audience, pub, key)
    if not data:
        return
    st.subheader(t("Did the change hold?"), anchor=False)
    st.caption(t("The same leaders at a follow-up round after the programme, compared with their own start or end assessment. Only leaders who took both rounds of a row count in it."))
    widgets.table(pd.DataFrame({
        t("Compared"): [t(PAIR_NAMES[r["pair"]]) for r in data],
        t("Leaders who took both rounds"): ["–" if r["n"] is None else str(r["n"]) for r in data],
        t("Mean change of the total (percentage points)"): ["–" if r["total"] is None else number(r["total"], lang) for r in data],
        t("95 % interval"): [t("{low} to {high}").format(low=number(r["interval"][0], lang), high=number(r["interval"][1], lang))
                             if r["interval"] else "–" for r in data],
    }))
    st.caption(t("Percentage points. A dash: not shown in this publication (too few leaders, or the round has not been held)."))


def export_rows(db, audience: audiences.Audience, pub: publications.Publication, key: tuple, fw) -> list[dict]:
    """What the view shows as export rows (cohort.EXPORT_COLUMNS, round "start-end"): n, the
    mean change of the total and per competence, and the 95 % interval bounds where shown; a
    hidden group is one row with blank n and value. With each follow-up change the publication
    holds for the group ("did the change hold", round e.g. "end-followup_3") after it."""
    out = _change_rows(audiences.shown(db, audience, pub.id, "paired", key), publications.k_of(pub.summary, "paired"),
                       pub, "start-end", key, fw)
    for pair in assessment_figures.FOLLOWUP_PAIRS:
        held = audiences.shown(db, audience, pub.id, "followup", (pair, *key))
        if held is not None:  # a publication of a run without follow-ups holds no such group
            out += _change_rows(held, publications.k_of(pub.summary, "followup"), pub, pair.replace(">", "-"), key, fw)
    return out


def _change_rows(shown, k: int, pub: publications.Publication, round_: str, key: tuple, fw) -> list[dict]:
    mun, area, level = key
    base = {"publication": pub.id, "round": round_, "municipality": mun or "", "area": area or "",
            "level": level or "", "status": shown.status if shown else "hidden"}
    if shown is None or shown.status == "hidden" or not shown.figures:
        return [{**base, "n": "", "figure": "hidden", "value": ""}]
    ch, intervals, total_ci, has_intervals = parse(shown.figures, k)
    out = [{**base, "n": ch.n, "figure": "change total", "value": ch.total}]
    if total_ci:
        out += [{**base, "n": ch.n, "figure": "change total 95% low", "value": total_ci[0]},
                {**base, "n": ch.n, "figure": "change total 95% high", "value": total_ci[1]}]
    for r in rows(ch, fw, k, intervals, has_intervals):
        out.append({**base, "n": ch.n, "figure": f"change competence {r['competence']}", "value": r["mean"]})
        if r["interval"]:
            out += [{**base, "n": ch.n, "figure": f"change competence {r['competence']} 95% low", "value": r["interval"][0]},
                    {**base, "n": ch.n, "figure": f"change competence {r['competence']} 95% high", "value": r["interval"][1]}]
    return out
