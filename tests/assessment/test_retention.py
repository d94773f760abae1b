"""Retention: deleting the raw answers keeps the scores, the leader's history and the drafts
that are still needed; the deletion date is validated; the command line applies it (cron)."""

from datetime import date, timedelta

import pytest

from digled.assessment import answering, importance, retention
from digled.cli import main
from digled.platform import audit, db, i18n, pseudonyms
from tests.conftest import SECRET

TODAY = date(2027, 6, 1)


def _respondent(n: int) -> str:
    return pseudonyms.of_user(SECRET, n)


def _submitted(database, framework, n: int, day: date = date(2027, 1, 10), answered: int = 20) -> answering.Attempt:
    d = answering.start(database, _respondent(n), "start", today=day, secret=SECRET)
    for q in answering.question_ids(framework)[:answered]:
        answering.save_answer(database, framework, d.id, q, 4)
    return answering.submit(database, framework, d.id, today=day, secret=SECRET)


def _draft(database, framework, n: int, day: date, answered: int = 5) -> answering.Attempt:
    d = answering.start(database, _respondent(n), "extra", today=day, secret=SECRET)
    for q in answering.question_ids(framework)[:answered]:
        answering.save_answer(database, framework, d.id, q, 3)
    return d


def _answer_count(database, assessment_id: int) -> int:
    return database.execute("SELECT COUNT(*) FROM answers WHERE assessment_id = ?", [assessment_id]).fetchone()[0]


# --- the deletion date ----------------------------------------------------------------------------


def test_a_deletion_date_is_validated_with_translatable_messages():
    assert retention.validate_date(None, TODAY) is None
    assert retention.validate_date("", TODAY) is None
    assert retention.validate_date("2027-06-30", TODAY) == date(2027, 6, 30)
    assert retention.validate_date(TODAY, TODAY) == TODAY  # today is allowed: due at once
    with pytest.raises(retention.RetentionError) as e:
        retention.validate_date("30/06/2027", TODAY)
    assert e.value.text(i18n.translator("da")) == "Slettedatoen skal være en dato som 2027-06-30."
    with pytest.raises(retention.RetentionError) as e:
        retention.validate_date(TODAY - timedelta(days=1), TODAY)
    assert "past" in str(e.value) and "fortiden" in e.value.text(i18n.translator("da"))
    with pytest.raises(retention.RetentionError) as e:
        retention.validate_date(TODAY + timedelta(days=365 * 11), TODAY)
    assert e.value.params == {"years": 10} and "10 år" in e.value.text(i18n.translator("da"))
    with pytest.raises(retention.RetentionError):
        retention.validate_date(42, TODAY)


def test_setting_and_removing_the_date_is_audited(database):
    assert retention.retention_date(database) is None
    assert retention.set_retention_date(database, "2027-06-30", "admin", TODAY) == date(2027, 6, 30)
    assert retention.retention_date(database) == date(2027, 6, 30)
    # the date already set is accepted again even once it has passed (a form saved unchanged)
    assert retention.set_retention_date(database, date(2027, 6, 30), "admin", date(2027, 8, 1)) == date(2027, 6, 30)
    assert retention.set_retention_date(database, None, "admin", TODAY) is None
    assert retention.retention_date(database) is None
    actions = [(e["action"], e["detail"]) for e in audit.recent(database)]
    assert actions == [("clear retention_date", ""), ("set retention_date", "2027-06-30")]


def test_an_unreadable_stored_date_is_an_error_not_silently_no_date(database):
    db.set_setting(database, retention.SETTING, "soon")
    with pytest.raises(retention.RetentionError) as e:
        retention.retention_date(database)
    assert e.value.params == {"value": "soon"}
    assert "Data og sletning" in e.value.text(i18n.translator("da"))


def test_due_on_and_after_the_date():
    assert not retention.is_due(None, TODAY)
    assert not retention.is_due(TODAY + timedelta(days=1), TODAY)
    assert retention.is_due(TODAY, TODAY) and retention.is_due(TODAY - timedelta(days=3), TODAY)


