"""The leader's wheel: numbered wedges with the numbered list beside it (under it on a phone),
the target profile of the attempt's leader level (named, provisional until approved), and an
optional overlay of the published, anonymised cohort mean (all leaders, the leader's area or
level, where that group is released). Reads publications only, never live rows."""

from __future__ import annotations

import streamlit as st

from digled.accounts import organisation
from digled.assessment import results, wheel
from digled.insight import anonymity, assessment_figures, profiles, publications
from digled.platform.i18n import text
from digled.ui import publication, widgets

OVERLAY_KEY = "cohort_overlay"


def _group_name(choice: str, area: str, level: str, db, t, lang: str) -> str:
    org = organisation.current(db)
    if choice == "area" and area:
        return t("My area: {name}").format(name=text(org.areas[area], lang) if area in org.areas else area)
    if choice == "level" and level:
        return t("My level: {name}").format(name=text(org.levels[level], lang) if level in org.levels else level)
    return t(profiles.OVERLAY_NAMES[choice])


def _why_not(o: profiles.Overlay, t) -> str:
    """Why an overlay cannot be drawn, in the reader's language."""
    if o.publication is None:
        return t("Nothing has been published yet.")
    if not o.key:
        return t("Your assessment has no area or leader level recorded.")
    k = publications.k_of(o.publication.summary, "overlay", o.key)
    reasons = anonymity.reasons("assessment")
    reason = reasons.get(o.shown.reason if o.shown else "small", reasons["small"])
    return t("Hidden: {reason}.").format(reason=t(reason).format(k=k))


def show(db, fw, attempt, previous, user, t, lang: str, way_here: list | None = None) -> None:
    """Draw the leader's wheel of `attempt` (`previous`: the attempt before it, or None). At a
    follow-up, `way_here` (results.way_here: the start and end attempts before it) draws each as
    its own outline instead: start -> end -> follow-up."""
    earlier = tuple((results.attempt_label(a.round, a.submitted, t, lang), a.scores) for a in way_here or ())
    if earlier:
        previous = None
    scores = attempt.scores
    area, level = profiles.attempt_group(db, attempt, user.area, user.level)
    profile = profiles.profile_for(db, fw, level)
    profile_label = profiles.label(db, fw, profile, t, lang)
    overlays = profiles.cohort_overlays(db, attempt.round, area, level)

    names = {c: _group_name(c, area, level, db, t, lang) for c in profiles.OVERLAYS}
    unavailable = {c: o for c, o in overlays.items() if not o.available}
    # offered: only the groups that can be shown; the others are named once below, with why
    offered = [c for c in profiles.OVERLAYS if c not in unavailable]
    if st.session_state.get(OVERLAY_KEY) not in offered:
        st.session_state.pop(OVERLAY_KEY, None)  # a group chosen earlier that can no longer be shown

    choice = st.segmented_control(
        t("Compare with the cohort"), offered, format_func=names.get, default="none",
        key=OVERLAY_KEY, help=t("The published, anonymised mean of a group of leaders: the figures management "
                                "sees, never anyone's answers. A group is shown only when it is large enough."),
    ) or "none"
    if unavailable:
        st.caption(t("Not offered: {groups}.").format(groups=" ".join(
            t("{group}: {why}").format(group=names[c], why=_why_not(o, t)) for c, o in unavailable.items())))
    chosen = overlays.get(choice)
    drawn = chosen if chosen is not None and chosen.available else None

    labels = results.wheel_labels(t)
    framed = profiles.with_targets(fw, profile)
    overlay_scores = assessment_figures.as_scores(drawn.figures, fw) if drawn else None
    overlay_label = t("{group}, published mean").format(group=names[choice]) if drawn else ""
    # a numbered wheel and, beside it (under it on a phone), the numbered list: no label can
    # overlap another or the centre at any width
    chart, listing = st.columns([3, 2])
    with chart:
        fig = wheel.wheel(fw, scores, lang, labels, wheel.WheelOptions(
            previous=previous.scores if previous else None, numbered=True, targets=profile.levels,
            target_label=profile_label, overlay=overlay_scores, overlay_label=overlay_label, earlier=earlier))
        table = results.table(framed, scores, lang, t)
        if drawn:
            table[t("Published mean")] = [
                "–" if drawn.figures.competences.get(c.id) is None else f"{drawn.figures.competences[c.id]:.0f} %"
                for c in fw.competences
            ]
        widgets.chart_with_table(fig, table, t("The wheel as a table"), key="wheel")
        with st.container(key="wheel_profile"):
            st.caption(profile_label)
        st.caption(
            t("Filled wedges: your score per competence. Dashed line: the target profile of your leader level.")
            + (" " + t("Solid line: your previous attempt.") if previous else "")
            + (" " + t("Lines: your way here, {attempts}.").format(attempts=" → ".join(n for n, _ in earlier)) if earlier else "")
        )
        if drawn:
            pub = drawn.publication
            st.caption(t("Dotted line: the published mean of {group} ({round}, {n} answers, published {when}).").format(
                group=names[choice], round=t(results.ROUND_NAMES[profiles.overlay_round(attempt.round)]),
                n=drawn.figures.n if drawn.figures.n is not None else drawn.shown.n, when=publication.when(pub, lang)))
            if drawn.shown.status == "held" and drawn.shown.reason:
                earlier = publications.get(db, drawn.shown.since)
                k = publications.k_of(pub.summary, "overlay", drawn.key)
                reasons = anonymity.reasons("assessment")
                st.caption(t("Figures as published {when}; newer answers are held back: {reason}.").format(
                    when=publication.when(earlier, lang) if earlier else "",
                    reason=t(reasons.get(drawn.shown.reason, drawn.shown.reason)).format(k=k)))
    with listing, st.container(key="wheel_list"):
        st.header(t("The 16 competences"))
        st.html(results.wheel_list_html(fw, scores, lang, t))
