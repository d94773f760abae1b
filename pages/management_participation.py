"""Deltagelse: how far the cohort has come in the programme, from a stored publication
(counts only, never a person; see digled/anonymity.py)."""

import io
import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from digled import exports, organisation, participation, programme, publications
from digled.i18n import text
from digled.ui import publication, session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
org = organisation.current(db)
prog = programme.programme()
steps = participation.steps(prog)
ALL = "__all__"
munis, areas = list(org.municipalities), list(org.areas)


def step_label(s) -> str:
    return text(s.label, lang) if isinstance(s.label, dict) else t(s.label)


st.title(t("Programme overview"))
st.caption(t("Published counts of leaders per step. A group is shown only when it holds at least k leaders, and its counts move only when at least k of its leaders have moved on, joined or left; no figure here is about one person."))
pub = publication.pick(db, t, lang)
if pub is None:
    st.stop()
k = publications.k_of(pub.summary, "participation")


def funnel(key: tuple) -> tuple[publications.Shown | None, int | None, dict]:
    s = publications.shown(db, pub.id, "participation", key)
    figs = json.loads(s.figures) if s and s.figures else {}
    return s, figs.get("n"), figs.get("counts", {})


c1, c2 = st.columns(2)
mun = c1.selectbox(t("Municipality"), [ALL, *munis], key="part_municipality",
                   format_func=lambda v: t("All") if v == ALL else text(org.municipalities[v], lang))
area = c2.selectbox(t("Area"), [ALL, *areas], key="part_area",
                    format_func=lambda v: t("All") if v == ALL else text(org.areas[v], lang))
mun, area = (None if mun == ALL else mun), (None if area == ALL else area)

shown, n, counts = funnel((mun, area))
if publication.explain(shown, k, t, lang, db, kind="participation"):
    st.metric(t("Leaders in the group"), n)
    table = pd.DataFrame({t("Step"): [step_label(s) for s in steps],
                          t("Leaders"): [counts.get(s.id, 0) for s in steps],
                          t("Share (%)"): [round(counts.get(s.id, 0) / n * 100) if n else 0 for s in steps]})
    fig = go.Figure(go.Funnel(y=table[t("Step")], x=table[t("Leaders")], marker_color="#1c5a9e",
                              textinfo="value+percent initial", textfont=dict(size=13)))
    fig.update_layout(height=620, margin=dict(t=20, l=10, r=10))
    widgets.chart_with_table(fig, table, t("The funnel as a table"), key="funnel")

st.subheader(t("By municipality and area"))
by = st.radio(t("Break down by"), ["municipality", "area"], horizontal=True, key="part_by",
              format_func={"municipality": t("Municipality"), "area": t("Area")}.get)
values = munis if by == "municipality" else areas
names = org.municipalities if by == "municipality" else org.areas
rows = []
for v in values:
    _, size, cts = funnel((v, area) if by == "municipality" else (mun, v))
    row = {t("Group"): text(names[v], lang), t("Leaders"): size if size is not None else t("Hidden")}
    for s in steps:
        row[step_label(s)] = cts.get(s.id, "") if size is not None else ""
    rows.append(row)
breakdown = pd.DataFrame(rows).map(exports.safe_cell)
st.dataframe(breakdown, hide_index=True, width="stretch")


def _excel(frame) -> bytes:
    buf = io.BytesIO()
    frame.to_excel(buf, index=False, sheet_name="deltagelse")
    return buf.getvalue()


# made on click: no lasting /media/ URL (digled/ui/downloads.py)
d1, d2 = st.columns(2)
d1.download_button(t("Download what is shown (CSV)"), lambda frame=breakdown: exports.csv_bytes(frame),
                   file_name="digled-deltagelse.csv", mime="text/csv", key="part_csv")
d2.download_button(t("Download what is shown (Excel)"), lambda frame=breakdown: _excel(frame),
                   file_name="digled-deltagelse.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="part_xlsx")
