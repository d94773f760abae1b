"""Sammenlign forløb: two runs' released figures side by side, for one round and one group.
Each run's latest publication, nothing computed from live answers (see digled/insight/compare.py)."""

import pandas as pd
import streamlit as st

from digled.accounts import organisation, programme_runs
from digled.content import loader
from digled.insight import assessment_figures, audiences, compare, publications
from digled.platform import exports
from digled.ui import publication, session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
fw = loader.framework()
org = organisation.current(db)
audience = publication.reader(db, user)  # what this account may read (digled/insight/audiences.py)

st.title(t("Compare runs"))
st.caption(t("Released figures only: each run's latest publication, for the same round and group. A group is shown only where that run's publication shows it."))

runs = programme_runs.listing(db)  # the running one first, then the closed ones newest first
if len(runs) < 2:
    st.info(t("Only one run so far: the comparison appears when a second run has publications."))
    st.stop()

c1, c2 = st.columns(2)
with c1:
    first_id = publication.pick_run(runs, t, key="compare_first", label=t("First run"), index=0)
with c2:
    second_id = publication.pick_run(runs, t, key="compare_second", label=t("Second run"), index=1)
if first_id == second_id:
    st.warning(t("Choose two different runs: the first and the second run are the same."))
    st.stop()


publication.scope_note(org, audience, t, lang)
rnd, mun, area, lvl = publication.group_filters(org, t, lang, audience=audience)

by_id = {c.id: c for c in runs}
names = (by_id[first_id].name, by_id[second_id].name)
figures: list[assessment_figures.Figures | None] = []
for col, cid in zip(st.columns(2), (first_id, second_id)):
    with col:
        st.subheader(publication.run_label(by_id[cid], t))
        pub = publications.latest(db, cid)
        if pub is None:
            st.info(t("Nothing has been published in this run yet."))
            figures.append(None)
            continue
        st.caption(t("Latest publication: {when}").format(when=publication.when(pub, lang)))
        shown = audiences.shown(db, audience, pub.id, "assessment", (rnd, mun, area, lvl))
        k = publications.k_of(pub.summary, "assessment", (rnd,))
        if publication.explain(shown, k, t, lang, db):
            f = assessment_figures.Figures.from_json(shown.figures)
            st.metric(t("Answers in the figures"), f.n)
            figures.append(f)
        else:
            figures.append(None)

if all(f is None for f in figures):
    st.stop()

rows = compare.lines(fw, *figures)
axis = t("Mean level")
chart_names = (names[0], names[1]) if names[0] != names[1] else (t("First run"), t("Second run"))
labels = {"what": t("Competence or area (mean level)"), "first": chart_names[0], "second": chart_names[1],
          "difference": t("Difference"), "n": t("Answers in the figures"), "total": t("Mean total")}
if len(set(labels[c] for c in ("what", "first", "second", "difference"))) < 4:  # a run named like a column
    labels["first"], labels["second"] = t("First run"), t("Second run")
table = pd.DataFrame(compare.table(fw, rows, lang, labels))
shown_table = table.astype(object).where(table.notna(), "").map(exports.safe_cell)

st.subheader(t("Mean level per area"))
widgets.chart_with_table(compare.bars(fw, rows, "area", lang, chart_names, axis),
                         shown_table.iloc[2:2 + len(fw.areas)], t("Mean level per area as a table"), key="compare_areas")
st.subheader(t("Mean level per competence"))
widgets.chart_with_table(compare.bars(fw, rows, "competence", lang, chart_names, axis),
                         shown_table.iloc[2 + len(fw.areas):], t("Mean level per competence as a table"),
                         key="compare_competences")
st.caption(t("Bars are numbered as the competences in the wheel and the table below. Levels run from 0.5 to 8.5 on the DigComp scale: a mean score of 0 % is level 0.5, each 12.5 percentage points more is one level higher, and 100 % is level 8.5."))

st.subheader(t("Both runs and the difference"))
st.caption(t("Difference: {first} minus {second}, from the levels as shown. A blank: that run does not show the figure.").format(
    first=chart_names[0], second=chart_names[1]))
widgets.table(shown_table)
# made on click: no lasting /media/ URL (digled/ui/downloads.py)
st.download_button(t("Download the comparison (CSV)"), lambda frame=table: exports.csv_bytes(frame),
                   file_name=t("digled-runs") + ".csv", mime="text/csv", key="compare_csv", on_click="ignore")
