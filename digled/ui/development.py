"""From wheel to development (leader side): the importance form and the recommendations.

`importance_form` shows all 16 competences grouped by area, each with three choices
(important / less important / not relevant), pre-filled from the leader's latest marks, saved
with one button; it returns the marks the recommendations should use. `recommendations` shows
the three competences to develop (importance.recommend), the numbers behind each, and links
that land on the programme's film, meeting or workshop that trains it.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from digled.assessment import importance, results
from digled.content.loader import Framework
from digled.platform.i18n import text

# Streamlit clips a page link's label to one line: a recommendation's links name a whole film
# or meeting, so they wrap (no less-than sign in here: see digled/ui/style.py).
LINK_CSS = """
[class*="st-key-recommendation_"] [data-testid="stPageLink"] a,
[class*="st-key-recommendation_"] [data-testid="stPageLink"] a * { white-space: normal; text-overflow: clip; overflow: visible; height: auto; line-height: 1.4; }
[class*="st-key-recommendation_"] [data-testid="stPageLink"] a { min-height: 44px; align-items: center; }
"""


def _key(attempt_id: int, cid: str) -> str:
    return f"imp_{attempt_id}_{cid}"


def _msg_key(attempt_id: int) -> str:
    return f"_importance_msg_{attempt_id}"


def _save(db, fw: Framework, attempt_id: int) -> None:
    """Save the marks; the outcome stays on screen until the next save (not only for one run:
    a later rerun, e.g. a fragment's or a widget's elsewhere, must not hide it)."""
    given = {c.id: st.session_state.get(_key(attempt_id, c.id)) for c in fw.competences}
    try:
        importance.save(db, attempt_id, given, fw)
    except importance.ImportanceError as e:
        st.session_state[_msg_key(attempt_id)] = ("error", e)
    else:
        st.session_state[_msg_key(attempt_id)] = ("saved", None)


def importance_form(db, fw: Framework, attempt, attempts: list, t: Callable[[str], str], lang: str) -> dict[str, str]:
    """The importance screen for `attempt` (one of the leader's `attempts`, oldest first).
    Returns the marks in effect: this attempt's saved marks, else the latest earlier ones."""
    saved = importance.marks(db, attempt.id)
    ids = [a.id for a in attempts]
    upto = attempts[: ids.index(attempt.id) + 1] if attempt.id in ids else [*attempts, attempt]
    start = saved or importance.prefill(db, upto)
    msg = st.session_state.get(_msg_key(attempt.id))
    with st.container(key="importance"):
        with st.expander(t("How important is each competence in your area?"),
                         expanded=not saved or msg is not None, icon=":material/tune:"):
            st.markdown(t("Which digital competences are important in your area, and which are not? "
                          "Your marks decide which competences are suggested for you to develop: a "
                          "competence you mark as not relevant is never suggested."))
            if not saved and start:
                st.info(t("Pre-filled from your previous attempt. Check the marks and save them for this attempt."),
                        icon=":material/history:")
            with st.form(f"importance_form_{attempt.id}", border=False, enter_to_submit=False):
                for area in fw.areas:
                    st.markdown("**" + text(area.name, lang) + "**")
                    for cid in area.competences:
                        value = start.get(cid)
                        st.radio(
                            text(fw.competence_index[cid].name, lang),
                            importance.VALUES,
                            index=importance.VALUES.index(value) if value in importance.VALUES else None,
                            format_func=lambda v: t(importance.LABELS[v]),
                            horizontal=True,
                            key=_key(attempt.id, cid),
                        )
                st.form_submit_button(t("Save importance"), type="primary", icon=":material/save:",
                                      on_click=_save, args=(db, fw, attempt.id))
            if msg and msg[0] == "error":
                st.error(msg[1].text(t))
            elif msg:
                st.success(t("Saved. The competences to develop are updated."), icon=":material/check_circle:")
    if saved:
        return saved
    marks, _ = importance.effective(db, attempts, attempt)
    return marks


def recommendations(db, fw: Framework, scores: dict, target_levels: dict[str, int], marks: dict[str, str],
                    t: Callable[[str], str], lang: str) -> None:
    """The three competences to develop, each with its numbers, development text, exercises and
    links to the programme activities that train it."""
    _, recommend = results.feedback(fw, scores, lang, target_levels, marks)
    level_word = t("level")
    with st.container(key="recommendations"):
        st.html("<style>" + LINK_CSS + "</style>")
        st.subheader(t("Three competences to develop"))
        if marks:
            st.caption(t("Ranked by your gap to the target level, weighted by how important you marked each competence "
                         "(important 1, less important 0.5, not marked 0.75; not relevant is never suggested)."))
        else:
            st.caption(t("Ranked by your gap to the target level. Mark how important each competence is in your area "
                         "to make the suggestions your own."))
        if any(e.ranking and e.ranking.above_target for e in recommend):
            st.info(t(results.FILLED_NOTE), icon=":material/info:")
        if not recommend:
            st.info(t(results.NONE_NOTE), icon=":material/info:")
        for i, e in enumerate(recommend):
            with st.container(border=True, key=f"recommendation_{i}"):
                st.markdown(f"**{e.name}** · {e.score:.0f} % · {level_word} {e.level}")
                st.caption(results.ranking_line(e.ranking, t, lang), help=results.ranking_method(e.ranking, t, lang))
                st.write(e.text)
                st.markdown("\n".join(f"- {x}" for x in e.exercises))
                if e.links:
                    st.markdown("**" + t("In the programme") + "**")
                for link in e.links:
                    st.page_link(link.page, label=results.link_line(link, lang, t, question=False),
                                 query_params={"item": link.activity},
                                 icon=":material/movie:" if link.page.endswith("films.py") else ":material/groups:")
                    why = text(link.why, lang)
                    if link.question_text:
                        why = t("Question: {question}").format(question=text(link.question_text, lang)) + " " + why
                    if link.exercise:
                        why += " " + t("Try: {exercise}").format(exercise=text(link.exercise, lang))
                    st.caption(why)
