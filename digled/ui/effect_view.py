"""Effect by part of the programme, for management: the published start->end change of leaders
grouped by what they took part in (the `effect` kind, digled/insight/effect.py), each group with
its n and 95 % interval, the dose view (change against the number of parts completed) as a
chart, and what it is: an association in this cohort, not proof of cause. Read from a stored
publication only; a hidden group says why.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from digled.insight import anonymity, audiences, effect, publications
from digled.platform import numbers
from digled.platform.i18n import text
from digled.ui import widgets

TOTAL = "total"


def value_of(figs: dict, column: str) -> tuple[float | None, list | None]:
    """A group's mean change and interval of one column ("total", "a:<area>", "p:<purpose>")."""
    if column == TOTAL:
        return figs.get("total"), figs.get("interval_total")
    kind, cid = column.split(":", 1)
    means, cis = ("areas", "area_intervals") if kind == "a" else ("purposes", "purpose_intervals")
    return (figs.get(means) or {}).get(cid), (figs.get(cis) or {}).get(cid)


def rows(db, audience: audiences.Audience, pub: publications.Publication, column: str = TOTAL) -> list[dict]:
    """Every effect group of a publication, in effect.groups() order: key, label (message id)
    and its arguments, status, reason, since, n, the mean change of `column` and its interval
    (None where withheld or hidden)."""
    shown = {tuple(s.key): s for s in audiences.shown_all(db, audience, pub.id, "effect")}
    out = []
    for key in effect.groups():
        s = shown.get(key)
        figs = effect.parse(s.figures) if s and s.status != "hidden" else None
        mean, ci = value_of(figs, column) if figs else (None, None)
        out.append({"key": key, "dimension": key[0], "label": effect.label(key), "args": {"d": key[1]},
                    "status": s.status if s else "hidden", "reason": (s.reason if s else "small") or "",
                    "since": s.since if s else None, "n": figs.get("n") if figs else None, "mean": mean,
                    "interval": ci})
    return out


def _number(v, lang: str) -> str:
    return "–" if v is None else numbers.decimal(v, lang, 1, sign=True)


def _interval_words(r: dict, t, lang: str, k: int) -> str:
    if r["interval"]:
        return t("{low} to {high}").format(low=_number(r["interval"][0], lang), high=_number(r["interval"][1], lang))
    return t("no interval below {m} leaders").format(m=2 * k) if r["mean"] is not None else "–"


def show(db, audience: audiences.Audience, pub: publications.Publication, fw, t, lang: str) -> None:
    """The effect view of one publication (the whole cohort: the filters above do not apply)."""
    st.info(t("What this shows: how much the leaders who took part in a part of the programme changed from the start to the end assessment, next to those who did not. It is an association in this cohort, not proof that the part caused the change: leaders who take part more may differ in other ways, for example in time, interest or support at work."))
    st.caption(t("Only leaders who took both the start and the end assessment, in the whole cohort: the municipality, area, level and round filters above do not apply to this view."))
    k = publications.k_of(pub.summary, "effect")
    options = {TOTAL: t("Total"), **{f"a:{a.id}": text(a.name, lang) for a in fw.areas},
               **{f"p:{p.id}": t("Purpose {n}").format(n=i + 1) for i, p in enumerate(fw.purposes)}}
    column = st.selectbox(t("Change in"), list(options), format_func=options.get, key="effect_column")
    if column.startswith("p:"):
        st.caption(text(next(p.text for p in fw.purposes if f"p:{p.id}" == column), lang))
    data = rows(db, audience, pub, column)
    whole = data[0]
    if whole["status"] == "hidden":
        st.info(t("Hidden: {reason}.").format(reason=_reason(whole, t, k)))
        return
    m = st.columns(2)
    m[0].metric(t("Leaders who took both rounds"), whole["n"])
    m[1].metric(t("Mean change (percentage points)"), _number(whole["mean"], lang))
    labels = {r["key"]: t(r["label"]).format(**r["args"]) for r in data}

    def frame(group_rows):
        return pd.DataFrame({
            t("Group"): [labels[r["key"]] for r in group_rows],
            t("Leaders (n)"): [str(r["n"]) if r["status"] != "hidden" else t("Hidden") for r in group_rows],
            t("Mean change (percentage points)"): [_number(r["mean"], lang) if r["status"] != "hidden" else "" for r in group_rows],
            t("95 % interval"): [_interval_words(r, t, lang, k) if r["status"] != "hidden" else _reason(r, t, k)
                                 for r in group_rows],
        })

    for dim in effect.DIMENSIONS[:-1]:
        st.subheader(t(dim.label))
        widgets.table(frame([r for r in data if r["dimension"] == dim.id]))
    st.subheader(t("Change by the number of parts completed"))
    st.caption(t("The four parts: all four films, both leader meetings, both workshops and the service check."))
    dose = [r for r in data if r["dimension"] == "dose"]
    if any(r["mean"] is not None for r in dose):
        fig = dose_chart(dose, labels, t, lang)
        widgets.chart_with_table(fig, frame(dose), t("The parts completed as a table"), key="effect_dose")
    else:
        st.info(t("No number of parts completed can be shown yet: each is held back by the anonymity rules (see the table)."))
        widgets.table(frame(dose))
    if any(r["status"] == "held" and r["reason"] for r in data):
        st.caption(t("Some groups show figures from an earlier publication: newer changes are held back."))
    st.caption(t("A hidden group is held back by the anonymity rules: it, or the leaders outside it, are fewer than {k}, or together with other published figures it would tell about individual leaders.").format(k=k))


