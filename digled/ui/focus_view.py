"""The focus list on "Competences": where the cohort should work first. Each competence's share
marked important (a released figure of the publication) times the gap from the group's mean level
to the target level of the chosen leader level's profile; a table, a matrix (importance against
level) and the list's own exports. Reads a stored publication only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from digled.content.loader import Framework
from digled.insight import assessment_figures, charts, focus, profiles
from digled.platform.i18n import text
from digled.ui import widgets


def show(db, fw: Framework, org, f: assessment_figures.Figures, whole: assessment_figures.Figures,
         lvl: str | None, t, lang: str) -> None:
    """The focus list of the group shown (`f`; `whole`: all leaders of the same round): table,
    matrix and its own exports, with the same n as the page's figures above it. The target
    levels are the profile of the chosen leader level `lvl` (or the default profile)."""
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
    widgets.table_downloads(st.columns(2), table, (t("Download the focus list (CSV)"), t("Download the focus list (Excel)")),
                            t("digled-focus-list"), "fokusliste", key="focus")
