"""Kompetencer i holdet: a stored publication's anonymised figures, with filters, charts,
tables and exports. Nothing here is computed from live answers (see digled/insight/anonymity.py)."""

import io
import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from digled.accounts import organisation
from digled.assessment import results, wheel
from digled.content import loader
from digled.content.loader import DIMENSIONS
from digled.insight import assessment_figures, audiences, charts, focus, profiles, publications
from digled.platform import exports
from digled.platform.i18n import text
from digled.ui import change_view, downloads, effect_view, login, publication, session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
fw = loader.framework()
org = organisation.current(db)
audience = publication.reader(db, user)  # what this account may read (digled/insight/audiences.py)


def _excel(frame, sheet: str) -> bytes:
    buf = io.BytesIO()
    frame.to_excel(buf, index=False, sheet_name=sheet)
    return buf.getvalue()


st.title(t("Competences in the cohort"))
pub = publication.pick(db, user, t, lang)
if pub is None:
    st.stop()
st.caption(t("Published figures, never live answers: a group is shown only when it holds at least {k} leaders and no combination with other published figures can single anyone out. Retakes outside the start and end rounds are private to the leader.").format(
    k=publications.least_k(pub.summary, "assessment")))


HIDDEN = t("Hidden")


def group(round_: str, key: tuple):
    """A group's shown row and figures in the chosen publication."""
    s = audiences.shown(db, audience, pub.id, "assessment", (round_, *key))
    return s, assessment_figures.Figures.from_json(s.figures if s else None)


