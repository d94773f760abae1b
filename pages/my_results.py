"""Mit kompetencehjul: the wheel with feedback, history, comparison and the personal report."""

import streamlit as st

from digled.accounts import programme_runs
from digled.assessment import answering, plan, results, retention, wheel
from digled.content import loader
from digled.insight import profiles
from digled.platform import pseudonyms
from digled.ui import development, guides, plan_panel, session, wheel_panel, widgets

user, t = session.page(__file__)
db = session.database()
fw = loader.framework()
lang = session.language()
secret = session.context().settings.pseudonym_secret
respondent = pseudonyms.of_user(secret, user.id)
attempts = answering.history(db, respondent, secret)
labels = results.wheel_labels(t)

st.title(t("My wheel and history"))
if not attempts:
    st.info(t("You have not submitted an assessment yet."))
    st.page_link("pages/assessment.py", label=t("Go to the competence assessment"), icon=":material/donut_large:")
    st.stop()

with st.expander(t("Guide: how to read your wheel"), expanded=st.session_state.pop("show_result_guide", False)):
    guides.show("wheel", t, lang, db)

# a history over several runs names each start and end attempt's run
run_names = programme_runs.names(db)
several_runs = len({a.cohort_id for a in attempts if a.cohort_id is not None}) > 1
names = [(run_names[a.cohort_id] + " · " if several_runs and a.cohort_id in run_names else "")
         + results.attempt_label(a.round, a.submitted, t, lang) for a in attempts]
chosen = st.selectbox(
    t("Attempt"), range(len(attempts)), index=len(attempts) - 1, format_func=names.__getitem__, key="attempt"
)
current = attempts[chosen]
previous = attempts[chosen - 1] if chosen > 0 else None
scores = current.scores
if not retention.has_raw_answers(db, current.id):
    st.caption(t("The individual answers of this attempt have been deleted (data retention). Your scores, wheel, history and report are kept."))

st.metric(t("Total"), f"{scores['total']:.0f} %" if scores["total"] is not None else "–",
          help=t("Level {level} of 8").format(level=scores["total_level"] or "–"))
target_levels = profiles.profile_for(db, fw, profiles.attempt_level(db, current, user.level)).levels
report_box = st.container()  # filled below, once the marks in effect are known

# one page in parts a leader can move between (on a phone it was one column of about 9,500 px):
# the wheel and what to develop first, then importance and the plan, the purposes, and over time
parts = [t("Wheel and recommendations"), t("Importance and plan"), t("The programme purposes")]
if len(attempts) >= 2:
    parts.append(t("Over time"))
tabs = st.tabs(parts, key="results_part")
with tabs[1]:  # drawn first: the recommendations follow the importance marks
    # the development loop (issue 11): importance marks, recommendations from gap x importance, the plan
    marks = development.importance_form(db, fw, current, attempts, t, lang)
with tabs[0]:
    # the wheel, the list, the profile, the cohort; at a follow-up the way here: start -> end -> follow-up
    wheel_panel.show(db, fw, current, previous, user, t, lang, results.way_here(attempts, chosen))
    strong, _ = results.feedback(fw, scores, lang, target_levels, marks)
    level_word = t("level")
    left, right = st.columns(2)
    with left:
        st.header(t("Your three strongest competences"))
        for e in strong:
            st.markdown(f"**{e.name}** · {e.score:.0f} % · {level_word} {e.level}")
            st.write(e.text)
    with right:
        development.recommendations(db, fw, scores, target_levels, marks, t, lang)
with tabs[1]:
    plan_panel.show(db, fw, respondent, attempts, chosen, plan.focus(fw, marks, scores, target_levels), t, lang)
with tabs[2], st.container(key="purposes"):
    # a static table: the statements wrap inside the screen (a data grid cut them off on a phone)
    st.table(
        results.purposes_table(fw, scores, lang, t, before=previous.scores if previous else None),
        hide_index=True, border="horizontal",
    )
my_plan = plan.load(db, respondent)
with report_box:
    st.download_button(
        t("Download my report (HTML, opens offline, prints well)"),
        # made on click: no lasting /media/ URL holds the report (digled/ui/downloads.py)
        lambda name=names[chosen], before=(previous.scores if previous else None), my_plan=my_plan:
            results.personal_report(fw, scores, lang, t, name, before, target_levels=target_levels, marks=marks,
                                    extra_html=plan.report_html(my_plan, fw, lang, t)),
        file_name=t("competence-wheel") + f"-{current.submitted}.html",
        mime="text/html",
        on_click="ignore",
        icon=":material/download:",
        key="download_report",
    )
if len(attempts) >= 2:
    with tabs[3]:
        st.header(t("Compare two attempts"))
        a_col, b_col = st.columns(2)
        a = a_col.selectbox(t("Before"), range(len(attempts)), index=0, format_func=names.__getitem__, key="cmp_a")
        b = b_col.selectbox(t("After"), range(len(attempts)), index=len(attempts) - 1, format_func=names.__getitem__,
                            key="cmp_b")
        before, after = attempts[a].scores, attempts[b].scores
        widgets.chart_with_table(
            wheel.comparison(fw, before, after, lang, labels),
            results.comparison_table(fw, before, after, lang, t),
            t("The change as a table"),
            key="comparison",
        )
        st.header(t("Development over time"))
        widgets.chart_with_table(
            wheel.development(fw, [(n, x.scores) for n, x in zip(names, attempts)], lang, labels),
            results.development_table(fw, [(n, x.scores) for n, x in zip(names, attempts)], lang, t),
            t("The development as a table"),
            key="development",
        )

st.page_link("pages/assessment.py", label=t("Take the assessment again"), icon=":material/replay:")
