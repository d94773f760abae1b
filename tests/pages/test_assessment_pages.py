"""AppTest: the leader's assessment flow and the result page."""

from datetime import date

from digled.accounts import auth
from digled.assessment import answering
from digled.content import loader
from digled.platform import pseudonyms
from tests.apptest import app_as, page_text
from tests.conftest import SECRET


def _leder_respondent(demo_db):
    return pseudonyms.of_user(SECRET, auth.get_user(demo_db, "leder").id)


def _open_assessment(demo_db):
    at = app_as("leder").run()
    at.switch_page("pages/assessment.py").run()
    assert not at.exception
    return at


def test_intro_explains_anonymity_and_time(demo_db):
    at = _open_assessment(demo_db)
    text = page_text(at)
    assert "about 30 minutes" in text and "pseudonym" in text
    assert "This is your start assessment." in text
    assert "Guide: how to answer" in [e.label for e in at.expander]


def test_answers_are_saved_the_moment_they_are_given_and_resume(demo_db):
    at = _open_assessment(demo_db)
    at.button(key="start_assessment").click().run()
    radios = at.radio
    assert len(radios) == 6  # one competence: 2 knowledge, 2 skills, 2 attitude items
    radios[0].set_value(4).run()
    # (AppTest runs the whole page on each interaction; that an answer reruns only its radio and
    # the progress line, in one script run, is judged on a real server's messages:
    # tests/test_load_sessions.py)
    assert [p.proto.text for p in at.get("progress")] == ["1 of 103 answered · about 30 minutes left"]
    at.run()  # the page drawn anew: the answer is in its question
    assert at.radio[0].value == 4
    at.radio[1].set_value(0).run()  # don't know
    assert at.get("progress")[0].proto.text.startswith("2 of 103 answered")
    d = answering.draft(demo_db, _leder_respondent(demo_db))
    assert answering.answers(demo_db, d.id) == {"info_search-k1": 4, "info_search-k2": 0}
    at.run()
    at.button(key="step_next").click().run()
    assert answering.draft(demo_db, _leder_respondent(demo_db)).step == 1
    assert "Step 2 of 18" in page_text(at)
    assert not at.exception and len(at.radio) == 6
    assert [p.proto.text for p in at.get("progress")] == ["2 of 103 answered · about 30 minutes left"]
    at.radio[2].set_value(3).run()
    assert not at.exception and at.get("progress")[0].proto.text.startswith("3 of 103 answered")
    # a new session (reload, other browser, restart) resumes on the same step with the answers
    again = _open_assessment(demo_db)
    assert answering.draft(demo_db, _leder_respondent(demo_db)).step == 1
    again.button(key="step_back").click().run()
    assert again.radio[0].value == 4 and again.radio[1].value == 0 and again.radio[2].value is None
    assert [p.proto.text for p in again.get("progress")] == ["3 of 103 answered · about 30 minutes left"]
    assert answering.answers(demo_db, d.id) == {"info_search-k1": 4, "info_search-k2": 0, "info_evaluate-s1": 3}



def test_a_step_has_headings_without_anchor_links_and_the_keyboard_script(demo_db):
    """Issue 20: no "Link to heading" Tab stops on the way to the first answer, the step's heading
    one level under the title, and the keyboard script (digled/ui/js/current_question.js) told the
    step's questions in order, last on the page; after a step change it puts the focus on them."""
    at = _open_assessment(demo_db)
    at.button(key="start_assessment").click().run()
    assert [(h.tag, h.proto.hide_anchor) for h in [*at.title, *at.header]] == [("h1", True), ("h2", True)]
    assert not at.subheader
    draft_id = answering.draft(demo_db, _leder_respondent(demo_db)).id
    keys = [r.key for r in at.radio]
    assert keys == [f"q-{draft_id}-info_search-{q}" for q in ("k1", "k2", "s1", "s2", "a1", "a2")]
    (script,) = [h.proto.body for h in at.get("html") if 'src="/api/digled/js/current_question.js"' in h.proto.body]
    assert 'data-focus-step=""' in script and "&quot;" + keys[0] + "&quot;" in script
    at.button(key="step_next").click().run()
    (script,) = [h.proto.body for h in at.get("html") if 'src="/api/digled/js/current_question.js"' in h.proto.body]
    assert 'data-focus-step="1"' in script and "info_evaluate-k1" in script

