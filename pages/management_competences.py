"""Kompetencer i holdet: anonymised cohort figures with filters, charts, tables and exports."""

import io

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from digled import cohort, content, organisation, results, wheel
from digled.content import DIMENSIONS
from digled.i18n import text
from digled.ui import session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
fw = content.framework()
org = organisation.current(db)
k = organisation.min_group_size(db)
ALL = "__all__"
HIDDEN = t("Hidden: fewer than {k} answers").format(k=k)

st.title(t("Competences in the cohort"))
st.caption(
    t("Anonymised: groups with fewer than {k} answers are hidden, and figures are updated in batches of {k} new answers, so no figure can reveal one person.").format(k=k)
)


def picker(label: str, kind: str, key: str):
    options = [ALL, *getattr(org, kind)]
    choice = st.selectbox(label, options, key=key,
                          format_func=lambda v: t("All") if v == ALL else text(getattr(org, kind)[v], lang))
    return None if choice == ALL else choice


ROUND_NAMES = {r: t(name) for r, name in results.ROUND_NAMES.items()}
cols = st.columns(4)
with cols[0]:
    rnd = st.selectbox(t("Round"), list(ROUND_NAMES), format_func=ROUND_NAMES.get, key="filter_round")
with cols[1]:
    mun = picker(t("Municipality"), "municipalities", "filter_municipality")
with cols[2]:
    area = picker(t("Area"), "areas", "filter_area")
with cols[3]:
    lvl = picker(t("Leader level"), "levels", "filter_level")

filters = cohort.Filters(rnd, mun, area, lvl)
df = cohort.frame(db, fw)
values = cohort.dimension_values(org)
hidden = cohort.hidden_groups(df, rnd, values, k)
f = cohort.figures(df, fw, filters, hidden, k)
shown_rows = cohort.figure_rows(f, fw)

if f.hidden:
    st.info(HIDDEN)
