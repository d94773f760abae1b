"""Målprofiler: the administrator sets the target level (1-8) of each competence per leader
level, approves a profile, and previews it as a wheel (digled/insight/profiles.py)."""

import html
from datetime import datetime

import pandas as pd
import streamlit as st

from digled.accounts import organisation
from digled.assessment import results, scoring, wheel
from digled.content import loader
from digled.insight import profiles
from digled.platform import dates
from digled.platform.i18n import text
from digled.ui import session, widgets

user, t = session.page(__file__)
db = session.database()
lang = session.language()
fw = loader.framework()
org = organisation.current(db)

st.title(t("Target profiles"))
st.write(t("A target profile is the level (1 to 8, as in DigComp 2.2) expected of a leader in each of the 16 "
           "competences. Each leader level has its own profile: a leader's wheel draws the profile of the level "
           "the assessment was taken at, and the three competences to develop are picked against it."))
st.info(t("Where no profile has been saved, a level uses the default profile. Its numbers are a proposal made for "
          "this app, not numbers from the programme: the programme description gives none. They must be confirmed "
          "by Albertslund and Glostrup. Every profile is marked provisional until an administrator approves it."))

level = st.selectbox(t("Leader level"), list(org.levels), key="profile_level",
                     format_func=lambda v: text(org.levels[v], lang))
profile = profiles.profile_for(db, fw, level)


def when(stamp: str) -> str:
    try:
        return dates.day(datetime.fromisoformat(stamp).date(), lang)
    except ValueError:
        return stamp


if profile.approved:
    st.success(t("Approved by {who} on {day}.").format(who=profile.changed_by, day=when(profile.changed_at)))
elif profile.source == profiles.DEFAULT:
    st.warning(t("Provisional: this level uses the default profile, not approved."))
else:
    st.warning(t("Provisional: saved by {who} on {day}, not approved yet.").format(
        who=profile.changed_by, day=when(profile.changed_at)))

number = wheel.numbers(fw)
with st.form(f"profile_form_{level}", clear_on_submit=False, enter_to_submit=False):
    for area in fw.areas:
        st.subheader(text(area.name, lang))
        cols = st.columns(2)
        for i, cid in enumerate(area.competences):
            comp = fw.competence_index[cid]
            cols[i % 2].number_input(
                t("{n}. {competence}").format(n=number[cid], competence=text(comp.name, lang)),
                value=profile.levels[cid], step=1, key=f"target_{level}_{cid}",
                help=t("The expected level, a whole number from 1 to 8."),
            )
    saved = st.form_submit_button(t("Save the profile"), type="primary", key="save_profile")

if saved:
    typed = {c.id: st.session_state.get(f"target_{level}_{c.id}") for c in fw.competences}
    try:
        changed = profiles.save(db, level, typed, user.username, fw)
    except profiles.InvalidProfile as e:
        st.error(t("Nothing was saved. Correct the levels below."))
        for p in e.problems:
            name = text(fw.competence_index[p.competence].name, lang) if p.competence in fw.competence_index else p.competence
            st.error(t("{field}: {problem}").format(field=name, problem=t(p.message).format(**p.params)))
    else:
        st.session_state["_profile_flash"] = (
            t("Saved. The profile is provisional until it is approved.") if changed else t("Nothing changed.")
        )
        st.rerun()
if message := st.session_state.pop("_profile_flash", None):
    st.success(message)

st.subheader(t("Approve"))
if profile.approved:
    st.caption(t("This profile is approved. Saving changed levels withdraws the approval."))
else:
    st.caption(t("Approve the saved profile (the levels as shown in the preview) when Albertslund and Glostrup have "
                 "confirmed it. Leaders then see it without the word provisional."))
    if st.button(t("Approve this profile"), key="approve_profile"):
        profiles.approve(db, level, user.username, fw)
        st.session_state["_profile_flash"] = t("The profile is approved.")
        st.rerun()

st.subheader(t("Preview"))
caption = profiles.label(db, fw, profile, t, lang)
scores = {
    "competences": {cid: {"score": scoring.target_percent(v), "level": v} for cid, v in profile.levels.items()},
    "total": None,
}
labels = results.wheel_labels(t)
fig = wheel.wheel(fw, scores, lang, labels, wheel.WheelOptions(
    show_target=False, numbered=True, centre="<b>" + html.escape(t("Target")) + "</b>"))
table = pd.DataFrame({
    t("No."): [number[c.id] for c in fw.competences],
    t("Competence"): [text(c.name, lang) for c in fw.competences],
    t("Target level"): [profile.levels[c.id] for c in fw.competences],
})
widgets.chart_with_table(fig, table, t("The profile as a table"), key="profile_preview")
st.caption(caption + " · " + t("Each wedge is filled to the profile's level for that competence."))