def test_describe_says_what_the_date_means():
    t = i18n.translator("en")
    fmt = date.isoformat
    assert retention.describe(None, TODAY, fmt, t) == "No date for deleting the raw answers has been set yet."
    assert retention.describe(date(2027, 7, 1), TODAY, fmt, t) == "The raw answers are set to be deleted on 2027-07-01."
    assert "Since 2027-05-01" in retention.describe(date(2027, 5, 1), TODAY, fmt, t)


# --- deleting -------------------------------------------------------------------------------------


def test_delete_now_removes_submitted_answers_and_keeps_scores_history_and_drafts(database, framework):
    first = _submitted(database, framework, 1)
    second = _submitted(database, framework, 2, answered=30)
    draft = _draft(database, framework, 3, date(2027, 1, 5))
    scores_before = answering.history(database, _respondent(1), SECRET)[0].scores
    preview = retention.plan(database)
    assert (preview.assessments, preview.answers, preview.drafts) == (2, 50, 0)
    assert retention.has_raw_answers(database, first.id)
    database.execute("PRAGMA secure_delete = 0")  # as builds without SQLITE_SECURE_DELETE start

    done = retention.delete(database, "admin")

    assert done == preview
    assert _answer_count(database, first.id) == 0 and _answer_count(database, second.id) == 0
    assert not retention.has_raw_answers(database, first.id)
    assert _answer_count(database, draft.id) == 5  # the leader still needs the draft
    assert answering.draft(database, _respondent(3)) is not None
    history = answering.history(database, _respondent(1), SECRET)
    assert [a.id for a in history] == [first.id] and history[0].scores == scores_before
    assert history[0].submitted == "2027-01-10"  # the leader's own dates still open
    assert retention.scored_without_answers(database) == 2
    assert retention.open_drafts(database) == (1, 5)
    entry = audit.recent(database)[0]
    assert entry["actor"] == "admin" and entry["action"] == "retention: now"
    assert entry["detail"] == "deleted the raw answers of 2 submitted assessments (50 answers)"
    assert database.execute("PRAGMA secure_delete").fetchone()[0] == 0  # turned on for the deletion, then restored
    # nothing left: a second run changes nothing and logs nothing
    assert retention.delete(database, "admin").empty
    assert len(audit.recent(database)) == 1


def _marks(database, assessment_id: int) -> dict:
    return dict(database.execute("SELECT competence, value FROM importance WHERE assessment_id = ?", [assessment_id]).fetchall())


def test_importance_marks_go_with_the_raw_answers_and_published_ones_stay(database, framework):
    first = _submitted(database, framework, 1)
    second = _submitted(database, framework, 2)
    importance.save(database, first.id, {"info_search": "important", "safe_data": "not_relevant"}, framework)
    importance.save(database, second.id, {"comm_share": "less"}, framework)
    with db.write(database):  # a publication's snapshot of the first attempt's marks
        database.execute("INSERT INTO published_importance VALUES (?, 'info_search', 'important')", [first.id])
    draft = _draft(database, framework, 3, date(2027, 1, 5))
    preview = retention.plan(database)
    assert (preview.assessments, preview.answers, preview.marks) == (2, 40, 3)

    done = retention.delete(database, "admin")

    assert done.marks == 3
    assert _marks(database, first.id) == {} and _marks(database, second.id) == {}
    assert database.execute("SELECT COUNT(*) FROM published_importance").fetchone()[0] == 1
    assert _answer_count(database, draft.id) == 5
    assert audit.recent(database)[0]["detail"] == (
        "deleted the raw answers of 2 submitted assessments (40 answers) and 3 importance marks")
    # marks given after the answers went are deleted by the next run (the due date's daily run)
    importance.save(database, first.id, {"prod_rights": "less"}, framework)
    retention.set_retention_date(database, TODAY, "admin", TODAY)
    result = retention.apply_due(database, TODAY, "cron", SECRET)
    assert result.due and result.plan.marks == 1 and result.plan.answers == 0
    assert _marks(database, first.id) == {}


def test_a_draft_submitted_after_deletion_can_be_deleted_in_turn(database, framework):
    _submitted(database, framework, 1)
    retention.delete(database, "admin")
    later = _submitted(database, framework, 2, day=date(2027, 2, 1))
    assert retention.has_raw_answers(database, later.id)
    assert retention.delete(database, "admin").assessments == 1
    assert not retention.has_raw_answers(database, later.id)


