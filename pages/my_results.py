"""Mit kompetencehjul: the wheel with feedback, history, comparison and the personal report."""

import streamlit as st

from digled import anonymity, assessment, content, results, retention, wheel
from digled.i18n import text
from digled.ui import session, widgets

user, t = session.page(__file__)
db = session.database()
fw = content.framework()
lang = session.language()
secret = session.context().settings.pseudonym_secret
respondent = anonymity.pseudonym(secret, user.id)
attempts = assessment.history(db, respondent, secret)
labels = results.wheel_labels(t)

st.title(t("My wheel and history"))
if not attempts:
    st.info(t("You have not submitted an assessment yet."))
    st.page_link("pages/assessment.py", label=t("Go to the competence assessment"), icon=":material/donut_large:")
    st.stop()

guide = fw.guides["before_result"]
with st.expander(t("Guide: how to read your wheel"), expanded=st.session_state.pop("show_result_guide", False)):
    widgets.video_or_text(guide.video_url, text(guide.text, lang))

names = [results.attempt_label(a.round, a.submitted, t) for a in attempts]
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
left, right = st.columns([3, 2])
with left:
    fig = wheel.wheel(fw, scores, lang, labels, previous=previous.scores if previous else None)
    widgets.chart_with_table(fig, results.table(fw, scores, lang, t), t("The wheel as a table"), key="wheel")
    st.caption(
        t("Filled wedges: your score per competence. Dashed line: the digital leader target profile.")
        + (" " + t("Solid line: your previous attempt.") if previous else "")
    )
strong, recommend = results.feedback(fw, scores, lang)
level_word = t("level")
with right:
    st.subheader(t("Your three strongest competences"))
    for e in strong:
        st.markdown(f"**{e.name}** · {e.score:.0f} % · {level_word} {e.level}")
        st.write(e.text)
    st.subheader(t("Three competences to develop"))
    for e in recommend:
        with st.container(border=True):
            st.markdown(f"**{e.name}** · {e.score:.0f} % · {level_word} {e.level}")
            st.write(e.text)
            st.markdown("\n".join(f"- {x}" for x in e.exercises))

st.subheader(t("The programme purposes"))
st.dataframe(
    results.purposes_table(fw, scores, lang, t, before=previous.scores if previous else None),
    hide_index=True, width="stretch",
)

st.download_button(
    t("Download my report (HTML, opens offline, prints well)"),
    # made on click: no lasting /media/ URL holds the report (digled/ui/downloads.py)
    lambda name=names[chosen], before=(previous.scores if previous else None):
        results.personal_report(fw, scores, lang, t, name, before),
    file_name=f"kompetencehjul-{current.submitted}.html",
    mime="text/html",
    icon=":material/download:",
    key="download_report",
)

if len(attempts) >= 2:
    st.header(t("Compare two attempts"))
    a_col, b_col = st.columns(2)
    a = a_col.selectbox(t("Before"), range(len(attempts)), index=0, format_func=names.__getitem__, key="cmp_a")
    b = b_col.selectbox(t("After"), range(len(attempts)), index=len(attempts) - 1, format_func=names.__getitem__, key="cmp_b")
    before, after = attempts[a].scores, attempts[b].scores
    widgets.chart_with_table(
        wheel.comparison(fw, before, after, lang, labels),
        results.comparison_table(fw, before, after, lang, t),
        t("The change as a table"),
        key="comparison",
    )
    st.subheader(t("Development over time"))
    widgets.chart_with_table(
        wheel.development(fw, [(n, x.scores) for n, x in zip(names, attempts)], lang, labels),
        results.development_table(fw, [(n, x.scores) for n, x in zip(names, attempts)], lang, t),
        t("The development as a table"),
        key="development",
    )

st.page_link("pages/assessment.py", label=t("Take the assessment again"), icon=":material/replay:")
