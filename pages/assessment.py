"""Kompetenceafklaring: intro, one competence per step (answers saved as given), review, submit."""

import json
from datetime import date

import streamlit as st

from digled.accounts import privacy
from digled.assessment import answering
from digled.content import loader
from digled.platform import pseudonyms
from digled.platform.i18n import text
from digled.ui import guides, login, plan_panel, scripts, session, widgets

user, t = session.page(__file__)
db = session.database()
fw = loader.framework()
lang = session.language()
secret = session.context().settings.pseudonym_secret
respondent = pseudonyms.of_user(secret, user.id)
STEPS = answering.steps(fw)
QUESTION_IDS = answering.question_ids(fw)
ROUND_TEXT = {
    "start": t("This is your start assessment."),
    "end": t("This is your end assessment."),
    "followup_3": t("This is your follow-up assessment, 3 months after the programme: did the change hold?"),
    "followup_6": t("This is your follow-up assessment, 6 months after the programme: did the change hold?"),
    "extra": t("This is an extra assessment: take it any time to follow your development."),
}


def intro() -> None:
    st.title(t("Your digital competence assessment"), anchor=False)
    st.markdown(
        t(
            "The assessment gives you an overview of your own digital competences: knowledge, "
            "skills and attitude across 16 competences in four areas. At the end you get your "
            "own competence wheel with feedback."
        )
    )
    st.markdown(
        "- "
        + t("It takes about 30 minutes. You can stop at any time: every answer is saved at once, and you continue where you left off.")
        + "\n- "
        + t("Answer from your daily work. 'Don't know / not relevant' is a fine answer: it is left out of your scores.")
    )
    st.header(t("Who sees your answers"), anchor=False)
    st.markdown(t("Your answers are stored under a code (a pseudonym), never with your name."))
    st.markdown("\n".join("- " + line for line in privacy.who_sees(privacy.statement(), lang, privacy.smallest_k(db), session.context().settings.coalition)))
    st.page_link("pages/privacy.py", label=t("Read the privacy statement"), icon=":material/policy:")
    round_ = answering.next_round(db, user.id)
    st.info(ROUND_TEXT[round_])
    if round_ in answering.FOLLOWUP_ROUNDS:  # look at the plan again: "Hvad fik du gjort?"
        plan_panel.review(db, fw, respondent, t, lang)
    with st.expander(t("Guide: how to answer"), expanded=True):
        guides.show("assessment", t, lang, db)
    if st.button(t("Start the assessment"), type="primary", key="start_assessment"):
        d = answering.start(db, respondent, round_, user.municipality, user.area, user.level, secret=secret)
        answering.set_step(db, d.id, 0)
        st.rerun()


GIVEN = "_given"  # this session's copy of its draft's answers: (draft id, {question: value})
STEP = "assessment_step"  # the step's fragment: Next and Back (its buttons) rerun it alone


def given_answers(draft_id: int) -> dict[str, int]:
    """The draft's answers as this session knows them: read from the database when a step is
    drawn (a full run, Next, Back), then kept up to date by `save` after each answer is stored,
    so an answer reads nothing back."""
    kept = st.session_state.get(GIVEN)
    if kept is None or kept[0] != draft_id:
        kept = (draft_id, answering.answers(db, draft_id))
        st.session_state[GIVEN] = kept
    return kept[1]


def save(draft_id: int, qid: str, key: str) -> None:
    """Radio callback: write the answer to the database the moment it is given; then, and only
    then, this session's copy of the answers follows (the progress line the answer's own run
    draws reads it). An answer that could not be stored reruns the step instead."""
    value = st.session_state[key]
    try:
        answering.save_answer(db, fw, draft_id, qid, value)
    except answering.AnswerError as e:  # shown below its question by the step drawn anew, which
        st.session_state["_answer_error"] = (qid, e)  # starts the page anew if the draft is gone
        st.rerun(STEP)
    given = given_answers(draft_id)
    if value is None:
        given.pop(qid, None)
    else:
        given[qid] = value


def progress(line, given: dict[str, int]) -> None:
    total = len(QUESTION_IDS)
    done = total - len(answering.unanswered(fw, given))
    line.progress(
        done / total,
        text=t("{done} of {total} answered · about {minutes} minutes left").format(
            done=done, total=total, minutes=answering.minutes_left(fw, given)
        ),
    )


def question(draft_id: int, qid: str, line) -> None:
    """One question: the answer, a fragment of its own (`answer`), then one line with what it
    measures and its example. No frame and no container of its own: Streamlit copies the
    containers a fragment sits in when it is drawn and again on each of its runs, so every
    container around the answer is paid for on every answer (the line between questions is
    CSS, digled/ui/style.py)."""
    words = answering.wording(fw, qid, lang)
    answer(draft_id, qid, words, line)
    note = " · ".join(part for part in (words.dimension, words.example) if part)
    if note:
        st.caption(note)


@st.fragment
def answer(draft_id: int, qid: str, words: answering.Wording, line) -> None:
    """The radio, a fragment of its own: an answer reruns only it and the progress line above
    the step (`line`, which every answer writes on every run, so Streamlit keeps each its place
    there), not the step, the page or the router: one script run per answer."""
    given = given_answers(draft_id)
    options = [v for v, _ in words.options]
    key = f"q-{draft_id}-{qid}"
    st.radio(
        words.label,
        options,
        index=options.index(given[qid]) if qid in given else None,
        format_func=dict(words.options).get,
        horizontal=True,
        key=key,
        on_change=save,
        args=(draft_id, qid, key),
    )
    # below the answer, so nothing above the question moves (its focus stays)
    error = st.session_state.get("_answer_error")
    if error is not None and error[0] == qid:
        del st.session_state["_answer_error"]
        st.error(error[1].text(t))
    progress(line, given)


