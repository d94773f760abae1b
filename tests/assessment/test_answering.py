import json
import threading
from datetime import date, timedelta

import pytest

from digled.accounts import auth, programme_runs
from digled.assessment import answering
from digled.content import loader
from digled.platform import db, migrations, pseudonyms
from digled.platform.i18n import text

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
    other = db.connect(tmp_path / "digled.db")  # e.g. after a server restart
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
    path = tmp_path / "digled.db"
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


def test_next_round_of_a_leader_follows_participation_membership_and_the_schedule(database, leader):
    before, after = date(2000, 1, 3), date(2100, 1, 4)  # before the end window opens; long after
    assert answering.taken_rounds(database, leader.id) == set()
    assert answering.next_round(database, leader.id, today=after) == "start"
    answering.record_participation(database, leader.id, "start", date(2026, 2, 2))
    assert answering.taken_rounds(database, leader.id) == {"start"}
    assert answering.next_round(database, leader.id, today=before) == "extra"
    assert answering.next_round(database, leader.id, today=after) == "end"
    answering.record_participation(database, leader.id, "end", date(2026, 6, 1))
    assert answering.next_round(database, leader.id, today=after) == "extra"


def test_next_round_outside_the_running_run_is_always_extra(database, leader):
    database.execute("DELETE FROM cohort_members WHERE user_id = ?", [leader.id])
    assert not programme_runs.is_member(database, leader.id)
    assert answering.next_round(database, leader.id, today=date(2100, 1, 4)) == "extra"


# --- the follow-up rounds (issue 23) -----------------------------------------------------------


def _windows(database):
    from digled.content import programme

    return {w.round: w for w in answering.followup_windows(database, programme.programme(database))}


def test_follow_up_rounds_are_off_until_an_administrator_turns_them_on(database, leader):
    assert not answering.followup_enabled(database) and _windows(database) == {}
    answering.record_participation(database, leader.id, "start", date(2026, 2, 2))
    answering.record_participation(database, leader.id, "end", date(2026, 6, 1))
    assert answering.next_round(database, leader.id, today=date(2100, 1, 4)) == "extra"
    answering.set_followup_enabled(database, True, "admin")
    assert answering.followup_enabled(database)
    assert database.execute("SELECT detail FROM audit_log WHERE action = 'set follow-up rounds'").fetchall() == [("on",)]


def test_a_follow_up_round_is_offered_in_its_window_once(database, leader):
    from digled.content import programme

    answering.set_followup_enabled(database, True, "admin")
    end = answering.programme_end(database, programme.programme(database))
    w = _windows(database)
    assert w["followup_3"].opens == answering.add_months(end, 3)
    assert w["followup_6"].opens == answering.add_months(end, 6)
    assert (w["followup_6"].opens - w["followup_3"].closes).days == 1  # one ends the day before the next opens
    for r in ("start", "end"):
        answering.record_participation(database, leader.id, r, date(2026, 2, 2))
    assert answering.next_round(database, leader.id, today=w["followup_3"].opens) == "followup_3"
    assert answering.next_round(database, leader.id, today=w["followup_3"].closes) == "followup_3"
    assert answering.next_round(database, leader.id, today=end) == "extra"
    answering.record_participation(database, leader.id, "followup_3", w["followup_3"].opens)
    assert answering.next_round(database, leader.id, today=w["followup_3"].closes) == "extra"  # taken: a retake is private
    assert answering.next_round(database, leader.id, today=w["followup_6"].opens) == "followup_6"
    assert answering.next_round(database, leader.id, today=w["followup_6"].closes + timedelta(days=1)) == "extra"


def test_a_leader_who_took_neither_start_nor_end_is_offered_the_follow_up(database, leader):
    answering.set_followup_enabled(database, True, "admin")
    w = _windows(database)
    assert answering.next_round(database, leader.id, today=w["followup_6"].opens) == "followup_6"


def test_a_follow_up_attempt_belongs_to_the_running_run(database, respondent):
    a = answering.start(database, respondent, "followup_3", "Glostrup", "skole", "mellemleder", secret=SECRET)
    assert a.round == "followup_3"
    assert database.execute("SELECT cohort_id FROM assessments WHERE id = ?", [a.id]).fetchone()[0] == programme_runs.running_id(database)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 5, 31), 3, date(2026, 8, 31)), (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2027, 6, 15), 6, date(2027, 12, 15)), (date(2026, 10, 31), 4, date(2027, 2, 28))])
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert answering.add_months(day, months) == expected


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_wording_of_an_item_and_of_a_purpose(lang):
    """answering.wording: an item's statement, its dimension's scale with "don't know" (0) last,
    its dimension and example; a purpose's statement on the purpose scale, without either."""
    fw = loader.framework()
    item, purpose = fw.items[0], fw.purposes[0]
    words = answering.wording(fw, item.id, lang)
    assert words.label == text(item.text, lang) and words.example == text(item.example, lang)
    assert words.dimension == text(fw.dimensions[item.dimension], lang)
    assert words.options == (*((v, text(w, lang)) for v, w in fw.scales[item.dimension]), (0, text(fw.dont_know, lang)))
    words = answering.wording(fw, purpose.id, lang)
    assert words.label == text(purpose.text, lang) and words.dimension is None and words.example is None
    assert [v for v, _ in words.options] == [v for v, _ in fw.scales["purpose"]] + [0]
