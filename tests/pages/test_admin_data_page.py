"""AppTest: the administrator's page Data og sletning (delete raw answers now, with a
confirmation step, or from a date) and the leader's wheel after the answers are gone."""

from datetime import date, timedelta

import pytest

from digled.accounts import auth
from digled.assessment import answering, retention
from digled.content import loader
from digled.platform import audit, pseudonyms
from tests.apptest import app_as, page_text
from tests.conftest import SECRET

PAGE = "pages/admin_data.py"


def _submitted_answers(d) -> int:
    return d.execute(
        "SELECT COUNT(*) FROM answers a JOIN assessments s ON s.id = a.assessment_id WHERE s.status = 'submitted'"
    ).fetchone()[0]


def _leader_draft(demo_db) -> int:
    fw = loader.framework()
    respondent = pseudonyms.of_user(SECRET, auth.get_user(demo_db, "leder").id)
    d = answering.start(demo_db, respondent, "start", secret=SECRET)
    for q in answering.question_ids(fw)[:4]:
        answering.save_answer(demo_db, fw, d.id, q, 2)
    return d.id


@pytest.mark.parametrize("lang, title", [("da", "Data og sletning"), ("en", "Data and retention")])
def test_the_page_shows_what_is_stored(demo_db, lang, title):
    at = app_as("admin", lang=lang).run()
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    assert at.title[0].value == title
    n, answers = retention.plan(demo_db).assessments, retention.plan(demo_db).answers
    expected = {"da": f"Indsendte afklaringer, der stadig har deres enkelte svar: {n} ({answers} svar).",
                "en": f"Submitted assessments that still hold their raw answers: {n} ({answers} answers)."}[lang]
    assert expected in page_text(at)


def test_delete_now_asks_first_and_cancel_keeps_everything(demo_db):
    before = _submitted_answers(demo_db)
    at = app_as("admin", page=PAGE).run()
    at.button(key="retention_start").click().run()
    assert any("This cannot be undone." in w.value for w in at.warning)
    at.button(key="retention_cancel").click().run()
    assert not at.warning and _submitted_answers(demo_db) == before
    assert at.button(key="retention_start")


def test_delete_now_after_confirming_keeps_scores_and_drafts(demo_db):
    draft_id = _leader_draft(demo_db)
    scores = demo_db.execute("SELECT COUNT(*) FROM assessments WHERE status = 'submitted' AND scores IS NOT NULL").fetchone()[0]
    n = retention.plan(demo_db).assessments
    at = app_as("admin", page=PAGE, lang="da").run()
    at.button(key="retention_start").click().run()
    at.button(key="retention_confirm").click().run()
    assert not at.exception
    assert any(f"De enkelte svar fra {n} indsendte afklaringer" in s.value for s in at.success)
    assert _submitted_answers(demo_db) == 0
    assert demo_db.execute("SELECT COUNT(*) FROM answers WHERE assessment_id = ?", [draft_id]).fetchone()[0] == 4
    assert demo_db.execute("SELECT COUNT(*) FROM assessments WHERE status = 'submitted' AND scores IS NOT NULL").fetchone()[0] == scores
    assert audit.recent(demo_db)[0]["action"] == "retention: now"
    assert "Der er ingen enkelte svar fra indsendte afklaringer at slette." in page_text(at)


def test_a_past_date_is_refused_in_danish_and_a_future_one_saved(demo_db):
    at = app_as("admin", page=PAGE, lang="da").run()
    at.date_input(key="retention_date").set_value(date.today() - timedelta(days=2))
    at.button(key="save_retention_date").click().run()
    assert [e.value for e in at.error] == [
        "Slettedatoen kan ikke ligge i fortiden. Brug »Slet de enkelte svar nu« for at slette svarene med det samme."
    ]
    assert retention.retention_date(demo_db) is None
    future = date.today() + timedelta(days=60)
    at.date_input(key="retention_date").set_value(future)
    at.button(key="save_retention_date").click().run()
    assert not at.error
    assert retention.retention_date(demo_db) == future
    assert any(s.value.startswith("Gemt: de enkelte svar slettes fra") for s in at.success)
    assert "Som det ser ud nu, vil datoen slette" in page_text(at)
    at.button(key="clear_retention_date").click().run()
    assert retention.retention_date(demo_db) is None
    assert "Slettedatoen er fjernet." in [s.value for s in at.success]


def test_saving_without_a_date_asks_for_one(demo_db):
    at = app_as("admin", page=PAGE).run()
    at.button(key="save_retention_date").click().run()
    assert [e.value for e in at.error] == ["Choose a date first, or remove the date."]


def test_a_due_date_shows_what_waits_for_the_daily_run(demo_db):
    retention.set_retention_date(demo_db, date.today(), "admin")
    at = app_as("admin", page=PAGE).run()
    assert any(w.value.startswith("Waiting for the next daily run") for w in at.warning)


def test_the_page_is_for_administrators_only(demo_db):
    for username in ("leder", "ledelse"):
        at = app_as(username, page=PAGE).run()
        assert "You do not have access to this page." in [e.value for e in at.error]
        assert not at.get("date_input")


def test_the_leaders_wheel_and_report_work_after_deletion(demo_db):
    retention.delete(demo_db, "admin")
    username = demo_db.execute(
        "SELECT u.username FROM users u JOIN participation p ON p.user_id = u.id "
        "WHERE p.round = 'start' ORDER BY u.id LIMIT 1"
    ).fetchone()[0]
    at = app_as(username, lang="en").run()
    at.switch_page("pages/my_results.py").run()
    assert not at.exception and not at.error
    assert "The individual answers of this attempt have been deleted (data retention)." in page_text(at)
    assert at.get("download_button")
    assert "Your three strongest competences" in page_text(at)