def test_the_due_date_discards_drafts_started_before_it_and_keeps_newer_ones(database, framework):
    done = _submitted(database, framework, 1)
    old = _draft(database, framework, 2, date(2027, 5, 30))
    new = _draft(database, framework, 3, date(2027, 6, 1))
    retention.set_retention_date(database, "2027-06-01", "admin", date(2027, 5, 1))

    early = retention.apply_due(database, date(2027, 5, 31), "cron", SECRET)
    assert early == retention.RunResult(date(2027, 6, 1), False, None)
    assert _answer_count(database, done.id) == 20

    dry = retention.apply_due(database, TODAY, "cron", SECRET, dry_run=True)
    assert dry.due and (dry.plan.assessments, dry.plan.answers, dry.plan.drafts, dry.plan.draft_answers) == (1, 20, 1, 5)
    assert _answer_count(database, done.id) == 20 and _answer_count(database, old.id) == 5  # dry run: nothing

    result = retention.apply_due(database, TODAY, "cron", SECRET)
    assert result.plan == dry.plan
    assert _answer_count(database, done.id) == 0
    assert database.execute("SELECT COUNT(*) FROM assessments WHERE id = ?", [old.id]).fetchone()[0] == 0
    assert answering.draft(database, _respondent(2)) is None
    assert answering.draft(database, _respondent(3)).id == new.id and _answer_count(database, new.id) == 5
    assert answering.history(database, _respondent(1), SECRET)[0].scores is not None
    entry = audit.recent(database)[0]
    assert entry["action"] == "retention: due date" and entry["actor"] == "cron"
    assert "1 unfinished drafts started before 2027-06-01 (5 answers)" in entry["detail"]


def test_a_draft_whose_day_cannot_be_read_is_kept(database, framework):
    kept = _draft(database, framework, 2, date(2027, 1, 1))
    assert retention.stale_drafts(database, TODAY, SECRET) == [kept.id]
    assert retention.stale_drafts(database, TODAY, "another-secret-" + "z" * 32) == []
    assert retention.stale_drafts(database, TODAY, "") == []


# --- the command line -----------------------------------------------------------------------------


def _submitted_answers(d) -> int:
    return d.execute(
        "SELECT COUNT(*) FROM answers a JOIN assessments s ON s.id = a.assessment_id WHERE s.status = 'submitted'"
    ).fetchone()[0]


def test_cli_without_a_date_deletes_nothing_and_now_deletes(demo_db, capsys):
    before = _submitted_answers(demo_db)
    assert before > 0
    assert main(["retention"]) == 0
    assert "no deletion date is set: nothing deleted" in capsys.readouterr().out
    assert main(["retention", "--now", "--dry-run"]) == 0
    assert "would delete the raw answers of " in capsys.readouterr().out
    assert _submitted_answers(demo_db) == before
    assert main(["retention", "--now"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("deleted the raw answers of ") and f"({before} answers)" in out
    assert _submitted_answers(demo_db) == 0
    assert audit.recent(demo_db)[0]["actor"] == "command line"


def test_cli_applies_a_due_date_for_cron(demo_db, capsys):
    retention.set_retention_date(demo_db, "2030-01-31", "admin", date(2030, 1, 1))
    assert main(["retention", "--today", "2030-01-30"]) == 0
    assert "the deletion date 2030-01-31 is not due yet: nothing deleted" in capsys.readouterr().out
    assert main(["retention", "--dry-run", "--today", "2030-01-31"]) == 0
    assert "deletion date 2030-01-31 is due: would delete the raw answers of" in capsys.readouterr().out
    assert _submitted_answers(demo_db) > 0
    assert main(["retention", "--today", "2030-01-31"]) == 0
    assert "is due: deleted the raw answers of" in capsys.readouterr().out
    assert _submitted_answers(demo_db) == 0


def test_cli_reports_a_bad_date(demo_db, capsys):
    assert main(["retention", "--today", "tomorrow"]) == 2
    assert "--today must be a date" in capsys.readouterr().err
    db.set_setting(demo_db, retention.SETTING, "never")
    assert main(["retention"]) == 1
    assert "The stored deletion date “never” is not a date" in capsys.readouterr().err