def _reason(r: dict, t, k: int) -> str:
    return t(anonymity.reasons("effect").get(r["reason"], anonymity.REASONS["small"])).format(k=k)


def dose_chart(dose: list[dict], labels: dict, t, lang: str) -> go.Figure:
    """Mean change against the number of parts completed, each with its 95 % interval as an
    error bar (only the groups shown)."""
    shown = [r for r in dose if r["mean"] is not None]
    fig = go.Figure(go.Scatter(
        x=[labels[r["key"]] for r in shown], y=[r["mean"] for r in shown], mode="markers+lines",
        marker=dict(size=12, color="#1c5a9e"), line=dict(color="#1c5a9e", dash="dot"),
        error_y=dict(type="data", symmetric=False,
                     array=[(r["interval"][1] - r["mean"]) if r["interval"] else 0 for r in shown],
                     arrayminus=[(r["mean"] - r["interval"][0]) if r["interval"] else 0 for r in shown]),
        customdata=[[_number(r["mean"], lang), r["n"]] for r in shown],
        hovertemplate="%{x}: %{customdata[0]} (n = %{customdata[1]})<extra></extra>",
    ))
    fig.add_hline(y=0, line=dict(color="#1f2328", width=1.5, dash="dash"))
    fig.update_layout(height=360, margin=dict(t=20, l=10, r=10, b=40),
                      xaxis=dict(title=t("Parts completed"), type="category",
                                 categoryarray=[labels[r["key"]] for r in dose], categoryorder="array"),
                      yaxis=dict(title=t("Mean change (percentage points)")))
    return fig


def export_rows(db, audience: audiences.Audience, pub: publications.Publication, fw) -> list[dict]:
    """What the view shows as export rows (assessment_figures.EXPORT_COLUMNS, round
    "start-end", each figure named "effect <dimension>=<value>: ..."): per group its n and the mean change of the total, each area and each purpose,
    with the 95 % interval bounds where shown; a hidden group is one row with blank n."""
    out = []
    columns = [TOTAL, *(f"a:{a.id}" for a in fw.areas), *(f"p:{p.id}" for p in fw.purposes)]
    shown = {tuple(s.key): s for s in audiences.shown_all(db, audience, pub.id, "effect")}
    for key in effect.groups():
        s = shown.get(key)
        base = {"publication": pub.id, "round": "start-end", "municipality": "", "area": "", "level": "",
                "status": s.status if s else "hidden"}
        group = f"effect {key[0]}={key[1]}" if key[1] is not None else f"effect {key[0]}"
        figs = effect.parse(s.figures) if s and s.status != "hidden" else None
        if not figs:
            out.append({**base, "n": "", "figure": f"{group}: hidden", "value": ""})
            continue
        for col in columns:
            mean, ci = value_of(figs, col)
            out.append({**base, "n": figs["n"], "figure": f"{group}: change {col}", "value": mean})
            if ci:
                out += [{**base, "n": figs["n"], "figure": f"{group}: change {col} 95% low", "value": ci[0]},
                        {**base, "n": figs["n"], "figure": f"{group}: change {col} 95% high", "value": ci[1]}]
    return out