else:
    m = st.columns(3)
    m[0].metric(t("Answers in the figures"), f.n)
    m[1].metric(t("Mean total"), f"{f.total:.0f} %")
    if f.quartiles:
        m[2].metric(t("Middle half of totals"), f"{f.quartiles[0]:.0f}–{f.quartiles[2]:.0f} %",
                    help=t("Quartiles: half of the leaders have a total between these values; the median is {m:.0f} %.").format(m=f.quartiles[1]))

    # one view at a time: only what is shown is computed and drawn (a filter change stays fast)
    views = {"wheel": t("Cohort wheel"), "dims": t("Areas and dimensions"), "bands": t("Level bands"),
             "purposes": t("Purposes"), "change": t("Start and end"), "breakdown": t("Breakdown")}
    view = st.radio(t("Show"), list(views), format_func=views.get, horizontal=True, key="cohort_view")
    labels = results.wheel_labels(t)
    if view == "wheel":
        fig = wheel.wheel(fw, cohort.as_scores(f, fw), lang, labels)
        table = pd.DataFrame({
            t("Competence"): [text(c.name, lang) for c in fw.competences],
            t("Mean score"): [None if f.competences[c.id] is None else round(f.competences[c.id]) for c in fw.competences],
            t("Target level"): [fw.target_levels[c.id] for c in fw.competences],
        })
        widgets.chart_with_table(fig, table, t("The wheel as a table"), key="cohort_wheel")
        st.caption(t("Filled wedges: the group's mean per competence. Dashed line: the digital leader target profile."))
    elif view == "dims":
        dims = pd.DataFrame([
            {t("Area"): text(a.name, lang), **{text(fw.dimensions[d], lang): round(f.dimensions[(a.id, d)] or 0) for d in DIMENSIONS}}
            for a in fw.areas
        ])
        fig = go.Figure([go.Bar(name=text(fw.dimensions[d], lang), x=dims[t("Area")], y=dims[text(fw.dimensions[d], lang)],
                                marker_color=c) for d, c in zip(DIMENSIONS, ("#1c5a9e", "#8a3b12", "#2e6b30"))])
        fig.update_layout(barmode="group", yaxis=dict(range=[0, 100], title="%"), height=380, margin=dict(t=20))
        widgets.chart_with_table(fig, dims, t("Areas and dimensions as a table"), key="dims")
    elif view == "bands":
        bands = pd.DataFrame({t("Level band"): [t(cohort.BAND_NAMES[b]) for b in f.bands],
                              t("Share of leaders (%)"): [round(v) for v in f.bands.values()]})
        fig = go.Figure(go.Bar(x=bands.iloc[:, 0], y=bands.iloc[:, 1], marker_color="#1c5a9e"))
        fig.update_layout(yaxis=dict(range=[0, 100], title="%"), height=360, margin=dict(t=20))
        widgets.chart_with_table(fig, bands, t("Level bands as a table"), key="bands")
    elif view == "purposes":
        start_f = cohort.figures(df, fw, cohort.Filters("start", mun, area, lvl), cohort.hidden_groups(df, "start", values, k), k)
        end_f = cohort.figures(df, fw, cohort.Filters("end", mun, area, lvl), cohort.hidden_groups(df, "end", values, k), k)
        ptable = pd.DataFrame({
            t("Programme purpose"): [text(p.text, lang) for p in fw.purposes],
            t("Start"): [HIDDEN if start_f.hidden else round(start_f.purposes[p.id] or 0) for p in fw.purposes],
            t("End"): [HIDDEN if end_f.hidden else round(end_f.purposes[p.id] or 0) for p in fw.purposes],
        })
        fig = go.Figure()
        for name, fx, colour in ((t("Start"), start_f, "#8a3b12"), (t("End"), end_f, "#1c5a9e")):
            if not fx.hidden:
                fig.add_trace(go.Bar(name=name, y=[f"{i + 1}" for i in range(len(fw.purposes))],
                                     x=[fx.purposes[p.id] for p in fw.purposes], orientation="h", marker_color=colour))
        fig.update_layout(barmode="group", xaxis=dict(range=[0, 100], title="%"), yaxis=dict(autorange="reversed", title=t("Purpose")), height=420, margin=dict(t=20))
        widgets.chart_with_table(fig, ptable, t("Purposes as a table"), key="purposes")
    elif view == "change":
        ch = cohort.paired_change(df, fw, filters, cohort.hidden_groups(df, "end", values, k), k)
        if ch.hidden:
            st.info(t("Hidden: fewer than {k} leaders have taken both the start and the end assessment in this group.").format(k=k))
        else:
            st.metric(t("Mean change of the total"), f"{ch.total:+.1f}", help=t("Percentage points, {n} leaders who took both rounds").format(n=ch.n))
            ctable = pd.DataFrame({t("Competence"): [text(c.name, lang) for c in fw.competences],
                                   t("Change (percentage points)"): [round(ch.competences[c.id] or 0, 1) for c in fw.competences]})
            fig = go.Figure(go.Bar(x=ctable.iloc[:, 1], y=ctable.iloc[:, 0], orientation="h",
                                   marker_color=[fw.area_index[c.area].colour for c in fw.competences]))
            fig.update_layout(yaxis=dict(autorange="reversed"), height=520, margin=dict(t=20))
            widgets.chart_with_table(fig, ctable, t("The change as a table"), key="change")
    else:
        by = st.radio(t("Break down by"), ["municipalities", "areas", "levels"], horizontal=True, key="breakdown_by",
                      format_func={"municipalities": t("Municipality"), "areas": t("Area"), "levels": t("Leader level")}.get)
        pos = {"municipalities": 0, "areas": 1, "levels": 2}[by]
        rows = []
        for v in getattr(org, by):
            key = list(filters.key())
            key[pos] = v
            fx = cohort.figures(df, fw, cohort.Filters(rnd, *key), hidden, k)
            rows.append({t("Group"): text(getattr(org, by)[v], lang), t("Answers"): HIDDEN if fx.hidden else fx.n,
                         t("Mean total"): "" if fx.hidden else round(fx.total),
                         **{text(a.name, lang): "" if fx.hidden else round(fx.areas[a.id] or 0) for a in fw.areas}})
            shown_rows += cohort.figure_rows(fx, fw)
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

export = cohort.dataframe(shown_rows)
c1, c2 = st.columns(2)
c1.download_button(t("Download what is shown (CSV)"), export.to_csv(index=False).encode("utf-8-sig"),
                   file_name="digled-kompetencer.csv", mime="text/csv", key="export_csv")
buf = io.BytesIO()
export.to_excel(buf, index=False, sheet_name="kompetencer")
c2.download_button(t("Download what is shown (Excel)"), buf.getvalue(), file_name="digled-kompetencer.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="export_xlsx")
