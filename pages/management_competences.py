"""Kompetencer i holdet: a stored publication's anonymised figures, with filters, charts,
tables and exports. Nothing here is computed from live answers (see digled/anonymity.py)."""

import io

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from digled import cohort, content, exports, organisation, publications, results, wheel
from digled.content import DIMENSIONS
from digled.i18n import text
from digled.ui import downloads, publication, session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
fw = content.framework()
org = organisation.current(db)
ALL = "__all__"

st.title(t("Competences in the cohort"))
st.caption(t("Published figures, never live answers: a group is shown only when it holds at least k leaders and no combination with other published figures can single anyone out. Retakes outside the start and end rounds are private to the leader."))
pub = publication.pick(db, t, lang)
if pub is None:
    st.stop()


def picker(label: str, kind: str, key: str):
    options = [ALL, *getattr(org, kind)]
    choice = st.selectbox(label, options, key=key,
                          format_func=lambda v: t("All") if v == ALL else text(getattr(org, kind)[v], lang))
    return None if choice == ALL else choice


ROUND_NAMES = {r: t(results.ROUND_NAMES[r]) for r in cohort.ROUNDS}
cols = st.columns(4)
with cols[0]:
    rnd = st.selectbox(t("Round"), list(ROUND_NAMES), format_func=ROUND_NAMES.get, key="filter_round")
with cols[1]:
    mun = picker(t("Municipality"), "municipalities", "filter_municipality")
with cols[2]:
    area = picker(t("Area"), "areas", "filter_area")
with cols[3]:
    lvl = picker(t("Leader level"), "levels", "filter_level")

k = publications.k_of(pub.summary, "assessment", (rnd,))
HIDDEN = t("Hidden")


def group(round_: str, key: tuple):
    """A group's shown row and figures in the chosen publication."""
    s = publications.shown(db, pub.id, "assessment", (round_, *key))
    return s, cohort.Figures.from_json(s.figures if s else None)


key = (mun, area, lvl)
shown, f = group(rnd, key)
base = {"publication": pub.id, "round": rnd, "municipality": mun or "", "area": area or "", "level": lvl or ""}
shown_rows = cohort.figure_rows({**base, "status": shown.status if shown else "hidden"}, f)

if publication.explain(shown, k, t, lang, db):
    m = st.columns(3)
    m[0].metric(t("Answers in the figures"), f.n)
    m[1].metric(t("Mean total"), "–" if f.total is None else f"{f.total:.0f} %")
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
            {t("Area"): text(a.name, lang), **{text(fw.dimensions[d], lang): round(f.dimensions[f"{a.id}:{d}"] or 0) for d in DIMENSIONS}}
            for a in fw.areas
        ])
        fig = go.Figure([go.Bar(name=text(fw.dimensions[d], lang), x=dims[t("Area")], y=dims[text(fw.dimensions[d], lang)],
                                marker_color=c) for d, c in zip(DIMENSIONS, ("#1c5a9e", "#8a3b12", "#2e6b30"))])
        fig.update_layout(barmode="group", yaxis=dict(range=[0, 100], title="%"), height=380, margin=dict(t=20))
        widgets.chart_with_table(fig, dims, t("Areas and dimensions as a table"), key="dims")
    elif view == "bands":
        if not f.bands:
            st.info(t("Level bands are not shown for this group: one band holds all, or nearly all, of its leaders."))
        bands = pd.DataFrame({t("Level band"): [t(cohort.BAND_NAMES[b]) for b in f.bands],
                              t("Share of leaders (%)"): [round(v) for v in f.bands.values()]})
        fig = go.Figure(go.Bar(x=bands.iloc[:, 0], y=bands.iloc[:, 1], marker_color="#1c5a9e"))
        fig.update_layout(yaxis=dict(range=[0, 100], title="%"), height=360, margin=dict(t=20))
        widgets.chart_with_table(fig, bands, t("Level bands as a table"), key="bands")
    elif view == "purposes":
        start_f, end_f = group("start", key)[1], group("end", key)[1]
        ptable = pd.DataFrame({
            t("Programme purpose"): [text(p.text, lang) for p in fw.purposes],
            t("Start"): [HIDDEN if start_f.hidden or start_f.purposes[p.id] is None else round(start_f.purposes[p.id]) for p in fw.purposes],
            t("End"): [HIDDEN if end_f.hidden or end_f.purposes[p.id] is None else round(end_f.purposes[p.id]) for p in fw.purposes],
        })
        fig = go.Figure()
        for name, fx, colour in ((t("Start"), start_f, "#8a3b12"), (t("End"), end_f, "#1c5a9e")):
            if not fx.hidden:
                fig.add_trace(go.Bar(name=name, y=[f"{i + 1}" for i in range(len(fw.purposes))],
                                     x=[fx.purposes[p.id] for p in fw.purposes], orientation="h", marker_color=colour))
        fig.update_layout(barmode="group", xaxis=dict(range=[0, 100], title="%"), yaxis=dict(autorange="reversed", title=t("Purpose")), height=420, margin=dict(t=20))
        widgets.chart_with_table(fig, ptable, t("Purposes as a table"), key="purposes")
    elif view == "change":
        pshown = publications.shown(db, pub.id, "paired", key)
        ch = cohort.Change.from_json(pshown.figures if pshown else None)
        if publication.explain(pshown, publications.k_of(pub.summary, "paired"), t, lang, db):
            st.metric(t("Mean change of the total"), "–" if ch.total is None else f"{ch.total:+.1f}", help=t("Percentage points, {n} leaders who took both rounds").format(n=ch.n))
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
            ckey = list(key)
            ckey[pos] = v
            cs, fx = group(rnd, tuple(ckey))
            visible = cs is not None and cs.status != "hidden"
            rows.append({t("Group"): text(getattr(org, by)[v], lang), t("Answers"): fx.n if visible else HIDDEN,
                         t("Mean total"): round(fx.total) if visible and fx.total is not None else "",
                         **{text(a.name, lang): round(fx.areas[a.id]) if visible and fx.areas.get(a.id) is not None else "" for a in fw.areas}})
            shown_rows += cohort.figure_rows({**base, **dict(zip(("municipality", "area", "level"), [x or "" for x in ckey])),
                                              "status": cs.status if cs else "hidden"}, fx)
        st.dataframe(pd.DataFrame(rows).map(exports.safe_cell), hide_index=True, width="stretch")

export = cohort.dataframe(shown_rows)
c1, c2, c3 = st.columns(3)
# every export is made on click: no lasting /media/ URL (digled/ui/downloads.py)
c1.download_button(t("Download what is shown (CSV)"), lambda frame=export: exports.csv_bytes(frame),
                   file_name="digled-kompetencer.csv", mime="text/csv", key="export_csv")


def _excel(frame, sheet: str) -> bytes:
    buf = io.BytesIO()
    frame.to_excel(buf, index=False, sheet_name=sheet)
    return buf.getvalue()


c2.download_button(t("Download what is shown (Excel)"), lambda frame=export: _excel(frame, "kompetencer"),
                   file_name="digled-kompetencer.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="export_xlsx")
c3.download_button(t("Download the whole publication (CSV)"),
                   downloads.with_database(
                       lambda d, pub_id=pub.id: exports.csv_bytes(cohort.dataframe(publications.export_rows(d, pub_id))),
                       user.username, "management"),
                   file_name=f"digled-publication-{pub.id}.csv", mime="text/csv", key="export_publication")
