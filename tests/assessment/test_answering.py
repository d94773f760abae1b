import html
import json
import threading
from datetime import date

import pytest

from digled.accounts import auth
from digled.assessment import answering, results, scoring
from digled.platform import db, i18n, migrations, pseudonyms

SECRET = "s" * 40


@pytest.fixture
def leader(database):
    uid = auth.create_user(database, username="mette", name="Mette Madsen", email="mette@kommune.dk",
                           municipality="Glostrup", area="skole", level="mellemleder")
    return auth.get_user_by_id(database, uid)


@pytest.fixture
def respondent(leader):
    return pseudonyms.of_user(SECRET, leader.id)


def test_start_is_idempotent_and_copies_aggregation_attributes(database, respondent):
    a = answering.start(database, respondent, "start", "Glostrup", "skole", "mellemleder", secret=SECRET)
    b = answering.start(database, respondent, "extra", secret=SECRET)
    assert a.id == b.id and a.status == "draft" and b.round == "start"
    row = database.execute("SELECT municipality, area, level FROM assessments").fetchone()
    assert row == ("Glostrup", "skole", "mellemleder")


def test_answers_are_saved_at_once_and_survive_a_new_connection(database, framework, respondent, tmp_path):
    d = answering.start(database, respondent, "start", secret=SECRET)
    answering.save_answer(database, framework, d.id, "info_search-k1", 3)
    answering.save_answer(database, framework, d.id, "info_search-k1", 4)  # changed mind
    answering.save_answer(database, framework, d.id, "purpose3", 0)
    answering.set_step(database, d.id, 5)
    other = db.connect(tmp_path / "digled.platform.db")  # e.g. after a server restart
    again = answering.draft(other, respondent)
    assert again.step == 5
    assert answering.answers(other, again.id) == {"info_search-k1": 4, "purpose3": 0}


@pytest.mark.parametrize("item, value", [("nope", 1), ("info_search-k1", 5), ("info_search-k1", -1), ("info_search-k1", True), ("info_search-k1", "3")])
def test_bad_answers_are_refused_and_nothing_is_written(database, framework, respondent, item, value):
    d = answering.start(database, respondent, "start", secret=SECRET)
    with pytest.raises(answering.AnswerError):
        answering.save_answer(database, framework, d.id, item, value)
    assert answering.answers(database, d.id) == {}


def test_clearing_an_answer(database, framework, respondent):
    d = answering.start(database, respondent, "start", secret=SECRET)
    answering.save_answer(database, framework, d.id, "info_search-k1", 2)
    answering.save_answer(database, framework, d.id, "info_search-k1", None)
    assert answering.answers(database, d.id) == {}


def _answer_all(database, framework, draft_id, value=3):
    for q in answering.question_ids(framework):
        answering.save_answer(database, framework, draft_id, q, value)


def test_submit_scores_closes_and_is_idempotent(database, framework, respondent):
    d = answering.start(database, respondent, "start", secret=SECRET)
    _answer_all(database, framework, d.id)
    first = answering.submit(database, framework, d.id, today=date(2016, 1, 4), secret=SECRET)
    second = answering.submit(database, framework, d.id, today=date(2016, 2, 1), secret=SECRET)
    assert first == second
    assert first.status == "submitted" and first.submitted == "2016-01-04"
    assert first.scores["total"] == pytest.approx(200 / 3)
    assert answering.draft(database, respondent) is None
    with pytest.raises(answering.AnswerError):
        answering.save_answer(database, framework, d.id, "info_search-k1", 1)
    assert [a.id for a in answering.history(database, respondent, SECRET)] == [d.id]


def test_submit_racing_a_second_tab_gives_one_assessment(tmp_path, framework, respondent):
    path = tmp_path / "digled.platform.db"
    d0 = migrations.open_and_migrate(path)
    d = answering.start(d0, respondent, "start", secret=SECRET)
    _answer_all(d0, framework, d.id)
    out, errors = [], []

    def tab():
        conn = db.connect(path)
        try:
            out.append(answering.submit(conn, framework, d.id, secret=SECRET))
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=tab) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == [] and len({json.dumps(a.scores, sort_keys=True) for a in out}) == 1
    assert d0.execute("SELECT COUNT(*) FROM assessments").fetchone()[0] == 1


def test_empty_submit_is_refused(database, framework, respondent):
    d = answering.start(database, respondent, "start", secret=SECRET)
    answering.save_answer(database, framework, d.id, "info_search-k1", 0)
    with pytest.raises(answering.AnswerError):
        answering.submit(database, framework, d.id, secret=SECRET)
    assert answering.draft(database, respondent) is not None