def focus_view(f: assessment_figures.Figures, rnd: str, key: tuple, lvl: str | None) -> None:
    """The focus list of the group shown: table, matrix and its own exports (same n as above)."""
    whole = f if key == (None, None, None) else group(rnd, (None, None, None))[1]
    if not f.importance or not focus.has_importance(whole):
        st.info(t("No importance marks in this publication: the focus list needs a publication made after leaders began marking importance."))
        return
    if not focus.has_importance(f):
        st.info(t("The importance shares of this group are withheld: with this few leaders, or with nearly all of them giving the same mark (or none), they would tell individual leaders' marks. Choose a larger group."))
        return
    profile = profiles.profile_for(db, fw, lvl)
    if lvl:
        source = t("Target levels: the target profile of {level}").format(level=text(org.levels[lvl], lang))
    else:
        source = t("Target levels: the default target profile (choose a leader level for its own profile)")
    if not profile.approved:
        source += " " + t("(provisional: not yet approved)")
    rows = focus.focus_list(fw, f, profile.levels)
    quadrant = {q: t(name) for q, name in focus.QUADRANTS.items()}
    names = {c.id: text(c.name, lang) for c in fw.competences}

    def num(v, digits=1):
        return None if v is None else round(v, digits)

    table = pd.DataFrame({
        t("Priority rank"): pd.array([i + 1 if r.priority is not None else None for i, r in enumerate(rows)], dtype="Int64"),
        t("No."): [r.number for r in rows],
        t("Competence"): [names[r.competence] for r in rows],
        t("Marked important (%)"): [num(r.importance, 0) for r in rows],
        t("Mean level"): [num(r.mean_level) for r in rows],
        t("Target level"): [r.target for r in rows],
        t("Gap (levels)"): [num(r.gap) for r in rows],
        t("Weighted gap (levels)"): [num(r.priority, 2) for r in rows],
        t("Quadrant"): [quadrant[r.quadrant] if r.quadrant else "" for r in rows],
    })
    focus_help = {
        t("Priority rank"): t("1 is the competence to work on first: the one with the largest weighted gap."),
        t("Marked important (%)"): t("The share of the group's leaders who marked the competence important in the assessment."),
        t("Mean level"): t("The group's mean score as a level from 1 to 8: each 12.5 percentage points of the score is one level."),
        t("Gap (levels)"): t("How many levels the mean level is below the target level (a negative number: that many levels above it)."),
        t("Weighted gap (levels)"): t("The gap times the share who marked the competence important: a gap of 3 levels that 42 % marked important weighs 3 × 0.42 = 1.26 levels. The list is ranked by it."),
        t("Quadrant"): t("Where the competence lies in the chart below: important or less important, below or at the target."),
    }
    st.subheader(t("Focus list"))
    st.caption(t("Ranked by the share of the {n} leaders who mark a competence important times the gap from the mean level to the target level. A blank: the publication withholds that figure.").format(n=f.n))
    st.caption(source)
    widgets.table(table, column_help=focus_help,
                  widths={t("Priority rank"): "small", t("No."): 40, t("Competence"): 240, t("Marked important (%)"): "small",
                          t("Mean level"): "small", t("Target level"): "small", t("Gap (levels)"): "small",
                          t("Weighted gap (levels)"): "small", t("Quadrant"): 110})
    fig = charts.matrix(fw, rows, lang, {
        "x": t("Level relative to target"), "y": t("Marked important (%)"),
        "target": t("Vertical line: the target level"),
        "median": t("Horizontal line: median share marked important ({m:.0f} %)"),
        "hover": t("{name}: {imp} % important, mean level {lvl}, target {target}"),
        **quadrant,
    })
    st.subheader(t("Importance and level"))
    widgets.chart(fig, key="focus_matrix")
    st.caption(t("Each point is a competence, numbered as in the wheel and the table above; points close together are drawn apart (hover for the exact values). Strengthen: important and below target. Maintain: important and at or above target. Consider: less important and at or above target. Low priority: less important and below target."))
    d1, d2 = st.columns(2)
    d1.download_button(t("Download the focus list (CSV)"), lambda frame=table: exports.csv_bytes(frame),
                       file_name=t("digled-focus-list") + ".csv", mime="text/csv", key="focus_csv", on_click="ignore")
    d2.download_button(t("Download the focus list (Excel)"), lambda frame=table: _excel(frame, "fokusliste"),
                       file_name=t("digled-focus-list") + ".xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="focus_xlsx", on_click="ignore")


def breakdown(rnd: str, key: tuple, base: dict) -> list[dict]:
    """The chosen group broken down by municipality, area or level (the groups this account
    may read); returns their export rows."""
    shown_rows = []
    by = st.radio(t("Break down by"), ["municipalities", "areas", "levels"], horizontal=True, key="breakdown_by",
                  format_func={"municipalities": t("Municipality"), "areas": t("Area"), "levels": t("Leader level")}.get)
    pos = {"municipalities": 0, "areas": 1, "levels": 2}[by]
    rows = []
    for v in getattr(org, by):
        ckey = list(key)
        ckey[pos] = v
        if not audience.may_read("assessment", (rnd, *ckey)):
            continue  # another municipality's group, or a joint one this account may not break down
        cs, fx = group(rnd, tuple(ckey))
        visible = cs is not None and cs.status != "hidden"
        rows.append({t("Group"): text(getattr(org, by)[v], lang), t("Answers in the figures"): fx.n if visible else HIDDEN,
                     t("Mean total (%)"): round(fx.total) if visible and fx.total is not None else "",
                     **{text(a.name, lang) + " (%)": round(fx.areas[a.id]) if visible and fx.areas.get(a.id) is not None else "" for a in fw.areas}})
        shown_rows += assessment_figures.figure_rows({**base, **dict(zip(("municipality", "area", "level"), [x or "" for x in ckey])),
                                          "status": cs.status if cs else "hidden"}, fx)
    widgets.table(pd.DataFrame(rows).map(exports.safe_cell))
    return shown_rows


@st.fragment
def cohort() -> None:
    """The filters and what they show: a filter change reruns this alone (no router, no menu),
    so it checks the login and the page's access itself (login.fragment_may_go_on)."""
    login.fragment_may_go_on(__file__)
    start_end = st.session_state.get("cohort_view") in ("change", "effect")  # compares both rounds: no round applies
    publication.scope_note(org, audience, t, lang)
    rnd, mun, area, lvl = publication.group_filters(
        org, t, lang, t("Start and end compares both rounds: the round does not apply.") if start_end else None, audience)

    k = publications.k_of(pub.summary, "assessment", (rnd,))
    key = (mun, area, lvl)
    shown, f = group(rnd, key)
    base = {"publication": pub.id, "round": rnd, "municipality": mun or "", "area": area or "", "level": lvl or ""}
    shown_rows = assessment_figures.figure_rows({**base, "status": shown.status if shown else "hidden"}, f)

    if publication.explain(shown, k, t, lang, db):
        m = st.columns(3)
        m[0].metric(t("Answers in the figures"), f.n)
        m[1].metric(t("Mean total"), "–" if f.total is None else f"{f.total:.0f} %")
        if f.quartiles:
            m[2].metric(t("Middle half of totals"), f"{f.quartiles[0]:.0f}–{f.quartiles[2]:.0f} %",
                        help=t("With the leaders' totals in order from lowest to highest, the middle half of the leaders have a total between these two values: a quarter have less, a quarter more. The total in the middle (the median) is {m:.0f} %.").format(m=f.quartiles[1]))

        # one view at a time: only what is shown is computed and drawn (a filter change stays fast)
        views = {"wheel": t("Cohort wheel"), "dims": t("Areas and dimensions"), "bands": t("Level bands"),
                 "purposes": t("Purposes"), "change": t("Start and end"), "breakdown": t("Breakdown"),
                 "focus": t("Focus list"), "effect": t("Effect by part")}
        view = st.radio(t("Show"), list(views), format_func=views.get, horizontal=True, key="cohort_view")
        labels = results.wheel_labels(t)
        if view == "wheel":
            means = assessment_figures.as_scores(f, fw)
            # numbered wedges and the numbered list beside (under, on a phone): no label overlaps
            chart, listing = st.columns([3, 2])
            with chart:
                fig = widgets.kept_figure(  # drawn from the group's means alone: the same for every reader
                    ("cohort_wheel", id(fw), json.dumps(means, sort_keys=True), lang, tuple(sorted(labels.items()))),
                    lambda: wheel.wheel(fw, means, lang, labels, wheel.WheelOptions(numbered=True)))
                table = pd.DataFrame({
                    t("Competence"): [text(c.name, lang) for c in fw.competences],
                    t("Mean score (%)"): [None if f.competences[c.id] is None else round(f.competences[c.id])
                                      for c in fw.competences],
                    t("Target level"): [fw.target_levels[c.id] for c in fw.competences],
                })
                widgets.chart_with_table(fig, table, t("The wheel as a table"), key="cohort_wheel")
                st.caption(t("Filled wedges: the group's mean per competence. Dashed line: the digital leader target profile."))
            with listing, st.container(key="wheel_list"):
                st.subheader(t("The 16 competences"))
                st.html(results.wheel_list_html(fw, means, lang, t))
        elif view == "dims":
            dims = pd.DataFrame([
                {t("Area"): text(a.name, lang),
                 **{text(fw.dimensions[d], lang) + " (%)": (None if f.dimensions.get(f"{a.id}:{d}") is None else round(f.dimensions[f"{a.id}:{d}"]))
                    for d in DIMENSIONS}}
                for a in fw.areas
            ])
            fig = go.Figure([go.Bar(name=text(fw.dimensions[d], lang), x=dims[t("Area")], y=dims[text(fw.dimensions[d], lang) + " (%)"],
                                    marker_color=c) for d, c in zip(DIMENSIONS, ("#1c5a9e", "#8a3b12", "#2e6b30"))])
            fig.update_layout(barmode="group", yaxis=dict(range=[0, 100], title="%"), height=380, margin=dict(t=20))
            widgets.chart_with_table(fig, dims, t("Areas and dimensions as a table"), key="dims")
        elif view == "bands":
            exact = {b: v for b, v in f.bands.items() if publication.is_exact(v)}
            if not exact:
                st.info(t("Level bands are not shown as shares for this group: with this few leaders, or with nearly all of them in one band, the shares would tell individual leaders' levels."))
            bands = pd.DataFrame({t("Level band"): [t(assessment_figures.BAND_NAMES[b]) for b in f.bands],
                                  t("Share of leaders"): [publication.share_words(v, t, lang) for v in f.bands.values()]})
            fig = go.Figure(go.Bar(x=[t(assessment_figures.BAND_NAMES[b]) for b in exact], y=[round(v) for v in exact.values()],
                                   marker_color="#1c5a9e"))
            fig.update_layout(yaxis=dict(range=[0, 100], title="%"), height=360, margin=dict(t=20))
            widgets.chart_with_table(fig, bands, t("Level bands as a table"), key="bands")
            if len(exact) < len(f.bands):
                st.caption(t("A band shown in words holds fewer than {k}, or all but fewer than {k}, of the leaders: its exact share would tell individual leaders' levels.").format(k=k))
        elif view == "purposes":
            start_f, end_f = group("start", key)[1], group("end", key)[1]
            ptable = pd.DataFrame({
                t("Programme purpose"): [text(p.text, lang) for p in fw.purposes],
                t("Start (%)"): [HIDDEN if start_f.hidden or start_f.purposes[p.id] is None else round(start_f.purposes[p.id]) for p in fw.purposes],
                t("End (%)"): [HIDDEN if end_f.hidden or end_f.purposes[p.id] is None else round(end_f.purposes[p.id]) for p in fw.purposes],
            })
            fig = go.Figure()
            for name, fx, colour in ((t("Start"), start_f, "#8a3b12"), (t("End"), end_f, "#1c5a9e")):
                if not fx.hidden:
                    fig.add_trace(go.Bar(name=name, y=[f"{i + 1}" for i in range(len(fw.purposes))],
                                         x=[fx.purposes[p.id] for p in fw.purposes], orientation="h", marker_color=colour))
            fig.update_layout(barmode="group", xaxis=dict(range=[0, 100], title="%"), yaxis=dict(autorange="reversed", title=t("Purpose")), height=420, margin=dict(t=20))
            widgets.chart_with_table(fig, ptable, t("Purposes as a table"), key="purposes")
        elif view == "change":
            change_view.show(db, audience, pub, key, fw, t, lang)
            change_view.show_held(db, audience, pub, key, t, lang)
            shown_rows = change_view.export_rows(db, audience, pub, key, fw)  # the export holds what is shown
        elif view == "focus":
            focus_view(f, rnd, key, lvl)
        elif view == "effect":
            effect_view.show(db, audience, pub, fw, t, lang)
            shown_rows = effect_view.export_rows(db, audience, pub, fw)  # the export holds what is shown
        else:
            shown_rows += breakdown(rnd, key, base)

    export = assessment_figures.dataframe(shown_rows)
    c1, c2, c3 = st.columns(3)
    # every export is made on click: no lasting /media/ URL (digled/ui/downloads.py)
    c1.download_button(t("Download what is shown (CSV)"), lambda frame=export: exports.csv_bytes(frame),
                       file_name=t("digled-competences") + ".csv", mime="text/csv", key="export_csv", on_click="ignore")

    c2.download_button(t("Download what is shown (Excel)"), lambda frame=export: _excel(frame, "kompetencer"),
                       file_name=t("digled-competences") + ".xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="export_xlsx", on_click="ignore")
    c3.download_button(t("Download the whole publication (CSV)"),
                       downloads.with_database(
                           lambda d, pub_id=pub.id: exports.csv_bytes(assessment_figures.dataframe(audiences.export_rows(d, audience, pub_id))),
                           user.username, "management"),
                       file_name=t("digled-publication") + f"-{pub.id}.csv", mime="text/csv", key="export_publication", on_click="ignore")


cohort()