def go_to(draft_id: int, step: int) -> None:
    """Next, Back and the review's links, buttons of the step's fragment: their own rerun draws
    the new step without a full run, so without the router's login check: a login ended
    elsewhere (logout, deactivation, idle) is checked here and gets the full run that logs this
    session out. The step is then drawn from the database (another tab may have answered)."""
    login.fragment_may_go_on(__file__)
    answering.set_step(db, draft_id, step)
    st.session_state["_step_changed"] = True
    st.session_state.pop(GIVEN, None)


@st.fragment(key=STEP)
def step_fragment(draft_id: int) -> None:
    """The step: drawn by a full run (the page opened) or alone (Next, Back). The draft and its
    answers are read once when it is drawn; each answer then reruns only its own fragment."""
    d = answering.draft(db, respondent)
    if d is None or d.id != draft_id:  # submitted or gone (another tab): the page anew
        st.session_state.pop("_answer_error", None)
        st.rerun(scope="app")
    given = given_answers(draft_id)
    step_no = min(max(d.step, 0), len(STEPS) - 1)
    step = STEPS[step_no]
    line = widgets.fragments_slot()  # the progress line, written by each answer's fragment
    if not step.questions:
        progress(line, given)
    if step.kind == "competence":
        comp = fw.competence_index[step.competence]
        area = fw.area_index[comp.area]
        st.header(f"{text(area.name, lang)} · {text(comp.name, lang)}", anchor=False)
        st.caption(t("Step {n} of {total}").format(n=step_no + 1, total=len(STEPS)) + " · DigComp " + comp.digcomp
                   + " · " + text(comp.description, lang))
    elif step.kind == "purposes":
        st.header(t("The programme's purposes"), anchor=False)
        st.caption(t("To what degree does each statement describe you today?"))
    for qid in step.questions:
        question(draft_id, qid, line)
    if step.kind == "review":
        review(draft_id, given)
    has_back, has_next = step_no > 0, step_no < len(STEPS) - 1
    # one row on every screen (columns would stack Back above Next on a phone): Back left, Next right
    align = "distribute" if has_back and has_next else ("right" if has_next else "left")
    with st.container(horizontal=True, horizontal_alignment=align, wrap=False, key="step_nav"):
        if has_back:
            st.button(t("Back"), key="step_back", on_click=go_to, args=(draft_id, step_no - 1), icon=":material/arrow_back:")
        if has_next:
            st.button(t("Next"), key="step_next", type="primary", on_click=go_to, args=(draft_id, step_no + 1), icon=":material/arrow_forward:")
    # keyboard help, last so it moves nothing: the skip link to the current question, and after a
    # step change the focus on the new step's current question (digled/ui/js/current_question.js)
    changed = st.session_state.pop("_step_changed", False)
    scripts.run("current_question", label=t("Go to the current question"), marker="step_nav",
                keys=json.dumps([f"q-{draft_id}-{qid}" for qid in step.questions]), focus_step=step_no if changed else "")


def review(draft_id: int, given: dict[str, int]) -> None:
    st.header(t("Review and submit"), anchor=False)
    missing = answering.unanswered(fw, given)
    if missing:
        st.warning(t("{n} questions are not answered yet. You can submit anyway: unanswered questions are left out of your scores.").format(n=len(missing)))
        for n, s in enumerate(STEPS):
            open_ = [q for q in s.questions if q in missing]
            if open_:
                title = text(fw.competence_index[s.competence].name, lang) if s.competence else t("The programme's purposes")
                st.button(
                    t("{title}: {n} unanswered").format(title=title, n=len(open_)),
                    key=f"goto-{n}", on_click=go_to, args=(draft_id, n),
                )
    else:
        st.success(t("All questions are answered."))
    empty = answering.missing_competences(fw, given)
    confirmed = True
    if empty:
        names = "; ".join(text(fw.competence_index[c].name, lang) for c in empty)  # names hold commas
        st.error(
            t("These competences have no answer yet, so your wheel would show no score for them: {names}. Answer at least one question in each (the buttons above take you there), or confirm below.").format(names=names)
        )
        confirmed = st.checkbox(
            t("Submit without answers for these {n} competences").format(n=len(empty)), key="confirm_missing"
        )
    if st.button(t("Submit and see my wheel"), type="primary", key="submit_assessment", disabled=not confirmed):
        try:
            attempt = answering.submit(db, fw, draft_id, secret=secret, confirmed_missing=confirmed)
        except answering.AnswerError as e:
            st.error(e.text(t))
            return
        answering.record_participation(db, user.id, attempt.round, date.today())
        st.session_state["show_result_guide"] = True
        st.switch_page("pages/my_results.py")


current = answering.draft(db, respondent)
if current is None:
    intro()
else:
    st.title(t("Your digital competence assessment"), anchor=False)
    st.caption(ROUND_TEXT[current.round] + " " + t("Your answers are saved as you go."))
    # the step is drawn from the database (another tab may have answered): read once, kept for the answers
    st.session_state[GIVEN] = (current.id, answering.answers(db, current.id))
    stale = answering.stale_answers(fw, st.session_state[GIVEN][1])
    if stale:
        st.info(t("The questionnaire has changed since you started. {n} of your answers belong to questions that were removed: they are kept but not counted. All other answers still apply.").format(n=len(stale)))
    step_fragment(current.id)