def test_review_lists_unanswered_and_submit_shows_the_wheel(demo_db):
    fw = loader.framework()
    respondent = _leder_respondent(demo_db)
    d = answering.start(demo_db, respondent, "start", secret=SECRET)
    for q in answering.question_ids(fw)[:-3]:
        answering.save_answer(demo_db, fw, d.id, q, 3)
    answering.set_step(demo_db, d.id, len(answering.steps(fw)) - 1)
    at = _open_assessment(demo_db)
    text = page_text(at)
    assert "3 questions are not answered yet." in text
    assert any("3 unanswered" in b.label for b in at.button)
    at.button(key="submit_assessment").click().run()
    assert not at.exception
    assert answering.draft(demo_db, respondent) is None
    assert len(answering.history(demo_db, respondent, SECRET)) == 1
    user = auth.get_user(demo_db, "leder")
    assert demo_db.execute("SELECT round FROM participation WHERE user_id = ?", [user.id]).fetchall() == [("start",)]
    res = app_as("leder").run()
    res.switch_page("pages/my_results.py").run()
    text = page_text(res)
    assert "Your three strongest competences" in text and "Three competences to develop" in text
    assert len(res.get("plotly_chart")) >= 1


def test_results_page_compares_two_attempts(demo_db):
    fw = loader.framework()
    respondent = _leder_respondent(demo_db)
    for value in (2, 3):
        d = answering.start(demo_db, respondent, "start" if value == 2 else "extra", secret=SECRET)
        for q in answering.question_ids(fw):
            answering.save_answer(demo_db, fw, d.id, q, value)
        answering.submit(demo_db, fw, d.id, secret=SECRET)
    at = app_as("leder").run()
    at.switch_page("pages/my_results.py").run()
    assert not at.exception
    text = page_text(at)
    assert "Compare two attempts" in text and "Development over time" in text
    assert "Solid line: your previous attempt." in text
    assert len(at.get("plotly_chart")) == 3  # wheel, comparison, development


def test_no_history_points_to_the_assessment(demo_db):
    at = app_as("leder").run()
    at.switch_page("pages/my_results.py").run()
    assert "You have not submitted an assessment yet." in page_text(at)


def test_submit_needs_an_answer_per_competence_or_a_confirmation(demo_db):
    fw = loader.framework()
    respondent = _leder_respondent(demo_db)
    d = answering.start(demo_db, respondent, "start", secret=SECRET)
    answering.save_answer(demo_db, fw, d.id, "info_search-k1", 3)
    answering.set_step(demo_db, d.id, len(answering.steps(fw)) - 1)
    at = _open_assessment(demo_db)
    error = " ".join(e.value for e in at.error)
    assert "These competences have no answer yet" in error
    named = [c for c in fw.competences if c.name["en"] in error]
    assert len(named) == 15 and fw.competence_index["info_search"] not in named
    assert at.button(key="submit_assessment").disabled
    at.checkbox(key="confirm_missing").check().run()
    assert not at.button(key="submit_assessment").disabled
    at.button(key="submit_assessment").click().run()
    assert not at.exception
    assert answering.draft(demo_db, respondent) is None


def test_no_confirmation_needed_when_every_competence_has_an_answer(demo_db):
    fw = loader.framework()
    respondent = _leder_respondent(demo_db)
    d = answering.start(demo_db, respondent, "start", secret=SECRET)
    for c in fw.competences:
        answering.save_answer(demo_db, fw, d.id, next(i.id for i in fw.items if i.competence == c.id), 0)
    answering.save_answer(demo_db, fw, d.id, "info_search-k2", 4)
    answering.set_step(demo_db, d.id, len(answering.steps(fw)) - 1)
    at = _open_assessment(demo_db)
    assert not at.error and not at.checkbox
    assert not at.button(key="submit_assessment").disabled


def test_results_page_in_danish_lists_the_numbered_competences_and_days(demo_db):
    fw = loader.framework()
    respondent = _leder_respondent(demo_db)
    d = answering.start(demo_db, respondent, "start", secret=SECRET)
    for q in answering.question_ids(fw):
        answering.save_answer(demo_db, fw, d.id, q, 3)
    answering.submit(demo_db, fw, d.id, today=date(2026, 8, 13), secret=SECRET)
    at = app_as("leder", lang="da").run()
    at.switch_page("pages/my_results.py").run()
    assert not at.exception
    assert at.selectbox(key="attempt").value == 0
    assert "Start · 13. august 2026" in at.selectbox(key="attempt").options
    listing = " ".join(str(e.proto.body) for e in at.get("html"))
    assert listing.count("<li value=") == 16 and fw.competences[0].name["da"] in listing
    assert "De 16 kompetencer" in page_text(at)


def test_the_stylesheet_survives_streamlits_html_sanitiser():
    """DOMPurify drops a whole <style> whose text holds '<' + letter or '/' (seen in the browser:
    the phone layout silently vanished)."""
    import re

    from digled.ui import style

    assert not re.search(r"<[/\w!]", style.CSS)
    assert "st-key-q-" in style.CSS and "st-key-step_nav" in style.CSS
