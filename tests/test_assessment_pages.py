"""AppTest: the leader's assessment flow and the result page."""

from digled import anonymity, assessment, auth, content
from tests.apptest import app_as, page_text
from tests.conftest import SECRET


def _leder_respondent(demo_db):
    return anonymity.pseudonym(SECRET, auth.get_user(demo_db, "leder").id)


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
    radios = at.radio
    radios[1].set_value(0).run()  # don't know
    d = assessment.draft(demo_db, _leder_respondent(demo_db))
    assert assessment.answers(demo_db, d.id) == {"info_search-k1": 4, "info_search-k2": 0}
    at.button(key="step_next").click().run()
    assert assessment.draft(demo_db, _leder_respondent(demo_db)).step == 1
    assert "Step 2 of 18" in page_text(at)
    # a new session (reload, other browser, restart) resumes on the same step with the answers
    again = _open_assessment(demo_db)
    assert assessment.draft(demo_db, _leder_respondent(demo_db)).step == 1
    again.button(key="step_back").click().run()
    assert again.radio[0].value == 4 and again.radio[1].value == 0 and again.radio[2].value is None


def test_review_lists_unanswered_and_submit_shows_the_wheel(demo_db):
    fw = content.framework()
    respondent = _leder_respondent(demo_db)
    d = assessment.start(demo_db, respondent, "start", secret=SECRET)
    for q in assessment.question_ids(fw)[:-3]:
        assessment.save_answer(demo_db, fw, d.id, q, 3)
    assessment.set_step(demo_db, d.id, len(assessment.steps(fw)) - 1)
    at = _open_assessment(demo_db)
    text = page_text(at)
    assert "3 questions are not answered yet." in text
    assert any("3 unanswered" in b.label for b in at.button)
    at.button(key="submit_assessment").click().run()
    assert not at.exception
    assert assessment.draft(demo_db, respondent) is None
    assert len(assessment.history(demo_db, respondent, SECRET)) == 1
    user = auth.get_user(demo_db, "leder")
    assert demo_db.execute("SELECT round FROM participation WHERE user_id = ?", [user.id]).fetchall() == [("start",)]
    res = app_as("leder").run()
    res.switch_page("pages/my_results.py").run()
    text = page_text(res)
    assert "Your three strongest competences" in text and "Three competences to develop" in text
    assert len(res.get("plotly_chart")) >= 1


def test_results_page_compares_two_attempts(demo_db):
    fw = content.framework()
    respondent = _leder_respondent(demo_db)
    for value in (2, 3):
        d = assessment.start(demo_db, respondent, "start" if value == 2 else "extra", secret=SECRET)
        for q in assessment.question_ids(fw):
            assessment.save_answer(demo_db, fw, d.id, q, value)
        assessment.submit(demo_db, fw, d.id, secret=SECRET)
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