def test_answers_to_removed_questions_are_kept_but_not_scored(database, framework, respondent):
    d = answering.start(database, respondent, "start", secret=SECRET)
    answering.save_answer(database, framework, d.id, "info_search-k1", 4)
    database.execute("INSERT INTO answers (assessment_id, item, value) VALUES (?, 'old-item', 1)", [d.id])
    given = answering.answers(database, d.id)
    assert answering.stale_answers(framework, given) == ["old-item"]
    a = answering.submit(database, framework, d.id, secret=SECRET)
    assert a.scores["competences"]["info_search"]["knowledge"] == 100
    assert a.scores["answered"] == 1


def test_assessment_tables_hold_no_identity(database, framework, leader, respondent):
    d = answering.start(database, respondent, "start", leader.municipality, leader.area, leader.level, secret=SECRET)
    _answer_all(database, framework, d.id)
    answering.submit(database, framework, d.id, secret=SECRET)
    dump = "\n".join(database.conn.iterdump())
    assessment_rows = [l for l in dump.splitlines() if l.startswith(('INSERT INTO "assessments"', 'INSERT INTO "answers"'))]
    assert assessment_rows
    text = "\n".join(assessment_rows)
    for identity in (leader.username, leader.name, leader.email, "Mette"):
        assert identity not in text
    cols = {c.name for c in database["assessments"].columns} | {c.name for c in database["answers"].columns}
    assert not cols & {"user_id", "username", "name", "email"}


def test_a_different_secret_finds_no_history(database, framework, leader, respondent):
    d = answering.start(database, respondent, "start", secret=SECRET)
    _answer_all(database, framework, d.id)
    answering.submit(database, framework, d.id, secret=SECRET)
    assert len(answering.history(database, pseudonyms.of_user(SECRET, leader.id), SECRET)) == 1
    assert answering.history(database, pseudonyms.of_user("another" * 8, leader.id), "another" * 8) == []
    assert pseudonyms.of_user(SECRET, leader.id) != pseudonyms.of_user(SECRET, leader.id + 1)


def test_round_follows_the_schedule():
    assert answering.open_round(set(), end_window_open=True) == "start"
    assert answering.open_round({"start"}, end_window_open=False) == "extra"
    assert answering.open_round({"start"}, end_window_open=True) == "end"
    assert answering.open_round({"start", "end"}, end_window_open=True) == "extra"


def test_steps_cover_every_question_once(framework):
    steps = answering.steps(framework)
    asked = [q for s in steps for q in s.questions]
    assert sorted(asked) == sorted(answering.question_ids(framework))
    assert steps[-1].kind == "review" and steps[-2].kind == "purposes"
    assert len(steps) == 16 + 2


def test_minutes_left(framework):
    assert 28 <= answering.minutes_left(framework, {}) <= 31
    assert answering.minutes_left(framework, {q: 1 for q in answering.question_ids(framework)}) == 0


def test_feedback_and_report(framework):
    answers = {i.id: (4 if i.competence.startswith("comm") else 2) for i in framework.items}
    s = scoring.score(framework, answers)
    strong, recommend = results.feedback(framework, s, "da")
    assert {e.competence for e in strong} <= {"comm_interact", "comm_share", "comm_citizens", "comm_collaborate"}
    assert all(2 <= len(e.exercises) <= 3 for e in recommend)
    report = results.personal_report(framework, s, "en", lambda m: m, "Start · 4 January 2016", previous=s)
    assert report.startswith("<!doctype html>") and "@media print" in report
    import html as html_

    _, recommend_en = results.feedback(framework, s, "en")
    assert html_.escape(recommend_en[0].exercises[0]) in report
    assert html_.escape(framework.purposes[0].text["en"]) in report


def test_report_is_small_self_contained_and_has_a_static_wheel(framework):
    s = scoring.score(framework, {i.id: 3 for i in framework.items} | {p.id: 2 for p in framework.purposes})
    for lang in ("da", "en"):
        report = results.personal_report(framework, s, lang, i18n.translator(lang), "Start", previous=s)
        assert len(report.encode("utf-8")) < 100_000  # was 4.8 MB with plotly.js embedded
        lower = report.lower()
        # opens offline: no script, no stylesheet or image to fetch
        assert "<script" not in lower and "<link" not in lower and "src=" not in lower and "url(" not in lower
        assert lower.count("<svg") == 1 and "plotly" not in lower
        assert report.count("<li value=") == 16  # the numbered list beside the wheel


