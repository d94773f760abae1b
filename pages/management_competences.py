"""Kompetencer i holdet: a stored publication's anonymised figures, with filters, charts,
tables and exports. Nothing here is computed from live answers (see digled/insight/anonymity.py)."""

import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from digled.accounts import organisation
from digled.assessment import results, wheel
from digled.content import loader
from digled.content.loader import DIMENSIONS
from digled.insight import assessment_figures, audiences, publications
from digled.platform import exports
from digled.platform.i18n import text
from digled.ui import change_view, downloads, effect_view, focus_view, login, publication, session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
fw = loader.framework()
org = organisation.current(db)
audience = publication.reader(db, user)  # what this account may read (digled/insight/audiences.py)


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
            whole = f if key == (None, None, None) else group(rnd, (None, None, None))[1]
            focus_view.show(db, fw, org, f, whole, lvl, t, lang)
        elif view == "effect":
            effect_view.show(db, audience, pub, fw, t, lang)
            shown_rows = effect_view.export_rows(db, audience, pub, fw)  # the export holds what is shown
        else:
            shown_rows += breakdown(rnd, key, base)

    export = assessment_figures.dataframe(shown_rows)
    c1, c2, c3 = st.columns(3)
    # every export is made on click: no lasting /media/ URL (digled/ui/downloads.py)
    widgets.table_downloads((c1, c2), export, (t("Download what is shown (CSV)"), t("Download what is shown (Excel)")),
                            t("digled-competences"), "kompetencer", key="export")
    c3.download_button(t("Download the whole publication (CSV)"),
                       downloads.with_database(
                           lambda d, pub_id=pub.id: exports.csv_bytes(assessment_figures.dataframe(audiences.export_rows(d, audience, pub_id))),
                           user.username, "management"),
                       file_name=t("digled-publication") + f"-{pub.id}.csv", mime="text/csv", key="export_publication", on_click="ignore")


cohort()
