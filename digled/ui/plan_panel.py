"""The leader's development plan under the wheel (issue 11): the seed's third question per
important competence (autosaved), actions with target dates ticked off (saved on each change,
with a visible confirmation), "what I planned, what moved", and the plan's exports.

Domain logic is in digled/assessment/plan.py; this module only draws and calls it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import streamlit as st

from digled.assessment import answering, plan, results
from digled.platform import dates
from digled.platform.i18n import text
from digled.ui import autosave, widgets

_NOTICE = "_plan_notice"  # (competence, message) shown once in that competence's block
_ERROR = "_plan_error_"  # + competence: a refusal shown in that block until the next success


def _notify(cid: str, message: str) -> None:
    st.session_state[_NOTICE] = (cid, message)
    st.session_state.pop(_ERROR + cid, None)


def _refuse(cid: str, e: plan.PlanError, t) -> None:
    st.session_state[_ERROR + cid] = e.text(t)


def show(db, fw, respondent: str, attempts: list, chosen_index: int, competences: list[str], t, lang: str,
         today: date | None = None) -> None:
    """The plan for `competences` (the ones the leader marked most important; competences the
    plan already holds stay shown), beside the change of the chosen attempt."""
    today = today or date.today()
    current = attempts[chosen_index] if attempts else None
    scores = current.scores if current else None
    p = plan.load(db, respondent)
    comps = [c for c in list(dict.fromkeys([*competences, *p.competences()])) if c in fw.competence_index]
    with st.container(key="plan_panel"):
        st.header(t("My development plan"))
        st.caption(t("For the competences that matter most in your area: what does it take to strengthen "
                     "them, and what will you do by when? Only you can see your plan. It is stored under "
                     "your pseudonym and saved as you go."))
        if not comps:
            st.info(t("Mark the competences that are most important in your area; your plan for them appears here."))
            return
        review = any(a.round in answering.FOLLOWUP_ROUNDS for a in attempts)
        for cid in comps:
            _competence_block(db, fw, respondent, p, cid, scores, t, lang, today, review)
        _what_moved(fw, p, attempts, chosen_index, t, lang)
        _exports(fw, p, t, lang)


def _competence_block(db, fw, respondent, p: plan.Plan, cid: str, scores, t, lang: str, today: date,
                      review: bool = False) -> None:
    name = text(fw.competence_index[cid].name, lang)
    now = ((scores or {}).get("competences", {}).get(cid)) or {}
    with st.container(border=True, key=f"plan_{cid}"):
        st.subheader(name)
        if now.get("score") is not None:
            st.caption(t("Now: level {level} of 8 ({score:.0f} %).").format(level=now["level"], score=now["score"]))

        def save_need(value: str) -> str:
            try:
                plan.save_need(db, respondent, cid, value, fw)
            except plan.PlanError as e:
                return e.text(t)
            return widgets.saved_status(datetime.now().astimezone(), lang, t)

        autosave.autosave_text_area(
            t("What does it take to strengthen this competence in your area?"),
            p.needs.get(cid, ""), f"plan_need_{cid}", save_need,
            pending=t("Saving when you pause…"), max_chars=plan.MAX_CHARS, height=90,
        )
        notice = st.session_state.get(_NOTICE)
        if notice and notice[0] == cid:
            st.session_state.pop(_NOTICE, None)
            st.success(notice[1], icon=":material/check:")
        error = st.session_state.get(_ERROR + cid)
        if error:
            st.error(error, icon=":material/error:")
        actions = p.actions_for(cid)
        st.markdown("**" + t("Actions") + "**")
        if not actions:
            st.caption(t("No actions yet. Pick an exercise or write your own below."))
        for a in actions:
            _action_row(db, respondent, a, cid, t, lang, today)
            if review:
                outcome(db, respondent, a, cid, t)
        with st.expander(t("Add an action"), expanded=not actions or bool(st.session_state.get(_ERROR + cid))):
            _add_form(db, fw, respondent, cid, scores, t, lang, today)


def _action_row(db, respondent: str, a: plan.Action, cid: str, t, lang: str, today: date) -> None:
    due = dates.day(a.due, lang, "medium") if a.due else t("no date")

    def ticked() -> None:
        done = bool(st.session_state.get(f"plan_done_{a.id}"))
        try:
            plan.tick(db, respondent, a.id, done)
        except plan.PlanError as e:
            _refuse(cid, e, t)
            return
        _notify(cid, (t("Saved: marked as done.") if done else t("Saved: marked as not done.")))

    st.checkbox(
        widgets.md(a.text) + " · " + t("by {date}").format(date=due),
        value=a.done, key=f"plan_done_{a.id}", on_change=ticked,
    )
    with st.expander(t("Change or delete this action"), expanded=False):
        st.text_input(t("Action"), value=a.text, max_chars=plan.MAX_CHARS, key=f"plan_edit_text_{a.id}")
        st.date_input(t("Target date"), value=a.due, min_value=date(plan.MIN_YEAR, 1, 1),
                      max_value=plan.latest_due(today), format=dates.picker_format(lang), key=f"plan_edit_due_{a.id}")

        def changed() -> None:
            try:
                plan.update_action(db, respondent, a.id, st.session_state.get(f"plan_edit_text_{a.id}"),
                                   st.session_state.get(f"plan_edit_due_{a.id}"), today=today)
            except plan.PlanError as e:
                _refuse(cid, e, t)
                return
            _notify(cid, t("Saved: the action was changed."))

        def deleted() -> None:
            try:
                plan.delete_action(db, respondent, a.id)
            except plan.PlanError as e:
                _refuse(cid, e, t)
                return
            _notify(cid, t("Saved: the action was deleted."))

        left, right = st.columns(2)
        left.button(t("Save changes"), key=f"plan_save_{a.id}", on_click=changed, icon=":material/save:")
        right.button(t("Delete action"), key=f"plan_delete_{a.id}", on_click=deleted, icon=":material/delete:")


def outcome(db, respondent: str, a: plan.Action, cid: str, t) -> None:
    """"Hvad fik du gjort?" for one action: done / started / not yet / dropped and a private
    note, saved on each change (plan.set_outcome). Only the leader sees it."""
    choices = ["", *plan.OUTCOMES]

    def saved() -> None:
        try:
            plan.set_outcome(db, respondent, a.id, st.session_state.get(f"plan_outcome_{a.id}") or "",
                             st.session_state.get(f"plan_outcome_note_{a.id}") or "")
        except plan.PlanError as e:
            _refuse(cid, e, t)
            return
        _notify(cid, t("Saved: what you got done."))

    left, right = st.columns([2, 3])
    left.selectbox(t("What did you get done?"), choices, index=choices.index(a.outcome) if a.outcome in choices else 0,
                   format_func=lambda o: t(plan.OUTCOMES[o]) if o else t("Not answered"),
                   key=f"plan_outcome_{a.id}", on_change=saved)
    right.text_input(t("Your note (only you can see it)"), value=a.outcome_note, max_chars=plan.MAX_CHARS,
                     key=f"plan_outcome_note_{a.id}", on_change=saved)


def review(db, fw, respondent: str, t, lang: str) -> None:
    """At a follow-up round: every action of the plan with "Hvad fik du gjort?" (private)."""
    p = plan.load(db, respondent)
    if not p.actions:
        return
    with st.container(border=True, key="plan_review"):
        st.subheader(t("What did you get done?"), anchor=False)
        st.caption(t("Look at your plan again: for each action, did you do it? Only you can see your answers and notes."))
        for cid in p.competences():
            if cid not in fw.competence_index:
                continue
            st.markdown("**" + text(fw.competence_index[cid].name, lang) + "**")
            notice = st.session_state.get(_NOTICE)
            if notice and notice[0] == cid:
                st.session_state.pop(_NOTICE, None)
                st.success(notice[1], icon=":material/check:")
            for a in p.actions_for(cid):
                st.markdown(widgets.md(a.text))
                outcome(db, respondent, a, cid, t)


def _add_form(db, fw, respondent: str, cid: str, scores, t, lang: str, today: date) -> None:
    options = plan.exercises(fw, cid, scores, lang)
    own_label = t("My own action (write it below)")
    with st.form(key=f"plan_add_{cid}", border=False):
        st.radio(t("Pick an exercise or write your own action"), [own_label, *options], index=0,
                 key=f"plan_pick_{cid}")
        st.text_input(t("My own action"), max_chars=plan.MAX_CHARS, key=f"plan_own_{cid}")
        st.date_input(t("Target date"), value=today + timedelta(days=30), min_value=date(plan.MIN_YEAR, 1, 1),
                      max_value=plan.latest_due(today), format=dates.picker_format(lang), key=f"plan_due_{cid}")

        def added() -> None:
            pick = st.session_state.get(f"plan_pick_{cid}")
            own = (st.session_state.get(f"plan_own_{cid}") or "").strip()
            due = st.session_state.get(f"plan_due_{cid}")
            if pick != own_label and own:
                st.session_state[_ERROR + cid] = t("Pick an exercise or write your own action, not both.")
                return
            chosen, source = (own, "own") if pick == own_label else (pick, "exercise")
            try:
                plan.add_action(db, respondent, cid, chosen, due, fw, source=source, today=today)
            except plan.PlanError as e:
                _refuse(cid, e, t)
                return
            st.session_state[f"plan_own_{cid}"] = ""
            _notify(cid, t("Saved: the action was added to your plan."))

        st.form_submit_button(t("Add action"), on_click=added, icon=":material/add:")


def _what_moved(fw, p: plan.Plan, attempts: list, chosen_index: int, t, lang: str) -> None:
    st.subheader(t("What I planned, what moved"))
    current = attempts[chosen_index] if attempts else None
    base = plan.baseline(attempts, chosen_index) if current else None
    if base is None or not current.scores or not base.scores:
        st.caption(t("After your next assessment you will see here, for each competence in your plan, "
                     "your actions beside the change in level and score."))
        return
    st.caption(t("From {before} to {after}.").format(
        before=results.attempt_label(base.round, base.submitted, t, lang),
        after=results.attempt_label(current.round, current.submitted, t, lang),
    ))
    moved = plan.what_moved(p, base.scores, current.scores)
    if not moved:
        st.caption(t("Your plan is empty."))
    with st.container(key="plan_moved"):
        # one card per competence (no wide table: it reads on a phone without scrolling)
        for m in moved:
            with st.container(border=True, key=f"plan_moved_{m.competence}"):
                st.markdown("**" + text(fw.competence_index[m.competence].name, lang) + "**")
                moved_line = t("Level {before} → {after} · score {score_before} → {score_after} "
                               "({change} percentage points)")
                st.markdown(moved_line.format(
                    before=_or_dash(m.level_before), after=_or_dash(m.level_after),
                    score_before=plan.pct(m.score_before), score_after=plan.pct(m.score_after),
                    change="–" if m.change is None else f"{m.change:+.0f}",
                ))
                st.markdown(t("Actions done: {done} of {total}").format(done=m.done, total=len(m.actions)))
                if m.actions:
                    done_word, open_word = t("done"), t("not done")
                    st.markdown("\n".join(
                        "- " + ("☑ " if a.done else "☐ ")
                        + widgets.md(a.text) + " (" + (done_word if a.done else open_word) + ")"
                        for a in m.actions
                    ))


def _or_dash(v) -> str:
    return "–" if v is None else str(v)


def _exports(fw, p: plan.Plan, t, lang: str) -> None:
    left, right = st.columns(2)
    # made on click from the plan as drawn: no lasting /media/ URL (digled/ui/downloads.py)
    left.download_button(
        t("Download my plan (Markdown)"), lambda: plan.markdown(p, fw, lang, t),
        file_name=t("development-plan") + ".md", mime="text/markdown", icon=":material/download:", key="plan_download_md", on_click="ignore",
    )
    right.download_button(
        t("Download my plan (CSV)"), lambda: plan.csv_bytes(p, fw, lang, t),
        file_name=t("development-plan") + ".csv", mime="text/csv", icon=":material/download:", key="plan_download_csv", on_click="ignore",
    )