@pytest.fixture
def recording_da():
    """The Danish translator, recording every message id it is asked for."""
    asked = []
    da = i18n.translator("da")

    def t(message):
        asked.append(message)
        return da(message)

    t.asked = asked
    return t


def _visible_text(report: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", report.split("</head>")[1])


def test_the_danish_report_has_no_english(framework, recording_da):
    s = scoring.score(framework, {i.id: 2 for i in framework.items} | {p.id: 4 for p in framework.purposes})
    label = results.attempt_label("start", "2026-08-13", recording_da, "da")
    report = results.personal_report(framework, s, "da", recording_da, label, previous=s)
    visible = _visible_text(report)
    english = [m for m in set(recording_da.asked) if i18n.translator("da")(m) != m]
    assert len(english) >= 15  # titles, table heads, the closing sentence, the legend, ...
    assert [m for m in english if m in visible] == []
    for phrase in ("Scores per competence", "Exercises", "My digital competence wheel", "This report is yours",
                   "Total", "level", "Knowledge", "Programme purpose", "Solid line", "August", "2026-08-13"):
        assert phrase not in visible, phrase
    for phrase in ("Mit digitale kompetencehjul", "Resultat pr. kompetence", "Øvelser", "Samlet", "Rapporten er din",
                   "Kompetenceområde", "Start · 13. august 2026", "Fuldt optrukket linje",
                   framework.competences[0].name["da"], framework.purposes[0].text["da"]):
        assert html.escape(phrase) in report, phrase
    assert "<html lang='da'>" in report


def test_the_english_report_is_english(framework):
    s = scoring.score(framework, {i.id: 2 for i in framework.items})
    t = i18n.translator("en")
    report = results.personal_report(framework, s, "en", t, results.attempt_label("end", "2026-08-13", t, "en"))
    for phrase in ("My digital competence wheel", "Scores per competence", "End · 13 August 2026", "Competence area",
                   "This report is yours.", framework.competences[0].name["en"]):
        assert html.escape(phrase) in report, phrase
    assert "Resultat pr. kompetence" not in report and "Solid line" not in report  # no previous attempt


def test_report_escapes_every_text(framework):
    s = scoring.score(framework, {i.id: 2 for i in framework.items})
    report = results.personal_report(framework, s, "en", lambda m: m + "<b>x</b>", "<script>alert(1)</script>")
    assert "<script" not in report.lower() and "<b>x</b>" not in report and "&lt;b&gt;x&lt;/b&gt;" in report


def test_minimum_to_submit_names_the_competences_without_an_answer(database, framework, respondent):
    d = answering.start(database, respondent, "start", secret=SECRET)
    answering.save_answer(database, framework, d.id, "info_search-k1", 4)
    given = answering.answers(database, d.id)
    missing = answering.missing_competences(framework, given)
    assert len(missing) == 15 and "info_search" not in missing
    assert missing == [c.id for c in framework.competences if c.id != "info_search"]  # wheel order
    with pytest.raises(answering.AnswerError, match="Some competences have no answer yet"):
        answering.submit(database, framework, d.id, secret=SECRET, confirmed_missing=False)
    assert answering.draft(database, respondent) is not None
    # one answer per competence is the minimum; "don't know" is an answer; purposes are optional
    for c in framework.competences:
        first = next(i for i in framework.items if i.competence == c.id)
        answering.save_answer(database, framework, d.id, first.id, 0 if c.id != "info_search" else 4)
    assert answering.missing_competences(framework, answering.answers(database, d.id)) == []
    a = answering.submit(database, framework, d.id, secret=SECRET, confirmed_missing=False)
    assert a.status == "submitted"


def test_an_explicit_confirmation_submits_with_competences_missing(database, framework, respondent):
    d = answering.start(database, respondent, "start", secret=SECRET)
    answering.save_answer(database, framework, d.id, "info_search-k1", 4)
    a = answering.submit(database, framework, d.id, secret=SECRET, confirmed_missing=True)
    assert a.status == "submitted" and a.scores["competences"]["safe_data"]["score"] is None


def test_attempt_label_shows_the_day_in_the_users_language():
    assert results.attempt_label("start", "2026-08-13", i18n.translator("da"), "da") == "Start · 13. august 2026"
    assert results.attempt_label("extra", "2026-08-13", i18n.translator("en"), "en") == "Extra · 13 August 2026"
    assert results.attempt_label("end", None, i18n.translator("da"), "da") == "Slut"
